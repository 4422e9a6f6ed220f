//! The clips' own sound on the composed timeline: each clip's range (time-stretched with its pitch
//! kept when its speed is not 1), at its volume, placed where the clip plays, with equal-power
//! crossfades where two clips overlap.

use std::num::{NonZeroU16, NonZeroU32};

use crate::error::{Error, Result};
use crate::plan::{ClipPlan, Composition};
use crate::source::audio::{AudioClip, CHANNELS, SAMPLE_RATE};

/// The composed sound of one pass, with the first clip's pre-roll before it (for loop seams).
/// `sounds[c]` is clip `c`'s decoded sound (None: silent), starting `AUDIO_PREROLL` before its
/// range. `pass_len` is the longest pass an output plays (its frames can end up to half a frame
/// after the composition): the last clip's sound runs on to it.
pub fn compose(composition: &Composition, sounds: &[Option<AudioClip>], pass_len: f64) -> Result<(AudioClip, usize)> {
    let rate = f64::from(SAMPLE_RATE);
    let frames = |s: f64| (s * rate).round().max(0.0) as usize;
    // Clip 0's pre-roll leads into the first pass: a repeat's seam fades into it.
    let preroll = match (composition.clips.first(), sounds.first()) {
        (Some(c), Some(Some(a))) => frames(c.src_start - a.start).min(a.frames()),
        _ => 0,
    };
    let total = frames(composition.length.max(pass_len));
    let last = composition.clips.len().saturating_sub(1);
    let mut out = vec![0f32; (preroll + total) * CHANNELS];
    if let (Some(Some(a)), Some(c)) = (sounds.first(), composition.clips.first()) {
        let from = frames(c.src_start - a.start).min(a.frames()) - preroll;
        let pre = &a.samples[from * CHANNELS..(from + preroll) * CHANNELS];
        out[..preroll * CHANNELS].copy_from_slice(pre);
    }
    for (c, clip) in composition.clips.iter().enumerate() {
        let Some(Some(sound)) = sounds.get(c) else { continue };
        if !clip.with_audio {
            continue;
        }
        // The last clip's sound runs on past its end to the end of the longest pass.
        let tail = if c == last { (composition.length.max(pass_len) - composition.length).max(0.0) } else { 0.0 };
        let part = clip_sound(clip, sound, tail)?;
        let fade_out = composition.clips.get(c + 1).map_or(0.0, |n| n.transition_len);
        let at = preroll + frames(clip.start);
        let room = (preroll + total).saturating_sub(at);
        let n = (part.len() / CHANNELS).min(if c == last { room } else { frames(clip.len).min(room) });
        // A clip without a transition out keeps its full level to its last sample.
        let (fin, fout) = (frames(clip.transition_len), frames(fade_out));
        let gain = clip.volume;
        for i in 0..n {
            let w = gain * equal_power_in(i, fin) * equal_power_in(n - 1 - i, fout);
            for ch in 0..CHANNELS {
                out[(at + i) * CHANNELS + ch] += part[i * CHANNELS + ch] * w;
            }
        }
    }
    Ok((AudioClip { start: 0.0, samples: out }, preroll))
}

/// sin(π/2 · i/n) for i < n, else 1: with its mirror (cos) the summed power stays constant.
fn equal_power_in(i: usize, n: usize) -> f32 {
    if i >= n { 1.0 } else { (std::f64::consts::FRAC_PI_2 * (i as f64 + 0.5) / n as f64).sin() as f32 }
}

/// The clip's range of its sound (and `tail` composed seconds after it), at its speed.
fn clip_sound(clip: &ClipPlan, sound: &AudioClip, tail: f64) -> Result<Vec<f32>> {
    let rate = f64::from(SAMPLE_RATE);
    let from = ((clip.src_start - sound.start) * rate).round().max(0.0) as usize;
    let to = ((clip.src_end + tail * clip.speed - sound.start) * rate).round().max(0.0) as usize;
    let (from, to) = (from.min(sound.frames()), to.min(sound.frames()).max(from.min(sound.frames())));
    let range = &sound.samples[from * CHANNELS..to * CHANNELS];
    if (clip.speed - 1.0).abs() < 1e-9 {
        return Ok(range.to_vec());
    }
    let (r, ch) = (NonZeroU32::new(SAMPLE_RATE).expect("48000"), NonZeroU16::new(CHANNELS as u16).expect("2"));
    wsola::stretch(range, r, ch, clip.speed as f32).map_err(|e| Error::internal(format!("time-stretching {}: {e}", clip.path.display())))
}
