//! The output audio track: the composed sound (one pass of the loop) laid out like the video
//! timeline, with short crossfades at loop seams so they do not click.

use crate::recipe::LoopMode;
use crate::source::audio::{AudioClip, CHANNELS, SAMPLE_RATE};
use crate::timeline::Timeline;

/// Crossfade length at each seam.
const SEAM_SECONDS: f64 = 0.010;

/// Builds the interleaved stereo track for `timeline` at `fps`, from `clip` whose first
/// `preroll` sample frames lie before the trim start.
pub fn compose(clip: &AudioClip, preroll: usize, timeline: &Timeline, fps: f64) -> Vec<f32> {
    let rate = f64::from(SAMPLE_RATE);
    let at = |frames: u32| (f64::from(frames) * rate / fps).round() as usize;
    let seg = &clip.samples[(preroll * CHANNELS).min(clip.samples.len())..];
    let seg_len = seg.len() / CHANNELS;
    let sample = |i: usize, c: usize| if i < seg_len { seg[i * CHANNELS + c] } else { 0.0 };
    let total = at(timeline.total);
    let mut out = vec![0.0f32; total * CHANNELS];
    let (full, partial) = timeline.passes();
    let passes = full + u32::from(partial > 0);
    let half = at(timeline.seg_frames.saturating_sub(1)).max(1);
    for p in 0..passes {
        let start = at(p * timeline.period);
        let end = at((p * timeline.period + timeline.period).min(timeline.total));
        for i in start..end {
            let s = i - start;
            let src = match timeline.mode {
                LoopMode::Boomerang if s > half => (2 * half).saturating_sub(s),
                _ => s,
            };
            for c in 0..CHANNELS {
                out[i * CHANNELS + c] = sample(src, c);
            }
        }
        if p > 0 {
            crossfade(&mut out, clip, preroll, start, seg_len, timeline.mode);
        }
    }
    out
}

/// Smooths the seam at sample frame `at`: the end of the previous pass fades into the audio that
/// really preceded the segment start (pre-roll), which leads continuously into the new pass.
fn crossfade(out: &mut [f32], clip: &AudioClip, preroll: usize, at: usize, seg_len: usize, mode: LoopMode) {
    if mode == LoopMode::Boomerang {
        return; // a boomerang seam is a mirror turn: the waveform is already continuous
    }
    let n = ((SEAM_SECONDS * f64::from(SAMPLE_RATE)) as usize).min(at).min(seg_len);
    if n == 0 {
        return;
    }
    for k in 0..n {
        let w = 0.5 - 0.5 * (std::f64::consts::PI * (k as f64 + 0.5) / n as f64).cos();
        let i = at - n + k;
        for c in 0..CHANNELS {
            let lead_in = if preroll >= n {
                clip.samples[(preroll - n + k) * CHANNELS + c]
            } else {
                0.0 // no audio before the segment: fade through silence
            };
            let v = &mut out[i * CHANNELS + c];
            *v = (f64::from(*v) * (1.0 - w) + f64::from(lead_in) * w) as f32;
        }
    }
    if preroll < n {
        // Fade the new pass in too, since it starts from silence.
        for k in 0..n.min(out.len() / CHANNELS - at) {
            let w = k as f32 / n as f32;
            for c in 0..CHANNELS {
                out[(at + k) * CHANNELS + c] *= w;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipe::LoopSpec;

    fn sine(len: usize, start: usize) -> AudioClip {
        let samples = (0..len)
            .flat_map(|i| {
                let v = (2.0 * std::f64::consts::PI * 440.0 * (start + i) as f64 / 48000.0).sin() as f32;
                [v, v]
            })
            .collect();
        AudioClip { start: 0.0, samples }
    }

    #[test]
    fn repeat_has_exact_length_and_no_jump_at_seams() {
        let spec = LoopSpec { mode: LoopMode::Repeat, duration: Some(6.0), count: None, crossfade: None };
        let t = Timeline::new(Some(&spec), 1.0, 30.0).unwrap();
        let pre = 1200;
        let clip = sine(48000 + pre, 0);
        let out = compose(&clip, pre, &t, 30.0);
        assert_eq!(out.len() / 2, 6 * 48000);
        let max_step = out.chunks(2).zip(out.chunks(2).skip(1)).map(|(a, b)| (a[0] - b[0]).abs()).fold(0.0, f32::max);
        // A 440 Hz sine changes by at most 2π·440/48000 ≈ 0.058 per sample; a click would be ~1.
        assert!(max_step < 0.12, "max step {max_step}");
    }
}
