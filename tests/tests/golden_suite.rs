//! The QA golden suite runs in `cargo test`, and a deliberately wrong golden must fail with the
//! right reason.

use std::path::{Path, PathBuf};

use clipforge::golden::{self, Case, Thumb};

fn root() -> PathBuf {
    // Some cases have captions in other scripts: the fixture fonts, registered as an app would.
    clipforge_e2e::register_fixture_fonts();
    // fit "smart" cases: the subject models, registered as an app would.
    clipforge_e2e::register_fixture_subject_models();
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/golden")
}

#[test]
fn every_golden_case_passes() {
    let cases = golden::list_cases(&root(), &[]).expect("cases load");
    assert!(cases.len() >= 12, "expected the full golden suite, found {}", cases.len());
    let work = tempfile::tempdir().unwrap();
    let mut failed = Vec::new();
    for case in &cases {
        let r = golden::run_case(case, &work.path().join(&case.name)).expect("case runs");
        println!("{}", r.summary());
        if !r.passed() {
            failed.push(r.summary());
        }
    }
    assert!(failed.is_empty(), "failed golden cases:\n{}", failed.join("\n"));
}

/// A copy of case `name` in a temp folder, with the source made absolute, for tampering.
fn copy_case(name: &str, into: &Path) -> Case {
    let src = root().join(name);
    let dst = into.join(name);
    std::fs::create_dir_all(dst.join("expected")).unwrap();
    for e in std::fs::read_dir(src.join("expected")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dst.join("expected").join(e.file_name())).unwrap();
    }
    let mut json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(src.join("case.json")).unwrap()).unwrap();
    let source = src.join(json["recipe"]["source"].as_str().unwrap()).canonicalize().expect("fixtures made");
    json["recipe"]["source"] = serde_json::Value::String(source.to_string_lossy().into_owned());
    std::fs::write(dst.join("case.json"), json.to_string()).unwrap();
    Case::load(&dst).unwrap()
}

/// The picture moved `dx` pixels to the right, as a crop off by that much would show it.
fn shifted(t: &Thumb, dx: u32) -> Thumb {
    let mut rgb = t.rgb.clone();
    let w = t.width as usize;
    for y in 0..t.height as usize {
        for x in (dx as usize..w).rev() {
            for c in 0..3 {
                rgb[(y * w + x) * 3 + c] = t.rgb[(y * w + x - dx as usize) * 3 + c];
            }
        }
    }
    Thumb { width: t.width, height: t.height, rgb }
}

#[test]
fn a_shifted_crop_golden_is_reported_as_failed() {
    let tmp = tempfile::tempdir().unwrap();
    let case = copy_case("fit-crop-9x16", tmp.path());
    let frame = case.frame_path("crop-9x16.mp4", case.times[1]);
    shifted(&Thumb::load_png(&frame).unwrap(), 12).save_png(&frame).unwrap();
    let r = golden::run_case(&case, &tmp.path().join("work")).unwrap();
    assert!(!r.passed());
    let reason = r.failures.join("\n");
    assert!(reason.contains("@1.5s: PSNR"), "{reason}");
    assert_eq!(r.failures.len(), 1, "only the tampered frame fails: {reason}");
}

#[test]
fn a_wrong_duration_golden_is_reported_as_failed() {
    let tmp = tempfile::tempdir().unwrap();
    let case = copy_case("loop-repeat-partial", tmp.path());
    let meta_path = case.meta_path();
    let mut meta: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    meta[0]["duration"] = serde_json::json!(7.5);
    meta[0]["frames"] = serde_json::json!(225);
    std::fs::write(&meta_path, meta.to_string()).unwrap();
    let r = golden::run_case(&case, &tmp.path().join("work")).unwrap();
    let reason = r.failures.join("\n");
    assert!(reason.contains("210 frames, expected 225"), "{reason}");
    assert!(reason.contains("duration 7.000 s, expected 7.500 s"), "{reason}");
}

#[test]
fn a_golden_missing_its_caption_is_reported_as_failed() {
    // The real caption golden, exported from a recipe that lost its captions: every frame that
    // should carry a caption fails, the caption-free frame at 0 s still passes.
    let tmp = tempfile::tempdir().unwrap();
    let case = copy_case("captions-styles", tmp.path());
    let case_json = case.dir.join("case.json");
    let mut json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&case_json).unwrap()).unwrap();
    json["recipe"].as_object_mut().unwrap().remove("captions");
    std::fs::write(&case_json, json.to_string()).unwrap();
    let case = Case::load(&case.dir).unwrap();
    let r = golden::run_case(&case, &tmp.path().join("work")).unwrap();
    assert!(!r.passed());
    assert!(!r.failures.iter().any(|f| f.contains("@0s")), "the caption-free frame failed: {:?}", r.failures);
    for t in ["0.2", "1.5", "3.2", "5"] {
        assert!(r.failures.iter().any(|f| f.contains(&format!("cap-9x16.mp4 @{t}s: PSNR"))), "{t} s not reported: {:?}", r.failures);
    }
    assert!(r.failures.iter().all(|f| f.contains("PSNR") || f.contains("SSIM")), "{:?}", r.failures);
}

#[test]
fn a_missing_audio_track_is_reported_as_failed() {
    let tmp = tempfile::tempdir().unwrap();
    let case = copy_case("no-audio", tmp.path());
    let meta_path = case.meta_path();
    let mut meta: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    meta[0]["audio"] = serde_json::json!({"codec": "aac", "sample_rate": 48000, "channels": 2, "rms_per_second": [], "seam_rms": []});
    std::fs::write(&meta_path, meta.to_string()).unwrap();
    let r = golden::run_case(&case, &tmp.path().join("work")).unwrap();
    assert!(r.failures.iter().any(|f| f.contains("audio track missing")), "{:?}", r.failures);
}

#[test]
fn the_report_shows_expected_actual_and_heatmap_per_frame() {
    let tmp = tempfile::tempdir().unwrap();
    let case = copy_case("fit-crop-9x16", tmp.path());
    let frame = case.frame_path("crop-9x16.mp4", case.times[0]);
    shifted(&Thumb::load_png(&frame).unwrap(), 20).save_png(&frame).unwrap();
    let r = golden::run_case(&case, &tmp.path().join("work")).unwrap();
    let page = golden::write_report(&tmp.path().join("report"), &[r]).unwrap();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("0 passed, 1 failed"), "summary line missing");
    assert!(html.contains("FAIL</span> fit-crop-9x16"));
    for kind in ["expected", "actual", "diff"] {
        let img = tmp.path().join(format!("report/img/fit-crop-9x16-0-{kind}.png"));
        assert!(img.is_file(), "{} missing", img.display());
    }
    // The heatmap of the shifted frame is not black.
    let heat = Thumb::load_png(&tmp.path().join("report/img/fit-crop-9x16-0-diff.png")).unwrap();
    assert!(heat.rgb.iter().filter(|&&v| v > 200).count() > 100);
    assert!(tmp.path().join("report/img/fit-crop-9x16-sheet-0.png").is_file());
}

#[test]
fn every_builtin_template_has_a_golden_case() {
    for name in clipforge::Template::builtin_names() {
        let case = Case::load(&root().join(format!("template-{name}"))).unwrap_or_else(|e| panic!("{name}: {}", e.message));
        assert_eq!(case.template.as_ref().map(|t| t.name.as_str()), Some(name));
        assert!(case.meta_path().is_file(), "{name}: not blessed");
        for t in &case.times {
            assert!(case.frame_path(&format!("{name}-9x16.mp4"), *t).is_file(), "{name} @{t}: no golden frame");
        }
    }
}

#[test]
fn a_centred_crop_fails_the_smart_golden() {
    // The smart case's recipe with fit "crop": the centre of the frame, not the astronaut, so
    // the pictures differ (the golden suite would catch smart reframe falling back to the centre).
    let tmp = tempfile::tempdir().unwrap();
    let src = root().join("fit-smart-9x16");
    let dst = tmp.path().join("fit-smart-9x16");
    std::fs::create_dir_all(dst.join("expected")).unwrap();
    for e in std::fs::read_dir(src.join("expected")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dst.join("expected").join(e.file_name())).unwrap();
    }
    let mut json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(src.join("case.json")).unwrap()).unwrap();
    let source = src.join(json["recipe"]["source"].as_str().unwrap()).canonicalize().expect("fixtures made");
    json["recipe"]["source"] = serde_json::Value::String(source.to_string_lossy().into_owned());
    json["recipe"]["outputs"][0]["fit"] = serde_json::json!("crop");
    std::fs::write(dst.join("case.json"), json.to_string()).unwrap();
    let r = golden::run_case(&Case::load(&dst).unwrap(), &tmp.path().join("work")).unwrap();
    assert!(!r.passed());
    let reason = r.failures.join("\n");
    assert!(reason.contains("@0.5s: PSNR") && reason.contains("@7.5s: PSNR"), "{reason}");
}
