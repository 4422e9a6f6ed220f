//! What a clip's file is, found before planning: a video (probed like `probe`) or a still image
//! (PNG, JPEG, WebP: only its header is read here).

use std::io::{BufReader, Read};
use std::path::Path;

use crate::error::{Error, Result};
use crate::source::open::{MAX_SOURCE_PIXELS, MAX_SOURCE_SIDE};
use crate::source::probe::{probe, MediaInfo};

#[derive(Debug, Clone)]
pub enum Asset {
    Video(MediaInfo),
    /// A still image of this size.
    Still { width: u32, height: u32 },
}

/// Image formats a still clip may be in.
const STILL_FORMATS: [image::ImageFormat; 3] = [image::ImageFormat::Png, image::ImageFormat::Jpeg, image::ImageFormat::WebP];

/// Probes the file at `path`: a still image by its signature, anything else as a video.
pub fn probe_asset(path: &Path) -> Result<Asset> {
    match still_format(path)? {
        Some(format) => {
            let (width, height) = image_size(path, format)?;
            Ok(Asset::Still { width, height })
        }
        None => Ok(Asset::Video(probe(path)?)),
    }
}

/// The image format of `path` if its first bytes are a PNG, JPEG or WebP signature.
pub fn still_format(path: &Path) -> Result<Option<image::ImageFormat>> {
    let mut head = [0u8; 16];
    let n = match crate::files::open_regular(path, "clip") {
        Ok(mut f) => f.read(&mut head).map_err(|e| Error::io_at(path, e))?,
        // The video path reports missing files and non-files with its own words.
        Err(_) => return Ok(None),
    };
    Ok(image::guess_format(&head[..n]).ok().filter(|f| STILL_FORMATS.contains(f)))
}

/// Upright width and height from the image's header (EXIF orientation applied: phone photos are
/// often stored sideways), refused beyond the largest source clipforge reads.
pub fn image_size(path: &Path, format: image::ImageFormat) -> Result<(u32, u32)> {
    use image::ImageDecoder;
    let file = crate::files::open_regular(path, "image")?;
    let bad = |e: image::ImageError| Error::unsupported(format!("{}: not a readable image: {}", path.display(), crate::error::snippet(&e.to_string())));
    let mut decoder = image::ImageReader::with_format(BufReader::new(file), format).into_decoder().map_err(bad)?;
    let (w, h) = decoder.dimensions();
    check_image_size(path, w, h)?;
    let sideways = decoder.orientation().is_ok_and(|o| {
        use image::metadata::Orientation::*;
        matches!(o, Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH)
    });
    Ok(if sideways { (h, w) } else { (w, h) })
}

pub fn check_image_size(path: &Path, w: u32, h: u32) -> Result<()> {
    if w > MAX_SOURCE_SIDE || h > MAX_SOURCE_SIDE || u64::from(w) * u64::from(h) > MAX_SOURCE_PIXELS {
        return Err(Error::limit(format!("{} is {w}x{h}; images up to 8192 px a side (8192x4320 in all) are read", path.display())));
    }
    if w < 2 || h < 2 {
        return Err(Error::unsupported(format!("{} is {w}x{h}; too small to show", path.display())));
    }
    Ok(())
}
