//! Metadata of an output that a golden pins down: geometry, timing, codecs, and the sound's level
//! per second and at loop seams (a click or a dropout at a seam shows up there).

use std::path::Path;

use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::golden::case::Thresholds;
use crate::source::audio::{AudioDecoder, CHANNELS, SAMPLE_RATE};
use crate::source::open::open_input;
use crate::source::probe;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputMeta {
    /// Output file name.
    pub name: String,
    pub width: u32,
    pub height: u32,
    pub frames: u32,
    pub duration: f64,
    pub fps: f64,
    pub video_codec: String,
    pub pixel_format: String,
    pub audio: Option<AudioMeta>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudioMeta {
    pub codec: String,
    pub sample_rate: u32,
    pub channels: u32,
    /// RMS level (dBFS) of each whole second.
    pub rms_per_second: Vec<f64>,
    /// RMS level (dBFS) of the 40 ms around each loop seam.
    pub seam_rms: Vec<f64>,
}

const SILENCE_DB: f64 = -120.0;

fn db(rms: f64) -> f64 {
    if rms <= 1e-6 { SILENCE_DB } else { (20.0 * rms.log10()).max(SILENCE_DB) }
}

fn rms(samples: &[f32]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    (samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>() / samples.len() as f64).sqrt()
}

/// Probes and decodes `path`; `seams` are output times of loop seams.
pub fn measure(path: &Path, seams: &[f64]) -> Result<OutputMeta> {
    let info = probe(path)?;
    let (vs, v) = info.video().ok_or_else(|| Error::unsupported(format!("{}: no video stream", path.display())))?;
    let frames = count_frames(path)?;
    let audio = match info.audio() {
        Some((s, a)) => Some(measure_audio(path, s.codec.clone(), a.sample_rate, a.channels, info.duration, seams)?),
        None => None,
    };
    Ok(OutputMeta {
        name: String::new(),
        width: v.display_width,
        height: v.display_height,
        frames,
        duration: if vs.duration > 0.0 { vs.duration } else { info.duration },
        fps: v.fps,
        video_codec: vs.codec.clone(),
        pixel_format: v.pixel_format.clone(),
        audio,
    })
}

fn count_frames(path: &Path) -> Result<u32> {
    let mut input = open_input(path)?;
    let index = input.streams().best(ff::media::Type::Video).map(|s| s.index()).unwrap_or(0);
    let mut n = 0;
    let mut packet = ff::Packet::empty();
    while packet.read(&mut input).is_ok() {
        if packet.stream() == index {
            n += 1;
        }
    }
    Ok(n)
}

fn measure_audio(path: &Path, codec: String, sample_rate: u32, channels: u32, duration: f64, seams: &[f64]) -> Result<AudioMeta> {
    let mut input = open_input(path)?;
    let stream = input.streams().best(ff::media::Type::Audio).ok_or_else(|| Error::internal("audio stream vanished"))?;
    let index = stream.index();
    let mut dec = AudioDecoder::new(&stream, 0.0, duration.max(0.1))?;
    let mut packet = ff::Packet::empty();
    while packet.read(&mut input).is_ok() {
        if packet.stream() == index {
            dec.send(&packet)?;
        }
    }
    let clip = dec.finish()?;
    let rate = SAMPLE_RATE as usize;
    let seconds = clip.frames() / rate;
    let window = |from: usize, to: usize| &clip.samples[from.min(clip.frames()) * CHANNELS..to.min(clip.frames()) * CHANNELS];
    Ok(AudioMeta {
        codec,
        sample_rate,
        channels,
        rms_per_second: (0..seconds).map(|s| round2(db(rms(window(s * rate, (s + 1) * rate))))).collect(),
        seam_rms: seams
            .iter()
            .map(|t| {
                let c = (t * rate as f64) as usize;
                round2(db(rms(window(c.saturating_sub(rate / 50), c + rate / 50))))
            })
            .collect(),
    })
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl OutputMeta {
    /// Human-readable differences of `actual` from these (expected) values.
    pub fn differences(&self, actual: &OutputMeta, t: &Thresholds) -> Vec<String> {
        let mut d = Vec::new();
        let n = &self.name;
        if (self.width, self.height) != (actual.width, actual.height) {
            d.push(format!("{n}: size {}x{}, expected {}x{}", actual.width, actual.height, self.width, self.height));
        }
        if self.frames != actual.frames {
            d.push(format!("{n}: {} frames, expected {}", actual.frames, self.frames));
        }
        let frame = 1.0 / self.fps.max(1.0);
        if (self.duration - actual.duration).abs() > frame * if t.psnr_min.is_infinite() { 0.01 } else { 1.0 } {
            d.push(format!("{n}: duration {:.3} s, expected {:.3} s", actual.duration, self.duration));
        }
        if (self.fps - actual.fps).abs() > 1e-3 {
            d.push(format!("{n}: {:.3} fps, expected {:.3}", actual.fps, self.fps));
        }
        if (&self.video_codec, &self.pixel_format) != (&actual.video_codec, &actual.pixel_format) {
            d.push(format!("{n}: video {} {}, expected {} {}", actual.video_codec, actual.pixel_format, self.video_codec, self.pixel_format));
        }
        match (&self.audio, &actual.audio) {
            (None, None) => {}
            (Some(_), None) => d.push(format!("{n}: audio track missing")),
            (None, Some(_)) => d.push(format!("{n}: unexpected audio track")),
            (Some(e), Some(a)) => d.extend(e.differences(n, a, t.audio_db)),
        }
        d
    }
}

impl AudioMeta {
    fn differences(&self, n: &str, a: &AudioMeta, tol: f64) -> Vec<String> {
        let mut d = Vec::new();
        if (&self.codec, self.sample_rate, self.channels) != (&a.codec, a.sample_rate, a.channels) {
            d.push(format!("{n}: audio {} {} Hz {} ch, expected {} {} Hz {} ch", a.codec, a.sample_rate, a.channels, self.codec, self.sample_rate, self.channels));
        }
        let mut levels = |what: &str, e: &[f64], got: &[f64]| {
            if e.len() != got.len() {
                d.push(format!("{n}: {} {what} values, expected {}", got.len(), e.len()));
            }
            for (i, (x, y)) in e.iter().zip(got).enumerate() {
                if (x - y).abs() > tol {
                    d.push(format!("{n}: {what}[{i}] {y:.1} dBFS, expected {x:.1} (±{tol})"));
                }
            }
        };
        levels("rms_per_second", &self.rms_per_second, &a.rms_per_second);
        levels("seam_rms", &self.seam_rms, &a.seam_rms);
        d
    }
}
