//! The timeline resolved: every clip's asset, source range, speed, sound and place in composed
//! time, and the transitions where two clips overlap. Built once by `Plan::new`; the export's
//! sequencer, the per-output sample exporters and the audio mix all read it, never the recipe.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::recipe::{ClipSpec, Fit, LoopMode, Motion, Recipe, TransitionKind};
pub use crate::source::asset::Asset;
use crate::source::probe::{Hdr, MediaInfo};

/// Speeds a clip may play at.
pub const SPEED_RANGE: (f64, f64) = (0.25, 4.0);
/// Speeds at which a clip's sound is time-stretched with its pitch kept; outside, it is muted.
pub const SOUND_SPEED_RANGE: (f64, f64) = (0.5, 2.0);
/// Most clips in one timeline.
pub const MAX_CLIPS: usize = 50;
/// A still is shown for this long at most (the whole clip is at most 30 s anyway).
pub const MAX_STILL_SECONDS: f64 = 30.0;
/// Default transition length when the recipe gives a kind but no duration.
pub const DEFAULT_TRANSITION_SECONDS: f64 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ClipKind {
    Video {
        /// Clockwise rotation and horizontal mirror of the display matrix (front cameras).
        rotation: u32,
        mirror: bool,
        hdr: Hdr,
    },
    Still,
}

/// One clip of the composition.
#[derive(Debug, Clone)]
pub struct ClipPlan {
    pub path: PathBuf,
    pub kind: ClipKind,
    /// Upright display size of the source.
    pub size: (u32, u32),
    /// Size frames are decoded (or a still is converted) to.
    pub work_size: (u32, u32),
    /// Source seconds used (a still: 0 to its duration).
    pub src_start: f64,
    pub src_end: f64,
    pub speed: f64,
    /// The clip's own sound is used (present, not muted, speed within `SOUND_SPEED_RANGE`).
    pub with_audio: bool,
    pub volume: f32,
    pub fit: Option<Fit>,
    pub motion: Motion,
    /// Composed seconds where the clip begins and how long it lasts there.
    pub start: f64,
    pub len: f64,
    /// How the clip takes over from the previous one; `duration` 0 for a cut.
    pub transition: TransitionKind,
    pub transition_len: f64,
}

impl ClipPlan {
    pub fn end(&self) -> f64 {
        self.start + self.len
    }
    /// Source seconds shown at composed time `t`.
    pub fn source_time(&self, t: f64) -> f64 {
        self.src_start + (t - self.start) * self.speed
    }
    /// Composed seconds at which source time `s` is shown.
    pub fn composed_time(&self, s: f64) -> f64 {
        self.start + (s - self.src_start) / self.speed
    }
    pub fn is_still(&self) -> bool {
        self.kind == ClipKind::Still
    }
}

/// What is on screen at one composed moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Layers {
    One(usize),
    /// Clip `from` hands over to clip `to` (= from + 1); `progress` runs 0 → 1.
    Transition { from: usize, to: usize, kind: TransitionKind, progress: f64 },
}

#[derive(Debug, Clone)]
pub struct Composition {
    pub clips: Vec<ClipPlan>,
    /// Composed length in seconds (one pass of the loop).
    pub length: f64,
    /// How `length` was computed, for error messages ("2.50 + 2.00 − 0.40 (crossfade) = 4.10 s").
    pub length_sum: String,
}

impl Composition {
    /// Resolves the recipe's clips against their probed assets. `loop_mode` decides whether the
    /// clips' sound is kept by default (a boomerang plays it backwards: muted unless asked).
    pub fn new(recipe: &Recipe, assets: &[Asset], loop_mode: LoopMode) -> Result<Composition> {
        let specs = recipe.timeline_clips();
        if specs.len() > MAX_CLIPS {
            return Err(Error::limit(format!("{} clips; at most {MAX_CLIPS}", specs.len())));
        }
        if specs.len() != assets.len() {
            return Err(Error::internal("clips and probed assets differ in number"));
        }
        let v1 = recipe.version == 1;
        let global_mute = recipe.audio.and_then(|a| a.mute);
        let mut clips: Vec<ClipPlan> = Vec::new();
        for (i, (spec, asset)) in specs.iter().zip(assets).enumerate() {
            let what = if v1 { "the source".to_string() } else { format!("clips[{i}] ({})", spec.source.display()) };
            let mut c = clip_plan(recipe, spec, asset, &what)?;
            let default_mute = loop_mode == LoopMode::Boomerang;
            c.with_audio = c.with_audio && !global_mute.unwrap_or(default_mute) && !spec.mute.unwrap_or(false);
            let (kind, d) = transition_of(spec, i, &what)?;
            if let Some(prev) = clips.last() {
                if d > prev.len + 1e-9 || d > c.len + 1e-9 {
                    return Err(Error::invalid(format!(
                        "{what}: the {} of {d:.3} s is longer than the clip ({:.3} s) or the one before it ({:.3} s)",
                        kind.name(),
                        c.len,
                        prev.len
                    )));
                }
                // Three clips on screen at once would need three decoders: each clip's two
                // transitions must fit in it.
                if prev.transition_len + d > prev.len + 1e-9 {
                    return Err(Error::invalid(format!(
                        "clips[{}]: its transitions in ({:.3} s) and out ({d:.3} s) overlap; the clip is {:.3} s",
                        i - 1,
                        prev.transition_len,
                        prev.len
                    )));
                }
                c.start = prev.end() - d;
            }
            c.transition = kind;
            c.transition_len = d;
            clips.push(c);
        }
        let length = clips.last().map_or(0.0, ClipPlan::end);
        let mut sum = clips.iter().map(|c| format!("{:.2}", c.len)).collect::<Vec<_>>().join(" + ");
        for c in clips.iter().filter(|c| c.transition_len > 0.0) {
            sum.push_str(&format!(" − {:.2} ({})", c.transition_len, c.transition.name()));
        }
        let length_sum = if clips.len() > 1 { format!("clips {sum} = {length:.3} s") } else { format!("trimmed segment {length:.3} s") };
        Ok(Composition { clips, length, length_sum })
    }

    /// The composition of one unprobed video clip showing source seconds `start`–`end` (for laying
    /// out captions without a file, e.g. in tests and tools).
    pub fn of_segment(path: impl Into<PathBuf>, start: f64, end: f64) -> Composition {
        let clip = ClipPlan {
            path: path.into(),
            kind: ClipKind::Video { rotation: 0, mirror: false, hdr: Hdr::None },
            size: (2, 2),
            work_size: (2, 2),
            src_start: start,
            src_end: end,
            speed: 1.0,
            with_audio: false,
            volume: 1.0,
            fit: None,
            motion: Motion::None,
            start: 0.0,
            len: end - start,
            transition: TransitionKind::Cut,
            transition_len: 0.0,
        };
        Composition { clips: vec![clip], length: end - start, length_sum: format!("trimmed segment {:.3} s", end - start) }
    }

    /// What is on screen at composed time `t` (clamped into the composition).
    pub fn layers_at(&self, t: f64) -> Layers {
        let last = self.clips.len().saturating_sub(1);
        // The last clip that has begun; transitions are where the one before it has not ended.
        let b = self.clips.iter().rposition(|c| c.start <= t + 1e-9).unwrap_or(0);
        if b > 0 {
            let (prev, c) = (&self.clips[b - 1], &self.clips[b]);
            if c.transition_len > 0.0 && t < prev.end() - 1e-9 {
                let progress = ((t - c.start) / c.transition_len).clamp(0.0, 1.0);
                return Layers::Transition { from: b - 1, to: b, kind: c.transition, progress };
            }
        }
        Layers::One(b.min(last))
    }

    /// Source seconds of clip `c` at composed time `t`, if the clip is on screen then.
    pub fn source_time_in(&self, c: usize, t: f64) -> Option<f64> {
        let clip = self.clips.get(c)?;
        (t + 1e-9 >= clip.start && t < clip.end() + 1e-9).then(|| clip.source_time(t))
    }

    /// Drops what no output shows: clips that start after `shown` seconds go, and the one that
    /// ends past it is cut there (its source range too, so decoding stops early).
    pub fn keep_until(&mut self, shown: f64) {
        if shown >= self.length {
            return;
        }
        self.clips.retain(|c| c.start < shown || c.start == 0.0);
        for c in &mut self.clips {
            if c.end() > shown {
                c.len = (shown - c.start).max(0.0);
                c.src_end = c.src_start + c.len * c.speed;
            }
        }
    }

    pub fn any_audio(&self) -> bool {
        self.clips.iter().any(|c| c.with_audio)
    }
}

fn transition_of(spec: &ClipSpec, i: usize, what: &str) -> Result<(TransitionKind, f64)> {
    let Some(t) = spec.transition else { return Ok((TransitionKind::Cut, 0.0)) };
    if t.kind == TransitionKind::Cut {
        return Ok((TransitionKind::Cut, 0.0));
    }
    if i == 0 {
        return Err(Error::invalid(format!("{what}: the first clip has no clip before it to transition from")));
    }
    let d = t.duration.unwrap_or(DEFAULT_TRANSITION_SECONDS);
    if !(d.is_finite() && d > 0.0 && d <= 5.0) {
        return Err(Error::invalid(format!("{what}: transition duration {d} must be more than 0 and at most 5 seconds")));
    }
    Ok((t.kind, d))
}

fn clip_plan(recipe: &Recipe, spec: &ClipSpec, asset: &Asset, what: &str) -> Result<ClipPlan> {
    let path = recipe.resolve(&spec.source);
    let speed = spec.speed.unwrap_or(1.0);
    if !(speed.is_finite() && (SPEED_RANGE.0..=SPEED_RANGE.1).contains(&speed)) {
        return Err(Error::invalid(format!("{what}: speed {speed} must be {}–{}", SPEED_RANGE.0, SPEED_RANGE.1)));
    }
    let volume = spec.volume.unwrap_or(1.0);
    if !(volume.is_finite() && (0.0..=4.0).contains(&volume)) {
        return Err(Error::invalid(format!("{what}: volume {volume} must be 0–4")));
    }
    let base = ClipPlan {
        path,
        kind: ClipKind::Still,
        size: (2, 2),
        work_size: (2, 2),
        src_start: 0.0,
        src_end: 0.0,
        speed,
        with_audio: false,
        volume: volume as f32,
        fit: spec.fit,
        motion: spec.motion.unwrap_or_default(),
        start: 0.0,
        len: 0.0,
        transition: TransitionKind::Cut,
        transition_len: 0.0,
    };
    match asset {
        Asset::Still { width, height } => {
            if spec.trim.is_some() || spec.speed.is_some() {
                return Err(Error::invalid(format!("{what}: a still image takes 'duration', not 'trim' or 'speed'")));
            }
            let d = spec.duration.ok_or_else(|| Error::invalid(format!("{what}: a still image needs 'duration' (seconds)")))?;
            if !(d.is_finite() && d > 0.0 && d <= MAX_STILL_SECONDS) {
                return Err(Error::invalid(format!("{what}: duration {d} must be more than 0 and at most {MAX_STILL_SECONDS} s")));
            }
            Ok(ClipPlan { size: (*width, *height), src_end: d, len: d, ..base })
        }
        Asset::Video(info) => {
            if spec.duration.is_some() {
                return Err(Error::invalid(format!("{what}: 'duration' is for still images; a video clip takes 'trim'")));
            }
            if spec.motion.is_some_and(|m| m != Motion::None) {
                return Err(Error::invalid(format!("{what}: 'motion' is for still images")));
            }
            let (_, v) = info.video().ok_or_else(|| Error::unsupported(format!("{}: has no video stream", base.path.display())))?;
            check_source_size(v.width, v.height)?;
            let (src_start, src_end) = trim(spec, source_duration(info), what)?;
            Ok(ClipPlan {
                kind: ClipKind::Video { rotation: v.rotation, mirror: v.mirror, hdr: v.hdr },
                size: (v.display_width.max(2), v.display_height.max(2)),
                src_start,
                src_end,
                with_audio: info.audio().is_some()
                    && (SOUND_SPEED_RANGE.0..=SOUND_SPEED_RANGE.1).contains(&speed),
                len: (src_end - src_start) / speed,
                ..base
            })
        }
    }
}

fn check_source_size(w: u32, h: u32) -> Result<()> {
    use crate::source::open::{MAX_SOURCE_PIXELS, MAX_SOURCE_SIDE};
    if w > MAX_SOURCE_SIDE || h > MAX_SOURCE_SIDE || u64::from(w) * u64::from(h) > MAX_SOURCE_PIXELS {
        return Err(Error::limit(format!("the source is {w}x{h}; clipforge reads up to 8K (8192x4320)")));
    }
    if w < 2 || h < 2 {
        return Err(Error::unsupported(format!("the source video has no usable size ({w}x{h})")));
    }
    Ok(())
}

fn source_duration(info: &MediaInfo) -> f64 {
    let v = info.video().map(|(s, _)| s.duration).unwrap_or(0.0);
    if v > 0.0 { v } else { info.duration }
}

fn trim(spec: &ClipSpec, src_dur: f64, what: &str) -> Result<(f64, f64)> {
    let t = spec.trim.unwrap_or(crate::recipe::Trim { start: 0.0, end: None });
    let prefix = if what == "the source" { String::new() } else { format!("{what}: ") };
    if !t.start.is_finite() || t.start < 0.0 {
        return Err(Error::invalid(format!("{prefix}trim.start must be ≥ 0 seconds, got {}", t.start)));
    }
    let end = t.end.unwrap_or(if src_dur > 0.0 { src_dur } else { f64::INFINITY });
    // Also refuses a NaN end.
    if end.partial_cmp(&t.start) != Some(std::cmp::Ordering::Greater) {
        return Err(Error::invalid(format!("{prefix}trim.end ({end}) must be after trim.start ({})", t.start)));
    }
    if src_dur > 0.0 && t.start >= src_dur {
        return Err(Error::invalid(format!("{prefix}trim.start {}s is past the end of the {src_dur:.3}s source", t.start)));
    }
    let end = if src_dur > 0.0 { end.min(src_dur) } else { end };
    if !end.is_finite() {
        return Err(Error::unsupported(format!("{prefix}the source does not state its duration; give trim.end explicitly")));
    }
    Ok((t.start, end))
}
