//! SIGINT and SIGTERM to the `clipforge` CLI: the export is cancelled, its partial files are
//! removed, stderr says `error[Cancelled]` on one line and the exit status is 130 — whether the
//! signal arrives while frames are encoded or while the outputs are muxed and committed.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clipforge_e2e::*;

const OUTPUTS: [&str; 3] = ["a.mp4", "b.mp4", "c.mp4"];

fn work() -> Workdir {
    let work = Workdir::with_fixture("counter.mp4");
    work.write_recipe(&json!({
        "version": 1, "source": "counter.mp4",
        "trim": { "start": 0.0, "end": 4.0 },
        "loop": { "mode": "boomerang", "duration": 12.0 },
        "outputs": [
            { "path": "a.mp4", "aspect": "9:16", "height": 1280, "fit": "blur" },
            { "path": "b.mp4", "aspect": "1:1", "height": 720 },
            { "path": "c.mp4", "aspect": "16:9", "height": 720 }
        ]
    }));
    work
}

/// Starts an export, waits for `when` to say the moment has come, sends `signal`, and checks
/// the outcome is all or nothing.
fn interrupt(signal: i32, when: &dyn Fn(&Workdir, u32, Duration) -> bool) -> bool {
    let work = work();
    let mut child = Command::new(clipforge_bin())
        .args(["export", "recipe.json"])
        .current_dir(work.dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run clipforge");
    let t0 = Instant::now();
    while !when(&work, child.id(), t0.elapsed()) {
        if child.try_wait().unwrap().is_some() || t0.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(child.id() as i32, signal) };
    let out = with_timeout(30, "clipforge after a signal", move || child.wait_with_output().unwrap());
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.success() {
        // The signal came after the commit: every output is there.
        assert_eq!(work.unexpected_files(&["counter.mp4", "recipe.json"]), OUTPUTS.to_vec(), "{stderr}");
        false
    } else {
        assert_eq!(out.status.code(), Some(130), "{stderr}");
        assert_eq!(stderr, "error[Cancelled]: the export was cancelled\n");
        assert_eq!(work.unexpected_files(&["counter.mp4", "recipe.json"]), Vec::<String>::new());
        true
    }
}

fn part_files(work: &Workdir) -> bool {
    work.files().iter().any(|f| f.ends_with(".part"))
}

/// The export is under way once the process runs its decoder and encoder threads (before that,
/// while the program loads, a signal ends it the default way: nothing has been written yet).
fn exporting(pid: u32) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("Threads:")).and_then(|n| n.trim().parse::<u32>().ok()).is_some_and(|n| n >= 4)
}

#[test]
fn sigint_and_sigterm_while_encoding_cancel_cleanly() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        for ms in [0, 400] {
            let at = |_: &Workdir, pid: u32, t: Duration| exporting(pid) && t > Duration::from_millis(ms);
            assert!(interrupt(signal, &at), "signal {signal} {ms} ms into the export did not cancel it");
        }
    }
}

#[test]
fn signals_while_muxing_and_committing_leave_no_part_files() {
    let mut cancelled = 0;
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGINT, libc::SIGTERM] {
        if interrupt(signal, &|w, _, _| part_files(w)) {
            cancelled += 1;
        }
    }
    // The mux step is long enough to be hit; what matters above is that every run was clean.
    assert!(cancelled > 0, "no signal landed while muxing");
}
