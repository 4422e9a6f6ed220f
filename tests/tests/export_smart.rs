//! `fit: "smart"` end to end: the real BlazeFace and EfficientNet-Lite0 models through the real ONNX
//! Runtime, registered like an app does, drive the export; the outputs are decoded with FFmpeg and
//! each output frame is located inside its source frame (also decoded with FFmpeg) by matching
//! pictures, which gives the crop window the library used without asking it. The fixtures' known
//! subject trajectories (fixtures/analysis/make.sh) are then checked against those windows.

mod analysis_common;

use std::sync::atomic::{AtomicBool, Ordering};

use analysis_common::*;
use clipforge::analysis::SubjectKind;
use clipforge::ErrorKind;
use clipforge_e2e::*;
use serde_json::json;

fn register_models() {
    register_fixture_subject_models();
}

/// Where `out` (a full-height crop of `src`, scaled) sits in `src`: the window's left edge in
/// source pixels that makes the pictures agree best (luma on a 40x40 grid), and the mean absolute
/// luma difference there.
fn locate_window(out: &Frame, src: &Frame) -> (f64, f64) {
    let win_w = f64::from(src.height) * f64::from(out.width) / f64::from(out.height);
    let scale = f64::from(src.height) / f64::from(out.height);
    let grid: Vec<(u32, u32)> = (0..40).flat_map(|j| (0..40).map(move |i| (i, j))).collect();
    let samples: Vec<(f64, u32, u8)> = grid
        .iter()
        .map(|&(i, j)| {
            let (ox, oy) = ((i * out.width + out.width / 2) / 40, (j * out.height + out.height / 2) / 40);
            (f64::from(ox) * scale, ((f64::from(oy) * scale) as u32).min(src.height - 1), out.luma(ox, oy))
        })
        .collect();
    let max_x = (f64::from(src.width) - win_w).floor() as u32;
    let mut best = (0.0, f64::MAX);
    for wx in 0..=max_x {
        let sad: f64 = samples
            .iter()
            .map(|&(dx, sy, l)| {
                let sx = ((f64::from(wx) + dx) as u32).min(src.width - 1);
                (f64::from(src.luma(sx, sy)) - f64::from(l)).abs()
            })
            .sum();
        if sad < best.1 {
            best = (f64::from(wx), sad);
        }
    }
    (best.0, best.1 / samples.len() as f64)
}

/// For every output frame `n` with `source_of(n) = Some(source frame index)`, the located window
/// (x, match error); sources decoded in four interleaved passes to keep memory small.
fn windows_of(output: &DecodedVideo, source: &std::path::Path, source_of: impl Fn(usize) -> Option<usize>) -> Vec<Option<(f64, f64)>> {
    let mut found = vec![None; output.frame_count()];
    for phase in 0..4 {
        let wanted: Vec<(usize, usize)> = (0..output.frame_count()).filter_map(|n| source_of(n).filter(|s| s % 4 == phase).map(|s| (n, s))).collect();
        if wanted.is_empty() {
            continue;
        }
        let src = decode_video_keeping(source, |i| i % 4 == phase && wanted.iter().any(|w| w.1 == i));
        for (n, s) in wanted {
            found[n] = Some(locate_window(output.frame(n), src.frame(s.min(src.frame_count() - 1))));
        }
    }
    found
}

fn smart_output(path: &std::path::Path, aspect: &str, height: u32) -> serde_json::Value {
    json!({ "path": path, "aspect": aspect, "height": height, "fit": "smart", "crf": 18 })
}

#[test]
fn the_crossing_face_stays_inside_the_9_16_crop() {
    register_models();
    let w = Workdir::new();
    let (tall, square) = (w.path("tall.mp4"), w.path("square.mp4"));
    let recipe = json!({
        "version": 1,
        "source": clip("subject_cross.mp4"),
        "outputs": [smart_output(&tall, "9:16", 640), smart_output(&square, "1:1", 480)],
    });
    let reports = w.export_ok(&recipe);
    for r in &reports {
        let s = r.smart.as_ref().expect("a smart report");
        assert!(!s.fallback && s.subject_frames >= 0.95, "{s:?}");
        assert!(!s.spans.is_empty() && s.spans.iter().all(|p| p.kind == SubjectKind::Face), "{s:?}");
        assert!(s.spans.len() <= 16);
    }
    let out = decode_video(&tall);
    assert_eq!((out.width, out.height, out.frame_count()), (360, 640, 240));
    let found = windows_of(&out, &clip("subject_cross.mp4"), Some);
    let (win_w, mut inside, mut xs) = (405.0, 0, Vec::new());
    for (n, f) in found.iter().enumerate() {
        let (x, err) = f.expect("every frame located");
        assert!(err < 10.0, "frame {n}: no place in the source matches the output (error {err:.1})");
        let (fx, _) = crossing_face(n as f64 / 30.0);
        if fx >= x && fx <= x + win_w {
            inside += 1;
        }
        xs.push(x);
    }
    let share = f64::from(inside) / 240.0;
    let worst = xs.windows(3).map(|v| (v[2] - 2.0 * v[1] + v[0]).abs()).fold(0.0, f64::max);
    eprintln!("crossing: face centre inside the crop in {:.1} % of frames; largest second difference {worst} px", share * 100.0);
    assert!(share >= 0.95, "the face centre was inside the crop in {:.1} % of frames", share * 100.0);
    // The camera followed: left part at the start, right part at the end (the centre is 437.5).
    assert!(xs[15] < 200.0 && xs[230] > 700.0, "window at 0.5 s {} and at 7.7 s {}", xs[15], xs[230]);
    // No jitter: the window's second difference stays within the path's acceleration limit
    // (1.2 × 1280 px/s² = 1.7 px per frame²) plus the matching's ±1 px.
    let worst = xs.windows(3).map(|v| (v[2] - 2.0 * v[1] + v[0]).abs()).fold(0.0, f64::max);
    assert!(worst <= 4.0, "second difference {worst} px");
}

#[test]
fn a_still_subject_gives_a_still_crop_through_the_loop() {
    register_models();
    let w = Workdir::new();
    let tall = w.path("tall.mp4");
    let recipe = json!({
        "version": 1,
        "source": clip("subject_still.mp4"),
        "loop": { "mode": "repeat", "duration": 6.0 },
        "outputs": [smart_output(&tall, "9:16", 640)],
    });
    let r = w.export_ok(&recipe);
    assert!(!r[0].smart.as_ref().unwrap().fallback);
    let out = decode_video(&tall);
    assert_eq!(out.frame_count(), 180);
    // Every frame of both passes (the second is the first replayed).
    let found = windows_of(&out, &clip("subject_still.mp4"), |n| Some(n % 120));
    let xs: Vec<f64> = found.iter().map(|f| f.unwrap().0).collect();
    let (lo, hi) = xs.iter().fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
    assert!(hi - lo <= 1.0, "the crop moved: x {lo}–{hi}");
    assert!(lo <= 1013.0 && lo + 405.0 >= 1013.0, "the face (x 1013) is outside the window at {lo}");
    assert!((lo - 437.5).abs() > 100.0, "the window stayed centred");
}

#[test]
fn nothing_to_follow_is_the_centred_crop() {
    register_models();
    let w = Workdir::new();
    let (smart, crop) = (w.path("smart.mp4"), w.path("crop.mp4"));
    // mirror.mp4: flat red and blue halves (no face, nothing salient), shown mirrored.
    let recipe = json!({
        "version": 1,
        "source": fixture("compose/mirror.mp4"),
        "loop": { "mode": "repeat", "duration": 6.0 },
        "outputs": [smart_output(&smart, "9:16", 640), { "path": crop, "aspect": "9:16", "height": 640, "fit": "crop", "crf": 18 }],
    });
    let r = w.export_ok(&recipe);
    let s = r[0].smart.as_ref().unwrap();
    assert!(s.fallback && s.subject_frames == 0.0 && s.spans.is_empty(), "{s:?}");
    assert!(r[1].smart.is_none());
    let (a, b) = (decode_video(&smart), decode_video(&crop));
    assert_eq!(a.frame_count(), b.frame_count());
    let worst = (0..a.frame_count()).map(|i| psnr(a.frame(i), b.frame(i))).fold(f64::INFINITY, f64::min);
    eprintln!("no subject: smart vs crop, lowest PSNR {worst:.1} dB");
    assert!(worst >= 45.0, "smart differs from crop: PSNR {worst:.1} dB");
}

#[test]
fn clips_trims_speed_cuts_and_a_transition_are_followed() {
    register_models();
    let w = Workdir::new();
    let tall = w.path("tall.mp4");
    // A: subject_cut 0.5–5.5 s (the face jumps from x 233 to x 1033 at the cut at 3.0 s);
    // B: subject_cross 1–7 s at 2x (3 s), crossfading in over 0.5 s. 7.5 s in all.
    let recipe = json!({
        "version": 2,
        "clips": [
            { "source": clip("subject_cut.mp4"), "trim": { "start": 0.5, "end": 5.5 } },
            { "source": clip("subject_cross.mp4"), "trim": { "start": 1.0, "end": 7.0 }, "speed": 2.0,
              "transition": { "kind": "crossfade", "duration": 0.5 } },
        ],
        "outputs": [smart_output(&tall, "9:16", 640)],
    });
    let r = w.export_ok(&recipe);
    assert!(r[0].smart.as_ref().unwrap().subject_frames >= 0.95, "{:?}", r[0].smart);
    let out = decode_video(&tall);
    assert_eq!(out.frame_count(), 225);
    let composed = |n: usize| n as f64 / 30.0;
    // Frames outside the crossfade (4.5–5.0 s) and a frame away from the cut (3.0 s of A's source).
    let a_src = |n: usize| {
        let (t, s) = (composed(n), 0.5 + composed(n));
        (t < 4.5 && (s - 3.0).abs() > 0.05).then(|| (s * 30.0).round() as usize)
    };
    let b_src = |n: usize| (composed(n) >= 5.0).then(|| (((1.0 + (composed(n) - 4.5) * 2.0) * 30.0).round() as usize).min(239));
    let a = windows_of(&out, &clip("subject_cut.mp4"), a_src);
    let b = windows_of(&out, &clip("subject_cross.mp4"), b_src);
    let (mut checked, mut inside) = (0, 0);
    for n in 0..out.frame_count() {
        let face = if let Some(s) = a_src(n) {
            Some((a[n].unwrap(), if (s as f64) / 30.0 < 3.0 { 233.0 } else { 1033.0 }))
        } else {
            b_src(n).map(|s| (b[n].unwrap(), crossing_face(s as f64 / 30.0).0))
        };
        let Some(((x, err), fx)) = face else { continue };
        assert!(err < 10.0, "frame {n}: not found in its source (error {err:.1})");
        checked += 1;
        if fx >= x && fx <= x + 405.0 {
            inside += 1;
        }
    }
    assert!(checked > 190, "{checked} frames checked");
    let share = f64::from(inside) / f64::from(checked);
    eprintln!("clips: face centre inside the crop in {:.1} % of {checked} frames", share * 100.0);
    assert!(share >= 0.95, "the face centre was inside the crop in {:.1} % of frames", share * 100.0);
}

#[test]
fn the_analysis_is_cancellable_and_counted_in_progress() {
    register_models();
    let w = Workdir::new();
    let tall = w.path("tall.mp4");
    // Two clips: the first progress report comes when the first clip's analysis ends; cancelling
    // there stops the second clip's analysis.
    let recipe = json!({
        "version": 2,
        "clips": [{ "source": clip("subject_cross.mp4") }, { "source": clip("subject_still.mp4") }],
        "outputs": [smart_output(&tall, "9:16", 640)],
    });
    let cancel = CancelToken::new();
    let seen = AtomicBool::new(false);
    let c2 = cancel.clone();
    let progress = |p: f32| {
        if p > 0.0 && p < 0.2 {
            seen.store(true, Ordering::SeqCst);
            c2.cancel();
        }
    };
    let err = w.export_with(&recipe, &progress, &cancel).expect_err("cancelled");
    assert_eq!(err.kind, ErrorKind::Cancelled, "{}", err.message);
    assert!(seen.load(Ordering::SeqCst), "no progress before encoding");
    assert!(!tall.exists());
    assert_eq!(w.unexpected_files(&["recipe.json"]), Vec::<String>::new());
}

/// Share of pixels of the astronaut's orange suit in a decoded picture.
fn orange_share(f: &Frame, m: Matrix) -> f64 {
    let mut n = 0;
    for y in (0..f.height).step_by(2) {
        for x in (0..f.width).step_by(2) {
            let (l, u, v) = f.yuv(x, y);
            let [r, g, b] = yuv_to_rgb(f64::from(l), f64::from(u), f64::from(v), m);
            if r > 150.0 && (40.0..150.0).contains(&g) && b < 100.0 && r - g > 60.0 {
                n += 1;
            }
        }
    }
    f64::from(n) / f64::from((f.width / 2) * (f.height / 2))
}

#[test]
fn a_rotated_recording_is_followed_upright() {
    register_models();
    let w = Workdir::new();
    // subject_cross stored with a display matrix turning it a quarter (720x1280 upright): the
    // astronaut, lying on her side, crosses the picture from bottom to top (or top to bottom).
    let rotated = w.path("rotated.mp4");
    let st = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(clip("subject_cross.mp4"))
        .args(["-map", "0", "-c", "copy", "-metadata:s:v:0", "rotate=-90"])
        .arg(&rotated)
        .status()
        .expect("ffmpeg runs");
    assert!(st.success());
    let (smart, crop) = (w.path("smart.mp4"), w.path("crop.mp4"));
    let r = w.export_ok(&json!({
        "version": 1, "source": rotated,
        "outputs": [smart_output(&smart, "1:1", 360), { "path": crop, "aspect": "1:1", "height": 360, "fit": "crop" }],
    }));
    let s = r[0].smart.as_ref().unwrap();
    assert!(!s.fallback && s.subject_frames >= 0.8, "{s:?}");
    let (a, b) = (decode_video(&smart), decode_video(&crop));
    assert_eq!((a.width, a.height), (360, 360));
    // At both ends of her path the centred square shows little of her; the smart one shows her suit.
    for n in [15usize, 225] {
        let (os, oc) = (orange_share(a.frame(n), a.matrix()), orange_share(b.frame(n), b.matrix()));
        eprintln!("rotated, frame {n}: orange share smart {os:.3}, crop {oc:.3}");
        assert!(os > 0.04 && os > 2.5 * oc, "frame {n}: suit share smart {os:.3}, crop {oc:.3}");
    }
}

#[test]
fn a_clip_can_be_smart_in_a_crop_output() {
    register_models();
    let w = Workdir::new();
    let tall = w.path("tall.mp4");
    // Clip 0 (the still astronaut) smart, clip 1 (mirror.mp4, red|blue) the output's centred crop.
    let r = w.export_ok(&json!({
        "version": 2,
        "clips": [{ "source": clip("subject_still.mp4"), "fit": "smart" }, { "source": fixture("compose/mirror.mp4") }],
        "outputs": [{ "path": tall, "aspect": "9:16", "height": 640, "fit": "crop", "crf": 18 }],
    }));
    let s = r[0].smart.as_ref().expect("a smart clip gives the output a smart report");
    assert!(!s.fallback && s.spans.iter().all(|p| p.end <= 4.0 + 1e-6), "{s:?}");
    let out = decode_video_keeping(&tall, |i| i == 60 || i == 150);
    let found = windows_of(&out, &clip("subject_still.mp4"), |n| (n == 60).then_some(60));
    let (x, err) = found[60].unwrap();
    assert!(err < 10.0 && x <= 1013.0 && x + 405.0 >= 1013.0, "smart clip's window at {x} (error {err:.1})");
    // mirror.mp4 shown mirrored (blue left, red right), centred crop: the middle column is the seam
    // between the halves, blue to its left and red to its right.
    let f = out.frame(150);
    let m = out.matrix();
    assert_eq!(f.colour_at(120.0, 320.0, 8.0, m), Colour::Blue);
    assert_eq!(f.colour_at(240.0, 320.0, 8.0, m), Colour::Red);
}

#[test]
fn the_cli_loads_the_models_for_a_smart_recipe() {
    let w = Workdir::new();
    let out = w.path("tall.mp4");
    let recipe = w.write_recipe(&json!({
        "version": 1, "source": clip("subject_still.mp4"), "loop": { "mode": "repeat", "duration": 6.0 },
        "outputs": [smart_output(&out, "9:16", 320)],
    }));
    let run = |env: &[(&str, std::path::PathBuf)]| {
        let mut c = std::process::Command::new(clipforge_bin());
        c.args(["export", "--json"]).arg(&recipe).current_dir(workspace_root());
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().expect("run clipforge")
    };
    // A face model that is not there: one line, error[Io], nothing written.
    let bad = run(&[("CLIPFORGE_FACE_MODEL", w.path("missing.onnx"))]);
    let err = String::from_utf8_lossy(&bad.stderr).into_owned();
    assert!(!bad.status.success() && err.starts_with("error[Io]: ") && err.trim().lines().count() == 1, "{err}");
    assert!(!out.exists());
    // Found the way the preview model is (env var, else the checkout's fixtures/models).
    let ok = run(&[("CLIPFORGE_FACE_MODEL", model(FACES)), ("CLIPFORGE_ORT_LIB", ort_lib())]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let line: serde_json::Value = serde_json::from_slice(&ok.stdout).expect("one JSON line");
    assert_eq!(line["smart"]["fallback"], json!(false), "{line}");
    assert_eq!(line["smart"]["spans"][0]["kind"], json!("face"), "{line}");
}
