//! A still image clip decoded once into the pipeline's picture: upright (EXIF orientation), alpha
//! over black, resized to the clip's working size, 8-bit BT.709 limited-range 4:2:0.

use std::io::BufReader;
use std::path::Path;

use fast_image_resize::images::Image as FirImage;
use fast_image_resize::{PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::ImageDecoder;

use crate::error::{snippet, Error, Result};
use crate::frame::Frame;
use crate::source::open::{MAX_SOURCE_PIXELS, MAX_SOURCE_SIDE};

/// Decodes the still at `path` to a `w`x`h` frame (both even).
pub fn load(path: &Path, w: u32, h: u32) -> Result<Frame> {
    let bad = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => Error::limit(format!("{}: the image is too large to decode", path.display())),
        e => Error::unsupported(format!("{}: the image cannot be decoded: {}", path.display(), snippet(&e.to_string()))),
    };
    let file = crate::files::open_regular(path, "image")?;
    let mut decoder = image::ImageReader::new(BufReader::new(file))
        .with_guessed_format()
        .map_err(|e| Error::io_at(path, e))?
        .into_decoder()
        .map_err(bad)?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SOURCE_SIDE);
    limits.max_image_height = Some(MAX_SOURCE_SIDE);
    limits.max_alloc = Some(MAX_SOURCE_PIXELS * 8);
    decoder.set_limits(limits).map_err(bad)?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = image::DynamicImage::from_decoder(decoder).map_err(bad)?;
    img.apply_orientation(orientation);
    let rgba = img.into_rgba8();
    let (sw, sh) = rgba.dimensions();
    let mut px = rgba.into_raw();
    crate::overlay::images::premultiply(&mut px);
    let src = FirImage::from_vec_u8(sw, sh, px, PixelType::U8x4).map_err(|e| Error::internal(format!("still image buffer: {e}")))?;
    let mut dst = FirImage::new(w, h, PixelType::U8x4);
    let opts = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(fast_image_resize::FilterType::CatmullRom)).use_alpha(false);
    Resizer::new().resize(&src, &mut dst, &opts).map_err(|e| Error::internal(format!("still image resize: {e}")))?;
    Ok(rgba_to_yuv420(dst.buffer(), w, h))
}

/// Premultiplied RGBA (alpha over black) → limited-range BT.709 4:2:0; chroma averaged over 2x2.
pub fn rgba_to_yuv420(rgba: &[u8], w: u32, h: u32) -> Frame {
    let (w, h) = (w as usize, h as usize);
    let mut f = Frame { width: w as u32, height: h as u32, y: vec![0; w * h], u: vec![0; w * h / 4], v: vec![0; w * h / 4] };
    let q = |v: f32| v.round().clamp(0.0, 255.0) as u8;
    let comps = |i: usize| {
        let p = &rgba[i * 4..i * 4 + 3];
        let (r, g, b) = (f32::from(p[0]) / 255.0, f32::from(p[1]) / 255.0, f32::from(p[2]) / 255.0);
        let l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        (l, (b - l) / 1.8556, (r - l) / 1.5748)
    };
    for y in 0..h {
        for x in 0..w {
            f.y[y * w + x] = q(16.0 + 219.0 * comps(y * w + x).0);
        }
    }
    let cw = w / 2;
    for cy in 0..h / 2 {
        for cx in 0..cw {
            let (mut u, mut v) = (0.0, 0.0);
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let (_, pu, pv) = comps((2 * cy + dy) * w + 2 * cx + dx);
                u += pu;
                v += pv;
            }
            f.u[cy * cw + cx] = q(128.0 + 224.0 * u / 4.0);
            f.v[cy * cw + cx] = q(128.0 + 224.0 * v / 4.0);
        }
    }
    f
}
