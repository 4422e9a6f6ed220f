//! Pictures out of the pipeline for people to look at: BT.709 limited-range YUV 4:2:0 → 8-bit sRGB,
//! once per picture (posters, thumbnails, scrubbing frames); the pipeline itself stays in YUV.

use rayon::prelude::*;

use super::Frame;

/// Interleaved RGB (3 bytes a pixel).
pub fn to_rgb(f: &Frame) -> Vec<u8> {
    convert::<3>(f)
}

/// Interleaved RGBA with opaque alpha (4 bytes a pixel): what Android's `Bitmap.copyPixelsFromBuffer`
/// (ARGB_8888) and Core Graphics (`premultipliedLast`) take as they are.
pub fn to_rgba(f: &Frame) -> Vec<u8> {
    convert::<4>(f)
}

fn convert<const N: usize>(f: &Frame) -> Vec<u8> {
    let (w, h) = (f.width as usize, f.height as usize);
    let cw = f.chroma_width() as usize;
    let mut out = vec![255u8; w * h * N];
    out.par_chunks_mut((w * N).max(1)).enumerate().for_each(|(r, row)| {
        for c in 0..w {
            let y = (f32::from(f.y[r * w + c]) - 16.0) * (255.0 / 219.0);
            let u = (f32::from(f.u[(r / 2) * cw + c / 2]) - 128.0) * (255.0 / 224.0);
            let v = (f32::from(f.v[(r / 2) * cw + c / 2]) - 128.0) * (255.0 / 224.0);
            let q = |x: f32| x.round().clamp(0.0, 255.0) as u8;
            row[c * N] = q(y + 1.5748 * v);
            row[c * N + 1] = q(y - 0.187_324 * u - 0.468_124 * v);
            row[c * N + 2] = q(y + 1.8556 * u);
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Yuv;

    #[test]
    fn colours_come_back_as_they_went_in() {
        for (r, g, b) in [(255, 0, 0), (0, 255, 0), (0, 0, 255), (128, 128, 128), (255, 255, 255), (0, 0, 0)] {
            let f = Frame::filled(4, 2, Yuv::from_rgb(r, g, b));
            let rgba = to_rgba(&f);
            assert_eq!(rgba.len(), 4 * 2 * 4);
            for px in rgba.chunks(4) {
                for (got, want) in px[..3].iter().zip([r, g, b]) {
                    assert!((i32::from(*got) - i32::from(want)).abs() <= 2, "{px:?} for {r},{g},{b}");
                }
                assert_eq!(px[3], 255);
            }
            assert_eq!(to_rgb(&f).len(), 4 * 2 * 3);
        }
    }
}
