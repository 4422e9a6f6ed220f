//! Picture quality of a candidate from its luma plane: sharpness, exposure, contrast, and a tiny
//! thumbnail for near-duplicate detection. Cheap (one pass over a ~456x256 plane).

use crate::frame::Frame;

/// Limited-range luma below this is black, above the other bound white.
const DARK_Y: u8 = 34;
const BRIGHT_Y: u8 = 226;
/// A picture this much black or white is a fade, a lens cap or a blown-out sky.
const EXTREME_FRACTION: f32 = 0.9;
/// Luma standard deviation below which a picture is empty whatever its scene (a colour card, a
/// lens cap): nothing in it to show.
const EMPTY_STD: f32 = 2.5;
/// A picture with less than this fraction of its scene's contrast is a fade or a title card's
/// background within the shot.
const FLAT_RELATIVE: f32 = 0.35;
/// Sharpness below this fraction of its scene's sharpest candidate is blurred (motion, a focus
/// pull). Judged within the scene: fog, a night sky or a shallow-focus portrait is soft all along
/// and is not blurred next to a sharper scene.
const BLUR_RELATIVE: f32 = 0.2;
/// Thumbnails of one scene correlate at least this much (zero-mean, unit-variance 16x16 luma):
/// a fade, a focus pull or a slow pan keeps the picture's layout; a cut does not.
const SCENE_CORRELATION: f32 = 0.6;
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

/// Scene of each candidate (0, 1, …, in order): consecutive candidates whose thumbnails correlate
/// stay in one scene.
pub fn scenes(quals: &[Quality]) -> Vec<usize> {
    let mut scene = 0;
    let mut out = Vec::with_capacity(quals.len());
    for (i, q) in quals.iter().enumerate() {
        if i > 0 && correlation(&quals[i - 1].thumb, &q.thumb) < SCENE_CORRELATION {
            scene += 1;
        }
        out.push(scene);
    }
    out
}

/// Pearson correlation of two thumbnails; 0 when either is uniform (no layout to compare).
fn correlation(a: &[u8], b: &[u8]) -> f32 {
    let n = a.len().min(b.len()).max(1) as f32;
    let (ma, mb) = (a.iter().map(|&x| f32::from(x)).sum::<f32>() / n, b.iter().map(|&x| f32::from(x)).sum::<f32>() / n);
    let (mut ab, mut aa, mut bb) = (0f32, 0f32, 0f32);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (f32::from(x) - ma, f32::from(y) - mb);
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    if aa < n || bb < n {
        return 0.0; // a thumbnail with a standard deviation under one grey level
    }
    ab / (aa.sqrt() * bb.sqrt())
}

/// What a candidate is judged against: the sharpest and most contrasted candidate of its scene.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SceneMax {
    pub sharpness: f32,
    pub std_luma: f32,
}

/// [`SceneMax`] of each candidate's scene (`scene` from [`scenes`]).
pub fn scene_max(quals: &[Quality], scene: &[usize]) -> Vec<SceneMax> {
    let n = scene.iter().max().map_or(0, |m| m + 1);
    let mut max = vec![SceneMax::default(); n];
    for (q, &s) in quals.iter().zip(scene) {
        max[s].sharpness = max[s].sharpness.max(q.sharpness);
        max[s].std_luma = max[s].std_luma.max(q.std_luma);
    }
    scene.iter().map(|&s| max[s]).collect()
}

/// Black, white or empty: the reasons to drop a picture that need no other picture to judge.
pub fn hard_reject(q: &Quality) -> Option<Reject> {
    reject(q, SceneMax::default())
}

/// The reason to drop a candidate. Black, white and empty pictures are dropped outright; flat and
/// blurred ones only next to better pictures of the same scene.
pub fn reject(q: &Quality, scene: SceneMax) -> Option<Reject> {
    if q.dark_fraction > EXTREME_FRACTION {
        Some(Reject::NearBlack)
    } else if q.bright_fraction > EXTREME_FRACTION {
        Some(Reject::NearWhite)
    } else if q.std_luma < EMPTY_STD || q.std_luma < FLAT_RELATIVE * scene.std_luma {
        Some(Reject::Flat)
    } else if q.sharpness < BLUR_RELATIVE * scene.sharpness {
        Some(Reject::Blurred)
    } else {
        None
    }
}

/// Quality prior in 0..1: sharpness (log scale) half relative to the scene and half to the clip's
/// sharpest candidate, contrast, mid exposure. Its weight next to taste is small (rank.rs): it
/// orders a cold start and breaks ties, it does not overrule a liking.
pub fn prior(q: &Quality, scene: SceneMax, clip_sharpness: f32) -> f32 {
    let relative = |max: f32| ((1.0 + q.sharpness).ln() / (1.0 + max.max(1e-3)).ln()).clamp(0.0, 1.0);
    let sharp = 0.5 * (relative(scene.sharpness) + relative(clip_sharpness));
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

    fn scene(of: &[&Quality]) -> SceneMax {
        let q: Vec<Quality> = of.iter().map(|q| (*q).clone()).collect();
        scene_max(&q, &vec![0; q.len()])[0]
    }

    /// A left-to-right gradient with fine noise on it: a layout, and detail to lose.
    fn textured(w: u32, h: u32) -> Frame {
        let mut f = noise(w, h, 60);
        for (i, p) in f.y.iter_mut().enumerate() {
            *p = (u32::from(*p) - 120 + 30 + 140 * (i as u32 % w) / w) as u8;
        }
        f
    }

    /// `f` blurred by a 3x3 box `passes` times: the same picture, softer.
    fn soften(f: &Frame, passes: usize) -> Frame {
        let mut g = f.clone();
        let (w, h) = (f.width as usize, f.height as usize);
        for _ in 0..passes {
            let src = g.y.clone();
            for r in 1..h - 1 {
                for c in 1..w - 1 {
                    let s: u32 = (0..9).map(|k| u32::from(src[(r + k / 3 - 1) * w + c + k % 3 - 1])).sum();
                    g.y[r * w + c] = (s / 9) as u8;
                }
            }
        }
        g
    }

    #[test]
    fn black_white_and_empty_are_rejected_whatever_the_scene() {
        let black = measure(&Frame::filled(64, 64, Yuv::BLACK));
        let white = measure(&Frame::filled(64, 64, Yuv { y: 235, u: 128, v: 128 }));
        let grey = measure(&Frame::filled(64, 64, Yuv { y: 126, u: 128, v: 128 }));
        let sharp = measure(&noise(64, 64, 100));
        for q in [&black, &white, &grey] {
            assert!(reject(q, scene(&[q])).is_some(), "{q:?}");
        }
        assert_eq!(reject(&black, scene(&[&black])), Some(Reject::NearBlack));
        assert_eq!(reject(&white, scene(&[&white])), Some(Reject::NearWhite));
        assert_eq!(reject(&grey, scene(&[&grey])), Some(Reject::Flat));
        assert_eq!(reject(&sharp, scene(&[&sharp])), None);
        assert!(near_duplicate(&sharp, &sharp.clone()) && !near_duplicate(&sharp, &black));
    }

    #[test]
    fn blur_and_flatness_are_judged_within_the_scene() {
        let sharp_f = textured(64, 64);
        let sharp = measure(&sharp_f);
        let soft = measure(&soften(&sharp_f, 6));
        assert_eq!(scenes(&[sharp.clone(), soft.clone()]), vec![0, 0], "a focus pull keeps the scene");
        // Next to its own sharp version, the soft picture is blurred; alone, it is just soft.
        assert_eq!(reject(&soft, scene(&[&sharp, &soft])), Some(Reject::Blurred));
        assert_eq!(reject(&soft, scene(&[&soft])), None);
        let m = scene(&[&sharp, &soft]);
        assert!(prior(&sharp, m, m.sharpness) > prior(&soft, m, m.sharpness));
    }

    #[test]
    fn a_cut_starts_a_new_scene_and_a_fade_does_not() {
        let a = textured(64, 64);
        let mut faded = a.clone();
        faded.y.iter_mut().for_each(|p| *p = 16 + (u32::from(*p).saturating_sub(16) / 3) as u8);
        let mut other = Frame::filled(64, 64, Yuv { y: 120, u: 128, v: 128 });
        for (i, p) in other.y.iter_mut().enumerate() {
            *p = if (i / 64) < 32 { 40 } else { 200 }; // dark top, bright bottom
        }
        let q: Vec<Quality> = [&a, &faded, &other].iter().map(|f| measure(f)).collect();
        assert_eq!(scenes(&q), vec![0, 0, 1]);
    }
}
