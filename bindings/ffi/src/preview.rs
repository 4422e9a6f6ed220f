//! Preview personalization: `PreviewRanker` (ONNX Runtime + model), `TasteProfile` (plain JSON) and
//! their records. Translation only: every method converts its arguments, calls the same-named method
//! of `clipforge::preview`, converts the result back.
//!
//! The core's ranker needs `&mut` (ONNX Runtime's `Session::run`), so the object holds it behind a
//! `Mutex`: one call at a time per ranker; make several rankers for parallel work. A `TasteProfile`
//! is likewise a `Mutex` around the core's profile, so `likeClip` / `skipClip` update it in place.
//! Lock order is always ranker, then profile.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use clipforge::preview as core;

use crate::convert::{int, long, opt_u32, u32_of};
use crate::error::ClipforgeError;
use crate::guard::catch;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while a lock was held is already reported as `Internal`; the value is still usable.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn path_text(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Poster picture format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PosterFormat {
    Jpeg,
    Png,
    /// Lossless WebP.
    Webp,
}

impl From<PosterFormat> for core::PosterFormat {
    fn from(f: PosterFormat) -> Self {
        match f {
            PosterFormat::Jpeg => core::PosterFormat::Jpeg,
            PosterFormat::Png => core::PosterFormat::Png,
            PosterFormat::Webp => core::PosterFormat::Webp,
        }
    }
}

/// What `preview` makes. Every field is optional; `null` takes the core's default.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct PreviewOptions {
    /// Preview loop length in seconds, 2–6 (default 3).
    #[uniffi(default)]
    pub window: Option<f64>,
    /// At most this many candidate frames (default 32).
    #[uniffi(default)]
    pub max_candidates: Option<i32>,
    /// Default `PosterFormat.JPEG`.
    #[uniffi(default)]
    pub poster_format: Option<PosterFormat>,
    /// Short side of the poster picture in pixels (default 480; never upscaled).
    #[uniffi(default)]
    pub poster_short_side: Option<i32>,
}

impl TryFrom<PreviewOptions> for core::PreviewOptions {
    type Error = ClipforgeError;

    fn try_from(o: PreviewOptions) -> Result<Self, ClipforgeError> {
        let mut out = core::PreviewOptions::default();
        if let Some(w) = o.window {
            out.window = w;
        }
        if let Some(n) = opt_u32(o.max_candidates, "max_candidates")? {
            out.sample.max_candidates = n as usize;
        }
        if let Some(f) = o.poster_format {
            out.poster_format = f.into();
        }
        if let Some(s) = opt_u32(o.poster_short_side, "poster_short_side")? {
            out.poster_short_side = s;
        }
        Ok(out)
    }
}

/// The chosen poster frame, written as a picture file.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Poster {
    /// Seconds into the clip.
    pub time: f64,
    pub path: String,
    pub width: i32,
    pub height: i32,
}

impl From<core::Poster> for Poster {
    fn from(p: core::Poster) -> Self {
        Poster { time: p.time, path: path_text(&p.path), width: int(p.width), height: int(p.height) }
    }
}

/// The chosen preview loop, written as a muted MP4.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PreviewLoop {
    pub start: f64,
    pub end: f64,
    pub path: String,
    pub bytes: i64,
}

/// Why a candidate frame was not usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FrameReject {
    NearBlack,
    NearWhite,
    Flat,
    Blurred,
}

impl From<core::quality::Reject> for FrameReject {
    fn from(r: core::quality::Reject) -> Self {
        use core::quality::Reject;
        match r {
            Reject::NearBlack => FrameReject::NearBlack,
            Reject::NearWhite => FrameReject::NearWhite,
            Reject::Flat => FrameReject::Flat,
            Reject::Blurred => FrameReject::Blurred,
        }
    }
}

/// One candidate frame with its score.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ScoredCandidate {
    pub time: f64,
    pub score: f32,
    /// Picture-quality prior, 0–1.
    pub quality: f32,
    /// Taste similarity (absent on a cold profile or for a rejected frame).
    pub similarity: Option<f32>,
    pub rejected: Option<FrameReject>,
    pub keyframe: bool,
    pub scene_change: bool,
}

impl From<core::ScoredCandidate> for ScoredCandidate {
    fn from(c: core::ScoredCandidate) -> Self {
        ScoredCandidate {
            time: c.time,
            score: c.score,
            quality: c.quality,
            similarity: c.similarity,
            rejected: c.rejected.map(Into::into),
            keyframe: c.keyframe,
            scene_change: c.scene_change,
        }
    }
}

/// Wall time of each stage, milliseconds.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PreviewTimings {
    /// Until the last candidate is decoded, measured and embedded.
    pub sample_ms: f64,
    /// Time in the model (overlaps the decoding).
    pub embed_ms: f64,
    /// From the call to the first candidate's embedding; null on a cold profile (nothing embedded).
    pub first_embedding_ms: Option<f64>,
    /// Frames that went through the model.
    pub embedded: i32,
    pub poster_ms: f64,
    pub loop_ms: f64,
    pub total_ms: f64,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PreviewResult {
    pub poster: Poster,
    /// `loop` in Kotlin and Swift, as in the CLI's JSON (a keyword in Rust).
    #[uniffi(name = "loop")]
    pub preview_loop: PreviewLoop,
    /// Every candidate in time order with its score.
    pub candidates: Vec<ScoredCandidate>,
    pub timings: PreviewTimings,
}

impl From<core::PreviewResult> for PreviewResult {
    fn from(r: core::PreviewResult) -> Self {
        let t = r.timings;
        PreviewResult {
            poster: r.poster.into(),
            preview_loop: PreviewLoop {
                start: r.preview_loop.start,
                end: r.preview_loop.end,
                path: path_text(&r.preview_loop.path),
                bytes: long(r.preview_loop.bytes),
            },
            candidates: r.candidates.into_iter().map(Into::into).collect(),
            timings: PreviewTimings {
                sample_ms: t.sample_ms,
                embed_ms: t.embed_ms,
                first_embedding_ms: t.first_embedding_ms,
                embedded: i32::try_from(t.embedded).unwrap_or(i32::MAX),
                poster_ms: t.poster_ms,
                loop_ms: t.loop_ms,
                total_ms: t.total_ms,
            },
        }
    }
}

/// What `PreviewRanker.preview` reports to its listener, in this order.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum PreviewEvent {
    /// A candidate measured, and embedded for a profile with a taste, as the decoders deliver it
    /// (not in time order); the first within tens of milliseconds. Provisional: judged against the
    /// candidates so far (similarity 0 while only one is embedded); `Ranked` has the final scores.
    /// `elapsed_ms`: since the call.
    Candidate { candidate: ScoredCandidate, elapsed_ms: f64 },
    /// Every candidate scored for good, in time order; the poster's time and the loop are chosen.
    Ranked { candidates: Vec<ScoredCandidate>, poster_time: f64, loop_start: f64, loop_end: f64 },
    /// The poster file is written; the loop is still being made.
    Poster { poster: Poster },
    /// The preview is complete (the same result the call returns).
    Done { result: PreviewResult },
}

impl From<core::PreviewEvent> for PreviewEvent {
    fn from(e: core::PreviewEvent) -> Self {
        match e {
            core::PreviewEvent::Candidate { candidate, elapsed_ms } => PreviewEvent::Candidate { candidate: candidate.into(), elapsed_ms },
            core::PreviewEvent::Ranked { candidates, poster_time, loop_start, loop_end } => {
                PreviewEvent::Ranked { candidates: candidates.into_iter().map(Into::into).collect(), poster_time, loop_start, loop_end }
            }
            core::PreviewEvent::Poster(p) => PreviewEvent::Poster { poster: p.into() },
        }
    }
}

/// Implemented by the app to follow a preview (`Clipforge.previewEvents` / `Composer.previewEvents`
/// wrap it). Called on the thread that called `preview`.
#[uniffi::export(with_foreign)]
pub trait PreviewListener: Send + Sync {
    /// Return false to stop the preview.
    fn on_event(&self, event: PreviewEvent) -> bool;
}

/// A clip's place in a prefetch order (an unreadable clip scores −10 and comes last).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ClipRank {
    pub path: String,
    pub score: f32,
}

/// A viewer's taste: plain versioned JSON that stays on the device. Updated in place by
/// `PreviewRanker.likeClip` / `skipClip`.
#[derive(Debug, uniffi::Object)]
pub struct TasteProfile {
    inner: Mutex<core::TasteProfile>,
}

impl TasteProfile {
    fn snapshot(&self) -> core::TasteProfile {
        lock(&self.inner).clone()
    }
}

#[uniffi::export]
impl TasteProfile {
    /// An empty (cold) profile: ranking uses picture quality alone.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(TasteProfile { inner: Mutex::new(core::TasteProfile::new()) })
    }

    /// A profile saved by `toJson` (or the CLI, or an earlier version); anything else → `InvalidProfile`.
    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<Arc<Self>, ClipforgeError> {
        catch(|| Ok(Arc::new(TasteProfile { inner: Mutex::new(core::TasteProfile::from_json(&json)?) })))
    }

    pub fn to_json(&self) -> Result<String, ClipforgeError> {
        catch(|| Ok(lock(&self.inner).to_json()))
    }

    /// Nothing liked or skipped yet.
    pub fn is_cold(&self) -> bool {
        lock(&self.inner).is_cold()
    }

    pub fn likes(&self) -> i32 {
        int(lock(&self.inner).likes)
    }

    pub fn skips(&self) -> i32 {
        int(lock(&self.inner).skips)
    }
}

/// The model session plus the ranking logic. Thread-safe: calls on one ranker run one at a time.
#[derive(uniffi::Object)]
pub struct PreviewRanker {
    inner: Mutex<core::PreviewRanker>,
}

impl std::fmt::Debug for PreviewRanker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PreviewRanker")
    }
}

fn threads_of(threads: i32) -> Result<usize, ClipforgeError> {
    Ok(u32_of(threads, "threads")?.max(1) as usize)
}

#[uniffi::export]
impl PreviewRanker {
    /// `runtime_lib`: path of ONNX Runtime's shared library (1.31+, e.g. `libonnxruntime.so`);
    /// `model`: the EfficientNet-Lite0 ONNX file; `threads`: intra-op threads (1–2).
    /// A missing runtime or model → `Io`; one that cannot be loaded → `UnsupportedInput`.
    /// ONNX Runtime is process-wide: the first runtime library loaded stays loaded. Loading takes
    /// 100–200 ms: `Clipforge.previewRanker` / `Composer.previewRanker` run it off the caller's thread.
    #[uniffi::constructor(default(threads = 2))]
    pub fn new(runtime_lib: String, model: String, threads: i32) -> Result<Arc<Self>, ClipforgeError> {
        catch(|| {
            let r = core::PreviewRanker::new(Path::new(&runtime_lib), core::ModelSource::Path(Path::new(&model)), threads_of(threads)?)?;
            Ok(Arc::new(PreviewRanker { inner: Mutex::new(r) }))
        })
    }

    /// Like `new`, with the model's bytes (e.g. from an app's assets).
    #[uniffi::constructor(default(threads = 2))]
    pub fn from_model_bytes(runtime_lib: String, model: Vec<u8>, threads: i32) -> Result<Arc<Self>, ClipforgeError> {
        catch(|| {
            let r = core::PreviewRanker::new(Path::new(&runtime_lib), core::ModelSource::Bytes(&model), threads_of(threads)?)?;
            Ok(Arc::new(PreviewRanker { inner: Mutex::new(r) }))
        })
    }

    /// Poster frame and preview loop of `clip` for `profile`, written into the existing folder
    /// `out_dir` as `<clip stem>.poster.<ext>` and `<clip stem>.preview.mp4`. With a `listener`,
    /// reports as it goes (see `PreviewEvent`), on the calling thread; a listener that returns
    /// false stops the preview: it ends with `Cancelled` and leaves no file.
    #[uniffi::method(default(options = None, listener = None))]
    pub fn preview(
        &self,
        clip: String,
        profile: Arc<TasteProfile>,
        out_dir: String,
        options: Option<PreviewOptions>,
        listener: Option<Arc<dyn PreviewListener>>,
    ) -> Result<PreviewResult, ClipforgeError> {
        catch(|| {
            let opts: core::PreviewOptions = options.unwrap_or_default().try_into()?;
            let p = profile.snapshot();
            let cancel = opts.cancel.clone();
            let mut on_event = |e: core::PreviewEvent| {
                if let Some(l) = &listener {
                    if !l.on_event(e.into()) {
                        cancel.cancel();
                    }
                }
            };
            let res: PreviewResult = lock(&self.inner).preview_with(Path::new(&clip), &p, Path::new(&out_dir), &opts, &mut on_event)?.into();
            if let Some(l) = &listener {
                l.on_event(PreviewEvent::Done { result: res.clone() });
            }
            Ok(res)
        })
    }

    /// Orders clips for prefetching, most likely to be opened first.
    pub fn rank_clips(&self, profile: Arc<TasteProfile>, clips: Vec<String>) -> Result<Vec<ClipRank>, ClipforgeError> {
        catch(|| {
            let p = profile.snapshot();
            let clips: Vec<PathBuf> = clips.into_iter().map(PathBuf::from).collect();
            let out = lock(&self.inner).rank_clips(&p, &clips)?;
            Ok(out.into_iter().map(|r| ClipRank { path: path_text(&r.path), score: r.score }).collect())
        })
    }

    /// Records in `profile` that the viewer liked `clip` (samples and embeds it: 200–300 ms; the
    /// idiomatic layers run it off the caller's thread).
    pub fn like_clip(&self, profile: Arc<TasteProfile>, clip: String) -> Result<(), ClipforgeError> {
        catch(|| {
            let mut ranker = lock(&self.inner);
            let mut p = lock(&profile.inner);
            Ok(ranker.like_clip(&mut p, Path::new(&clip))?)
        })
    }

    /// Records in `profile` that the viewer skipped `clip`.
    pub fn skip_clip(&self, profile: Arc<TasteProfile>, clip: String) -> Result<(), ClipforgeError> {
        catch(|| {
            let mut ranker = lock(&self.inner);
            let mut p = lock(&profile.inner);
            Ok(ranker.skip_clip(&mut p, Path::new(&clip))?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn objects_are_send_and_sync() {
        assert_send_sync::<PreviewRanker>();
        assert_send_sync::<TasteProfile>();
    }

    #[test]
    fn profile_json_round_trip_and_corrupt_json() {
        let p = TasteProfile::new();
        assert!(p.is_cold());
        let json = p.to_json().unwrap();
        let back = TasteProfile::from_json(json.clone()).unwrap();
        assert_eq!(back.to_json().unwrap(), json);
        let e = TasteProfile::from_json("{ not json".into()).unwrap_err();
        assert!(matches!(e, ClipforgeError::InvalidProfile { .. }), "{e:?}");
    }

    #[test]
    fn a_missing_runtime_is_a_typed_error() {
        // Only meaningful while no runtime is loaded in this process (no other test here loads one).
        let e = PreviewRanker::new("/nonexistent/libonnxruntime.so".into(), "/nonexistent/model.onnx".into(), 1).unwrap_err();
        assert!(matches!(e, ClipforgeError::Io { .. } | ClipforgeError::UnsupportedInput { .. }), "{e:?}");
    }

    #[test]
    fn options_default_to_the_core() {
        let o: core::PreviewOptions = PreviewOptions::default().try_into().unwrap();
        // Every setting as the core's default (each options value carries its own cancel token).
        let want = core::PreviewOptions { cancel: o.cancel.clone(), ..core::PreviewOptions::default() };
        assert_eq!(o, want);
        let bad = PreviewOptions { max_candidates: Some(-1), ..Default::default() };
        assert!(matches!(core::PreviewOptions::try_from(bad), Err(ClipforgeError::InvalidRecipe { .. })));
    }
}
