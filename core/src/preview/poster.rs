//! The poster frame as a picture file: the frame at a time, decoded at the requested size,
//! converted once to RGB and written as JPEG, PNG or WebP (atomically).

use std::path::Path;

use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};

use super::candidates::work_size;
use crate::error::{Error, Result};
use crate::frame::Frame;
use crate::source::open::{reuse_or_open, seek_or_reopen};
use crate::source::probe::probe_input;
use crate::source::video::{DecodeOnly, VideoDecoder};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PosterFormat {
    #[default]
    Jpeg,
    Png,
    /// Lossless WebP (the `image` crate's encoder).
    Webp,
}

impl PosterFormat {
    pub fn extension(self) -> &'static str {
        match self {
            PosterFormat::Jpeg => "jpg",
            PosterFormat::Png => "png",
            PosterFormat::Webp => "webp",
        }
    }
}

/// The upright frame shown at `time`, with short side `short_side` (never upscaled). With
/// `DecodeOnly::References` the frames nothing refers to are not decoded on the way: right for
/// candidate times, which are keyframes or reference frames (`candidates` decodes only those);
/// for another time it gives the last reference frame before it. `opened`: `clip` already opened
/// by an earlier stage, read on from here.
pub fn frame_at(clip: &Path, opened: Option<ff::format::context::Input>, time: f64, short_side: u32, decode: DecodeOnly) -> Result<Frame> {
    let (mut input, read_before) = reuse_or_open(opened, clip)?;
    let info = probe_input(&input, clip);
    let (_, v) = info.video().ok_or_else(|| Error::unsupported(format!("{}: has no video stream", clip.display())))?;
    let (w, h) = work_size(v.display_width, v.display_height, short_side);
    let stream = input.streams().best(ff::media::Type::Video).ok_or_else(|| Error::unsupported("the source has no video stream"))?;
    let vindex = stream.index();
    let mut dec = VideoDecoder::new(&stream, v.rotation, w, h)?;
    dec.set_decode(decode);
    let step = if v.fps > 0.0 { 1.0 / v.fps } else { 1.0 / 30.0 };
    seek_or_reopen(&mut input, clip, time, read_before)?;
    let mut best: Option<(f64, Frame)> = None;
    let mut done = false;
    // Frames more than a frame before `time` are decoded only to reach it: not converted.
    let wanted = |t: f64| t + 1.5 * step >= time;
    let consider = |t: f64, f: Option<Frame>, best: &mut Option<(f64, Frame)>| -> bool {
        // The last frame not after `time` (within half a frame) is the one shown at `time`.
        if let Some(f) = f {
            if t <= time + step / 2.0 || best.is_none() {
                *best = Some((t, f));
            }
        }
        t >= time - step / 2.0
    };
    let mut reader = crate::source::packets::PacketReader::default();
    while !done {
        let Some(packet) = reader.next(&mut input) else { break };
        if packet.stream() != vindex {
            continue;
        }
        dec.send(&packet);
        while let Some((t, f)) = dec.receive_where(wanted)? {
            if consider(t, f, &mut best) {
                done = true;
                break;
            }
        }
    }
    if !done {
        dec.send_eof();
        while let Some((t, f)) = dec.receive_where(wanted)? {
            if consider(t, f, &mut best) {
                break;
            }
        }
    }
    best.map(|(_, f)| f).ok_or_else(|| Error::unsupported(format!("{}: no frame decodes at {time:.3} s", clip.display())))
}

/// Writes `frame` to `path` as `format`, through a temporary file beside it.
pub fn write(frame: &Frame, path: &Path, format: PosterFormat) -> Result<()> {
    let img = image::RgbImage::from_raw(frame.width, frame.height, crate::frame::rgb::to_rgb(frame))
        .ok_or_else(|| Error::internal("poster buffer has the wrong size"))?;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io_at(dir, e))?;
    {
        let mut out = std::io::BufWriter::new(tmp.as_file());
        let res = match format {
            PosterFormat::Jpeg => image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img),
            PosterFormat::Png => img.write_to(&mut out, image::ImageFormat::Png),
            PosterFormat::Webp => img.write_with_encoder(image::codecs::webp::WebPEncoder::new_lossless(&mut out)),
        };
        res.map_err(|e| Error::io(format!("cannot write poster {}: {e}", path.display())))?;
        std::io::Write::flush(&mut out).map_err(|e| Error::io_at(path, e))?;
    }
    // A picture to share with the app's UI, not a secret: the usual rw-r--r--.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    tmp.persist(path).map_err(|e| Error::io_at(path, e.error))?;
    Ok(())
}
