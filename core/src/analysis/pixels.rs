//! Model inputs from YUV frames: a part of the frame resampled (bilinear) into an RGB rectangle of
//! a tensor, without a whole-frame RGB copy (the frames are small: 256 px on the long side).

use crate::frame::Frame;

/// BT.709 limited-range YUV → RGB in 0..1.
fn rgb(y: f32, u: f32, v: f32) -> [f32; 3] {
    let yy = (y - 16.0) / 219.0;
    let cb = (u - 128.0) / 224.0;
    let cr = (v - 128.0) / 224.0;
    [(yy + 1.5748 * cr).clamp(0.0, 1.0), (yy - 0.187_324 * cb - 0.468_124 * cr).clamp(0.0, 1.0), (yy + 1.8556 * cb).clamp(0.0, 1.0)]
}

fn bilinear(plane: &[u8], w: usize, h: usize, x: f32, y: f32) -> f32 {
    let x = x.clamp(0.0, (w - 1) as f32);
    let y = y.clamp(0.0, (h - 1) as f32);
    let (x0, y0) = (x.floor() as usize, y.floor() as usize);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let p = |xx: usize, yy: usize| f32::from(plane[yy * w + xx]);
    let top = p(x0, y0) + (p(x1, y0) - p(x0, y0)) * fx;
    let bottom = p(x0, y1) + (p(x1, y1) - p(x0, y1)) * fx;
    top + (bottom - top) * fy
}

/// Calls `put(col, row, [r, g, b])` (0..1) for every pixel of a `cols`x`rows` rectangle showing the
/// whole of `frame` stretched onto it (pixel centres aligned).
pub fn resample_rgb(frame: &Frame, cols: usize, rows: usize, mut put: impl FnMut(usize, usize, [f32; 3])) {
    let (w, h) = (frame.width as usize, frame.height as usize);
    let (cw, ch) = (frame.chroma_width() as usize, frame.chroma_height() as usize);
    if w == 0 || h == 0 || cols == 0 || rows == 0 {
        return;
    }
    let (sx, sy) = (w as f32 / cols as f32, h as f32 / rows as f32);
    for r in 0..rows {
        let y = (r as f32 + 0.5) * sy - 0.5;
        for c in 0..cols {
            let x = (c as f32 + 0.5) * sx - 0.5;
            let luma = bilinear(&frame.y, w, h, x, y);
            let (cx, cy) = ((x - 0.5) / 2.0, (y - 0.5) / 2.0);
            let u = bilinear(&frame.u, cw, ch, cx, cy);
            let v = bilinear(&frame.v, cw, ch, cx, cy);
            put(c, r, rgb(luma, u, v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Yuv;

    #[test]
    fn colours_survive_the_resampling() {
        let f = Frame::filled(8, 4, Yuv::from_rgb(255, 0, 0));
        let mut n = 0;
        resample_rgb(&f, 5, 3, |_, _, p| {
            assert!(p[0] > 0.95 && p[1] < 0.05 && p[2] < 0.05, "{p:?}");
            n += 1;
        });
        assert_eq!(n, 15);
    }
}
