//! `fit: "smart"`, resolved after planning: one subject analysis per video clip that some smart
//! output shows (shared by every such output, over the clip's shown source range), then one crop
//! path per (clip, output) from it (`analysis::reframe_path`, the crop size of that output's
//! aspect). The paths go into `OutputPlan::smart`; the compositor shows each picture through the
//! window at its source time, so trims, speed, transitions and loop replay need nothing more.
//! Stills, and scenes where nothing is found, keep the centred crop.

use serde::{Deserialize, Serialize};

use super::{ClipPlan, Layers, OutputPlan, Plan};
use crate::analysis::reframe_path::{CropWindow, ReframePath};
use crate::analysis::SubjectKind;
use crate::error::{Error, Result};
#[cfg(feature = "smart")]
use {
    super::ClipKind,
    crate::analysis::reframe_path::{crop_size, reframe_path, PathOptions},
    crate::analysis::SubjectTrack,
    std::sync::Arc,
};
use crate::export::CancelToken;
use crate::recipe::Fit;

/// Progress units per analysed source second (an encoded output frame is one unit: analysis costs
/// about a tenth of a 30 fps encode).
pub const UNITS_PER_SECOND: f64 = 3.0;
/// Longest gap between analysed frames (every keyframe is analysed as well), seconds.
#[cfg(feature = "smart")]
const INTERVAL: f64 = 1.0;
/// Camera limits of `PathOptions::new`, in output seconds (scaled by the clip's speed).
#[cfg(feature = "smart")]
const MAX_SPEED: f64 = 0.6;
#[cfg(feature = "smart")]
const MAX_ACCEL: f64 = 1.2;
/// Spans listed in a report at most (the longest are kept).
const MAX_SPANS: usize = 16;

/// One clip's crop path for one output.
#[derive(Debug, Clone)]
pub struct ClipPath {
    /// Source seconds of path frame 0; path frames per source second.
    pub start: f64,
    pub fps: f64,
    /// Upright source size the windows are in.
    pub source: (u32, u32),
    pub path: ReframePath,
    /// Per path frame: what the subject is (`None`: no subject, the camera holds or is centred).
    pub kinds: Vec<Option<SubjectKind>>,
}

impl ClipPath {
    fn index(&self, s: f64) -> usize {
        let k = ((s - self.start) * self.fps).round();
        (k.max(0.0) as usize).min(self.path.windows.len().saturating_sub(1))
    }

    /// The window at source time `s`, in a picture of `size` (the clip's working size).
    pub fn window_at(&self, s: f64, size: (u32, u32)) -> Option<CropWindow> {
        let w = self.path.windows.get(self.index(s))?;
        Some(w.scaled_to(self.source, size))
    }

    fn kind_at(&self, s: f64) -> Option<SubjectKind> {
        self.kinds.get(self.index(s)).copied().flatten()
    }
}

/// What `fit: "smart"` found for one output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmartReport {
    /// Fraction (0–1) of the output's smart frames (one loop pass) that had a subject.
    pub subject_frames: f64,
    /// True when no frame had one: the output is the centred crop.
    pub fallback: bool,
    /// Where a subject was followed, in seconds of one loop pass of the output (the longest
    /// `MAX_SPANS`, in time order).
    pub spans: Vec<SubjectSpan>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SubjectSpan {
    pub start: f64,
    /// Exclusive: the last frame's time plus one frame.
    pub end: f64,
    pub kind: SubjectKind,
}

fn is_smart(out: &OutputPlan, clip: &ClipPlan) -> bool {
    out.fit_for(clip) == Fit::Smart
}

fn analysed(plan: &Plan) -> impl Iterator<Item = (usize, &ClipPlan)> {
    plan.composition
        .clips
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_still() && c.src_end > c.src_start && plan.outputs.iter().any(|o| is_smart(o, c)))
}

/// Whether the recipe uses `fit: "smart"` anywhere (then the models must be registered).
pub fn uses_smart(plan: &Plan) -> bool {
    plan.composition.clips.iter().any(|c| plan.outputs.iter().any(|o| is_smart(o, c)))
}

/// The refusal of a smart recipe without registered models (InvalidRecipe, says how to fix it).
pub fn check_models(plan: &Plan) -> Result<()> {
    if uses_smart(plan) && !crate::analysis::subject_models_registered() {
        let out = plan.outputs.iter().position(|o| plan.composition.clips.iter().any(|c| is_smart(o, c))).unwrap_or(0);
        let what = if plan.outputs.get(out).is_some_and(|o| o.fit == Fit::Smart) { format!("outputs[{out}]") } else { "a clip".into() };
        return Err(Error::invalid(format!("{what}: fit \"smart\" {}", crate::analysis::NOT_REGISTERED)));
    }
    Ok(())
}

/// Progress units the analysis will report.
pub fn units(plan: &Plan) -> u64 {
    analysed(plan).map(|(_, c)| ((c.src_end - c.src_start) * UNITS_PER_SECOND).ceil() as u64).sum()
}

/// Analyses every clip a smart output shows and gives each smart output its clips' paths.
#[cfg(feature = "smart")]
pub fn attach(plan: &mut Plan, cancel: &CancelToken, progress: &dyn Fn(u64)) -> Result<()> {
    use crate::analysis::SubjectOptions;
    let clips: Vec<(usize, ClipPlan)> = analysed(plan).map(|(i, c)| (i, c.clone())).collect();
    if clips.is_empty() {
        return Ok(());
    }
    let n = plan.composition.clips.len();
    for (i, clip) in clips {
        let opts = SubjectOptions { start: clip.src_start, end: Some(clip.src_end), interval: INTERVAL };
        let mut track = crate::analysis::models::with_registered(|a| a.analyze(&clip.path, &opts, cancel))?;
        if let ClipKind::Video { rotation, mirror: true, .. } = clip.kind {
            mirror_track(&mut track, rotation);
        }
        for out in plan.outputs.iter_mut().filter(|o| is_smart(o, &clip)) {
            let path = clip_path(&track, &clip, out)?;
            out.smart.resize(n, None);
            out.smart[i] = Some(Arc::new(path));
        }
        progress(((clip.src_end - clip.src_start) * UNITS_PER_SECOND).ceil() as u64);
    }
    Ok(())
}

/// Without the `smart` feature nothing can be registered, so `check_models` has refused already.
#[cfg(not(feature = "smart"))]
pub fn attach(plan: &mut Plan, _cancel: &CancelToken, _progress: &dyn Fn(u64)) -> Result<()> {
    check_models(plan)
}

/// The analysis reads the stored picture un-mirrored; the export shows it mirrored (then rotated),
/// which is a flip of the upright picture along x (0°/180°) or y (90°/270°).
#[cfg(feature = "smart")]
fn mirror_track(track: &mut SubjectTrack, rotation: u32) {
    let (w, h) = (f64::from(track.width), f64::from(track.height));
    for d in track.samples.iter_mut().flat_map(|s| s.detections.iter_mut()) {
        let r = &mut d.region;
        if rotation.is_multiple_of(180) {
            r.x = w - r.x - r.w;
        } else {
            r.y = h - r.y - r.h;
        }
    }
}

/// The path of `clip` for `out`: path frames at the output's rate in composed time (the output
/// rate × speed in source time), camera limits in output seconds.
#[cfg(feature = "smart")]
fn clip_path(track: &SubjectTrack, clip: &ClipPlan, out: &OutputPlan) -> Result<ClipPath> {
    let fps = out.fps_f64() / clip.speed;
    let frames = ((clip.src_end - clip.src_start) * fps).ceil() as u32 + 1;
    let crop = crop_size(track.width, track.height, out.width, out.height);
    let opts = PathOptions {
        max_speed: MAX_SPEED / clip.speed,
        max_accel: MAX_ACCEL / (clip.speed * clip.speed),
        ..PathOptions::new(clip.src_start, fps, frames)
    };
    let path = reframe_path(track, crop, &opts)?;
    let kinds = kinds(track, &path, &opts);
    Ok(ClipPath { start: clip.src_start, fps, source: (track.width, track.height), path, kinds })
}

/// Each subject frame's kind: that of the nearest sample that saw something (a face wins).
#[cfg(feature = "smart")]
fn kinds(track: &SubjectTrack, path: &ReframePath, opts: &PathOptions) -> Vec<Option<SubjectKind>> {
    let seen: Vec<(f64, SubjectKind)> = track
        .samples
        .iter()
        .filter(|s| !s.detections.is_empty())
        .map(|s| {
            let face = s.detections.iter().any(|d| d.kind == SubjectKind::Face);
            (s.time, if face { SubjectKind::Face } else { SubjectKind::Salient })
        })
        .collect();
    path.subject
        .iter()
        .enumerate()
        .map(|(i, &has)| {
            if !has || seen.is_empty() {
                return None;
            }
            let t = opts.start + i as f64 / opts.fps;
            let k = seen.partition_point(|s| s.0 <= t);
            let near = [k.checked_sub(1), Some(k)].into_iter().flatten().filter_map(|q| seen.get(q)).min_by(|a, b| (a.0 - t).abs().total_cmp(&(b.0 - t).abs()));
            near.map(|s| s.1)
        })
        .collect()
}

/// The report of `out`, or `None` when it shows no smart clip. Counts the frames of one loop pass
/// (every pass shows the same; a transition's frame belongs to the clip more on screen).
pub fn report(plan: &Plan, out: &OutputPlan) -> Option<SmartReport> {
    let comp = &plan.composition;
    if !comp.clips.iter().any(|c| is_smart(out, c)) {
        return None;
    }
    let fps = out.fps_f64();
    let (mut smart, mut seen) = (0u32, 0u32);
    let mut spans: Vec<SubjectSpan> = Vec::new();
    for k in 0..out.timeline.seg_frames {
        let t = f64::from(k) / fps;
        let c = match comp.layers_at(t) {
            Layers::One(c) => c,
            Layers::Transition { from, to, progress, .. } => if progress < 0.5 { from } else { to },
        };
        let Some(clip) = comp.clips.get(c).filter(|c| is_smart(out, c)) else { continue };
        smart += 1;
        let kind = out.smart.get(c).and_then(Option::as_ref).and_then(|p| p.kind_at(clip.source_time(t)));
        let Some(kind) = kind else { continue };
        seen += 1;
        let end = f64::from(k + 1) / fps;
        match spans.last_mut() {
            Some(s) if s.kind == kind && (s.end - t).abs() < 0.5 / fps => s.end = end,
            _ => spans.push(SubjectSpan { start: t, end, kind }),
        }
    }
    if spans.len() > MAX_SPANS {
        spans.sort_by(|a, b| (b.end - b.start).total_cmp(&(a.end - a.start)));
        spans.truncate(MAX_SPANS);
        spans.sort_by(|a, b| a.start.total_cmp(&b.start));
    }
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    spans.iter_mut().for_each(|s| (s.start, s.end) = (round(s.start), round(s.end)));
    Some(SmartReport { subject_frames: round(f64::from(seen) / f64::from(smart.max(1))), fallback: seen == 0, spans })
}
