//! Loop points: windows [start, end) of a clip whose end flows into their start ("video textures",
//! Schödl et al. 2000). Playing frame b and then jumping to frame a costs D(b+1, a): how far a
//! is from the frame that really followed b. That cost is filtered along the diagonal (a few frames
//! before and after the jump, binomial weights) so that motion continues through the seam, and
//! measured on motion-compensated luma thumbnails so that a moving camera does not dominate.
//! Longer windows are preferred and windows without motion penalised. A clip with no good loop still
//! gets its best window, with a score that says how good it is.

use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::thumbs::{luma_thumbnails, Thumbs};
use crate::error::{Error, Result};
use crate::export::CancelToken;

/// Where and what to search.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoopSearch {
    /// Start of the range searched, seconds of the clip (a recipe's trim start).
    pub start: f64,
    /// End of the range; `None`: the clip's end.
    pub end: Option<f64>,
    /// Shortest and longest window, seconds.
    pub min: f64,
    pub max: f64,
    /// Candidates returned, best first (1–100).
    pub count: usize,
    /// Seconds of the crossfade that will hide the seam: every window has that much video (and
    /// audio) before its start, inside the clip, to fade in from (see `seam`).
    pub crossfade: f64,
}

impl Default for LoopSearch {
    fn default() -> Self {
        LoopSearch { start: 0.0, end: None, min: 2.0, max: 6.0, count: 5, crossfade: super::seam::DEFAULT_CROSSFADE }
    }
}

/// One candidate loop window.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LoopPoint {
    /// First frame's time, seconds of the clip.
    pub start: f64,
    /// End of the window (exclusive: the last frame's time plus one frame), seconds of the clip.
    pub end: f64,
    /// Ranking value in (0, 1], higher is better: the seam's quality, times small preferences for
    /// longer windows and windows with motion.
    pub score: f64,
    /// The seam's cost relative to the clip's typical frame-to-frame change: about 1 or less, the
    /// jump looks like one more frame of motion; above [`SEAMLESS_MAX_SEAM`] it shows.
    pub seam: f64,
    /// `seam ≤ SEAMLESS_MAX_SEAM`: the seam should not show once crossfaded. False on the best
    /// window of a clip without a good loop.
    pub seamless: bool,
}

/// Above this `seam`, the jump back shows even through the crossfade: "no good loop here".
pub const SEAMLESS_MAX_SEAM: f64 = 1.5;

impl LoopPoint {
    /// Whether the seam should not show once crossfaded (the `seamless` field).
    pub fn is_seamless(&self) -> bool {
        self.seamless
    }
    pub fn duration(&self) -> f64 {
        self.end - self.start
    }
}

/// The best loop windows of `clip` in `search`'s range, best first: decodes the range once to
/// luma thumbnails, then [`search_thumbs`]. Errors only for unreadable input or a malformed search.
pub fn loop_points(clip: &Path, search: &LoopSearch, cancel: &CancelToken) -> Result<Vec<LoopPoint>> {
    check(search)?;
    // Read the crossfade's lead-in before the range too, and a few frames past its end (the
    // diagonal filter looks one frame beyond the jump).
    let from = (search.start - search.crossfade).max(0.0);
    let to = search.end.map(|e| e + 0.15);
    let thumbs = luma_thumbnails(clip, from, to, cancel)?;
    search_thumbs(&thumbs, search)
}

fn check(s: &LoopSearch) -> Result<()> {
    let ok = |x: f64| x.is_finite();
    if !(ok(s.start) && s.start >= 0.0) || s.end.is_some_and(|e| !ok(e) || e <= s.start) {
        return Err(Error::invalid(format!("loop search range {}–{:?} s is not a time range", s.start, s.end)));
    }
    if !(ok(s.min) && ok(s.max) && s.min > 0.0 && s.max >= s.min && s.max <= 120.0) {
        return Err(Error::invalid(format!("loop length {}–{} s must satisfy 0 < min ≤ max ≤ 120", s.min, s.max)));
    }
    if !(1..=100).contains(&s.count) {
        return Err(Error::invalid(format!("loop candidate count {} must be 1–100", s.count)));
    }
    if !(ok(s.crossfade) && (0.0..=2.0).contains(&s.crossfade)) {
        return Err(Error::invalid(format!("crossfade {} s must be 0–2 s", s.crossfade)));
    }
    Ok(())
}

/// Diagonal filter: the jump b → a is judged on D(b+1+k, a+k) for k = -2..=1 (binomial weights).
const DIAGONAL: [(isize, f64); 4] = [(-2, 1.0), (-1, 3.0), (0, 3.0), (1, 1.0)];
/// Largest global shift tried between two thumbnails, pixels (3 of 64: ~5 % of the width).
const MAX_SHIFT: isize = 3;
/// Lag over which a window's motion is measured, seconds.
const ACTIVITY_LAG: f64 = 0.5;
/// At most this many (start, length) pairs are compared: a 2–6 s search over 2 minutes is 435 000,
/// one over 15 s 54 000; each costs about 5 000 operations.
const MAX_PAIRS: usize = 1_000_000;

/// [`loop_points`] on thumbnails already read (`thumbs` covers the range plus the lead-in).
pub fn search_thumbs(thumbs: &Thumbs, search: &LoopSearch) -> Result<Vec<LoopPoint>> {
    check(search)?;
    let n = thumbs.len();
    if n < 3 {
        return Err(Error::unsupported(format!("the range holds {n} frame(s): too short to loop")));
    }
    let rate = thumbs.rate;
    let half = 0.5 / rate;
    let pics = Pictures::new(thumbs);
    // Allowed first frames: inside the range, with the crossfade's lead-in before them.
    let lead = (search.crossfade * rate).round() as usize;
    let first_a = (0..n).find(|&i| i >= lead && thumbs.times[i] >= search.start - half);
    let end = search.end.unwrap_or(f64::INFINITY);
    let last_b = (0..n).rev().find(|&i| thumbs.times[i] + 1.0 / rate <= end + half);
    let (Some(first_a), Some(last_b)) = (first_a, last_b) else {
        return Err(Error::unsupported("the range holds no frame to loop (is it inside the clip?)"));
    };
    if last_b < first_a + 1 {
        return Err(Error::unsupported("the range is too short to loop (after the crossfade's lead-in)"));
    }
    // Window lengths in frames; a range shorter than `min` gives its longest window.
    let available = last_b - first_a + 1;
    let l_max = ((search.max * rate).round() as usize).clamp(2, available);
    let l_min = ((search.min * rate).round() as usize).clamp(2, l_max);
    let pairs: usize = (l_min..=l_max).map(|len| last_b + 2 - len - first_a).sum();
    if pairs > MAX_PAIRS {
        return Err(Error::limit(format!(
            "a loop search of {:.1}–{:.1} s windows over {:.0} s compares {pairs} pairs (at most {MAX_PAIRS}): narrow the range or the lengths",
            search.min,
            search.max,
            n as f64 / rate
        )));
    }

    let consecutive: Vec<f64> = (0..n - 1).map(|i| pics.compensated(i + 1, i)).collect();
    let step = median(&consecutive).max(0.5);
    let lag = ((ACTIVITY_LAG * rate).round() as usize).max(1);
    let activity: Vec<f64> = (0..n).map(|i| pics.plain((i + lag).min(n - 1), i)).collect();
    let still = percentile(&consecutive, 0.1).max(0.5);

    // Per length L, the seam cost of every allowed start a (diagonal filter over D(a+L+k, a+k)).
    let pics = &pics;
    let mut candidates: Vec<(usize, usize, f64, f64)> = (l_min..=l_max)
        .into_par_iter()
        .flat_map_iter(|len| {
            let last_a = last_b + 1 - len;
            // D(j + L, j) for the j the filter reaches from the allowed starts.
            let lo = first_a.saturating_sub(2);
            let jumps: Vec<Option<f64>> = (lo..=last_a + 1).map(|j| (j + len < n).then(|| pics.compensated(j + len, j))).collect();
            (first_a..=last_a).map(move |a| {
                let (mut sum, mut weight) = (0.0, 0.0);
                for (k, w) in DIAGONAL {
                    let j = a as isize + k - lo as isize;
                    if let Some(Some(d)) = usize::try_from(j).ok().and_then(|j| jumps.get(j)) {
                        sum += w * d;
                        weight += w;
                    }
                }
                if weight >= 4.0 {
                    return (a, len, sum / weight, 0.0);
                }
                // The whole clip as one window: no frame beyond it or before it to filter
                // with; judge the jump itself (its last frame, then its first).
                (a, len, pics.compensated(a + len - 1, a), 0.0)
            })
        })
        .collect();
    if candidates.is_empty() {
        return Err(Error::unsupported("the range is too short to loop"));
    }
    // Activity: motion over ACTIVITY_LAG inside the window against the clip's stillest change.
    let mut prefix = vec![0.0; n + 1];
    for i in 0..n {
        prefix[i + 1] = prefix[i] + activity[i];
    }
    for c in candidates.iter_mut() {
        let (a, len, seam, _) = *c;
        let lo = a;
        let hi = (a + len).saturating_sub(lag).max(a + 1);
        let moving = (prefix[hi] - prefix[lo]) / (hi - lo) as f64 / still;
        let r = seam / step;
        let quality = 1.0 / (1.0 + 0.5 * r * r);
        let length = if l_max > l_min { 0.85 + 0.15 * (len - l_min) as f64 / (l_max - l_min) as f64 } else { 1.0 };
        let motion = 0.5 + 0.5 * ((moving - 1.2) / 1.8).clamp(0.0, 1.0);
        *c = (a, len, r, quality * length * motion);
    }
    candidates.sort_by(|x, y| y.3.total_cmp(&x.3).then(x.0.cmp(&y.0)).then(x.1.cmp(&y.1)));
    let frame = 1.0 / rate;
    let mut out: Vec<LoopPoint> = Vec::new();
    for (a, len, r, score) in candidates {
        let start = thumbs.times[a];
        let end = thumbs.times[a + len - 1] + frame;
        // Distinct windows only: not the same loop a few frames off.
        if out.iter().any(|p| (p.start - start).abs() < 0.5 && (p.end - end).abs() < 0.5) {
            continue;
        }
        out.push(LoopPoint { start, end, score, seam: r, seamless: r <= SEAMLESS_MAX_SEAM });
        if out.len() == search.count {
            break;
        }
    }
    Ok(out)
}

/// Thumbnails as floats with their row and column means (for the global shift estimate).
struct Pictures {
    w: usize,
    h: usize,
    px: Vec<Vec<f32>>,
    cols: Vec<Vec<f32>>,
    rows: Vec<Vec<f32>>,
}

impl Pictures {
    fn new(t: &Thumbs) -> Pictures {
        let (w, h) = (t.width, t.height);
        let px: Vec<Vec<f32>> = (0..t.len()).map(|i| t.frame(i).iter().map(|&v| f32::from(v)).collect()).collect();
        let cols = px.iter().map(|p| (0..w).map(|x| (0..h).map(|y| p[y * w + x]).sum::<f32>() / h as f32).collect()).collect();
        let rows = px.iter().map(|p| p.chunks(w).map(|r| r.iter().sum::<f32>() / w as f32).collect()).collect();
        Pictures { w, h, px, cols, rows }
    }

    /// Mean absolute luma difference of `i` and `j`, unshifted.
    fn plain(&self, i: usize, j: usize) -> f64 {
        self.diff(i, j, 0, 0)
    }

    /// Mean absolute difference after the global shift that best aligns `j` onto `i` (estimated
    /// from the row and column means), or unshifted if that is lower.
    fn compensated(&self, i: usize, j: usize) -> f64 {
        let dx = best_shift(&self.cols[i], &self.cols[j]);
        let dy = best_shift(&self.rows[i], &self.rows[j]);
        let plain = self.diff(i, j, 0, 0);
        if dx == 0 && dy == 0 { plain } else { plain.min(self.diff(i, j, dx, dy)) }
    }

    /// Mean |i(x, y) − j(x + dx, y + dy)| over the overlap.
    fn diff(&self, i: usize, j: usize, dx: isize, dy: isize) -> f64 {
        let (w, h) = (self.w as isize, self.h as isize);
        let (a, b) = (&self.px[i], &self.px[j]);
        let (x0, x1) = (0.max(-dx), w.min(w - dx));
        let (y0, y1) = (0.max(-dy), h.min(h - dy));
        if x1 <= x0 || y1 <= y0 {
            return 255.0;
        }
        let mut sum = 0.0f32;
        for y in y0..y1 {
            let ra = &a[(y * w + x0) as usize..(y * w + x1) as usize];
            let rb = &b[((y + dy) * w + x0 + dx) as usize..((y + dy) * w + x1 + dx) as usize];
            sum += ra.iter().zip(rb).map(|(p, q)| (p - q).abs()).sum::<f32>();
        }
        f64::from(sum) / ((x1 - x0) * (y1 - y0)) as f64
    }
}

/// The shift d (|d| ≤ MAX_SHIFT) minimising the mean |a[x] − b[x + d]|.
fn best_shift(a: &[f32], b: &[f32]) -> isize {
    let n = a.len() as isize;
    let mut best: (f32, isize) = (f32::INFINITY, 0);
    for d in -MAX_SHIFT..=MAX_SHIFT {
        let (x0, x1) = (0.max(-d), n.min(n - d));
        if x1 - x0 < n / 2 {
            continue;
        }
        let cost = (x0..x1).map(|x| (a[x as usize] - b[(x + d) as usize]).abs()).sum::<f32>() / (x1 - x0) as f32;
        // Ties go to the smaller shift: no motion unless it helps.
        if cost < best.0 - 1e-4 || (cost <= best.0 + 1e-4 && d.abs() < best.1.abs()) {
            best = (cost.min(best.0), d);
        }
    }
    best.1
}

fn median(v: &[f64]) -> f64 {
    percentile(v, 0.5)
}

fn percentile(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[((s.len() - 1) as f64 * q).round() as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A textured 64x36 thumbnail with a bright 8x8 square whose x follows `pos(i)`, plus a
    /// deterministic per-frame noise of ±`noise`.
    fn synthetic(n: usize, pos: impl Fn(usize) -> f64, pan: impl Fn(usize) -> isize, noise: u32) -> Thumbs {
        let (w, h) = (64usize, 36usize);
        let mut luma = Vec::with_capacity(n * w * h);
        let mut seed = 12345u32;
        for i in 0..n {
            let sx = pos(i).round() as isize;
            for y in 0..h {
                for x in 0..w {
                    let gx = x as isize + pan(i);
                    let bg = 80 + ((gx * 7 + (y as isize) * 13).rem_euclid(40)) as i32;
                    let inside = (x as isize) >= sx && (x as isize) < sx + 8 && (12..20).contains(&y);
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    let nz = if noise > 0 { ((seed >> 16) % (2 * noise + 1)) as i32 - noise as i32 } else { 0 };
                    luma.push((if inside { 220 } else { bg } + nz).clamp(0, 255) as u8);
                }
            }
        }
        Thumbs { width: w, height: h, times: (0..n).map(|i| i as f64 / 30.0).collect(), luma, rate: 30.0, keyframes: vec![] }
    }

    fn search(min: f64, max: f64) -> LoopSearch {
        LoopSearch { min, max, count: 5, crossfade: 0.3, ..Default::default() }
    }

    #[test]
    fn a_periodic_motion_loops_on_whole_periods() {
        // The square sweeps right and back every 72 frames (2.4 s at 30 fps).
        let tri = |i: usize| {
            let p = (i % 72) as f64 / 72.0;
            4.0 + 48.0 * if p < 0.5 { 2.0 * p } else { 2.0 - 2.0 * p }
        };
        let t = synthetic(450, tri, |_| 0, 3);
        let best = search_thumbs(&t, &search(2.0, 6.0)).unwrap();
        let frames = (best[0].duration() * 30.0).round() as i64;
        assert!(frames == 144 || frames == 72, "{best:?}");
        assert!(best[0].is_seamless(), "{best:?}");
        assert!(best[0].start >= 0.3 - 1e-9, "lead-in kept: {best:?}");
        // Longer is preferred among equal seams.
        assert_eq!(frames, 144, "{best:?}");
    }

    #[test]
    fn a_moving_camera_does_not_hide_the_loop() {
        // Same periodic motion, with the background panning back and forth by up to 2 px.
        let tri = |i: usize| 4.0 + 40.0 * (((i % 90) as f64 / 90.0) * std::f64::consts::TAU).sin().abs();
        let pan = |i: usize| ((i as f64 / 13.0).sin() * 2.0).round() as isize;
        let t = synthetic(300, tri, pan, 2);
        let best = search_thumbs(&t, &search(2.0, 4.0)).unwrap();
        let frames = (best[0].duration() * 30.0).round() as i64;
        // |sin| repeats every 45 frames: 90 is the only whole number of periods within 2–4 s.
        assert!((frames - 90).abs() <= 1, "{best:?}");
    }

    #[test]
    fn no_good_loop_still_gives_the_best_one_with_a_low_score() {
        // The square only moves right: no frame comes back.
        let t = synthetic(200, |i| i as f64 * 0.25, |_| 0, 2);
        let best = search_thumbs(&t, &search(2.0, 4.0)).unwrap();
        assert!(!best.is_empty());
        assert!(!best[0].is_seamless(), "{best:?}");
        assert!(best[0].score < 0.5);
    }

    #[test]
    fn a_still_picture_is_penalised_against_motion() {
        // First 4 s still, then 6 s of periodic motion.
        let pos = |i: usize| if i < 120 { 10.0 } else { 4.0 + 40.0 * ((((i - 120) % 60) as f64 / 60.0) * std::f64::consts::PI).sin() };
        let t = synthetic(300, pos, |_| 0, 2);
        let best = search_thumbs(&t, &search(2.0, 3.0)).unwrap();
        assert!(best[0].start >= 3.9, "the loop is in the moving part: {best:?}");
    }

    #[test]
    fn windows_respect_the_range_and_lengths() {
        let t = synthetic(300, |i| (i % 60) as f64 / 60.0 * 50.0, |_| 0, 2);
        let s = LoopSearch { start: 2.0, end: Some(8.0), min: 2.0, max: 3.0, count: 10, crossfade: 0.3 };
        for p in search_thumbs(&t, &s).unwrap() {
            assert!(p.start >= 2.0 - 1e-9 && p.end <= 8.0 + 1e-9, "{p:?}");
            assert!(p.duration() >= 2.0 - 1e-9 && p.duration() <= 3.0 + 1e-9, "{p:?}");
        }
    }

    #[test]
    fn a_range_shorter_than_min_gives_its_whole_length() {
        let t = synthetic(60, |i| i as f64 * 0.1, |_| 0, 1);
        let p = search_thumbs(&t, &LoopSearch { min: 4.0, max: 6.0, crossfade: 0.0, ..Default::default() }).unwrap();
        assert!((p[0].duration() - 2.0).abs() < 1e-9, "{p:?}");
    }

    #[test]
    fn a_search_too_big_to_be_quick_is_a_limit() {
        let t = synthetic(3000, |i| (i % 60) as f64, |_| 0, 0);
        let e = search_thumbs(&t, &LoopSearch { min: 2.0, max: 90.0, ..Default::default() }).unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::LimitExceeded, "{e:?}");
    }

    #[test]
    fn malformed_searches_are_refused() {
        let t = synthetic(60, |_| 0.0, |_| 0, 0);
        for s in [
            LoopSearch { min: 3.0, max: 2.0, ..Default::default() },
            LoopSearch { min: f64::NAN, ..Default::default() },
            LoopSearch { count: 0, ..Default::default() },
            LoopSearch { start: 3.0, end: Some(1.0), ..Default::default() },
            LoopSearch { crossfade: -1.0, ..Default::default() },
        ] {
            let e = search_thumbs(&t, &s).unwrap_err();
            assert_eq!(e.kind, crate::error::ErrorKind::InvalidRecipe, "{s:?}");
        }
    }

    #[test]
    fn the_shift_estimate_finds_a_pan() {
        let a: Vec<f32> = (0..64).map(|x| ((x * 37) % 23) as f32).collect();
        let b: Vec<f32> = (0..64).map(|x| (((x + 62) * 37) % 23) as f32).collect(); // b[x] = a[x - 2]
        assert_eq!(best_shift(&a, &b), 2);
        assert_eq!(best_shift(&a, &a), 0);
    }
}
