//! validate(recipe, probed assets) → Plan: every duration, size and setting resolved once, up
//! front. Nothing downstream reads the recipe again.

pub mod composition;
mod decode_passes;
pub mod seamless;
pub mod smart;
pub mod sound;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::captions::CaptionPlan;
use crate::error::{Error, Result};
use crate::frame::Yuv;
use crate::overlay::OverlayPlan;
use crate::recipe::{Fit, LoopMode, OutputSpec, Recipe};
use crate::source::asset::{probe_asset, Asset};
use crate::timeline::Timeline;
pub use composition::{ClipKind, ClipPlan, Composition, Layers};
pub use seamless::LoopWindow;
pub use sound::SoundPlan;

pub const MIN_CLIP_SECONDS: f64 = 6.0;
pub const MAX_CLIP_SECONDS: f64 = 30.0;
pub const MAX_OUTPUTS: usize = 8;
pub const MAX_OUTPUT_SIDE: u32 = 4096;
pub const MIN_OUTPUT_SIDE: u32 = 16;
/// Audio pre-roll decoded before each clip's start, for seamless crossfades at loop seams.
pub const AUDIO_PREROLL: f64 = 0.025;

#[derive(Debug, Clone)]
pub struct Plan {
    /// The clips in composed time (version 1: the one source's trimmed segment).
    pub composition: Arc<Composition>,
    pub mode: LoopMode,
    pub outputs: Vec<OutputPlan>,
    /// Output indices per decode pass: one pass for all unless the recipe sets `max_memory_mb`.
    pub decode_passes: Vec<Vec<usize>>,
    /// Decode without the deblocking filter (preview renditions; see `export::ExportMode`).
    pub skip_deblocking: bool,
    /// The audio track: clips' sound, music bed, loudness; `None` when the outputs have no audio.
    pub sound: Option<SoundPlan>,
    /// A checked signer when the recipe asks for provenance (validated before any encoding).
    pub provenance: Option<std::sync::Arc<crate::provenance::Prepared>>,
    /// Write `<output>.upload.json` beside every output.
    pub upload_plan: Option<crate::upload::UploadPlanSpec>,
    /// The window a seamless loop plays (the recipe was rewritten into a repeat of it).
    pub loop_window: Option<LoopWindow>,
    /// Write `<output>.links.json` beside every output that shows one of these links.
    pub links: Vec<crate::recipe::LinkSpec>,
}

#[derive(Debug, Clone)]
pub struct OutputPlan {
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    pub fit: Fit,
    pub background: Yuv,
    /// Frame rate as a fraction (num, den).
    pub fps: (i32, i32),
    pub timeline: Timeline,
    pub encoder: EncoderSettings,
    /// Captions to draw on this output (shared by all outputs; laid out per output size).
    pub captions: Option<Arc<CaptionPlan>>,
    /// Image overlays (shared; rasterised per output size).
    pub overlays: Option<Arc<OverlayPlan>>,
    /// Captions or overlays differ between loop passes: encode every frame instead of replaying one pass.
    pub layers_per_pass: bool,
    /// `fit: "smart"`: per clip index, the crop path this output shows it through (filled by
    /// `smart::attach` after the analysis; empty before, and for clips that keep the centre).
    pub smart: Vec<Option<Arc<smart::ClipPath>>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EncoderSettings {
    pub name: String,
    pub preset: String,
    pub crf: Option<u8>,
    pub bitrate: Option<u64>,
    /// Encoder threads: outputs already encode in parallel, so each gets a share of the cores.
    pub threads: u32,
}

impl OutputPlan {
    pub fn fps_f64(&self) -> f64 {
        f64::from(self.fps.0) / f64::from(self.fps.1)
    }
    pub fn duration(&self) -> f64 {
        f64::from(self.timeline.total) / self.fps_f64()
    }
    /// The timeline the video is encoded and muxed with: the loop's, or one flat pass of the whole
    /// clip when captions or overlays make the passes differ.
    pub fn video_timeline(&self) -> Timeline {
        if self.layers_per_pass { self.timeline.flat() } else { self.timeline }
    }
    /// The fit for `clip`: the clip's own, else the output's.
    pub fn fit_for(&self, clip: &ClipPlan) -> Fit {
        clip.fit.unwrap_or(self.fit)
    }
}

impl Plan {
    /// Probes every clip of `recipe` and plans it (a seamless loop's window is searched first).
    pub fn for_recipe(recipe: &Recipe) -> Result<Plan> {
        let (recipe, window) = seamless::resolve(recipe, &crate::export::CancelToken::new())?;
        let assets = recipe.timeline_clips().iter().map(|c| probe_asset(&recipe.resolve(&c.source))).collect::<Result<Vec<_>>>()?;
        Ok(Plan::new(&recipe, &assets)?.with_loop_window(window))
    }

    /// Marks a plan made from a rewritten seamless recipe (see `seamless`) as the seamless loop it is.
    pub fn with_loop_window(mut self, window: Option<LoopWindow>) -> Plan {
        if window.is_some() {
            self.mode = LoopMode::Seamless;
        }
        self.loop_window = window;
        self
    }

    /// Plans `recipe` whose clips were probed into `assets` (one per clip, in order).
    pub fn new(recipe: &Recipe, assets: &[Asset]) -> Result<Plan> {
        Self::with_min_duration(recipe, assets, MIN_CLIP_SECONDS)
    }

    /// Like [`Plan::new`] with another lower bound on the finished length: preview renditions
    /// (2–6 s) are built internally and are not subject to the public 6 s rule.
    pub(crate) fn with_min_duration(recipe: &Recipe, assets: &[Asset], min_seconds: f64) -> Result<Plan> {
        recipe.check_version()?;
        let mode = recipe.looping.map(|l| l.mode).unwrap_or_default();
        let mut composition = Composition::new(recipe, assets, mode)?;
        if recipe.outputs.is_empty() {
            return Err(Error::invalid("the recipe has no outputs"));
        }
        if recipe.outputs.len() > MAX_OUTPUTS {
            return Err(Error::limit(format!("{} outputs requested; at most {MAX_OUTPUTS}", recipe.outputs.len())));
        }
        let mut outputs = Vec::new();
        for (i, spec) in recipe.outputs.iter().enumerate() {
            outputs.push(output_plan(recipe, spec, i, &composition, min_seconds)?);
        }
        check_paths(&recipe.input_files(), &outputs)?;
        // Only what some output shows is decoded (a loop shorter than its clips stops early).
        let shown = outputs.iter().map(|o| f64::from(o.timeline.seg_frames) / o.fps_f64()).fold(0.0, f64::max);
        composition.keep_until(shown);
        for c in &mut composition.clips {
            c.work_size = work_size(c.size, &outputs, c.fit);
        }
        let composition = Arc::new(composition);
        let captions = CaptionPlan::from_recipe(recipe, &composition)?.map(Arc::new);
        let clip_end = outputs.iter().map(OutputPlan::duration).fold(0.0, f64::max);
        let overlays = OverlayPlan::from_recipe(recipe, clip_end)?;
        for (i, o) in outputs.iter_mut().enumerate() {
            let fps = o.fps_f64();
            // Each output keeps only the overlays it shows (an overlay may name its outputs).
            let overlays = overlays.as_ref().and_then(|ov| ov.for_output(i)).map(Arc::new);
            o.layers_per_pass = captions.as_ref().is_some_and(|c| c.varies_per_pass(&o.timeline, fps, &composition))
                || overlays.as_ref().is_some_and(|ov| ov.varies_per_pass(&o.timeline, fps));
            o.captions = captions.clone();
            o.overlays = overlays;
        }
        let largest = composition.clips.iter().map(|c| c.work_size).max_by_key(|(w, h)| u64::from(*w) * u64::from(*h)).unwrap_or((2, 2));
        let decode_passes = decode_passes::group(largest, &outputs, recipe.max_memory_mb);
        for pass in &decode_passes {
            // Outputs of one pass encode in parallel; an output alone gets both encoder threads,
            // unless it is small (a 360p preview): slice threads cost more than they give there.
            if let [only] = pass.as_slice() {
                let o = &mut outputs[*only];
                o.encoder.threads = if u64::from(o.width) * u64::from(o.height) > 640 * 640 { 2 } else { 1 };
            }
        }
        let sound = SoundPlan::new(recipe, &composition)?;
        let links = crate::recipe::links::checked(recipe)?;
        // Last of the checks, as it reads every input once to hash it: a bad chain or key is
        // refused here, before any encoding starts.
        let durations: Vec<f64> = assets.iter().map(|a| match a { Asset::Video(info) => info.duration, Asset::Still { .. } => 0.0 }).collect();
        let mut plan = Plan { composition, mode, outputs, decode_passes, skip_deblocking: false, sound, provenance: None, upload_plan: recipe.upload_plan, loop_window: None, links };
        // A smart fit without its models is refused before the provenance check reads the inputs.
        smart::check_models(&plan)?;
        plan.provenance = crate::provenance::prepare(recipe, &durations)?;
        Ok(plan)
    }
}

fn output_plan(recipe: &Recipe, spec: &OutputSpec, i: usize, composition: &Composition, min_seconds: f64) -> Result<OutputPlan> {
    let seg_len = composition.length;
    let ctx = |m: String| Error::invalid(format!("outputs[{i}] ({}): {m}", spec.path.display()));
    let (aw, ah) = parse_aspect(&spec.aspect).ok_or_else(|| ctx(format!("aspect '{}' is not W:H", crate::error::snippet(&spec.aspect))))?;
    let (width, height) = output_size(spec, aw, ah).map_err(ctx)?;
    let fps = parse_fps(spec.fps.unwrap_or(30.0)).ok_or_else(|| ctx("fps must be between 1 and 120".into()))?;
    let fps_f = f64::from(fps.0) / f64::from(fps.1);
    let background = match &spec.background {
        Some(s) => Yuv::from_hex(s).ok_or_else(|| ctx(format!("background '{}' is not #RRGGBB", crate::error::snippet(s))))?,
        None => Yuv::BLACK,
    };
    if spec.crf.is_some_and(|c| c > 51) {
        return Err(ctx("crf must be 0–51".into()));
    }
    if spec.bitrate.is_some_and(|b| !(10_000..=200_000_000).contains(&b)) {
        return Err(ctx("bitrate must be between 10000 and 200000000 bits/s".into()));
    }
    // Checked here: x264 prints its own complaint to stderr before FFmpeg returns an error.
    if let Some(p) = &spec.preset {
        if !X264_PRESETS.contains(&p.as_str()) {
            return Err(ctx(format!("preset '{}' is not one of {}", crate::error::snippet(p), X264_PRESETS.join(", "))));
        }
    }
    let timeline = Timeline::new(recipe.looping.as_ref(), seg_len, fps_f)?;
    let duration = f64::from(timeline.total) / fps_f;
    if !(min_seconds - 0.5 / fps_f..=MAX_CLIP_SECONDS + 0.5 / fps_f).contains(&duration) {
        return Err(Error::invalid(format!(
            "the finished clip would be {duration:.3} s long; it must be {MIN_CLIP_SECONDS}–{MAX_CLIP_SECONDS} s ({}, {})",
            composition.length_sum,
            loop_description(recipe)
        )));
    }
    Ok(OutputPlan {
        path: recipe.resolve(&spec.path),
        width,
        height,
        fit: spec.fit,
        background,
        fps,
        timeline,
        encoder: EncoderSettings {
            name: spec.encoder.clone().unwrap_or_else(|| "libx264".into()),
            preset: spec.preset.clone().unwrap_or_else(|| "veryfast".into()),
            crf: if spec.bitrate.is_some() { spec.crf } else { Some(spec.crf.unwrap_or(23)) },
            bitrate: spec.bitrate,
            threads: 1,
        },
        captions: None,
        overlays: None,
        layers_per_pass: false,
        smart: Vec::new(),
    })
}

fn loop_description(recipe: &Recipe) -> String {
    let l = recipe.looping.unwrap_or_default();
    match (l.duration, l.count) {
        (Some(d), _) => format!("loop mode \"{}\" to {d} s", l.mode),
        (_, Some(c)) => format!("loop mode \"{}\" ×{c}", l.mode),
        _ => format!("loop mode \"{}\"", l.mode),
    }
}

/// x264's speed presets (the names every H.264 encoder wrapper of FFmpeg accepts for libx264).
pub const X264_PRESETS: [&str; 10] = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"];

pub fn parse_aspect(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once(':')?;
    let (a, b) = (a.trim().parse::<u32>().ok()?, b.trim().parse::<u32>().ok()?);
    (a > 0 && b > 0 && a <= 100 * b && b <= 100 * a).then_some((a, b))
}

fn even(x: f64) -> u32 {
    // Saturating: an absurd size (width 4e9 at 1:100) must reach the range check, not overflow.
    ((x / 2.0).round() as u32).saturating_mul(2).max(2)
}

fn output_size(spec: &OutputSpec, aw: u32, ah: u32) -> std::result::Result<(u32, u32), String> {
    let ratio = f64::from(aw) / f64::from(ah);
    let (w, h) = match (spec.width, spec.height) {
        (Some(w), Some(h)) => (w, h),
        (None, Some(h)) => (even(f64::from(h) * ratio), h),
        (Some(w), None) => (w, even(f64::from(w) / ratio)),
        // Default: short side 1080, like the feeds' native renditions.
        (None, None) if aw >= ah => (even(1080.0 * ratio), 1080),
        (None, None) => (1080, even(1080.0 / ratio)),
    };
    if w % 2 == 1 || h % 2 == 1 {
        return Err(format!("size {w}x{h} must be even for 4:2:0 video"));
    }
    if w < MIN_OUTPUT_SIDE || h < MIN_OUTPUT_SIDE || w > MAX_OUTPUT_SIDE || h > MAX_OUTPUT_SIDE {
        return Err(format!("size {w}x{h} is outside {MIN_OUTPUT_SIDE}–{MAX_OUTPUT_SIDE} pixels per side"));
    }
    Ok((w, h))
}

/// Frame rate as an exact fraction: integers stay integers, NTSC rates become n*1000/1001.
fn parse_fps(f: f64) -> Option<(i32, i32)> {
    if !f.is_finite() || !(1.0..=120.0).contains(&f) {
        return None;
    }
    if (f - f.round()).abs() < 1e-6 {
        return Some((f.round() as i32, 1));
    }
    let ntsc = (f * 1.001).round();
    if (f - ntsc * 1000.0 / 1001.0).abs() < 1e-3 {
        return Some((ntsc as i32 * 1000, 1001));
    }
    Some(((f * 1000.0).round() as i32, 1000))
}

/// Refuses outputs that would overwrite an input (source, recipe, subtitles, fonts) or each other.
fn check_paths(inputs: &[PathBuf], outputs: &[OutputPlan]) -> Result<()> {
    let inputs: Vec<PathBuf> = inputs.iter().filter_map(|p| std::fs::canonicalize(p).ok()).collect();
    let mut seen: Vec<PathBuf> = Vec::new();
    for o in outputs {
        let name = o.path.file_name().ok_or_else(|| Error::invalid(format!("output path '{}' has no file name", o.path.display())))?;
        let dir = o.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let dir = std::fs::canonicalize(dir)
            .map_err(|e| Error::io(format!("output folder {} is not usable: {e}", dir.display())))?;
        let full = dir.join(name);
        // A symlink at the destination is followed too: renaming over it would not touch the
        // target, but the check must not depend on that.
        let target = std::fs::canonicalize(&full).ok();
        if inputs.iter().any(|i| *i == full || Some(i) == target.as_ref()) {
            return Err(Error::invalid(format!("output {} would overwrite one of the export's inputs", o.path.display())));
        }
        if seen.contains(&full) {
            return Err(Error::invalid(format!("two outputs write to {}", o.path.display())));
        }
        seen.push(full);
    }
    Ok(())
}

/// Decode size of a clip: its size, or smaller when every output uses it at less than half scale.
/// When every output is the same plain downscale of the whole picture, frames are decoded straight
/// to that size: one resample instead of two (feed previews, 1080p → 360p). `clip_fit` overrides
/// the outputs' fits.
fn work_size(src: (u32, u32), outputs: &[OutputPlan], clip_fit: Option<Fit>) -> (u32, u32) {
    let (sw, sh) = (f64::from(src.0), f64::from(src.1));
    let plain = |o: &OutputPlan| {
        let s = f64::from(o.width) / sw;
        s < 0.5 && (even(sw * s), even(sh * s)) == (o.width, o.height)
    };
    if let Some(first) = outputs.first() {
        if outputs.iter().all(|o| plain(o) && (o.width, o.height) == (first.width, first.height)) {
            return (first.width, first.height);
        }
    }
    let scale = outputs
        .iter()
        .map(|o| {
            let (sx, sy) = (f64::from(o.width) / sw, f64::from(o.height) / sh);
            match clip_fit.unwrap_or(o.fit) {
                Fit::Crop | Fit::Smart => sx.max(sy),
                Fit::Pad | Fit::Blur => sx.min(sy),
            }
        })
        .fold(0.0, f64::max);
    let s = if scale < 0.5 { scale * 1.25 } else { 1.0 };
    (even(sw * s), even(sh * s))
}
