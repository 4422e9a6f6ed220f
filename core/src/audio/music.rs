//! The music bed: the song from its offset, cut or looped to the clip, faded, at its gain, and
//! ducked while the clips' own sound plays (an envelope follower on the clip track).

use super::db_to_gain;
use crate::error::{Error, Result};
use crate::plan::sound::{DuckPlan, MusicPlan};
use crate::source::audio::{read_range, CHANNELS, SAMPLE_RATE};
use crate::source::open::open_input;

/// Seconds of crossfade where a looped song starts again.
const LOOP_FADE: f64 = 0.05;
/// Block length of the envelope follower.
const BLOCK: usize = 480; // 10 ms at 48 kHz

/// Opens the music file and finds its audio stream; errors name the music file.
fn open_music(m: &MusicPlan) -> Result<(ffmpeg_next::format::context::Input, usize)> {
    let input = open_input(&m.path).map_err(|e| match e.kind {
        crate::ErrorKind::UnsupportedInput => Error::unsupported(format!("music: {} is not audio clipforge can read", m.path.display())),
        _ => Error::new(e.kind, format!("music: {}", e.message)),
    })?;
    let index = input
        .streams()
        .best(ffmpeg_next::media::Type::Audio)
        .map(|s| s.index())
        .ok_or_else(|| Error::unsupported(format!("music: {} has no audio", m.path.display())))?;
    Ok((input, index))
}

/// Checks that the music file is audio clipforge reads (before any decoding work).
pub fn check(m: &MusicPlan) -> Result<()> {
    open_music(m).map(|_| ())
}

/// Decoded music for `frames` sample frames of output, ready to mix (fades and gain applied, not
/// yet ducked). Errors name the music file.
pub fn bed(m: &MusicPlan, frames: usize) -> Result<Vec<f32>> {
    let seconds = frames as f64 / f64::from(SAMPLE_RATE);
    let named = |e: Error| Error::new(e.kind, format!("music: {}", e.message));
    let (mut input, index) = open_music(m)?;
    let (song, held) = read_range(&mut input, index, m.offset, m.offset + seconds).map_err(named)?;
    if held == 0 {
        return Err(Error::unsupported(format!("music: {} holds no sound after {} s", m.path.display(), m.offset)));
    }
    let mut out = vec![0f32; frames * CHANNELS];
    let fade = ((LOOP_FADE * f64::from(SAMPLE_RATE)) as usize).min(held / 4);
    let mut pos = 0;
    while pos < frames {
        let n = held.min(frames - pos);
        for i in 0..n {
            // Each repetition fades in over the end of the one before.
            let w = if pos > 0 && i < fade { i as f32 / fade as f32 } else { 1.0 };
            for c in 0..CHANNELS {
                let v = song.samples[i * CHANNELS + c];
                let o = &mut out[(pos + i) * CHANNELS + c];
                *o = *o * (1.0 - w) + v * w;
            }
        }
        if !m.repeat {
            break;
        }
        pos += held.saturating_sub(fade).max(1);
    }
    let (fin, fout) = ((m.fade_in * f64::from(SAMPLE_RATE)) as usize, (m.fade_out * f64::from(SAMPLE_RATE)) as usize);
    for i in 0..frames {
        let mut g = m.gain;
        if i < fin {
            g *= i as f32 / fin as f32;
        }
        if frames - i <= fout {
            g *= (frames - i) as f32 / fout as f32;
        }
        for c in 0..CHANNELS {
            out[i * CHANNELS + c] *= g;
        }
    }
    Ok(out)
}

/// Lowers `music` by `duck.amount_db` wherever `clips` (the clips' sound, same length) is above
/// the threshold, moving the gain with the attack and release times.
pub fn duck(music: &mut [f32], clips: &[f32], duck: &DuckPlan) {
    let frames = music.len() / CHANNELS;
    let blocks = frames.div_ceil(BLOCK);
    let block_s = BLOCK as f64 / f64::from(SAMPLE_RATE);
    // Per block, whether the clips speak.
    let present: Vec<bool> = (0..blocks)
        .map(|b| {
            let (a, z) = (b * BLOCK * CHANNELS, ((b + 1) * BLOCK * CHANNELS).min(clips.len()));
            let n = (z.saturating_sub(a)).max(1) as f64;
            let power = clips[a.min(z)..z].iter().map(|x| f64::from(*x) * f64::from(*x)).sum::<f64>() / n;
            10.0 * power.max(1e-12).log10() > duck.threshold_db
        })
        .collect();
    // Target gain per block in dB, followed with linear-in-dB attack and release ramps.
    let (down, up) = (-duck.amount_db * block_s / duck.attack, -duck.amount_db * block_s / duck.release);
    let mut g_db = 0.0f64;
    let mut gains = Vec::with_capacity(blocks + 1);
    for &p in &present {
        let target = if p { duck.amount_db } else { 0.0 };
        g_db = if target < g_db { (g_db - down).max(target) } else { (g_db + up).min(target) };
        gains.push(g_db);
    }
    gains.push(g_db);
    for i in 0..frames {
        let (b, f) = (i / BLOCK, (i % BLOCK) as f64 / BLOCK as f64);
        // Interpolated within the block so the gain never steps.
        let prev = if b == 0 { 0.0 } else { gains[b - 1] };
        let g = db_to_gain(prev + (gains[b] - prev) * f) as f32;
        for c in 0..CHANNELS {
            music[i * CHANNELS + c] *= g;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ducking_lowers_the_music_while_the_clips_speak() {
        let frames = 48_000 * 3;
        let mut music = vec![0.5f32; frames * CHANNELS];
        // Clip sound only in the middle second.
        let clips: Vec<f32> = (0..frames * CHANNELS).map(|i| if (48_000..96_000).contains(&(i / CHANNELS)) { 0.3 } else { 0.0 }).collect();
        duck(&mut music, &clips, &DuckPlan { amount_db: -12.0, attack: 0.05, release: 0.3, threshold_db: -45.0 });
        let level = |t: f64| 20.0 * f64::from(music[(t * 48_000.0) as usize * CHANNELS] / 0.5).log10();
        assert!(level(0.5).abs() < 0.01);
        assert!((level(1.5) + 12.0).abs() < 0.01, "{}", level(1.5));
        assert!(level(2.9).abs() < 0.01);
        // Attack: 50 ms to get down; release 300 ms to come back.
        assert!(level(1.02) > -12.0 && level(1.02) < 0.0);
        assert!(level(2.15) < -1.0);
    }
}
