//! `export`: probe the clips, plan, then per decode pass: the sequencer (one decode loop over
//! the clips' asset loaders) feeds every output's sample exporter; the sound is mixed once per
//! distinct timeline; outputs are muxed into part files and committed all together or not at all.

mod asset_loader;
mod compositor;
pub mod control;
mod render;
mod sequencer;

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, SyncSender};

use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::audio::loudness::Measured;
use crate::encode::audio::encode_aac;
use crate::encode::commit::{commit_all, PartFile};
use crate::encode::mux::write_mp4;
use crate::encode::EncodedStream;
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::recipe::Recipe;
use crate::source::asset::{probe_asset, still_format, Asset};
use crate::source::audio::AudioClip;
use crate::source::open::reuse_or_open;
use crate::source::probe::probe_input;
pub use control::CancelToken;
use control::Progress;
use render::render_output;
use sequencer::Feed;

/// What one finished output holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputReport {
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    /// Seconds.
    pub duration: f64,
    pub frames: u32,
    pub bytes: u64,
    pub sha256: String,
    /// Integrated loudness of the audio track (EBU R128, LUFS); absent without audio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loudness_lufs: Option<f64>,
    /// True peak of the audio track (dBTP); absent without audio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub true_peak_db: Option<f64>,
    /// Caption characters no registered font has: exported as empty boxes (`strict_fonts`
    /// turns this into a `MissingGlyphs` error). Empty when every character has a glyph.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_glyphs: Vec<String>,
    /// `loop.mode "seamless"`: the window of the clip that loops, its score, and whether its seam
    /// should not show (false: the clip has no good loop; this is its best). Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loop_window: Option<crate::plan::LoopWindow>,
    /// `fit: "smart"`: which part of the output followed a subject, and whether it fell back to
    /// the centred crop (nothing found). Absent when no clip of this output is smart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smart: Option<crate::plan::smart::SmartReport>,
}

/// Runs `recipe`: every output or none is written. `progress` gets 0..1, never decreasing.
pub fn export(recipe: &Recipe, progress: &(dyn Fn(f32) + Sync), cancel: &CancelToken) -> Result<Vec<OutputReport>> {
    export_with_mode(recipe, ExportMode::default(), None, progress, cancel)
}

/// How an export runs beyond what its recipe says (crate-internal: preview renditions).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ExportMode {
    /// Shortest finished clip accepted, seconds (preview renditions are 2–6 s).
    pub min_seconds: f64,
    /// Decode without the codec's deblocking filter: about a fifth less decoding work, for
    /// outputs a third of the source's size or less, where the difference is invisible (≥ 47 dB
    /// against a full decode at 360p from 1080p, docs/BENCHMARKS.md).
    pub skip_deblocking: bool,
}

impl Default for ExportMode {
    fn default() -> Self {
        ExportMode { min_seconds: crate::plan::MIN_CLIP_SECONDS, skip_deblocking: false }
    }
}

/// [`export`] in another [`ExportMode`]; `opened` is the recipe's source already opened and read
/// from (it is rewound), saving the open.
pub(crate) fn export_with_mode(
    recipe: &Recipe,
    mode: ExportMode,
    opened: Option<ff::format::context::Input>,
    progress: &(dyn Fn(f32) + Sync),
    cancel: &CancelToken,
) -> Result<Vec<OutputReport>> {
    catch_unwind(AssertUnwindSafe(|| export_inner(recipe, mode, opened, progress, cancel)))
        .unwrap_or_else(|p| Err(Error::internal(format!("export failed unexpectedly: {}", panic_text(&p)))))
}

pub(crate) fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_default()
}

fn export_inner(
    recipe: &Recipe,
    mode: ExportMode,
    opened: Option<ff::format::context::Input>,
    progress: &(dyn Fn(f32) + Sync),
    cancel: &CancelToken,
) -> Result<Vec<OutputReport>> {
    // A seamless loop becomes a repeat of the best window of its clip, with its seam crossfaded.
    let (recipe, loop_window) = crate::plan::seamless::resolve(recipe, cancel)?;
    let recipe = recipe.as_ref();
    // Every clip is probed first (a video's opening decodes a few frames; clip 0's file stays
    // open for the first pass). Opening checks each path (local regular file, no protocols).
    let specs = recipe.timeline_clips();
    let mut assets = Vec::with_capacity(specs.len());
    let mut first_input = None;
    let mut opened = opened;
    for (i, spec) in specs.iter().enumerate() {
        let path = recipe.resolve(&spec.source);
        let mut probe_one = || -> Result<Asset> {
            if i == 0 && still_format(&path)?.is_none() {
                let (input, rewind) = reuse_or_open(opened.take(), &path)?;
                let info = probe_input(&input, &path);
                first_input = Some((input, rewind));
                Ok(Asset::Video(info))
            } else {
                probe_asset(&path)
            }
        };
        let asset = probe_one().map_err(|e| if recipe.version > 1 { Error::new(e.kind, format!("clips[{i}]: {}", e.message)) } else { e })?;
        assets.push(asset);
    }
    let stamps = InputStamps::of(&recipe.input_files());
    let mut plan = Plan::with_min_duration(recipe, &assets, mode.min_seconds)?.with_loop_window(loop_window);
    // The music is checked before anything is decoded: a song that is not audio fails now.
    if let Some(m) = plan.sound.as_ref().and_then(|s| s.music.as_ref()) {
        crate::audio::music::check(m)?;
    }
    plan.skip_deblocking = mode.skip_deblocking;
    let units: u64 = plan.outputs.iter().map(|o| u64::from(o.video_timeline().encoded())).sum();
    // Muxing and audio are cheap next to encoding; a tenth of the bar keeps the tail honest.
    let progress = Progress::new(progress, units + units / 10 + crate::plan::smart::units(&plan));
    // fit "smart": one subject analysis per clip a smart output shows, before any decoding.
    crate::plan::smart::attach(&mut plan, cancel, &|u| progress.add(u))?;

    // Each pass decodes the clips once for its outputs; the sound comes with the first. Outputs
    // are muxed as their pass ends, so finished streams do not wait in memory for later passes.
    let mut audio = HashMap::new();
    let mut parts = Vec::new();
    let mut reports = Vec::new();
    for (n, pass) in plan.decode_passes.iter().enumerate() {
        if cancel.is_cancelled() {
            return Err(Error::cancelled());
        }
        let first = if n == 0 { first_input.take() } else { None };
        let (videos, sounds) = decode_and_render(&plan, first, pass, n == 0 && plan.sound.is_some(), cancel, &progress)?;
        if n == 0 {
            audio = encode_audio_tracks(&plan, &sounds)?;
        }
        for (out, video) in pass.iter().map(|&i| &plan.outputs[i]).zip(&videos) {
            if cancel.is_cancelled() {
                return Err(Error::cancelled());
            }
            let part = PartFile::create(&out.path)?;
            let track = audio.get(&audio_key(out));
            write_mp4(part.path(), video, &out.video_timeline(), track.map(|t| &t.0), &|| cancel.is_cancelled())?;
            // Signed manifest and upload plan (when asked), still uncommitted: all or nothing.
            parts.extend(crate::deliver::finish_part(&plan, out_index(&plan, out), out, &part)?);
            progress.add(units / 10 / plan.outputs.len() as u64);
            reports.push((out_index(&plan, out), report(&plan, out, part.path(), track.map(|t| t.1))?));
            parts.push(part);
        }
    }
    // An input that was cut short or rewritten while it was read gave frozen or mixed frames.
    stamps.check_unchanged()?;
    if cancel.is_cancelled() {
        return Err(Error::cancelled());
    }
    commit_all(parts)?;
    reports.sort_by_key(|r| r.0);
    progress.finish();
    Ok(reports.into_iter().map(|r| r.1).collect())
}

fn out_index(plan: &Plan, out: &crate::plan::OutputPlan) -> usize {
    plan.outputs.iter().position(|o| std::ptr::eq(o, out)).unwrap_or(usize::MAX)
}

/// The finished output's facts, hashed from its part file in a streaming read.
fn report(plan: &Plan, out: &crate::plan::OutputPlan, written: &std::path::Path, sound: Option<Measured>) -> Result<OutputReport> {
    let mut file = std::fs::File::open(written).map_err(|e| Error::io_at(&out.path, e))?;
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io_at(&out.path, e))?;
    Ok(OutputReport {
        path: out.path.clone(),
        width: out.width,
        height: out.height,
        duration: out.duration(),
        frames: out.timeline.total,
        bytes,
        sha256: format!("{:x}", hasher.finalize()),
        loudness_lufs: sound.map(|m| (m.lufs * 100.0).round() / 100.0),
        true_peak_db: sound.map(|m| (m.true_peak_db * 100.0).round() / 100.0),
        missing_glyphs: out.captions.as_ref().map(|c| c.missing_glyphs.clone()).unwrap_or_default(),
        loop_window: plan.loop_window,
        smart: crate::plan::smart::report(plan, out),
    })
}

/// Size and modification time of every input file when the export started.
struct InputStamps(Vec<(PathBuf, u64, Option<std::time::SystemTime>)>);

impl InputStamps {
    fn of(paths: &[PathBuf]) -> InputStamps {
        InputStamps(paths.iter().filter_map(|p| std::fs::metadata(p).ok().map(|m| (p.clone(), m.len(), m.modified().ok()))).collect())
    }

    fn check_unchanged(&self) -> Result<()> {
        for (path, len, modified) in &self.0 {
            let now = std::fs::metadata(path).map_err(|e| Error::io_at(path, e))?;
            if now.len() != *len || now.modified().ok() != *modified {
                return Err(Error::io(format!(
                    "{} changed while it was being exported ({len} bytes at the start, {} now); nothing was written",
                    path.display(),
                    now.len()
                )));
            }
        }
        Ok(())
    }
}

/// One decode pass: the sequencer feeds the sample exporter of every output in `pass` (indices
/// into `plan.outputs`); each clip's sound is collected too when `with_audio`.
fn decode_and_render(
    plan: &Plan,
    first: Option<(ff::format::context::Input, bool)>,
    pass: &[usize],
    with_audio: bool,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<(Vec<EncodedStream>, Vec<Option<AudioClip>>)> {
    std::thread::scope(|scope| {
        let mut senders: Vec<Option<SyncSender<Feed>>> = Vec::new();
        let mut workers = Vec::new();
        for out in pass.iter().map(|&i| &plan.outputs[i]) {
            let (tx, rx) = sync_channel::<Feed>(1);
            senders.push(Some(tx));
            let composition = &plan.composition;
            workers.push(scope.spawn(move || {
                catch_unwind(AssertUnwindSafe(|| render_output(out, composition, rx, cancel, progress)))
                    .unwrap_or_else(|p| Err(Error::internal(format!("output worker failed: {}", panic_text(&p)))))
            }));
        }
        let decoded = sequencer::run(plan, first, with_audio, &mut senders, cancel);
        drop(senders);
        let mut videos = Vec::new();
        let mut first_err = decoded.as_ref().err().cloned();
        for w in workers {
            match w.join().unwrap_or_else(|_| Err(Error::internal("output worker panicked"))) {
                Ok(v) => videos.push(v),
                Err(e) => {
                    // Report the most telling error: a cancel or a real cause over a knock-on one.
                    if first_err.is_none() {
                        first_err = Some(e);
                    }
                }
            }
        }
        if cancel.is_cancelled() {
            return Err(Error::cancelled());
        }
        if let Some(e) = first_err {
            return Err(e);
        }
        Ok((videos, decoded?))
    })
}

type AudioKey = (i32, i32, crate::timeline::Timeline);

fn audio_key(o: &crate::plan::OutputPlan) -> AudioKey {
    (o.fps.0, o.fps.1, o.timeline)
}

/// One AAC track per distinct output timeline (usually exactly one for the whole recipe): the
/// clips' sound laid out like the loop, the music under it, normalised; with its measurement.
fn encode_audio_tracks(plan: &Plan, sounds: &[Option<AudioClip>]) -> Result<HashMap<AudioKey, (EncodedStream, Measured)>> {
    let mut tracks = HashMap::new();
    let Some(sound) = &plan.sound else { return Ok(tracks) };
    let pass_len = plan.outputs.iter().map(|o| f64::from(o.timeline.seg_frames) / o.fps_f64()).fold(0.0, f64::max);
    let (composed, preroll) = crate::audio::compose::compose(&plan.composition, sounds, pass_len)?;
    for out in &plan.outputs {
        if let std::collections::hash_map::Entry::Vacant(slot) = tracks.entry(audio_key(out)) {
            let mut samples = crate::audio::timeline::compose(&composed, preroll, &out.timeline, out.fps_f64());
            if let Some(m) = &sound.music {
                let frames = samples.len() / crate::source::audio::CHANNELS;
                let mut bed = crate::audio::music::bed(m, frames)?;
                if let Some(d) = &m.duck {
                    crate::audio::music::duck(&mut bed, &samples, d);
                }
                samples.iter_mut().zip(&bed).for_each(|(s, b)| *s += b);
            }
            let measured = match &sound.loudness {
                Some(target) => crate::audio::loudness::normalise(&mut samples, target)?,
                None => crate::audio::loudness::measure(&samples)?,
            };
            slot.insert((encode_aac(&samples)?, measured));
        }
    }
    Ok(tracks)
}
