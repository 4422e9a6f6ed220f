//! `clipforge upload --tus` against a real tus 1.0 server on 127.0.0.1 (npm @tus/server +
//! @tus/file-store, with the checksum extension in front: tests/servers/tus.mjs). The stored upload
//! is checked on the server's own disk with `sha256sum`.

mod upload_support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use upload_support::*;

const MIB: usize = 1024 * 1024;

/// The file the tus server stored for the upload at `location` (…/files/<id>).
fn stored_file(location: &str) -> PathBuf {
    let id = location.rsplit('/').next().unwrap();
    workspace_root().join(".cache/servers/tus-files").join(id)
}

fn location(state: &std::path::Path) -> String {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(state).unwrap()).unwrap();
    v["session"].as_str().unwrap().strip_prefix("tus:").unwrap().to_string()
}

fn upload(work: &Workdir, url: &str, extra: &[&str]) -> Value {
    let mut args = vec!["upload", "clip.mp4", "--tus", url, "--part-size", "5242880", "--json"];
    args.extend_from_slice(extra);
    cli_json(work.dir.path(), &args)
}

#[test]
fn tus_clean_upload_with_checksums() {
    let Some(s) = servers("tus_clean_upload_with_checksums") else { return };
    let work = Workdir::new();
    let file = random_file(&work.path("clip.mp4"), 12 * MIB + 7, 21);
    let r = upload(&work, &s.tus, &[]);
    assert_eq!(indices(&r["sent_parts"]), vec![0, 1, 2]);
    let verified = r["verified"].to_string();
    assert!(verified.contains("Upload-Checksum sha256") && verified.contains("stored object sha256"), "{verified}");
    let stored = stored_file(&location(&work.path("clip.mp4.upload.json")));
    assert_eq!(sha256sum(&stored), sha256sum(&file), "bytes on the tus server's disk");
}

#[test]
fn tus_killed_upload_resumes_from_the_servers_offset() {
    let Some(s) = servers("tus_killed_upload_resumes_from_the_servers_offset") else { return };
    let work = Workdir::new();
    let file = random_file(&work.path("clip.mp4"), 40 * MIB, 22);
    let state = work.path("clip.mp4.upload.json");
    let mut child = std::process::Command::new(clipforge_bin())
        .args(["upload", "clip.mp4", "--tus", &s.tus, "--part-size", "5242880", "--limit-rate", "10485760"])
        .current_dir(work.dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    while acknowledged(&state).len() < 2 {
        assert!(t0.elapsed() < Duration::from_secs(60), "the upload made no progress");
        assert!(child.try_wait().unwrap().is_none(), "the upload ended before it could be killed");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let done = acknowledged(&state);
    assert!(done.len() >= 2 && done.len() < 8, "killed with {done:?} acknowledged");
    let held = std::fs::metadata(stored_file(&location(&state))).unwrap().len();
    assert!(held >= done.len() as u64 * 5 * MIB as u64 && held < 40 * MIB as u64, "server holds {held} bytes");

    let r = upload(&work, &s.tus, &[]);
    let sent = indices(&r["sent_parts"]);
    let resumed = indices(&r["resumed_parts"]);
    for i in &done {
        assert!(resumed.contains(i) && !sent.contains(i), "part {i} was acknowledged: not sent again ({r})");
    }
    let mut all: Vec<u64> = sent.iter().chain(&resumed).copied().collect();
    all.sort();
    assert_eq!(all, (0..8).collect::<Vec<_>>(), "each part either resumed or sent once");
    // Only what the server did not hold went over the wire.
    assert_eq!(r["bytes_sent"].as_u64().unwrap(), 40 * MIB as u64 - held, "{r}");
    assert_eq!(sha256sum(&stored_file(&location(&state))), sha256sum(&file));
}

#[test]
fn tus_part_with_a_bad_checksum_is_rejected_and_sent_again() {
    let Some(s) = servers("tus_part_with_a_bad_checksum_is_rejected_and_sent_again") else { return };
    let work = Workdir::new();
    let file = random_file(&work.path("clip.mp4"), 11 * MIB, 23);
    let r = upload(&work, &s.tus, &["--test-corrupt-part", "2"]);
    assert_eq!(indices(&r["rejected_parts"]), vec![2], "460 Checksum Mismatch, then sent again");
    assert_eq!(sha256sum(&stored_file(&location(&work.path("clip.mp4.upload.json")))), sha256sum(&file));
}

#[test]
fn tus_changed_file_is_refused_before_anything_is_sent() {
    let Some(s) = servers("tus_changed_file_is_refused_before_anything_is_sent") else { return };
    let work = Workdir::new();
    random_file(&work.path("clip.mp4"), 6 * MIB, 24);
    let plan = cli(work.dir.path(), &["upload-plan", "clip.mp4", "--part-size", "5242880", "--json"]);
    std::fs::write(work.path("clip.mp4.upload.json"), &plan.stdout).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    random_file(&work.path("clip.mp4"), 6 * MIB + 1, 25);
    let out = cli(work.dir.path(), &["upload", "clip.mp4", "--tus", &s.tus]);
    let (kind, msg) = cli_error(&out);
    assert_eq!(kind, "InvalidRecipe", "{msg}");
    assert!(msg.contains("no longer matches its upload plan"), "{msg}");
    let state: Value = serde_json::from_str(&std::fs::read_to_string(work.path("clip.mp4.upload.json")).unwrap()).unwrap();
    assert!(state.get("session").is_none(), "no tus upload was even created");
}
