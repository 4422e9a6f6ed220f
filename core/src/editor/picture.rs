//! A picture an app shows as it is: 8-bit sRGB RGBA, or the same encoded as PNG / JPEG.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::frame::Frame;

/// Tightly packed RGBA (row after row, 4 bytes a pixel, alpha 255).
#[derive(Clone, PartialEq, Eq)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

impl std::fmt::Debug for Picture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Picture({}x{})", self.width, self.height)
    }
}

/// How a picture leaves the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    /// The RGBA bytes themselves (nothing to decode on the app's side).
    #[default]
    Rgba,
    Png,
    /// Quality 85.
    Jpeg,
}

impl ImageFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Rgba => "rgba",
            ImageFormat::Png => "png",
            ImageFormat::Jpeg => "jpg",
        }
    }

    /// From a file name's extension (png, jpg/jpeg), for the CLI's `-o f.png`.
    pub fn from_path(path: &Path) -> Option<ImageFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "png" => Some(ImageFormat::Png),
            "jpg" | "jpeg" => Some(ImageFormat::Jpeg),
            "rgba" => Some(ImageFormat::Rgba),
            _ => None,
        }
    }
}

impl Picture {
    pub fn from_frame(frame: &Frame) -> Picture {
        Picture { width: frame.width, height: frame.height, rgba: crate::frame::rgb::to_rgba(frame) }
    }

    /// The picture as `format` bytes.
    pub fn encode(&self, format: ImageFormat) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        match format {
            ImageFormat::Rgba => return Ok(self.rgba.clone()),
            ImageFormat::Png => image::codecs::png::PngEncoder::new_with_quality(
                &mut out,
                image::codecs::png::CompressionType::Fast,
                image::codecs::png::FilterType::Adaptive,
            )
            .write_image(&self.rgba, self.width, self.height, image::ExtendedColorType::Rgba8),
            ImageFormat::Jpeg => {
                // JPEG has no alpha: drop it (every pixel is opaque).
                let rgb: Vec<u8> = self.rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode(&rgb, self.width, self.height, image::ExtendedColorType::Rgb8)
            }
        }
        .map_err(|e| Error::internal(format!("cannot encode a {}x{} picture: {e}", self.width, self.height)))?;
        Ok(out)
    }

    /// Writes the picture as `format` to `path`, through a temporary file beside it (never half a file).
    pub fn write(&self, path: &Path, format: ImageFormat) -> Result<()> {
        let bytes = self.encode(format)?;
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io_at(dir, e))?;
        std::io::Write::write_all(&mut tmp, &bytes).map_err(|e| Error::io_at(path, e))?;
        // A picture to share with the app's UI, not a secret: the usual rw-r--r--.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644));
        }
        tmp.persist(path).map_err(|e| Error::io_at(path, e.error))?;
        Ok(())
    }
}

use image::ImageEncoder as _;

/// Upright picture size for a requested `height`: the source's aspect, even sides, never larger
/// than the source (the source's own height when `height` exceeds it).
pub fn size_for_height(src_w: u32, src_h: u32, height: u32) -> (u32, u32) {
    let h = height.min(src_h).max(2) & !1;
    let w = ((f64::from(src_w) * f64::from(h) / f64::from(src_h) / 2.0).round() as u32 * 2).max(2);
    (w, h)
}

/// Refuses a requested picture height outside 16–4320 (clear error instead of a 0-pixel picture).
pub fn check_height(height: u32, what: &str) -> Result<()> {
    if !(16..=4320).contains(&height) {
        return Err(Error::invalid(format!("{what}: height must be 16–4320 pixels, got {height}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Yuv;

    #[test]
    fn sizes_keep_the_aspect_and_never_upscale() {
        assert_eq!(size_for_height(1920, 1080, 360), (640, 360));
        assert_eq!(size_for_height(1080, 1920, 160), (90, 160));
        assert_eq!(size_for_height(640, 360, 1080), (640, 360));
        assert_eq!(size_for_height(641, 361, 101), (178, 100));
    }

    #[test]
    fn encodes_png_and_jpeg_that_decode_back() {
        let p = Picture::from_frame(&Frame::filled(64, 32, Yuv::from_rgb(200, 30, 30)));
        for f in [ImageFormat::Png, ImageFormat::Jpeg] {
            let bytes = p.encode(f).unwrap();
            let back = image::load_from_memory(&bytes).unwrap().to_rgb8();
            assert_eq!((back.width(), back.height()), (64, 32));
            let px = back.get_pixel(10, 10);
            assert!((i32::from(px[0]) - 200).abs() < 6 && px[1] < 40, "{f:?}: {px:?}");
        }
        assert_eq!(p.encode(ImageFormat::Rgba).unwrap(), p.rgba);
        assert!(check_height(8, "x").is_err() && check_height(160, "x").is_ok());
    }
}
