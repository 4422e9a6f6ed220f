//! Cancellation from another thread is prompt and leaves nothing behind; progress is monotonic,
//! starts low and ends at exactly 1.0.

use std::sync::mpsc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use clipforge_e2e::*;

/// Long enough that a cancel lands mid-way: 8 s of 1080p-class encoding, two outputs.
fn heavy_recipe() -> Value {
    json!({
        "version": 1, "source": "counter.mp4",
        "outputs": [
            { "path": "tall.mp4", "aspect": "9:16", "height": 1920, "fit": "blur" },
            { "path": "square.mp4", "aspect": "1:1", "height": 1080, "fit": "crop" }
        ]
    })
}

#[test]
fn cancel_from_another_thread_is_prompt_and_leaves_nothing() {
    let work = Workdir::with_fixture("counter.mp4");
    let cancel = CancelToken::new();
    let (tx, rx) = mpsc::channel::<()>();
    let tx = Mutex::new(Some(tx));
    let seen = Mutex::new(Vec::new());
    let progress = |p: f32| {
        seen.lock().unwrap().push(p);
        if p > 0.1 {
            if let Some(tx) = tx.lock().unwrap().take() {
                let _ = tx.send(());
            }
        }
    };
    let canceller = {
        let cancel = cancel.clone();
        std::thread::spawn(move || {
            rx.recv_timeout(Duration::from_secs(60)).expect("no progress > 0.1 within 60 s");
            let at = Instant::now();
            cancel.cancel();
            at
        })
    };
    let result = work.export_with(&heavy_recipe(), &progress, &cancel);
    let returned = Instant::now();
    let cancelled_at = canceller.join().expect("canceller thread");
    let err = match result {
        Ok(_) => panic!("export finished although it was cancelled (progress: {:?})", seen.lock().unwrap()),
        Err(e) => e,
    };
    assert_eq!(err.kind, ErrorKind::Cancelled, "{}", err.message);
    let delay = returned.duration_since(cancelled_at);
    assert!(delay < Duration::from_secs(1), "export returned {delay:?} after the cancel");
    let seen = seen.lock().unwrap();
    assert!(seen.iter().all(|&p| p < 1.0), "a cancelled export reported completion: {seen:?}");
    assert_eq!(work.unexpected_files(&["counter.mp4", "recipe.json"]), Vec::<String>::new(), "leftovers after cancel");
    eprintln!("cancel: returned {delay:?} after cancel, at progress {:?}", seen.last());
}

#[test]
fn cancel_before_start_writes_nothing() {
    let work = Workdir::with_fixture("counter.mp4");
    let cancel = CancelToken::new();
    cancel.cancel();
    let t = Instant::now();
    let err = work.export_with(&heavy_recipe(), &|_| {}, &cancel).expect_err("cancelled up front");
    assert_eq!(err.kind, ErrorKind::Cancelled, "{}", err.message);
    assert!(t.elapsed() < Duration::from_secs(2), "took {:?}", t.elapsed());
    assert_eq!(work.unexpected_files(&["counter.mp4", "recipe.json"]), Vec::<String>::new());
}

#[test]
fn progress_is_monotonic_and_ends_at_exactly_one() {
    let work = Workdir::with_fixture("counter.mp4");
    let seen = Mutex::new(Vec::new());
    let files_at_end = Mutex::new(None);
    let progress = |p: f32| {
        seen.lock().unwrap().push(p);
        if p >= 1.0 {
            *files_at_end.lock().unwrap() = Some(work.path("a.mp4").exists() && work.path("b.mp4").exists());
        }
    };
    let reports = work
        .export_with(
            &json!({
                "version": 1, "source": "counter.mp4",
                "trim": { "start": 0.0, "end": 6.0 },
                "outputs": [
                    { "path": "a.mp4", "aspect": "16:9", "height": 360 },
                    { "path": "b.mp4", "aspect": "1:1", "height": 360, "fit": "pad" }
                ]
            }),
            &progress,
            &CancelToken::new(),
        )
        .expect("export");
    assert_eq!(reports.len(), 2);
    let seen = seen.into_inner().unwrap();
    assert!(seen.len() >= 10, "too few progress reports to drive a bar: {seen:?}");
    assert!(seen[0] <= 0.1, "progress starts at {}", seen[0]);
    for w in seen.windows(2) {
        assert!(w[1] >= w[0], "progress went back: {} -> {} in {seen:?}", w[0], w[1]);
    }
    assert!(seen.iter().all(|p| (0.0..=1.0).contains(p)), "{seen:?}");
    assert_eq!(*seen.last().unwrap(), 1.0, "progress must end at exactly 1.0: {seen:?}");
    assert_eq!(seen.iter().filter(|&&p| p == 1.0).count(), 1, "1.0 is reported once, at the end");
    assert_eq!(files_at_end.into_inner().unwrap(), Some(true), "1.0 is reported when the files are in place");
}
