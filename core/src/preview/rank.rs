//! Scores: similarity to the viewer's taste plus a quality prior; the poster is the best single
//! candidate, the preview loop the window with the best mean of the score curve.

use serde::{Deserialize, Serialize};

use super::quality::Reject;

/// Weight of the quality prior next to the taste similarity (cosine, −1..1).
const QUALITY_WEIGHT: f32 = 0.25;
/// Rejected candidates (black, white, flat, blurred) sit below every usable one.
const REJECTED_SCORE: f32 = -2.0;
/// The score curve is sampled this often for the sliding window (seconds).
const CURVE_STEP: f64 = 0.05;

/// One candidate frame and why it scored what it did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredCandidate {
    /// Seconds from the start of the clip.
    pub time: f64,
    pub score: f32,
    /// Quality prior, 0..1.
    pub quality: f32,
    /// Cosine to the taste, centred on this clip's mean embedding; None on a cold start.
    pub similarity: Option<f32>,
    pub rejected: Option<Reject>,
    pub keyframe: bool,
    pub scene_change: bool,
}

/// Mean of `vectors`.
pub fn mean(vectors: &[&[f32]]) -> Vec<f32> {
    let mut m = vec![0f32; vectors.first().map_or(0, |v| v.len())];
    for v in vectors {
        m.iter_mut().zip(v.iter()).for_each(|(m, x)| *m += x);
    }
    let n = vectors.len().max(1) as f32;
    m.iter_mut().for_each(|x| *x /= n);
    m
}

/// Cosine of (a − centre) and (b − centre): embeddings are non-negative (ReLU6 then pooling), so
/// raw cosines all sit high; centring on what is common leaves what differs.
pub fn centred_cosine(a: &[f32], b: &[f32], centre: &[f32]) -> f32 {
    let (mut ab, mut aa, mut bb) = (0f32, 0f32, 0f32);
    for ((x, y), c) in a.iter().zip(b).zip(centre) {
        let (x, y) = (x - c, y - c);
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    if aa <= 1e-12 || bb <= 1e-12 {
        return 0.0;
    }
    ab / (aa.sqrt() * bb.sqrt())
}

/// The score of a candidate from its parts.
pub fn combine(similarity: Option<f32>, quality: f32, rejected: Option<Reject>) -> f32 {
    let base = match similarity {
        Some(s) => s + QUALITY_WEIGHT * quality,
        None => quality,
    };
    if rejected.is_some() {
        REJECTED_SCORE + 0.1 * quality
    } else {
        base
    }
}

/// Index of the best candidate (ties: the earlier one).
pub fn best(scored: &[ScoredCandidate]) -> Option<usize> {
    (0..scored.len()).fold(None, |b: Option<usize>, i| match b {
        Some(j) if scored[j].score >= scored[i].score => Some(j),
        _ => Some(i),
    })
}

/// The `window`-second span of `[0, duration]` whose mean score is highest (ties: the earliest).
pub fn best_window(scored: &[ScoredCandidate], duration: f64, window: f64) -> (f64, f64) {
    if duration <= window || scored.is_empty() {
        return (0.0, duration.min(window).max(0.0));
    }
    let n = (duration / CURVE_STEP).ceil() as usize;
    let curve: Vec<f64> = (0..n).map(|i| score_at(scored, (i as f64 + 0.5) * CURVE_STEP)).collect();
    let mut prefix = vec![0f64; n + 1];
    for i in 0..n {
        prefix[i + 1] = prefix[i] + curve[i];
    }
    let w = ((window / CURVE_STEP).round() as usize).clamp(1, n);
    let mut best_start = 0;
    let mut best_mean = f64::NEG_INFINITY;
    for s in 0..=n - w {
        let m = (prefix[s + w] - prefix[s]) / w as f64;
        if m > best_mean + 1e-9 {
            best_mean = m;
            best_start = s;
        }
    }
    let start = (best_start as f64 * CURVE_STEP).min(duration - window).max(0.0);
    (start, start + window)
}

/// Moves a window to start on the nearest keyframe candidate within half a second, if the window
/// still fits: the rendition then decodes from its first frame, with no run-up from an earlier
/// keyframe. The shift is far below the curve's resolution of what is worth showing.
pub fn snap_to_keyframe(scored: &[ScoredCandidate], (start, end): (f64, f64), duration: f64) -> (f64, f64) {
    let len = end - start;
    scored
        .iter()
        .filter(|c| c.keyframe && (c.time - start).abs() <= 0.5 && c.time >= 0.0 && c.time + len <= duration + 1e-9)
        .min_by(|a, b| (a.time - start).abs().total_cmp(&(b.time - start).abs()))
        .map_or((start, end), |c| (c.time, c.time + len))
}

fn score_at(scored: &[ScoredCandidate], t: f64) -> f64 {
    // Sample and hold: a candidate stands for the frames up to the next one. Encoders start a
    // keyframe at each cut, so a new scene begins exactly at a candidate.
    let i = scored.partition_point(|c| c.time <= t + 1e-9);
    f64::from(scored[i.saturating_sub(1)].score)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(time: f64, score: f32) -> ScoredCandidate {
        ScoredCandidate { time, score, quality: 0.5, similarity: None, rejected: None, keyframe: true, scene_change: false }
    }

    #[test]
    fn window_snaps_to_a_near_keyframe_that_keeps_it_inside_the_clip() {
        let mut cands = vec![c(0.0, 0.1), c(2.0, 0.9), c(4.0, 0.2)];
        cands.push(ScoredCandidate { keyframe: false, ..c(2.2, 0.9) });
        assert_eq!(snap_to_keyframe(&cands, (2.3, 5.3), 10.0), (2.0, 5.0));
        assert_eq!(snap_to_keyframe(&cands, (2.7, 5.7), 10.0), (2.7, 5.7), "no keyframe within 0.5 s");
        assert_eq!(snap_to_keyframe(&cands, (3.6, 6.6), 6.8), (3.6, 6.6), "4.0 would run past the end");
    }

    #[test]
    fn window_lands_on_the_high_section() {
        let s: Vec<_> = (0..24).map(|i| c(i as f64 * 0.5, if (6..12).contains(&i) { 1.0 } else { 0.0 })).collect();
        let (a, b) = best_window(&s, 12.0, 3.0);
        assert!((a - 3.0).abs() < 1e-9 && (b - a - 3.0).abs() < 1e-9, "{a}..{b}");
        assert_eq!(best(&s), Some(6));
        assert_eq!(best_window(&s, 2.0, 3.0), (0.0, 2.0));
    }

    #[test]
    fn centred_cosine_sees_the_difference() {
        let centre = [0.5, 0.5, 0.5];
        assert!(centred_cosine(&[1.0, 0.5, 0.5], &[0.9, 0.5, 0.5], &centre) > 0.99);
        assert!(centred_cosine(&[1.0, 0.5, 0.5], &[0.5, 1.0, 0.5], &centre).abs() < 1e-6);
    }
}
