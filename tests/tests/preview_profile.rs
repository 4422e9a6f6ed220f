//! Taste profiles on disk and through the CLI: round trip, corrupt files, exact JSON shapes.

mod preview_common;

use std::process::Command;

use clipforge::preview::{ModelSource, PreviewOptions, PreviewRanker, TasteProfile};
use clipforge::ErrorKind;
use clipforge_e2e::{clipforge_bin, Value};
use preview_common::*;

#[test]
fn profile_survives_a_save_load_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(model(FP32)).unwrap();
    let mut r = PreviewRanker::new(&ort_lib(), ModelSource::Bytes(&bytes), 1).unwrap();
    let mut p = TasteProfile::new();
    r.like_clip(&mut p, &photo_clip("cat.mp4")).unwrap();
    r.skip_clip(&mut p, &photo_clip("rocket.mp4")).unwrap();
    let path = dir.path().join("p.json");
    p.save(&path).unwrap();
    let back = TasteProfile::load(&path).unwrap();
    assert_eq!(back, p);
    let opts = PreviewOptions::default();
    let a = r.preview(&photo_clip("mixed.mp4"), &p, dir.path(), &opts).unwrap();
    let b = r.preview(&photo_clip("mixed.mp4"), &back, dir.path(), &opts).unwrap();
    assert_eq!((a.poster.time, a.preview_loop.start), (b.poster.time, b.preview_loop.start));
}

#[test]
fn corrupt_profile_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    let good = TasteProfile::new().to_json();
    let cases = [
        ("{\"version\": 1, \"liked\": [0.1, ", "not a clipforge taste profile"),
        ("\u{0}\u{1}binary", "not a clipforge taste profile"),
        ("{\"version\": 7}", "version 7 is not supported"),
        ("{\"version\": 1, \"liked\": [1.0, 2.0]}", "must hold 1280 finite numbers"),
        ("{\"version\": 1, \"likes\": 1, \"colour\": \"blue\"}", "unknown field"),
    ];
    for (text, expect) in cases {
        std::fs::write(&path, text).unwrap();
        let e = TasteProfile::load(&path).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidProfile, "{text}: {e}");
        assert!(e.message.contains(expect) && e.message.contains("p.json"), "{text}: {}", e.message);
    }
    std::fs::write(&path, good).unwrap();
    assert!(TasteProfile::load(&path).unwrap().is_cold());
    let e = TasteProfile::load(&dir.path().join("missing.json")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Io);
}

fn cli(args: &[&str]) -> std::process::Output {
    Command::new(clipforge_bin())
        .args(args)
        .env("CLIPFORGE_ORT_LIB", ort_lib())
        .env("CLIPFORGE_MODEL", model(FP32))
        .output()
        .unwrap()
}

#[test]
fn cli_profile_and_preview_shapes() {
    let dir = tempfile::tempdir().unwrap();
    let prof = dir.path().join("viewer.json");
    let (p, cat, mixed) = (prof.to_str().unwrap(), photo_clip("cat.mp4"), photo_clip("mixed.mp4"));
    let out = cli(&["profile", "like", cat.to_str().unwrap(), "--profile", p]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = cli(&["profile", "skip", photo_clip("rocket.mp4").to_str().unwrap(), "--profile", p]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let saved = TasteProfile::load(&prof).unwrap();
    assert_eq!((saved.likes, saved.skips), (1, 1));

    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = cli(&["preview", mixed.to_str().unwrap(), "--profile", p, "--window", "3", "--out-dir", out_dir.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["candidates", "loop", "poster"]);
    let t = v["poster"]["time"].as_f64().unwrap();
    assert!((3.0..6.0).contains(&t), "{v}");
    assert!(std::path::Path::new(v["poster"]["path"].as_str().unwrap()).is_file());
    let (s, e) = (v["loop"]["start"].as_f64().unwrap(), v["loop"]["end"].as_f64().unwrap());
    assert!((e - s - 3.0).abs() < 1e-6 && overlap((s, e), (3.0, 6.0)) >= 2.9, "{v}");
    assert!(std::path::Path::new(v["loop"]["path"].as_str().unwrap()).is_file());
    let cands = v["candidates"].as_array().unwrap();
    assert!(cands.len() >= 8 && cands.len() <= 32);
    assert!(cands.iter().all(|c| c.as_object().unwrap().len() == 2 && c["time"].is_f64() && c["score"].is_f64()));

    // A corrupt profile: one error line, non-zero exit, no output files.
    std::fs::write(&prof, "{ nope").unwrap();
    let out = cli(&["preview", mixed.to_str().unwrap(), "--profile", p, "--json"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error[InvalidProfile]: ") && err.contains("viewer.json"), "{err}");
    let out = cli(&["profile", "like", cat.to_str().unwrap(), "--profile", p]);
    assert!(!out.status.success(), "a corrupt profile is not overwritten");
    assert_eq!(std::fs::read_to_string(&prof).unwrap(), "{ nope");
}
