//! Picture quality of a candidate from its luma plane: sharpness, exposure, contrast, and a tiny
//! thumbnail for near-duplicate detection. Cheap (one pass over a ~456x256 plane).

use crate::frame::Frame;

/// Limited-range luma below this is black, above the other bound white.
const DARK_Y: u8 = 34;
const BRIGHT_Y: u8 = 226;
/// A picture this much black or white is a fade, a lens cap or a blown-out sky.
const EXTREME_FRACTION: f32 = 0.9;
/// Luma standard deviation below which a picture is flat (a wall, a title card's background).
const FLAT_STD: f32 = 6.0;
/// Sharpness below this fraction of the clip's sharpest candidate is blurred (motion or focus).
const BLUR_RELATIVE: f32 = 0.2;
/// Below this absolute sharpness (mean |Laplacian| on the working plane) a picture is blurred anyway.
const BLUR_ABSOLUTE: f32 = 0.6;
/// Thumbnail side for near-duplicate detection, and the mean luma difference under which two
/// thumbnails are the same picture.
pub const THUMB: usize = 16;
const DUPLICATE_DIFF: f32 = 1.5;

/// Measured signals of one picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Quality {
    /// Mean absolute 4-neighbour Laplacian of the luma (higher = more detail in focus).
    pub sharpness: f32,
    pub mean_luma: f32,
    pub std_luma: f32,
    pub dark_fraction: f32,
    pub bright_fraction: f32,
    pub thumb: Vec<u8>,
}

/// Why a candidate is not worth showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reject {
    NearBlack,
    NearWhite,
    Flat,
    Blurred,
}

pub fn measure(f: &Frame) -> Quality {
    let (w, h) = (f.width as usize, f.height as usize);
    let y = &f.y;
    let n = (w * h) as f64;
    let (mut sum, mut sum2, mut dark, mut bright) = (0f64, 0f64, 0usize, 0usize);
    for &p in y {
        sum += f64::from(p);
        sum2 += f64::from(p) * f64::from(p);
        dark += usize::from(p < DARK_Y);
        bright += usize::from(p > BRIGHT_Y);
    }
    let mean = sum / n;
    let std = (sum2 / n - mean * mean).max(0.0).sqrt();
    let mut lap = 0u64;
    for r in 1..h.saturating_sub(1) {
        let row = &y[r * w..(r + 1) * w];
        let (up, down) = (&y[(r - 1) * w..r * w], &y[(r + 1) * w..(r + 2) * w]);
        for c in 1..w - 1 {
            let v = 4 * i32::from(row[c]) - i32::from(row[c - 1]) - i32::from(row[c + 1]) - i32::from(up[c]) - i32::from(down[c]);
            lap += v.unsigned_abs() as u64;
        }
    }
    let inner = ((w.saturating_sub(2)) * (h.saturating_sub(2))).max(1) as f64;
    Quality {
        sharpness: (lap as f64 / inner) as f32,
        mean_luma: mean as f32,
        std_luma: std as f32,
        dark_fraction: (dark as f64 / n) as f32,
        bright_fraction: (bright as f64 / n) as f32,
        thumb: thumbnail(f),
    }
}

/// Block-averaged THUMB x THUMB luma.
fn thumbnail(f: &Frame) -> Vec<u8> {
    let (w, h) = (f.width as usize, f.height as usize);
    let mut out = Vec::with_capacity(THUMB * THUMB);
    for by in 0..THUMB {
        let (y0, y1) = (by * h / THUMB, ((by + 1) * h / THUMB).max(by * h / THUMB + 1));
        for bx in 0..THUMB {
            let (x0, x1) = (bx * w / THUMB, ((bx + 1) * w / THUMB).max(bx * w / THUMB + 1));
            let mut s = 0u64;
            for r in y0..y1.min(h) {
                s += f.y[r * w + x0..r * w + x1.min(w)].iter().map(|&p| u64::from(p)).sum::<u64>();
            }
            out.push((s / ((y1 - y0) * (x1 - x0)).max(1) as u64) as u8);
        }
    }
    out
}

/// True when two thumbnails show the same picture (a still shot, a paused pan).
pub fn near_duplicate(a: &Quality, b: &Quality) -> bool {
    let d: u32 = a.thumb.iter().zip(&b.thumb).map(|(x, y)| u32::from(x.abs_diff(*y))).sum();
    (d as f32 / a.thumb.len().max(1) as f32) < DUPLICATE_DIFF
}

/// The reason to drop a candidate, judged against the sharpest candidate of the same clip.
pub fn reject(q: &Quality, clip_max_sharpness: f32) -> Option<Reject> {
    if q.dark_fraction > EXTREME_FRACTION {
        Some(Reject::NearBlack)
    } else if q.bright_fraction > EXTREME_FRACTION {
        Some(Reject::NearWhite)
    } else if q.std_luma < FLAT_STD {
        Some(Reject::Flat)
    } else if q.sharpness < BLUR_ABSOLUTE || q.sharpness < BLUR_RELATIVE * clip_max_sharpness {
        Some(Reject::Blurred)
    } else {
        None
    }
}

/// Quality prior in 0..1: sharpness relative to the clip (log scale), contrast, mid exposure.
pub fn prior(q: &Quality, clip_max_sharpness: f32) -> f32 {
    let sharp = ((1.0 + q.sharpness).ln() / (1.0 + clip_max_sharpness.max(1e-3)).ln()).clamp(0.0, 1.0);
    let contrast = (q.std_luma / 50.0).clamp(0.0, 1.0);
    let exposure = (1.0 - (q.mean_luma - 120.0).abs() / 104.0).clamp(0.0, 1.0);
    0.5 * sharp + 0.25 * contrast + 0.25 * exposure
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Yuv;

    fn noise(w: u32, h: u32, amp: u32) -> Frame {
        let mut f = Frame::filled(w, h, Yuv { y: 120, u: 128, v: 128 });
        let mut s = 12345u32;
        for p in f.y.iter_mut() {
            s = s.wrapping_mul(1664525).wrapping_add(1013904223);
            *p = (120 + (s >> 24) % amp.max(1)) as u8;
        }
        f
    }

    #[test]
    fn black_white_flat_and_blur_are_rejected() {
        let black = measure(&Frame::filled(64, 64, Yuv::BLACK));
        let white = measure(&Frame::filled(64, 64, Yuv { y: 235, u: 128, v: 128 }));
        let grey = measure(&Frame::filled(64, 64, Yuv { y: 126, u: 128, v: 128 }));
        let sharp = measure(&noise(64, 64, 100));
        let soft = measure(&noise(64, 64, 3));
        let max = sharp.sharpness;
        assert_eq!(reject(&black, max), Some(Reject::NearBlack));
        assert_eq!(reject(&white, max), Some(Reject::NearWhite));
        assert_eq!(reject(&grey, max), Some(Reject::Flat));
        assert_eq!(reject(&sharp, max), None);
        assert!(prior(&sharp, max) > prior(&soft, max));
        assert!(near_duplicate(&sharp, &sharp.clone()) && !near_duplicate(&sharp, &black));
    }
}
