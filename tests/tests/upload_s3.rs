//! `clipforge upload --s3-presigned` against a real S3 on 127.0.0.1 (localstack, which checks each
//! part's x-amz-checksum-sha256), with the part URLs presigned by boto3 as an app's backend would.
//! The stored object is read back and hashed by boto3, not by clipforge.

mod upload_support;

use std::path::Path;
use std::time::{Duration, Instant};

use upload_support::*;

const MIB: usize = 1024 * 1024;
const BUCKET: &str = "clipforge-tests";

struct Case {
    work: Workdir,
    key: String,
    upload_id: String,
}

/// A file, its plan (written by the CLI as the state file), and the backend's presigned URLs.
fn prepare(s: &Servers, len: usize, seed: u64) -> Case {
    let work = Workdir::new();
    random_file(&work.path("clip.mp4"), len, seed);
    let plan = cli(work.dir.path(), &["upload-plan", "clip.mp4", "--part-size", &(5 * MIB).to_string(), "--json"]);
    assert!(plan.status.success());
    std::fs::write(work.path("plan.json"), &plan.stdout).unwrap();
    let key = unique("s3");
    let p = |n: &str| work.path(n).to_string_lossy().into_owned();
    let out = py_json(&s.python, "s3_backend.py", &["presign", &s.s3, BUCKET, &key, &p("plan.json"), &p("parts.json")]);
    let upload_id = out["upload_id"].as_str().unwrap().to_string();
    Case { work, key, upload_id }
}

fn upload(c: &Case, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["upload", "clip.mp4", "--s3-presigned", "parts.json", "--part-size", "5242880", "--json"];
    args.extend_from_slice(extra);
    cli(c.work.dir.path(), &args)
}

fn report(out: &std::process::Output) -> Value {
    assert!(out.status.success(), "upload failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The stored object as boto3 sees it must be the file: size, SHA-256 of the bytes read back, and
/// S3's own composite checksum equal to the plan's.
fn assert_stored(s: &Servers, c: &Case, file: &Path) {
    let plan: Value = serde_json::from_slice(&std::fs::read(c.work.path("plan.json")).unwrap()).unwrap();
    let obj = py_json(&s.python, "s3_backend.py", &["object", &s.s3, BUCKET, &c.key]);
    assert_eq!(obj["size"].as_u64().unwrap(), std::fs::metadata(file).unwrap().len());
    assert_eq!(obj["sha256"].as_str().unwrap(), sha256sum(file), "stored bytes");
    assert_eq!(obj["checksum_sha256"], plan["s3_composite_sha256"], "S3's composite checksum vs the plan");
}

#[test]
fn clean_upload_stores_exactly_the_file() {
    let Some(s) = servers("clean_upload_stores_exactly_the_file") else { return };
    let c = prepare(&s, 17 * MIB + 99, 11);
    let r = report(&upload(&c, &[]));
    assert_eq!(indices(&r["sent_parts"]), vec![0, 1, 2, 3]);
    assert_eq!(indices(&r["resumed_parts"]), Vec::<u64>::new());
    assert_eq!(r["bytes_sent"].as_u64().unwrap(), (17 * MIB + 99) as u64);
    let verified = r["verified"].to_string();
    assert!(verified.contains("complete ChecksumSHA256") && verified.contains("stored object sha256"), "{verified}");
    assert_stored(&s, &c, &c.work.path("clip.mp4"));
    // Uploading again finds every part acknowledged in the state file and sends nothing.
    let again = report(&upload(&c, &[]));
    assert_eq!(indices(&again["sent_parts"]), Vec::<u64>::new());
}

#[test]
fn killed_upload_resumes_sending_only_the_missing_parts() {
    let Some(s) = servers("killed_upload_resumes_sending_only_the_missing_parts") else { return };
    let c = prepare(&s, 60 * MIB, 12);
    let state = c.work.path("clip.mp4.upload.json");
    // 12 parts at 10 MiB/s: about 6 s, killed (SIGKILL, no clean-up) once 3 parts are acknowledged.
    let mut child = std::process::Command::new(clipforge_bin())
        .args(["upload", "clip.mp4", "--s3-presigned", "parts.json", "--part-size", "5242880", "--limit-rate", "10485760"])
        .current_dir(c.work.dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    while acknowledged(&state).len() < 3 {
        assert!(t0.elapsed() < Duration::from_secs(60), "the upload made no progress");
        assert!(child.try_wait().unwrap().is_none(), "the upload ended before it could be killed");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let done = acknowledged(&state);
    assert!(done.len() >= 3 && done.len() < 12, "killed with {done:?} acknowledged");

    // The server holds at least the acknowledged parts (it may hold one more, stored after the
    // last save): the state is never ahead of the server.
    let stored = py_json(&s.python, "s3_backend.py", &["parts", &s.s3, BUCKET, &c.key, &c.upload_id]);
    let on_server: Vec<u64> = stored.as_array().unwrap().iter().map(|p| p["number"].as_u64().unwrap() - 1).collect();
    for i in &done {
        assert!(on_server.contains(i), "part {i} acknowledged but not on the server {on_server:?}");
    }

    let r = report(&upload(&c, &[]));
    let mut resumed = indices(&r["resumed_parts"]);
    resumed.sort();
    let mut expected = done.clone();
    expected.sort();
    assert_eq!(resumed, expected, "parts taken from the state file");
    let sent = indices(&r["sent_parts"]);
    let missing: Vec<u64> = (0..12).filter(|i| !done.contains(i)).collect();
    assert_eq!(sent, missing, "only the missing parts are sent");
    assert_stored(&s, &c, &c.work.path("clip.mp4"));
}

#[test]
fn a_part_the_server_rejects_is_sent_again() {
    let Some(s) = servers("a_part_the_server_rejects_is_sent_again") else { return };
    let c = prepare(&s, 11 * MIB, 13);
    // The first send of part 1 has a flipped byte under the right x-amz-checksum-sha256.
    let r = report(&upload(&c, &["--test-corrupt-part", "1"]));
    assert_eq!(indices(&r["rejected_parts"]), vec![1], "S3 refused the corrupted body (BadDigest)");
    assert_eq!(indices(&r["sent_parts"]), vec![0, 1, 2]);
    assert_stored(&s, &c, &c.work.path("clip.mp4"));
}

#[test]
fn a_changed_file_is_refused_before_anything_is_sent() {
    let Some(s) = servers("a_changed_file_is_refused_before_anything_is_sent") else { return };
    let c = prepare(&s, 6 * MIB, 14);
    // The plan is the state file; then the file changes (same size, other bytes, new mtime).
    std::fs::copy(c.work.path("plan.json"), c.work.path("clip.mp4.upload.json")).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    random_file(&c.work.path("clip.mp4"), 6 * MIB, 99);
    let (kind, msg) = cli_error(&upload(&c, &[]));
    assert_eq!(kind, "InvalidRecipe", "{msg}");
    assert!(msg.contains("no longer matches its upload plan"), "{msg}");
    let stored = py_json(&s.python, "s3_backend.py", &["parts", &s.s3, BUCKET, &c.key, &c.upload_id]);
    assert_eq!(stored, json!([]), "nothing reached the server");
}
