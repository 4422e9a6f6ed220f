//! Cancellation and monotonic progress shared by the export's threads.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Cancels an export from any thread; takes effect within one frame's work.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

/// Two tokens are equal when they cancel the same work.
impl PartialEq for CancelToken {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Turns work units done (from several threads) into a 0..1 progress that never goes back.
pub(crate) struct Progress<'a> {
    callback: &'a (dyn Fn(f32) + Sync),
    total: u64,
    done: AtomicU64,
    last: Mutex<f32>,
}

impl<'a> Progress<'a> {
    pub fn new(callback: &'a (dyn Fn(f32) + Sync), total: u64) -> Self {
        Progress { callback, total: total.max(1), done: AtomicU64::new(0), last: Mutex::new(-1.0) }
    }

    pub fn add(&self, units: u64) {
        let done = self.done.fetch_add(units, Ordering::SeqCst) + units;
        // Kept below 1.0 until `finish`: 1.0 means the files are in place.
        self.report((done as f64 / self.total as f64).min(0.99) as f32);
    }

    pub fn finish(&self) {
        self.report(1.0);
    }

    fn report(&self, value: f32) {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        // Report in steps of at least 0.5 % so slow UIs are not flooded.
        if value > *last && (value - *last >= 0.005 || value >= 1.0) {
            *last = value;
            (self.callback)(value);
        }
    }
}
