//! `export`: one decode pass feeding every output; encode; mux; commit all files or none.

mod audio_loop;
pub mod control;
mod render;

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::Duration;

use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::encode::audio::encode_aac;
use crate::encode::commit::{commit_all, PartFile};
use crate::encode::mux::write_mp4;
use crate::encode::EncodedStream;
use crate::error::{Error, Result};
use crate::plan::{Plan, AUDIO_PREROLL};
use crate::recipe::Recipe;
use crate::source::audio::{AudioClip, AudioDecoder, SAMPLE_RATE};
use crate::source::open::{open_input, reuse_or_open, seek_or_reopen};
use crate::source::probe::probe_input;
use crate::source::video::VideoDecoder;
pub use control::CancelToken;
use control::Progress;
use render::{render_output, Decoded};

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
    /// Caption characters no registered font has: exported as empty boxes (`strict_fonts`
    /// turns this into a `MissingGlyphs` error). Empty when every character has a glyph.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_glyphs: Vec<String>,
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
    let source = recipe.resolve(&recipe.source);
    // Opened once for the facts and the first pass (opening decodes a few frames). Opening checks
    // the path (local regular file, no protocols) before anything else looks at it.
    let (first_input, rewind) = reuse_or_open(opened, &source)?;
    let before = SourceStamp::of(&source)?;
    let info = probe_input(&first_input, &source);
    let mut input = Some(first_input);
    let mut plan = Plan::with_min_duration(recipe, &info, mode.min_seconds)?;
    plan.skip_deblocking = mode.skip_deblocking;
    let units: u64 = plan.outputs.iter().map(|o| u64::from(o.video_timeline().encoded())).sum();
    // Muxing and audio are cheap next to encoding; a tenth of the bar keeps the tail honest.
    let progress = Progress::new(progress, units + units / 10);

    // Each pass decodes the segment once for its outputs; audio comes with the first. Outputs are
    // muxed as their pass ends, so finished streams do not wait in memory for later passes.
    let mut audio = HashMap::new();
    let mut parts = Vec::new();
    let mut reports = Vec::new();
    for (n, pass) in plan.decode_passes.iter().enumerate() {
        if cancel.is_cancelled() {
            return Err(Error::cancelled());
        }
        let (input, rewind) = match input.take() {
            Some(i) => (i, rewind),
            None => (open_input(&plan.source)?, false),
        };
        let (videos, clip) = decode_and_render(&plan, input, rewind, pass, n == 0 && plan.with_audio, cancel, &progress)?;
        if n == 0 {
            audio = encode_audio_tracks(&plan, clip)?;
        }
        for (out, video) in pass.iter().map(|&i| &plan.outputs[i]).zip(&videos) {
            if cancel.is_cancelled() {
                return Err(Error::cancelled());
            }
            let part = PartFile::create(&out.path)?;
            let track = audio.get(&audio_key(out));
            write_mp4(part.path(), video, &out.video_timeline(), track, &|| cancel.is_cancelled())?;
            // Signed manifest and upload plan (when asked), still uncommitted: all or nothing.
            parts.extend(crate::deliver::finish_part(&plan, out, &part)?);
            progress.add(units / 10 / plan.outputs.len() as u64);
            reports.push((out_index(&plan, out), report(out, part.path())?));
            parts.push(part);
        }
    }
    // A source that was cut short or rewritten while it was read gave frozen or mixed frames.
    before.check_unchanged(&source)?;
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
fn report(out: &crate::plan::OutputPlan, written: &std::path::Path) -> Result<OutputReport> {
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
        missing_glyphs: out.captions.as_ref().map(|c| c.missing_glyphs.clone()).unwrap_or_default(),
    })
}

/// Size and modification time of the source when the export started.
struct SourceStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl SourceStamp {
    fn of(path: &std::path::Path) -> Result<SourceStamp> {
        let m = std::fs::metadata(path).map_err(|e| Error::io_at(path, e))?;
        Ok(SourceStamp { len: m.len(), modified: m.modified().ok() })
    }

    fn check_unchanged(&self, path: &std::path::Path) -> Result<()> {
        let now = SourceStamp::of(path)?;
        if now.len != self.len || now.modified != self.modified {
            return Err(Error::io(format!(
                "{} changed while it was being exported ({} bytes at the start, {} now); nothing was written",
                path.display(),
                self.len,
                now.len
            )));
        }
        Ok(())
    }
}

/// One decode pass over `input` (`plan.source` opened; read from before if `rewind`): demux,
/// decode, hand each frame to the worker of every output in `pass` (indices into `plan.outputs`),
/// and decode the audio too when `with_audio`.
fn decode_and_render(
    plan: &Plan,
    mut input: ff::format::context::Input,
    rewind: bool,
    pass: &[usize],
    with_audio: bool,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<(Vec<EncodedStream>, Option<AudioClip>)> {
    let vstream = input
        .streams()
        .best(ff::media::Type::Video)
        .ok_or_else(|| Error::unsupported("the source has no video stream"))?;
    let vindex = vstream.index();
    let mut vdec = VideoDecoder::new(&vstream, plan.rotation, plan.work_size.0, plan.work_size.1)?;
    if plan.skip_deblocking {
        vdec.set_skip_deblocking();
    }
    let audio_start = (plan.seg_start - AUDIO_PREROLL).max(0.0);
    // A pass lasts the trim rounded to whole frames, which can be up to half a frame longer than
    // the trim: collect audio to the end of the longest pass so no pass ends in silence.
    let audio_end = plan
        .outputs
        .iter()
        .map(|o| plan.seg_start + f64::from(o.timeline.seg_frames) / o.fps_f64())
        .fold(plan.seg_end, f64::max);
    let mut adec = match with_audio {
        true => match input.streams().best(ff::media::Type::Audio) {
            Some(s) => Some((s.index(), AudioDecoder::new(&s, audio_start, audio_end)?)),
            None => None,
        },
        false => None,
    };
    if plan.seg_start > 0.0 || rewind {
        // Audio wants its preroll and some slack for interleaving. Video alone, from a container
        // with a keyframe index (MP4/MOV, MKV/WebM), only needs the keyframe at or before the first
        // frame (seek times are absolute: add the stream's start), so a trim that starts on a
        // keyframe decodes nothing it does not show. Other containers seek by estimate: keep slack.
        let from = match adec {
            None if crate::source::open::seeks_exactly(&input) => plan.seg_start + vdec.start_seconds() + 0.001,
            _ => audio_start - 0.5,
        };
        // A failed seek (damaged index) just means decoding from the start.
        seek_or_reopen(&mut input, &plan.source, from, rewind)?;
    }

    std::thread::scope(|scope| {
        let mut senders: Vec<Option<SyncSender<Decoded>>> = Vec::new();
        let mut workers = Vec::new();
        for out in pass.iter().map(|&i| &plan.outputs[i]) {
            let (tx, rx) = sync_channel::<Decoded>(2);
            senders.push(Some(tx));
            workers.push(scope.spawn(move || {
                catch_unwind(AssertUnwindSafe(|| render_output(out, plan.seg_start, plan.work_size, rx, cancel, progress)))
                    .unwrap_or_else(|p| Err(Error::internal(format!("output worker failed: {}", panic_text(&p)))))
            }));
        }
        let demuxed = demux(plan, &mut input, vindex, &mut vdec, &mut adec, &mut senders, cancel);
        drop(senders);
        let mut videos = Vec::new();
        let mut first_err = demuxed.err();
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
        let clip = adec.map(|(_, d)| d.finish()).transpose()?;
        Ok((videos, clip))
    })
}

fn demux(
    plan: &Plan,
    input: &mut ff::format::context::Input,
    vindex: usize,
    vdec: &mut VideoDecoder,
    adec: &mut Option<(usize, AudioDecoder)>,
    senders: &mut [Option<SyncSender<Decoded>>],
    cancel: &CancelToken,
) -> Result<()> {
    let mut video_done = false;
    let mut audio_done = adec.is_none();
    let mut last_frame = None;
    let mut reader = crate::source::packets::PacketReader::default();
    while !(video_done && audio_done) {
        if cancel.is_cancelled() {
            return Err(Error::cancelled());
        }
        let Some(packet) = reader.next(input) else { break };
        let idx = packet.stream();
        if idx == vindex && !video_done {
            vdec.send(&packet);
            video_done = forward_frames(plan, vdec, senders, cancel, &mut last_frame)?;
        } else if let Some((aidx, dec)) = adec.as_mut() {
            if idx == *aidx && !audio_done {
                let t = packet.pts().map(|p| p as f64 * f64::from(input.stream(idx).map(|s| s.time_base()).unwrap_or(ff::Rational(1, 1))));
                dec.send(&packet)?;
                audio_done = t.is_some_and(|t| t > plan.seg_end + 1.0);
            }
        }
    }
    if !video_done {
        vdec.send_eof();
        forward_frames(plan, vdec, senders, cancel, &mut last_frame)?;
        check_not_cut_short(plan, vdec, last_frame)?;
    }
    Ok(())
}

/// The pictures ran out before the segment's end: the file is truncated or damaged there. Holding
/// the last picture for more than a moment would pass a frozen clip off as an export.
fn check_not_cut_short(plan: &Plan, vdec: &VideoDecoder, last_frame: Option<f64>) -> Result<()> {
    let Some(last) = last_frame else { return Ok(()) }; // no frame at all: the workers say so
    let tolerance = (2.0 * vdec.frame_step()).max(0.5);
    if last < plan.seg_end - tolerance {
        return Err(Error::unsupported(format!(
            "{}: the video stops at {last:.2} s although the segment runs to {:.2} s (the file is truncated or damaged); \
             trim to end by {last:.2} s",
            plan.source.display(),
            plan.seg_end
        )));
    }
    Ok(())
}

/// Sends decoded frames to the workers; true once the segment's end has been passed.
fn forward_frames(
    plan: &Plan,
    vdec: &mut VideoDecoder,
    senders: &mut [Option<SyncSender<Decoded>>],
    cancel: &CancelToken,
    last_frame: &mut Option<f64>,
) -> Result<bool> {
    while let Some((time, frame)) = vdec.receive()? {
        *last_frame = Some(last_frame.map_or(time, |t: f64| t.max(time)));
        let item: Decoded = Arc::new((time, frame));
        for slot in senders.iter_mut() {
            let Some(tx) = slot else { continue };
            let mut pending = item.clone();
            // Poll rather than block, so a cancel is seen even while a worker is busy.
            loop {
                match tx.try_send(pending) {
                    Ok(()) => break,
                    Err(TrySendError::Full(back)) => {
                        if cancel.is_cancelled() {
                            return Err(Error::cancelled());
                        }
                        pending = back;
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    // The worker has all it needs (or failed; its own error is reported).
                    Err(TrySendError::Disconnected(_)) => {
                        *slot = None;
                        break;
                    }
                }
            }
        }
        if senders.iter().all(Option::is_none) || time > plan.seg_end + 0.25 {
            return Ok(true);
        }
    }
    Ok(false)
}

type AudioKey = (i32, i32, crate::timeline::Timeline);

fn audio_key(o: &crate::plan::OutputPlan) -> AudioKey {
    (o.fps.0, o.fps.1, o.timeline)
}

/// One AAC track per distinct output timeline (usually exactly one for the whole recipe).
fn encode_audio_tracks(plan: &Plan, clip: Option<AudioClip>) -> Result<HashMap<AudioKey, EncodedStream>> {
    let mut tracks = HashMap::new();
    let Some(clip) = clip else { return Ok(tracks) };
    let preroll = ((plan.seg_start - clip.start) * f64::from(SAMPLE_RATE)).round().max(0.0) as usize;
    for out in &plan.outputs {
        if let std::collections::hash_map::Entry::Vacant(slot) = tracks.entry(audio_key(out)) {
            let samples = audio_loop::compose(&clip, preroll, &out.timeline, out.fps_f64());
            slot.insert(encode_aac(&samples)?);
        }
    }
    Ok(tracks)
}
