//! Loudness per EBU R128 (the `ebur128` crate): measuring integrated loudness and true peak, and
//! normalising a mix to a target with a look-ahead peak limiter keeping the true peak under its
//! ceiling.

use ebur128::{EbuR128, Mode};

use super::db_to_gain;
use crate::error::{Error, Result};
use crate::plan::sound::LoudnessTarget;
use crate::source::audio::{CHANNELS, SAMPLE_RATE};

/// Integrated loudness (LUFS) and true peak (dBTP) of interleaved stereo at 48 kHz. Silence
/// measures as −70 LUFS (the gate's floor) and −inf dBTP is reported as −99.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    pub lufs: f64,
    pub true_peak_db: f64,
}

pub fn measure(samples: &[f32]) -> Result<Measured> {
    let err = |e: ebur128::Error| Error::internal(format!("loudness measurement: {e:?}"));
    let mut m = EbuR128::new(CHANNELS as u32, SAMPLE_RATE, Mode::I | Mode::TRUE_PEAK).map_err(err)?;
    m.add_frames_f32(samples).map_err(err)?;
    let lufs = m.loudness_global().map_err(err)?;
    let peak = (0..CHANNELS as u32).map(|c| m.true_peak(c).unwrap_or(0.0)).fold(0.0, f64::max);
    Ok(Measured { lufs: if lufs.is_finite() { lufs.max(-70.0) } else { -70.0 }, true_peak_db: if peak > 0.0 { 20.0 * peak.log10() } else { -99.0 } })
}

/// Brings `samples` to `target` loudness with the true peak at or under its ceiling; returns the
/// result's measurement. Silence (below −60 LUFS) is left alone: there is nothing to bring up.
pub fn normalise(samples: &mut [f32], target: &LoudnessTarget) -> Result<Measured> {
    let mut now = measure(samples)?;
    if now.lufs < -60.0 {
        return Ok(now);
    }
    // The limiter takes a little loudness off peaky mixes: aim again with what it left.
    for _ in 0..3 {
        let gain = db_to_gain(target.lufs - now.lufs) as f32;
        samples.iter_mut().for_each(|s| *s *= gain);
        // Sample peaks a bit under the ceiling leave room for the peaks between samples.
        let mut ceiling = target.true_peak_db - 0.3;
        for _ in 0..4 {
            limit(samples, db_to_gain(ceiling) as f32);
            now = measure(samples)?;
            if now.true_peak_db <= target.true_peak_db {
                break;
            }
            ceiling -= now.true_peak_db - target.true_peak_db + 0.1;
        }
        if (now.lufs - target.lufs).abs() <= 0.5 {
            break;
        }
    }
    Ok(now)
}

/// Look-ahead limiter: the gain reaches what a peak needs 5 ms before it, and recovers over 80 ms.
fn limit(samples: &mut [f32], ceiling: f32) {
    let frames = samples.len() / CHANNELS;
    let look = (0.005 * f64::from(SAMPLE_RATE)) as usize;
    let release = (-1.0 / (0.080 * f64::from(SAMPLE_RATE))).exp() as f32;
    // Gain each frame needs on its own.
    let need: Vec<f32> = (0..frames)
        .map(|i| {
            let p = (0..CHANNELS).map(|c| samples[i * CHANNELS + c].abs()).fold(0.0, f32::max);
            if p > ceiling { ceiling / p } else { 1.0 }
        })
        .collect();
    if need.iter().all(|g| *g >= 1.0) {
        return;
    }
    // The smallest need within the look-ahead, ramped down linearly over it; then the release.
    let mut g = 1.0f32;
    let mut window: std::collections::VecDeque<(usize, f32)> = std::collections::VecDeque::new();
    for i in 0..frames {
        // Sliding minimum of need[i ..= i + look].
        let j = i + look;
        if j < frames {
            while window.back().is_some_and(|&(_, v)| v >= need[j]) {
                window.pop_back();
            }
            window.push_back((j, need[j]));
        }
        while window.front().is_some_and(|&(k, _)| k < i) {
            window.pop_front();
        }
        let target = window.front().map_or(1.0, |w| w.1).min(need[i]);
        g = if target < g { g - (g - target) / ((look as f32).max(1.0) * 0.25).max(1.0) } else { target + (g - target) * release };
        let g_now = g.min(need[i]);
        for c in 0..CHANNELS {
            samples[i * CHANNELS + c] *= g_now;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(freq: f64, amp: f32, seconds: f64) -> Vec<f32> {
        let n = (seconds * 48_000.0) as usize;
        (0..n).flat_map(|i| {
            let v = amp * (2.0 * std::f64::consts::PI * freq * i as f64 / 48_000.0).sin() as f32;
            [v, v]
        }).collect()
    }

    #[test]
    fn normalises_quiet_and_loud_mixes_to_the_target_under_the_ceiling() {
        let target = LoudnessTarget { lufs: -14.0, true_peak_db: -1.0 };
        for (amp, bursts) in [(0.05f32, false), (0.9, false), (0.2, true)] {
            let mut s = tone(997.0, amp, 6.0);
            if bursts {
                // Short loud clicks: the limiter has work to do.
                for k in 0..12 {
                    let at = k * 24_000 * CHANNELS;
                    for v in &mut s[at..at + 400] {
                        *v *= 4.5;
                    }
                }
            }
            let m = normalise(&mut s, &target).unwrap();
            assert!((m.lufs + 14.0).abs() <= 0.6, "amp {amp}: {m:?}");
            assert!(m.true_peak_db <= -1.0 + 1e-6, "amp {amp}: {m:?}");
        }
        let mut silent = vec![0f32; 48_000 * 2];
        assert_eq!(normalise(&mut silent, &target).unwrap().lufs, -70.0);
    }
}
