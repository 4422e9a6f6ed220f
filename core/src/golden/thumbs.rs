//! Small RGB pictures of chosen output frames, decoded with FFmpeg (the same libraries a player uses).

use std::path::Path;

use ffmpeg_next as ff;

use crate::error::{Error, Result};
use crate::frame::Frame;
use crate::source::open::open_input;
use crate::source::video::VideoDecoder;

/// An 8-bit RGB picture, rows packed.
#[derive(Clone, PartialEq, Eq)]
pub struct Thumb {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

impl std::fmt::Debug for Thumb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Thumb({}x{})", self.width, self.height)
    }
}

impl Thumb {
    pub fn load_png(path: &Path) -> Result<Thumb> {
        let img = image::open(path).map_err(|e| Error::io(format!("{}: {e}", path.display())))?.to_rgb8();
        Ok(Thumb { width: img.width(), height: img.height(), rgb: img.into_raw() })
    }

    pub fn save_png(&self, path: &Path) -> Result<()> {
        image::save_buffer(path, &self.rgb, self.width, self.height, image::ExtendedColorType::Rgb8)
            .map_err(|e| Error::io(format!("{}: {e}", path.display())))
    }

    /// BT.709 limited-range YUV → RGB.
    pub fn from_frame(f: &Frame) -> Thumb {
        let (w, h) = (f.width as usize, f.height as usize);
        let mut rgb = Vec::with_capacity(w * h * 3);
        for y in 0..h {
            for x in 0..w {
                let c = (y / 2) * (w / 2) + x / 2;
                let yy = (f64::from(f.y[y * w + x]) - 16.0) * 255.0 / 219.0;
                let u = (f64::from(f.u[c]) - 128.0) * 255.0 / 224.0;
                let v = (f64::from(f.v[c]) - 128.0) * 255.0 / 224.0;
                let q = |x: f64| x.round().clamp(0.0, 255.0) as u8;
                rgb.extend_from_slice(&[q(yy + 1.5748 * v), q(yy - 0.1873 * u - 0.4681 * v), q(yy + 1.8556 * u)]);
            }
        }
        Thumb { width: f.width, height: f.height, rgb }
    }
}

/// Decodes `path` and returns, for each of `indices` (frame numbers in display order), that frame
/// scaled so its short side is `short` (indices past the end give the last frame).
pub fn decode_thumbs(path: &Path, indices: &[u32], short: u32) -> Result<Vec<Thumb>> {
    let mut input = open_input(path)?;
    let stream = input.streams().best(ff::media::Type::Video).ok_or_else(|| Error::unsupported("no video stream"))?;
    let index = stream.index();
    let (w, h) = {
        let p = stream.parameters();
        // SAFETY: reading plain fields of live codec parameters.
        let p = unsafe { &*p.as_ptr() };
        (p.width.max(2) as f64, p.height.max(2) as f64)
    };
    let scale = f64::from(short) / w.min(h);
    let even = |x: f64| ((x / 2.0).round() as u32 * 2).max(2);
    let mut dec = VideoDecoder::new(&stream, 0, even(w * scale), even(h * scale))?;
    let last_wanted = indices.iter().copied().max().unwrap_or(0);
    let mut picked: Vec<Option<Thumb>> = vec![None; indices.len()];
    let mut n = 0u32;
    let mut last: Option<Frame> = None;
    let take = |frame: Frame, n: u32, picked: &mut Vec<Option<Thumb>>| {
        for (slot, &i) in picked.iter_mut().zip(indices) {
            if i == n {
                *slot = Some(Thumb::from_frame(&frame));
            }
        }
        frame
    };
    let mut packet = ff::Packet::empty();
    'read: loop {
        let eof = packet.read(&mut input).is_err();
        if eof {
            dec.send_eof();
        } else if packet.stream() == index {
            dec.send(&packet);
        } else {
            continue;
        }
        while let Some((_, frame)) = dec.receive()? {
            last = Some(take(frame, n, &mut picked));
            n += 1;
            if n > last_wanted {
                break 'read;
            }
        }
        if eof {
            break;
        }
    }
    let last = last.ok_or_else(|| Error::unsupported(format!("{}: no frame decodes", path.display())))?;
    let fallback = Thumb::from_frame(&last);
    Ok(picked.into_iter().map(|p| p.unwrap_or_else(|| fallback.clone())).collect())
}
