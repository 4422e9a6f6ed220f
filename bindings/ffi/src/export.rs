//! Export as a job: the core's blocking `export` runs on its own Rust thread; the app gets an
//! `ExportJob` to cancel, to wait on (blocking `join`, or `outcome` for coroutines / Swift
//! concurrency), and progress through a listener it implements.
//!
//! Progress is relayed: the core reports from whichever worker thread finished a frame (they
//! change with every decode pass); the relay hands the latest value to the listener from one
//! thread per export, `clipforge-progress`, so a foreign runtime sees one caller (JNA attaches it
//! once when the app's listener keeps it attached, see `Clipforge.kt`) and a slow listener never
//! holds up an encoder. The listener has had its last call when `join` / `outcome` return.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Waker};

use clipforge::CancelToken;

use crate::convert::{int, long};
use crate::error::ClipforgeError;
use crate::guard::catch;
use crate::recipe::Recipe;

/// Implemented by the app. Called on the export's own progress thread (`clipforge-progress`, one
/// per export, the same for every call): hop to the UI thread yourself.
#[uniffi::export(with_foreign)]
pub trait ExportListener: Send + Sync {
    /// Progress 0..1, never decreasing; 1.0 once every output file is in place. A slow listener
    /// gets the latest value when it returns (values in between are skipped).
    fn on_progress(&self, fraction: f32);
}

/// One finished output file.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct OutputReport {
    pub path: String,
    pub width: i32,
    pub height: i32,
    /// Seconds.
    pub duration: f64,
    pub frames: i32,
    pub bytes: i64,
    /// Hex SHA-256 of the file.
    pub sha256: String,
    /// Caption characters no registered font has: drawn as empty boxes (register fonts that cover
    /// them, or set the recipe's `strict_fonts` to make this an error). Empty when all are covered.
    pub missing_glyphs: Vec<String>,
    /// Integrated loudness of the audio track (EBU R128, LUFS); null without audio.
    pub loudness_lufs: Option<f64>,
    /// True peak of the audio track (dBTP); null without audio.
    pub true_peak_db: Option<f64>,
    /// `LoopMode.SEAMLESS`: the window of the clip that loops; null for other modes.
    pub loop_window: Option<LoopWindow>,
    /// `Fit.SMART`: where the crop followed a subject, and whether it fell back to the centred
    /// crop; null when no clip of this output is smart.
    pub smart: Option<crate::smart::SmartReport>,
}

/// The loop window a seamless export chose, in seconds of its clip.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct LoopWindow {
    pub start: f64,
    /// Exclusive: the last frame's time plus one frame.
    pub end: f64,
    /// Rank value in (0, 1], higher is better.
    pub score: f64,
    /// False when the clip has no good loop: this best window's seam may show.
    pub seamless: bool,
}

type Outcome = Result<Vec<OutputReport>, ClipforgeError>;

/// A running (or finished) export. Every output or none is written. Releasing the job does not cancel
/// the export (it runs to its end); call `cancel()` for that.
#[derive(uniffi::Object)]
pub struct ExportJob {
    cancel: CancelToken,
    done: Arc<Completion>,
}

/// Starts exporting a typed recipe on a new thread. A negative number in the recipe fails here.
#[uniffi::export(default(listener = None))]
pub fn start_export(recipe: Recipe, listener: Option<Arc<dyn ExportListener>>) -> Result<Arc<ExportJob>, ClipforgeError> {
    catch(|| ExportJob::spawn(recipe.try_into()?, listener))
}

/// Starts exporting recipe JSON (the README's format, any field the core reads). Relative paths resolve
/// against `base_dir`. A malformed recipe fails here, before any thread starts.
#[uniffi::export(default(base_dir = None, listener = None))]
pub fn start_export_json(
    recipe_json: String,
    base_dir: Option<String>,
    listener: Option<Arc<dyn ExportListener>>,
) -> Result<Arc<ExportJob>, ClipforgeError> {
    catch(|| {
        let recipe = clipforge::Recipe::from_json(&recipe_json, base_dir.as_deref().map(Path::new))?;
        ExportJob::spawn(recipe, listener)
    })
}

#[uniffi::export]
impl ExportJob {
    /// Asks the export to stop; it ends with `Cancelled` within one frame's work and leaves no file.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    pub fn is_finished(&self) -> bool {
        self.done.lock().result.is_some()
    }

    /// Blocks until the export ends; the reports of every output, or the error. May be called again.
    pub fn join(&self) -> Result<Vec<OutputReport>, ClipforgeError> {
        let mut state = self.done.lock();
        while state.result.is_none() {
            state = self.done.cond.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        state.result.clone().expect("checked above")
    }

    /// Suspends (Kotlin) / awaits (Swift) until the export ends. Dropping the wait does not cancel:
    /// the idiomatic layers call `cancel()` when their coroutine / Task is cancelled.
    pub async fn outcome(&self) -> Result<Vec<OutputReport>, ClipforgeError> {
        WaitOutcome(self.done.clone()).await
    }
}

impl ExportJob {
    fn spawn(recipe: clipforge::Recipe, listener: Option<Arc<dyn ExportListener>>) -> Result<Arc<ExportJob>, ClipforgeError> {
        let job = Arc::new(ExportJob { cancel: CancelToken::new(), done: Arc::default() });
        let (cancel, done) = (job.cancel.clone(), job.done.clone());
        std::thread::Builder::new()
            .name("clipforge-export".into())
            .spawn(move || {
                let relay = listener.map(|l| Relay::start(l, cancel.clone()));
                let outcome = catch(|| {
                    let progress = |f: f32| {
                        if let Some((r, _)) = &relay {
                            r.push(f);
                        }
                    };
                    let reports = clipforge::export(&recipe, &progress, &cancel)?;
                    Ok(reports.into_iter().map(Into::into).collect())
                });
                // Every progress call is delivered before the outcome is; after a cancel, what is
                // still pending is dropped (the app asked to stop: its UI wants the outcome now).
                let listener_failed = relay.and_then(|(r, thread)| r.finish(thread, cancel.is_cancelled()));
                let outcome = match listener_failed {
                    // A listener that threw cancelled the export (or came after it): say so, not "cancelled".
                    Some(why) => Err(ClipforgeError::Internal { message: format!("the progress listener failed: {why}") }),
                    None => outcome,
                };
                done.set(outcome);
            })
            .map_err(|e| ClipforgeError::Internal { message: format!("cannot start the export thread: {e}") })?;
        Ok(job)
    }
}

/// The latest progress value, from the export's threads to the one thread that calls the listener.
struct Relay {
    state: Mutex<RelayState>,
    wake: Condvar,
}

#[derive(Default)]
struct RelayState {
    latest: Option<f32>,
    finished: bool,
    failed: Option<String>,
}

impl Relay {
    fn start(listener: Arc<dyn ExportListener>, cancel: CancelToken) -> (Arc<Relay>, Option<std::thread::JoinHandle<()>>) {
        let relay = Arc::new(Relay { state: Mutex::default(), wake: Condvar::new() });
        let r = relay.clone();
        let thread = std::thread::Builder::new().name("clipforge-progress".into()).spawn(move || r.deliver(&*listener, &cancel));
        // Without a thread there is no one to call the listener: the export still runs.
        (relay, thread.ok())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RelayState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn push(&self, fraction: f32) {
        self.lock().latest = Some(fraction);
        self.wake.notify_one();
    }

    fn deliver(&self, listener: &dyn ExportListener, cancel: &CancelToken) {
        loop {
            let next = {
                let mut s = self.lock();
                while s.latest.is_none() && !s.finished {
                    s = self.wake.wait(s).unwrap_or_else(|e| e.into_inner());
                }
                match s.latest.take() {
                    Some(v) if s.failed.is_none() => v,
                    _ if s.finished => return,
                    _ => continue,
                }
            };
            // A listener that throws makes the foreign-call glue panic: stop the export, say why.
            if let Err(p) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| listener.on_progress(next))) {
                let why = p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_default();
                self.lock().failed = Some(why);
                cancel.cancel();
            }
        }
    }

    /// No more values: lets the thread deliver the last one (unless `drop_pending`) and end; the
    /// listener's failure, if any.
    fn finish(&self, thread: Option<std::thread::JoinHandle<()>>, drop_pending: bool) -> Option<String> {
        {
            let mut s = self.lock();
            s.finished = true;
            if drop_pending {
                s.latest = None;
            }
        }
        self.wake.notify_one();
        if let Some(t) = thread {
            let _ = t.join();
        }
        self.lock().failed.take()
    }
}

impl From<clipforge::OutputReport> for OutputReport {
    fn from(r: clipforge::OutputReport) -> Self {
        OutputReport {
            path: r.path.to_string_lossy().into_owned(),
            width: int(r.width),
            height: int(r.height),
            duration: r.duration,
            frames: int(r.frames),
            bytes: long(r.bytes),
            sha256: r.sha256,
            missing_glyphs: r.missing_glyphs,
            loudness_lufs: r.loudness_lufs,
            true_peak_db: r.true_peak_db,
            loop_window: r.loop_window.map(|w| LoopWindow { start: w.start, end: w.end, score: w.score, seamless: w.seamless }),
            smart: r.smart.map(Into::into),
        }
    }
}

/// The job's result, set once by the worker; wakes blocking joiners and async waiters.
#[derive(Default)]
struct Completion {
    state: Mutex<State>,
    cond: Condvar,
}

#[derive(Default)]
struct State {
    result: Option<Outcome>,
    wakers: Vec<Waker>,
}

impl Completion {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set(&self, outcome: Outcome) {
        let wakers = {
            let mut state = self.lock();
            state.result = Some(outcome);
            std::mem::take(&mut state.wakers)
        };
        self.cond.notify_all();
        wakers.into_iter().for_each(Waker::wake);
    }
}

struct WaitOutcome(Arc<Completion>);

impl Future for WaitOutcome {
    type Output = Outcome;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome> {
        let mut state = self.0.lock();
        match &state.result {
            Some(outcome) => Poll::Ready(outcome.clone()),
            None => {
                state.wakers.push(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
