//! Overlay pictures read once at plan time: a still (PNG, JPEG, WebP) or the frames of an animated
//! sticker (GIF, APNG, animated WebP), as premultiplied RGBA, under size and frame caps.

use std::io::BufReader;
use std::path::Path;

use image::{AnimationDecoder, ImageDecoder, ImageFormat};

use crate::error::{snippet, Error, Result};

/// Largest overlay picture (per side) and animation read; beyond, `LimitExceeded`.
pub const MAX_SIDE: u32 = 4096;
pub const MAX_FRAMES: usize = 300;
/// Decoded bytes of all frames of one overlay.
pub const MAX_DECODED_BYTES: u64 = 128 << 20;

/// Premultiplied RGBA pictures and how long each is shown (seconds; one frame for a still).
#[derive(Debug, Clone)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub frames: Vec<(Vec<u8>, f64)>,
}

impl Picture {
    /// Seconds one loop of the animation lasts (0 for a still).
    pub fn period(&self) -> f64 {
        if self.frames.len() < 2 { 0.0 } else { self.frames.iter().map(|f| f.1).sum() }
    }

    /// The frame shown `t` seconds after the overlay appears (animations loop).
    pub fn frame_at(&self, t: f64) -> usize {
        let period = self.period();
        if period <= 0.0 {
            return 0;
        }
        let mut t = t.rem_euclid(period);
        for (i, f) in self.frames.iter().enumerate() {
            if t < f.1 {
                return i;
            }
            t -= f.1;
        }
        self.frames.len() - 1
    }
}

/// Reads `path` (named `what` in errors).
pub fn load(path: &Path, what: &str) -> Result<Picture> {
    let file = crate::files::open_regular(path, what)?;
    let reader = image::ImageReader::new(BufReader::new(file))
        .with_guessed_format()
        .map_err(|e| Error::io(format!("{what} {}: {e}", path.display())))?;
    let format = reader.format().ok_or_else(|| Error::unsupported(format!("{what} {}: not an image clipforge reads (PNG, JPEG, WebP, GIF)", path.display())))?;
    let bad = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => Error::limit(format!("{what} {}: larger than {MAX_SIDE}x{MAX_SIDE} or {} MB decoded", path.display(), MAX_DECODED_BYTES >> 20)),
        e => Error::unsupported(format!("{what} {}: cannot be decoded: {}", path.display(), snippet(&e.to_string()))),
    };
    let (w, h) = reader.into_dimensions().map_err(bad)?;
    if w > MAX_SIDE || h > MAX_SIDE || w == 0 || h == 0 {
        return Err(Error::limit(format!("{what} {} is {w}x{h}; overlays up to {MAX_SIDE}x{MAX_SIDE} are read", path.display())));
    }
    let open = || -> Result<BufReader<std::fs::File>> { Ok(BufReader::new(crate::files::open_regular(path, what)?)) };
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    let frames = match format {
        ImageFormat::Gif => {
            let mut d = image::codecs::gif::GifDecoder::new(open()?).map_err(bad)?;
            d.set_limits(limits).map_err(bad)?;
            animation(d.into_frames(), what, path)?
        }
        ImageFormat::Png => {
            let mut d = image::codecs::png::PngDecoder::new(open()?).map_err(bad)?;
            d.set_limits(limits.clone()).map_err(bad)?;
            if d.is_apng().map_err(bad)? {
                animation(d.apng().map_err(bad)?.into_frames(), what, path)?
            } else {
                vec![(still(d).map_err(bad)?, 0.0)]
            }
        }
        ImageFormat::WebP => {
            let mut d = image::codecs::webp::WebPDecoder::new(open()?).map_err(bad)?;
            d.set_limits(limits).map_err(bad)?;
            if d.has_animation() {
                animation(d.into_frames(), what, path)?
            } else {
                vec![(still(d).map_err(bad)?, 0.0)]
            }
        }
        ImageFormat::Jpeg => {
            let mut d = image::codecs::jpeg::JpegDecoder::new(open()?).map_err(bad)?;
            d.set_limits(limits).map_err(bad)?;
            vec![(still(d).map_err(bad)?, 0.0)]
        }
        f => return Err(Error::unsupported(format!("{what} {}: {f:?} images are not read; use PNG, WebP, GIF or JPEG", path.display()))),
    };
    let mut frames: Vec<(Vec<u8>, f64)> = frames;
    for (rgba, _) in &mut frames {
        premultiply(rgba);
    }
    Ok(Picture { width: w, height: h, frames })
}

fn still(d: impl ImageDecoder) -> image::ImageResult<Vec<u8>> {
    Ok(image::DynamicImage::from_decoder(d)?.into_rgba8().into_raw())
}

fn animation(frames: image::Frames<'_>, what: &str, path: &Path) -> Result<Vec<(Vec<u8>, f64)>> {
    let mut out = Vec::new();
    let mut bytes = 0u64;
    for f in frames {
        let f = f.map_err(|e| Error::unsupported(format!("{what} {}: a frame cannot be decoded: {}", path.display(), snippet(&e.to_string()))))?;
        let (num, den) = f.delay().numer_denom_ms();
        // Browsers show delays under 20 ms as 100 ms; so do we.
        let ms = if den == 0 { 100.0 } else { f64::from(num) / f64::from(den) };
        let seconds = if ms < 20.0 { 0.1 } else { ms / 1000.0 };
        let rgba = f.into_buffer().into_raw();
        bytes += rgba.len() as u64;
        if out.len() == MAX_FRAMES || bytes > MAX_DECODED_BYTES {
            return Err(Error::limit(format!(
                "{what} {}: more than {MAX_FRAMES} frames or {} MB decoded",
                path.display(),
                MAX_DECODED_BYTES >> 20
            )));
        }
        out.push((rgba, seconds));
    }
    if out.is_empty() {
        return Err(Error::unsupported(format!("{what} {}: the animation has no frames", path.display())));
    }
    Ok(out)
}

/// Straight alpha → premultiplied, in place.
pub fn premultiply(rgba: &mut [u8]) {
    for p in rgba.chunks_exact_mut(4) {
        let a = u16::from(p[3]);
        for c in &mut p[..3] {
            *c = ((u16::from(*c) * a + 127) / 255) as u8;
        }
    }
}
