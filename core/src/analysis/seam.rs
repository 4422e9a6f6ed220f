//! Baking a loop's seam: pure functions the export calls to hide what is left of the jump from the
//! window's end back to its start.
//!
//! How the export bakes it, for a window [start, end) of `len` output frames and a crossfade of
//! `x` seconds (default [`DEFAULT_CROSSFADE`]), `n = crossfade_frames(x, fps, len)` frames:
//!
//! - Decode from `start − x` (the lead-in: the `n` frames just before `start`, which
//!   `LoopSearch::crossfade` guarantees exist) to `end`; the loop's period is still [start, end).
//! - Pass position `p` (0-based) shows [`seam_frame`]`(p, len, n)`: the window's own frame, except the
//!   last `n` positions, which blend the window's frame (`tail`) with the lead-in frame taken as many
//!   frames before `start` as `p` is before `len` ([`blend_frames`], weight [`video_weight`], rising
//!   to nearly 1). The pass then ends on (nearly) the frame that really preceded `start`, so playing
//!   `start` next is ordinary motion. The lead-in frames arrive first and are needed last: keep the
//!   `n` of them (≤ 0.3 s) reframed, or spill them like the boomerang does.
//! - Every pass is the same, so encode-once replay keeps working; the first pass starts on `start`
//!   itself, unblended.
//! - Audio: the pass is the samples of [start, end); [`bake_audio`] mixes the last `x` seconds of it
//!   with the `x` seconds before `start` under equal-power gains ([`equal_power`]), so the pass ends
//!   on the waveform that leads into `start`. The export's existing 10 ms seam crossfade then joins
//!   two nearly identical signals and can stay.

use crate::frame::Frame;

/// Default seam crossfade, seconds (the 0.3 s; 0.25–0.5 s hides most residues).
pub const DEFAULT_CROSSFADE: f64 = 0.3;

/// Crossfade length in frames for `seconds` at `fps`, at most half the loop's `len` frames.
pub fn crossfade_frames(seconds: f64, fps: f64, len: u32) -> u32 {
    if !(seconds.is_finite() && seconds > 0.0 && fps.is_finite() && fps > 0.0) {
        return 0;
    }
    ((seconds * fps).round() as u32).min(len / 2)
}

/// Equal-power gains at sample `k` of an `n`-sample crossfade: (outgoing, incoming), with
/// out² + in² = 1 throughout, so uncorrelated signals keep their loudness.
pub fn equal_power(k: usize, n: usize) -> (f32, f32) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let x = (k as f64 + 0.5) / n as f64 * std::f64::consts::FRAC_PI_2;
    (x.cos() as f32, x.sin() as f32)
}

/// Weight of the lead-in picture at frame `k` of an `n`-frame video crossfade: (k+1)/(n+1), so
/// every blended frame mixes both and the frame after the last (the window's start) is the full
/// weight. Pictures mix linearly (weights sum to 1): no brightness bump.
pub fn video_weight(k: u32, n: u32) -> f32 {
    (k as f32 + 1.0) / (n as f32 + 1.0)
}

/// What a loop pass shows at one position; frame numbers count from the window's first frame
/// (negative: the lead-in before it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SeamFrame {
    Plain(i64),
    /// `(1 − weight) · tail + weight · lead_in`.
    Blend { tail: i64, lead_in: i64, weight: f32 },
}

/// Position `p` of a pass of `len` frames whose last `n` frames crossfade into the lead-in.
pub fn seam_frame(p: u32, len: u32, n: u32) -> SeamFrame {
    let n = n.min(len / 2);
    if p + n < len {
        return SeamFrame::Plain(i64::from(p));
    }
    let k = p + n - len; // 0..n
    SeamFrame::Blend { tail: i64::from(p), lead_in: i64::from(p) - i64::from(len), weight: video_weight(k, n) }
}

/// Bakes the audio seam into one pass in place. `pass`: the window's interleaved samples;
/// `lead_in`: the interleaved samples just before the window's start (its length sets the
/// crossfade; at most the pass's). The last `lead_in.len()` samples of `pass` become
/// `tail · out + lead_in · in` ([`equal_power`]).
pub fn bake_audio(pass: &mut [f32], lead_in: &[f32], channels: usize) {
    let channels = channels.max(1);
    let frames = (lead_in.len() / channels).min(pass.len() / channels);
    let tail_at = pass.len() / channels - frames;
    let lead_at = lead_in.len() / channels - frames;
    for k in 0..frames {
        let (g_out, g_in) = equal_power(k, frames);
        for c in 0..channels {
            let t = &mut pass[(tail_at + k) * channels + c];
            *t = *t * g_out + lead_in[(lead_at + k) * channels + c] * g_in;
        }
    }
}

/// `out = (1 − w) · tail + w · lead_in`, plane by plane (same sizes; `out` is sized to match).
pub fn blend_frames(tail: &Frame, lead_in: &Frame, w: f32, out: &mut Frame) {
    debug_assert_eq!((tail.width, tail.height), (lead_in.width, lead_in.height));
    let w = (w.clamp(0.0, 1.0) * 256.0).round() as u32;
    let mix = |a: &[u8], b: &[u8], o: &mut Vec<u8>| {
        o.clear();
        o.extend(a.iter().zip(b).map(|(&x, &y)| ((u32::from(x) * (256 - w) + u32::from(y) * w + 128) >> 8) as u8));
    };
    out.width = tail.width;
    out.height = tail.height;
    mix(&tail.y, &lead_in.y, &mut out.y);
    mix(&tail.u, &lead_in.u, &mut out.u);
    mix(&tail.v, &lead_in.v, &mut out.v);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Yuv;

    #[test]
    fn equal_power_keeps_power_and_runs_out_to_in() {
        for k in 0..100 {
            let (o, i) = equal_power(k, 100);
            assert!((o * o + i * i - 1.0).abs() < 1e-5);
        }
        assert!(equal_power(0, 100).0 > 0.99 && equal_power(99, 100).1 > 0.99);
    }

    #[test]
    fn the_last_frames_blend_into_the_lead_in() {
        let len = 72;
        let n = crossfade_frames(0.3, 30.0, len);
        assert_eq!(n, 9);
        assert_eq!(seam_frame(0, len, n), SeamFrame::Plain(0));
        assert_eq!(seam_frame(62, len, n), SeamFrame::Plain(62));
        let SeamFrame::Blend { tail, lead_in, weight } = seam_frame(63, len, n) else { panic!() };
        assert_eq!((tail, lead_in), (63, -9));
        assert!((weight - 0.1).abs() < 1e-6);
        let SeamFrame::Blend { lead_in, weight, .. } = seam_frame(71, len, n) else { panic!() };
        assert_eq!(lead_in, -1, "the pass ends on the frame before the start");
        assert!((weight - 0.9).abs() < 1e-6);
        assert_eq!(crossfade_frames(0.3, 30.0, 10), 5, "at most half the loop");
        assert_eq!(crossfade_frames(f64::NAN, 30.0, 10), 0);
    }

    #[test]
    fn a_baked_pass_ends_on_the_waveform_that_leads_into_its_start() {
        // A 440 Hz sine; the window starts at sample 20_000 and is 30_050 samples long (no whole
        // number of periods): unbaked, the jump back clicks.
        let rate = 48_000.0;
        let s = |i: usize| (std::f64::consts::TAU * 440.0 * i as f64 / rate).sin() as f32;
        let (start, len, fade) = (20_000usize, 30_050usize, 14_400usize);
        let mut pass: Vec<f32> = (start..start + len).map(s).collect();
        let lead: Vec<f32> = (start - fade..start).map(s).collect();
        let click = (pass[len - 1] - pass[0]).abs();
        assert!(click > 0.1, "the unbaked seam jumps by {click}");
        bake_audio(&mut pass, &lead, 1);
        let max_step = |v: &[f32]| v.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f32::max);
        let natural = max_step(&(0..48_000).map(s).collect::<Vec<_>>());
        let seam = (pass[0] - pass[len - 1]).abs();
        assert!(seam <= natural * 1.01, "seam step {seam} vs the signal's largest {natural}");
        assert!(max_step(&pass) <= natural * 1.5, "no click inside the fade either: {}", max_step(&pass));
    }

    #[test]
    fn blending_mixes_planes_by_weight() {
        let a = Frame::filled(4, 4, Yuv { y: 16, u: 100, v: 200 });
        let b = Frame::filled(4, 4, Yuv { y: 216, u: 200, v: 100 });
        let mut out = Frame::empty();
        blend_frames(&a, &b, 0.25, &mut out);
        assert_eq!((out.y[0], out.u[0], out.v[0]), (66, 125, 175));
        blend_frames(&a, &b, 1.0, &mut out);
        assert_eq!(out, b);
    }
}
