//! Export as a job: the core's blocking `export` runs on its own Rust thread; the app gets an
//! `ExportJob` to cancel, to wait on (blocking `join`, or `outcome` for coroutines / Swift
//! concurrency), and progress through a listener it implements.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Waker};

use clipforge::CancelToken;

use crate::error::ClipforgeError;
use crate::guard::catch;
use crate::recipe::Recipe;

/// Implemented by the app. Called on a Rust worker thread: hop to the UI thread yourself.
#[uniffi::export(with_foreign)]
pub trait ExportListener: Send + Sync {
    /// Progress 0..1, never decreasing; 1.0 once every output file is in place.
    fn on_progress(&self, fraction: f32);
}

/// One finished output file.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct OutputReport {
    pub path: String,
    pub width: u32,
    pub height: u32,
    /// Seconds.
    pub duration: f64,
    pub frames: u32,
    pub bytes: u64,
    /// Hex SHA-256 of the file.
    pub sha256: String,
}

type Outcome = Result<Vec<OutputReport>, ClipforgeError>;

/// A running (or finished) export. Every output or none is written. Releasing the job does not cancel
/// the export (it runs to its end); call `cancel()` for that.
#[derive(uniffi::Object)]
pub struct ExportJob {
    cancel: CancelToken,
    done: Arc<Completion>,
}

/// Starts exporting a typed recipe on a new thread.
#[uniffi::export]
pub fn start_export(recipe: Recipe, listener: Option<Arc<dyn ExportListener>>) -> Result<Arc<ExportJob>, ClipforgeError> {
    catch(|| ExportJob::spawn(recipe.into(), listener))
}

/// Starts exporting recipe JSON (the README's format, any field the core reads). Relative paths resolve
/// against `base_dir`. A malformed recipe fails here, before any thread starts.
#[uniffi::export]
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
                // A listener that throws makes the foreign-call glue panic; `catch` (and the core's own
                // catch) turn that into `Internal`, never a crash.
                let outcome = catch(|| {
                    let progress = |f: f32| {
                        if let Some(l) = &listener {
                            l.on_progress(f);
                        }
                    };
                    let reports = clipforge::export(&recipe, &progress, &cancel)?;
                    Ok(reports.into_iter().map(Into::into).collect())
                });
                done.set(outcome);
            })
            .map_err(|e| ClipforgeError::Internal { message: format!("cannot start the export thread: {e}") })?;
        Ok(job)
    }
}

impl From<clipforge::OutputReport> for OutputReport {
    fn from(r: clipforge::OutputReport) -> Self {
        OutputReport {
            path: r.path.to_string_lossy().into_owned(),
            width: r.width,
            height: r.height,
            duration: r.duration,
            frames: r.frames,
            bytes: r.bytes,
            sha256: r.sha256,
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
