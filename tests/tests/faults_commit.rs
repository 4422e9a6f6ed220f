//! All or nothing at the finish line: when one output cannot be put in place, no output is, and
//! files that were at the destinations before are still there, unchanged. (Every point inside the
//! group of renames is provoked in the core's unit tests: `encode::commit`.)

use clipforge_e2e::*;

fn two_outputs(second: &str) -> Value {
    json!({
        "version": 1, "source": "counter.mp4",
        "trim": { "start": 0.0, "end": 2.0 },
        "loop": { "mode": "repeat", "duration": 6.0 },
        "outputs": [
            { "path": "first.mp4", "aspect": "16:9", "height": 180 },
            { "path": second, "aspect": "1:1", "height": 120 }
        ]
    })
}

#[test]
fn a_folder_at_the_second_destination_leaves_the_first_untouched() {
    let work = Workdir::with_fixture("counter.mp4");
    std::fs::write(work.path("first.mp4"), "an earlier file").unwrap();
    std::fs::create_dir(work.path("second.mp4")).unwrap();
    let e = work.export(&two_outputs("second.mp4")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Io, "{}", e.message);
    assert!(e.message.contains("second.mp4") && e.message.contains("folder"), "{}", e.message);
    assert_eq!(std::fs::read_to_string(work.path("first.mp4")).unwrap(), "an earlier file");
    assert_eq!(work.unexpected_files(&["counter.mp4", "recipe.json", "first.mp4", "second.mp4"]), Vec::<String>::new());
}

#[test]
fn a_destination_that_becomes_a_folder_during_the_export_fails_it_cleanly() {
    let work = Workdir::with_fixture("counter.mp4");
    std::fs::write(work.path("first.mp4"), "an earlier file").unwrap();
    let dir = work.path("second.mp4");
    let made = std::sync::atomic::AtomicBool::new(false);
    // The folder appears once the encoders are running, long after planning checked the paths.
    let progress = |p: f32| {
        if p > 0.3 && !made.swap(true, std::sync::atomic::Ordering::SeqCst) {
            std::fs::create_dir(&dir).unwrap();
        }
    };
    let e = work.export_with(&two_outputs("second.mp4"), &progress, &CancelToken::new()).unwrap_err();
    assert!(made.load(std::sync::atomic::Ordering::SeqCst));
    assert_eq!(e.kind, ErrorKind::Io, "{}", e.message);
    assert_eq!(std::fs::read_to_string(work.path("first.mp4")).unwrap(), "an earlier file");
    assert_eq!(work.unexpected_files(&["counter.mp4", "recipe.json", "first.mp4", "second.mp4"]), Vec::<String>::new());
}

#[test]
fn a_clean_export_replaces_earlier_files() {
    let work = Workdir::with_fixture("counter.mp4");
    std::fs::write(work.path("first.mp4"), "an earlier file").unwrap();
    let reports = work.export_ok(&two_outputs("second.mp4"));
    for r in &reports {
        assert_eq!(sha256_file(&r.path), r.sha256);
    }
    assert_eq!(work.unexpected_files(&["counter.mp4", "recipe.json", "first.mp4", "second.mp4"]), Vec::<String>::new());
}
