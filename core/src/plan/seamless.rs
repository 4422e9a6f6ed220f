//! `loop.mode: "seamless"`, resolved before planning: find the best loop window of the one video
//! clip (`analysis::loop_points`), then rewrite the recipe into a plain repeat of that window whose
//! seam is a crossfade the composer already draws:
//!
//! ```text
//! clip A = source [a, b]          one pass of the loop (the window)
//! clip B = source [a − d, a]      the d seconds just before a, "crossfade" transition of d
//! ```
//!
//! B overlaps A's last d seconds, so every pass ends by dissolving (picture linearly, sound with
//! equal power, `audio::compose`) into the frames that really come before a: the jump back to a is
//! then ordinary motion. Every pass is identical, so encode-once replay keeps working.

use serde::{Deserialize, Serialize};

use crate::analysis::{loop_points, seam::DEFAULT_CROSSFADE, LoopSearch};
use crate::error::{Error, Result};
use crate::export::CancelToken;
use crate::plan::composition::SPEED_RANGE;
use crate::recipe::{ClipSpec, LoopMode, LoopSpec, LoudnessSpec, Recipe, TransitionKind, TransitionSpec, Trim};
use crate::source::asset::still_format;

/// The loop window a seamless export chose, in source seconds of its clip.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LoopWindow {
    pub start: f64,
    /// Exclusive: the last frame's time plus one frame.
    pub end: f64,
    /// The window's rank value in (0, 1], higher is better (`LoopPoint::score`).
    pub score: f64,
    /// False when the clip has no good loop: this best window's seam may show.
    pub seamless: bool,
}

/// Longest loop window searched, composed seconds (the issue's 2–6 s loops).
const MAX_WINDOW: f64 = 6.0;
const MIN_WINDOW: f64 = 2.0;
/// A crossfade shorter than this (about a frame) is not baked.
const MIN_BAKE: f64 = 0.02;

/// `recipe` unchanged when it is not seamless; otherwise the rewritten recipe (a repeat) and the
/// window chosen.
pub fn resolve<'a>(recipe: &'a Recipe, cancel: &CancelToken) -> Result<(std::borrow::Cow<'a, Recipe>, Option<LoopWindow>)> {
    let Some(spec) = recipe.looping.filter(|l| l.mode == LoopMode::Seamless) else {
        if recipe.looping.is_some_and(|l| l.crossfade.is_some()) {
            return Err(Error::invalid("loop.crossfade needs loop.mode \"seamless\""));
        }
        return Ok((std::borrow::Cow::Borrowed(recipe), None));
    };
    recipe.check_version()?;
    // Duration/count are checked before the search reads the clip, in the recipe's own words (the
    // rewritten recipe is a repeat of two clips).
    crate::timeline::Timeline::new(Some(&spec), 1.0, 30.0)?;
    let (lo, hi) = (crate::plan::MIN_CLIP_SECONDS, crate::plan::MAX_CLIP_SECONDS);
    if let Some(d) = spec.duration.filter(|d| !(lo..=hi).contains(d)) {
        return Err(Error::invalid(format!("the finished clip would be {d:.3} s long; it must be {lo}–{hi} s (loop mode \"seamless\" to {d} s)")));
    }
    let crossfade = spec.crossfade.unwrap_or(DEFAULT_CROSSFADE);
    if !(crossfade.is_finite() && (0.0..=2.0).contains(&crossfade)) {
        return Err(Error::invalid(format!("loop.crossfade {crossfade} must be 0–2 seconds")));
    }
    let clips = recipe.timeline_clips();
    let [clip] = clips.as_slice() else {
        return Err(Error::invalid(format!("seamless loops need a single video clip (this recipe has {})", clips.len())));
    };
    let path = recipe.resolve(&clip.source);
    if still_format(&path)?.is_some() {
        return Err(Error::invalid("seamless loops need a single video clip (this one is a still image)"));
    }
    // Search in source seconds; an out-of-range speed is refused by planning with its own words.
    let speed = clip.speed.filter(|s| s.is_finite() && (SPEED_RANGE.0..=SPEED_RANGE.1).contains(s)).unwrap_or(1.0);
    let (min, max) = window_lengths(&spec);
    let trim = clip.trim.unwrap_or(Trim { start: 0.0, end: None });
    let search = LoopSearch {
        start: trim.start,
        end: trim.end,
        min: min * speed,
        max: max * speed,
        count: 1,
        crossfade: (crossfade * speed).min(2.0),
    };
    let best = *loop_points(&path, &search, cancel)?
        .first()
        .ok_or_else(|| Error::unsupported(format!("{}: no loop window was found", path.display())))?;
    let window = LoopWindow { start: best.start, end: best.end, score: best.score, seamless: best.seamless };
    Ok((std::borrow::Cow::Owned(rewrite(recipe, clip, &spec, window, crossfade * speed)), Some(window)))
}

/// Shortest and longest window, composed seconds: 2–6 s, no longer than the finished clip and, with
/// `count` passes, long enough for the 6 s minimum and short enough for the 30 s maximum.
fn window_lengths(spec: &LoopSpec) -> (f64, f64) {
    match (spec.duration, spec.count) {
        (Some(d), _) => {
            let max = MAX_WINDOW.min(d);
            (MIN_WINDOW.min(max), max)
        }
        (_, Some(n)) => {
            let n = f64::from(n.max(1));
            let min = (crate::plan::MIN_CLIP_SECONDS / n).clamp(MIN_WINDOW, MAX_WINDOW);
            (min, (crate::plan::MAX_CLIP_SECONDS / n).min(MAX_WINDOW).max(min))
        }
        _ => (MIN_WINDOW, MAX_WINDOW),
    }
}

/// The seamless recipe as a version 2 repeat of window [a, b) with a lead-in clip of `lead`
/// source seconds (shortened to what exists before a and to half the window).
fn rewrite(recipe: &Recipe, clip: &ClipSpec, spec: &LoopSpec, w: LoopWindow, lead: f64) -> Recipe {
    let speed = clip.speed.unwrap_or(1.0);
    let lead = lead.min(w.start).min((w.end - w.start) / 2.0).max(0.0);
    let a = ClipSpec { trim: Some(Trim { start: w.start, end: Some(w.end) }), transition: None, ..clip.clone() };
    let mut clips = vec![a];
    if lead / speed >= MIN_BAKE {
        clips.push(ClipSpec {
            trim: Some(Trim { start: w.start - lead, end: Some(w.start) }),
            transition: Some(TransitionSpec { kind: TransitionKind::Crossfade, duration: Some(lead / speed) }),
            // Cues of the lead-in's source time would flash up during the dissolve.
            subtitles: None,
            ..clip.clone()
        });
    }
    let mut out = recipe.clone();
    if recipe.version == 1 {
        // Version 1 leaves the sound as it is: keep that in version 2's terms.
        out.loudness = Some(LoudnessSpec { normalize: Some(false), target_lufs: None, true_peak_db: None });
    }
    out.version = 2;
    out.source = None;
    out.trim = None;
    out.subtitles = None;
    out.clips = Some(clips);
    out.looping = Some(LoopSpec { mode: LoopMode::Repeat, crossfade: None, ..*spec });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(duration: Option<f64>, count: Option<u32>) -> LoopSpec {
        LoopSpec { mode: LoopMode::Seamless, duration, count, crossfade: None }
    }

    #[test]
    fn window_lengths_follow_the_finished_clip() {
        assert_eq!(window_lengths(&spec(Some(12.0), None)), (2.0, 6.0));
        assert_eq!(window_lengths(&spec(Some(6.0), None)), (2.0, 6.0));
        assert_eq!(window_lengths(&spec(None, Some(1))), (6.0, 6.0));
        assert_eq!(window_lengths(&spec(None, Some(2))), (3.0, 6.0));
        assert_eq!(window_lengths(&spec(None, Some(10))), (2.0, 3.0));
    }

    #[test]
    fn rewrite_makes_a_window_and_its_lead_in() {
        let json = r#"{ "version": 1, "source": "s.mp4", "trim": { "start": 1.0, "end": 9.0 },
            "loop": { "mode": "seamless", "duration": 12 }, "outputs": [{ "path": "o.mp4", "aspect": "9:16" }] }"#;
        let r = Recipe::from_json(json, None).unwrap();
        let clip = &r.timeline_clips()[0];
        let w = LoopWindow { start: 2.0, end: 4.4, score: 0.9, seamless: true };
        let out = rewrite(&r, clip, &r.looping.unwrap(), w, 0.3);
        out.check_version().unwrap();
        let clips = out.clips.as_ref().unwrap();
        assert_eq!(clips.len(), 2);
        assert_eq!(clips[0].trim, Some(Trim { start: 2.0, end: Some(4.4) }));
        assert_eq!(clips[1].trim, Some(Trim { start: 1.7, end: Some(2.0) }));
        assert_eq!(clips[1].transition.unwrap().duration, Some(0.3));
        assert_eq!(out.looping.unwrap().mode, LoopMode::Repeat);
        assert_eq!(out.loudness.unwrap().normalize, Some(false));
        // No lead-in before the clip's first frame: no bake.
        let out = rewrite(&r, clip, &r.looping.unwrap(), LoopWindow { start: 0.0, ..w }, 0.3);
        assert_eq!(out.clips.unwrap().len(), 1);
    }
}
