//! The `clipforge` binary (built with `cargo build --release -p clipforge-cli`): `export --json`,
//! `probe --json`, and the one-line error contract.

use std::process::{Command, Output};

use clipforge_e2e::*;

fn run(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(clipforge_bin()).args(args).current_dir(dir).output().expect("run clipforge")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Exactly one stderr line `error[Kind]: message`, non-zero exit, returns (kind, message).
fn one_error_line(out: &Output) -> (String, String) {
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "expected failure; stdout: {}\nstderr: {stderr}", text(&out.stdout));
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "stderr must be exactly one line, got: {stderr:?}");
    assert!(stderr.ends_with('\n'), "stderr line must be terminated: {stderr:?}");
    let line = lines[0];
    let rest = line.strip_prefix("error[").unwrap_or_else(|| panic!("not `error[Kind]: message`: {line:?}"));
    let (kind, msg) = rest.split_once("]: ").unwrap_or_else(|| panic!("not `error[Kind]: message`: {line:?}"));
    assert!(
        ["InvalidRecipe", "UnsupportedInput", "Io", "Cancelled", "LimitExceeded", "Internal"].contains(&kind),
        "unknown kind {kind:?} in {line:?}"
    );
    assert!(!msg.trim().is_empty(), "empty message: {line:?}");
    (kind.to_string(), msg.to_string())
}

#[test]
fn export_json_prints_one_object_per_output_matching_the_files() {
    let work = Workdir::with_fixture("counter.mp4");
    work.write_recipe(&json!({
        "version": 1, "source": "counter.mp4",
        "trim": { "start": 0.5, "end": 2.5 },
        "loop": { "mode": "repeat", "duration": 6.0 },
        "outputs": [
            { "path": "a.mp4", "aspect": "9:16", "height": 320, "fit": "blur" },
            { "path": "b.mp4", "aspect": "1:1", "height": 240, "fit": "crop" }
        ]
    }));
    let out = run(work.dir.path(), &["export", "recipe.json", "--json"]);
    assert!(out.status.success(), "exit {:?}, stderr: {}", out.status, text(&out.stderr));
    assert!(!text(&out.stderr).contains("error["), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 2, "one JSON line per output: {stdout}");
    for (line, (name, w, h)) in lines.iter().zip([("a.mp4", 180, 320), ("b.mp4", 240, 240)]) {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        for key in ["path", "width", "height", "duration", "frames", "bytes", "sha256"] {
            assert!(v.get(key).is_some(), "missing {key} in {line}");
        }
        let path = work.dir.path().join(v["path"].as_str().unwrap());
        assert_eq!(path.file_name().unwrap(), name);
        assert!(path.is_file(), "{} does not exist", path.display());
        assert_eq!((v["width"].as_u64(), v["height"].as_u64()), (Some(w), Some(h)), "{line}");
        assert_eq!(v["frames"].as_u64(), Some(180), "{line}");
        assert!((v["duration"].as_f64().unwrap() - 6.0).abs() < 1e-6, "{line}");
        assert_eq!(v["bytes"].as_u64(), Some(std::fs::metadata(&path).unwrap().len()), "{line}");
        assert_eq!(v["sha256"].as_str(), Some(sha256_file(&path).as_str()), "{line}");
        let dec = decode_video_keeping(&path, |_| false);
        assert_eq!((dec.width as u64, dec.height as u64, dec.frame_count()), (w, h, 180), "{name} decoded");
    }
}

#[test]
fn probe_json_describes_container_and_streams() {
    let out = run(&workspace_root(), &["probe", fixture("counter.mp4").to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("probe --json is not one JSON object ({e}): {}", text(&out.stdout)));
    assert!(v["container"].as_str().unwrap().contains("mp4"), "{v}");
    assert!((v["duration"].as_f64().unwrap() - 8.0).abs() < 0.05, "{v}");
    let streams = v["streams"].as_array().expect("streams");
    let video = streams.iter().find(|s| s["kind"] == "video").expect("video stream");
    assert_eq!(video["codec"], "h264");
    let vi = &video["video"];
    assert_eq!((vi["width"].as_u64(), vi["height"].as_u64(), vi["rotation"].as_u64()), (Some(1280), Some(720), Some(0)), "{video}");
    assert!((vi["fps"].as_f64().unwrap() - 30.0).abs() < 1e-6, "{video}");
    assert_eq!(vi["pixel_format"], "yuv420p");
    let audio = streams.iter().find(|s| s["kind"] == "audio").expect("audio stream");
    assert_eq!(audio["codec"], "aac");
    assert_eq!((audio["audio"]["sample_rate"].as_u64(), audio["audio"]["channels"].as_u64()), (Some(44100), Some(1)), "{audio}");

    // Rotation: compare with ffprobe, whose display-matrix angle is counter-clockwise.
    let path = fixture("portrait_rotated.mp4");
    let out = run(&workspace_root(), &["probe", path.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let video = v["streams"].as_array().unwrap().iter().find(|s| s["kind"] == "video").unwrap();
    let vi = &video["video"];
    let rot = vi["rotation"].as_u64().expect("rotation");
    assert!(rot == 90 || rot == 270, "rotation {rot}");
    assert_eq!((vi["width"].as_u64(), vi["height"].as_u64()), (Some(1280), Some(720)), "stored size");
    assert_eq!((vi["display_width"].as_u64(), vi["display_height"].as_u64()), (Some(720), Some(1280)), "display size");
    let fp = ffprobe_json(&path);
    let ccw = probe_streams(&fp, "video")[0]["side_data_list"]
        .as_array()
        .and_then(|l| l.iter().find_map(|sd| sd.get("rotation").map(num)))
        .expect("ffprobe sees a display matrix");
    let cw = (-ccw).rem_euclid(360.0) as u64;
    assert_eq!(rot, cw, "probe documents the clockwise rotation a player applies; ffprobe says {ccw} counter-clockwise");
    let audio = v["streams"].as_array().unwrap().iter().find(|s| s["kind"] == "audio").unwrap();
    assert_eq!((audio["audio"]["sample_rate"].as_u64(), audio["audio"]["channels"].as_u64()), (Some(48000), Some(2)));
}

#[test]
fn failures_print_exactly_one_error_line() {
    let work = Workdir::with_fixture("counter.mp4");
    // Too short: InvalidRecipe, and nothing on stdout.
    work.write_recipe(&json!({
        "version": 1, "source": "counter.mp4", "trim": { "start": 0.0, "end": 3.0 },
        "outputs": [{ "path": "out.mp4", "aspect": "1:1", "height": 240 }]
    }));
    let out = run(work.dir.path(), &["export", "recipe.json", "--json"]);
    let (kind, msg) = one_error_line(&out);
    assert_eq!(kind, "InvalidRecipe", "{msg}");
    assert!(numbers_in(&msg).iter().any(|n| (n - 3.0).abs() < 0.01), "length not stated: {msg}");
    assert!(out.stdout.is_empty(), "stdout: {}", text(&out.stdout));
    assert!(!work.path("out.mp4").exists());

    // Not JSON at all.
    std::fs::write(work.path("bad.json"), "{ this is not json").unwrap();
    let (kind, _) = one_error_line(&run(work.dir.path(), &["export", "bad.json"]));
    assert_eq!(kind, "InvalidRecipe");

    // Missing recipe file.
    let (kind, _) = one_error_line(&run(work.dir.path(), &["export", "missing.json", "--json"]));
    assert_eq!(kind, "Io");

    // A playlist is refused by probe and by export.
    std::fs::write(work.path("list.m3u8"), "#EXTM3U\n#EXTINF:8.0,\ncounter.mp4\n").unwrap();
    let (kind, _) = one_error_line(&run(work.dir.path(), &["probe", "list.m3u8", "--json"]));
    assert_eq!(kind, "UnsupportedInput");
    work.write_recipe(&json!({
        "version": 1, "source": "list.m3u8",
        "outputs": [{ "path": "out.mp4", "aspect": "1:1", "height": 240 }]
    }));
    let (kind, _) = one_error_line(&run(work.dir.path(), &["export", "recipe.json"]));
    assert_eq!(kind, "UnsupportedInput");

    // Missing media file.
    let (kind, _) = one_error_line(&run(work.dir.path(), &["probe", "nope.mp4"]));
    assert_eq!(kind, "Io");
    assert_eq!(work.unexpected_files(&["counter.mp4", "recipe.json", "bad.json", "list.m3u8"]), Vec::<String>::new());
}

/// A recipe of stills opens no video source, yet FFmpeg's own log (x264's banner and statistics,
/// swscale's warnings) must stay out of the CLI's stderr as it does for clips.
#[test]
fn a_recipe_of_stills_keeps_stderr_clean() {
    let work = Workdir::with_compose(&["still.jpg"]);
    work.write_recipe(&json!({
        "version": 2,
        "clips": [{ "source": "still.jpg", "duration": 6.0, "motion": "zoom-in" }],
        "outputs": [{ "path": "stills.mp4", "aspect": "9:16", "height": 320, "fit": "crop" }]
    }));
    let out = run(work.dir.path(), &["export", "recipe.json"]);
    assert!(out.status.success(), "exit {:?}, stderr: {}", out.status, text(&out.stderr));
    assert_eq!(text(&out.stderr), "", "stderr must be empty");
    assert!(work.dir.path().join("stills.mp4").is_file());
}
