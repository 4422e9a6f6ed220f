//! One 8-bit plane resized with fast_image_resize, from a crop of the source into a rect of the output.

use fast_image_resize::images::{CroppedImageMut, Image, ImageRef};
use fast_image_resize::{PixelType, ResizeOptions, Resizer};

use super::geometry::{RectF, RectU};

/// Why a plane resize failed (only possible through a geometry bug).
#[derive(Debug)]
#[allow(dead_code)] // read through Debug in debug_assert! messages
pub(super) enum ResizeFail {
    Buffer(fast_image_resize::ImageBufferError),
    CropBox(fast_image_resize::CropBoxError),
    Resize(fast_image_resize::ResizeError),
}

impl From<fast_image_resize::ImageBufferError> for ResizeFail {
    fn from(e: fast_image_resize::ImageBufferError) -> Self {
        ResizeFail::Buffer(e)
    }
}
impl From<fast_image_resize::CropBoxError> for ResizeFail {
    fn from(e: fast_image_resize::CropBoxError) -> Self {
        ResizeFail::CropBox(e)
    }
}
impl From<fast_image_resize::ResizeError> for ResizeFail {
    fn from(e: fast_image_resize::ResizeError) -> Self {
        ResizeFail::Resize(e)
    }
}

/// Resizes `crop` of one 8-bit plane into the `dest` rect of another.
pub(super) fn resize_plane(
    resizer: &mut Resizer,
    opts: &ResizeOptions,
    (src, sw, sh): (&[u8], u32, u32),
    crop: RectF,
    (dst, dw, dh): (&mut [u8], u32, u32),
    dest: RectU,
) -> Result<(), ResizeFail> {
    if sw == 0 || sh == 0 || dest.w == 0 || dest.h == 0 {
        return Ok(()); // nothing to draw (degenerate geometry)
    }
    let src_img = ImageRef::new(sw, sh, src, PixelType::U8)?;
    let mut dst_img = Image::from_slice_u8(dw, dh, dst, PixelType::U8)?;
    let mut dst_view = CroppedImageMut::new(&mut dst_img, dest.x, dest.y, dest.w, dest.h)?;
    let opts = opts.crop(crop.x, crop.y, crop.w, crop.h);
    resizer.resize(&src_img, &mut dst_view, &opts)?;
    Ok(())
}

/// Resizes the top-left `pw`x`ph` of a plane whose rows are `stride` apart (a decoder's picture)
/// to the whole of a `dw`x`dh` plane.
pub(crate) fn resize_strided_plane(
    resizer: &mut Resizer,
    opts: &ResizeOptions,
    (src, stride, pw, ph): (&[u8], u32, u32, u32),
    (dst, dw, dh): (&mut [u8], u32, u32),
) -> Result<(), String> {
    let len = stride as usize * ph as usize;
    if stride < pw || src.len() < len {
        return Err(format!("plane of {} bytes, stride {stride}, for {pw}x{ph}", src.len()));
    }
    let crop = RectF { x: 0.0, y: 0.0, w: f64::from(pw), h: f64::from(ph) };
    let dest = RectU { x: 0, y: 0, w: dw, h: dh };
    resize_plane(resizer, opts, (&src[..len], stride, ph), crop, (dst, dw, dh), dest).map_err(|e| format!("{e:?}"))
}
