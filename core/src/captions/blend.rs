//! Premultiplied RGBA → YUV + alpha once (4:2:0: chroma and its alpha averaged over 2×2), then a
//! per-frame alpha blend onto the planes, rows in parallel.

use rayon::prelude::*;

use crate::captions::raster::Image;
use crate::frame::Frame;

/// A caption picture ready to blend: premultiplied limited-range BT.709 planes plus alpha, at an
/// even position of the output frame.
#[derive(Debug, Clone)]
pub struct Sprite {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    /// α·Y and α per luma pixel (α in 0..255 scale).
    py: Vec<u8>,
    ay: Vec<u8>,
    /// α·U, α·V and α per chroma pixel.
    pu: Vec<u8>,
    pv: Vec<u8>,
    ac: Vec<u8>,
}

impl Sprite {
    /// Memory held by the planes.
    pub fn bytes(&self) -> usize {
        self.py.len() + self.ay.len() + self.pu.len() + self.pv.len() + self.ac.len()
    }

    pub fn from_image(img: &Image, x: i32, y: i32) -> Sprite {
        let (w, h) = (img.width as usize, img.height as usize);
        // Premultiplied BT.709 limited range: α·Y = 16α + 219·luma(premultiplied RGB), etc.
        let yuv = |p: &[u8]| -> [f32; 4] {
            let [r, g, b, a] = [p[0], p[1], p[2], p[3]].map(|c| c as f32 / 255.0);
            let l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
            [16.0 * a + 219.0 * l, 128.0 * a + 224.0 * (b - l) / 1.8556, 128.0 * a + 224.0 * (r - l) / 1.5748, a]
        };
        let q = |v: f32| v.round().clamp(0.0, 255.0) as u8;
        let mut py = vec![0; w * h];
        let mut ay = vec![0; w * h];
        for i in 0..w * h {
            let c = yuv(&img.rgba[i * 4..i * 4 + 4]);
            py[i] = q(c[0]);
            ay[i] = q(c[3] * 255.0);
        }
        let (cw, ch) = (w / 2, h / 2);
        let (mut pu, mut pv, mut ac) = (vec![0; cw * ch], vec![0; cw * ch], vec![0; cw * ch]);
        for cy in 0..ch {
            for cx in 0..cw {
                let mut s = [0f32; 4];
                for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    let i = (2 * cy + dy) * w + 2 * cx + dx;
                    let c = yuv(&img.rgba[i * 4..i * 4 + 4]);
                    s = [s[0], s[1] + c[1], s[2] + c[2], s[3] + c[3]];
                }
                let j = cy * cw + cx;
                pu[j] = q(s[1] / 4.0);
                pv[j] = q(s[2] / 4.0);
                ac[j] = q(s[3] / 4.0 * 255.0);
            }
        }
        Sprite { x: x & !1, y: y & !1, width: img.width, height: img.height, py, ay, pu, pv, ac }
    }

    /// Blends onto `f` with an extra opacity `opacity` (0..1, for fades).
    pub fn blend(&self, f: &mut Frame, opacity: f32) {
        let m = (opacity.clamp(0.0, 1.0) * 256.0).round() as u32;
        if m == 0 {
            return;
        }
        blend_plane(&mut f.y, f.width as usize, f.height as usize, self.x, self.y, self.width as usize, self.height as usize, &self.py, &self.ay, m);
        let (cw, ch) = (f.chroma_width() as usize, f.chroma_height() as usize);
        let (sw, sh) = (self.width as usize / 2, self.height as usize / 2);
        blend_plane(&mut f.u, cw, ch, self.x / 2, self.y / 2, sw, sh, &self.pu, &self.ac, m);
        blend_plane(&mut f.v, cw, ch, self.x / 2, self.y / 2, sw, sh, &self.pv, &self.ac, m);
    }
}

/// dst = m·p + (1 − m·α)·dst, with m in 0..256 fixed point. Clipped to the plane.
#[allow(clippy::too_many_arguments)]
// Indexing two planes at the same offsets is clearer (and as fast) as a range loop.
#[allow(clippy::needless_range_loop)]
fn blend_plane(dst: &mut [u8], dw: usize, dh: usize, x: i32, y: i32, sw: usize, sh: usize, p: &[u8], a: &[u8], m: u32) {
    let x0 = x.max(0) as usize;
    let x1 = (x + sw as i32).clamp(0, dw as i32) as usize;
    let y0 = y.max(0) as usize;
    let y1 = (y + sh as i32).clamp(0, dh as i32) as usize;
    if x0 >= x1 || y0 >= y1 {
        return;
    }
    dst[y0 * dw..y1 * dw].par_chunks_mut(dw).enumerate().for_each(|(i, row)| {
        let sy = (y0 + i) as i32 - y;
        let srow = sy as usize * sw;
        for dx in x0..x1 {
            let s = srow + (dx as i32 - x) as usize;
            let alpha = a[s] as u32;
            if alpha == 0 {
                continue;
            }
            let d = row[dx] as u32;
            let v = (m * p[s] as u32 * 255 + (255 * 256 - m * alpha) * d + 255 * 128) / (255 * 256);
            row[dx] = v.min(255) as u8;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Yuv;

    #[test]
    fn opaque_white_covers_and_transparent_keeps() {
        let mut rgba = vec![0u8; 4 * 4 * 4];
        for px in rgba.chunks_mut(4).take(8) {
            px.copy_from_slice(&[255, 255, 255, 255]); // top two rows opaque white
        }
        let img = Image { width: 4, height: 4, rgba };
        let s = Sprite::from_image(&img, 2, 2);
        let mut f = Frame::filled(8, 8, Yuv::BLACK);
        s.blend(&mut f, 1.0);
        assert_eq!(f.y[2 * 8 + 2], 235);
        assert_eq!(f.y[3 * 8 + 5], 235);
        assert_eq!(f.y[4 * 8 + 2], 16);
        assert_eq!(f.u[8 / 2 + 1], 128);
        let mut g = Frame::filled(8, 8, Yuv::BLACK);
        s.blend(&mut g, 0.5);
        assert!((124..=127).contains(&g.y[2 * 8 + 2]), "{}", g.y[2 * 8 + 2]);
    }
}
