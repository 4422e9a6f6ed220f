//! Smart reframe's analysis on clips where the subject's place is known (fixtures/analysis): the
//! real BlazeFace and EfficientNet-Lite0 models through the real ONNX Runtime find the astronaut's
//! face (or, without a face, the cup), and the 9:16 crop path keeps the subject's known centre
//! inside the window, without jitter, still for a still subject, jumping at the cut.

mod analysis_common;

use std::process::Command;

use analysis_common::*;
use clipforge::analysis::faces::FaceDetector;
use clipforge::analysis::reframe_path::{crop_size, reframe_path, PathOptions, ReframePath};
use clipforge::analysis::subject::{SubjectAnalysis, SubjectModels, SubjectOptions};
use clipforge::analysis::{SubjectKind, SubjectTrack};
use clipforge::onnx::ModelSource;
use clipforge_e2e::*;

fn analyse(name: &str, saliency: bool) -> SubjectTrack {
    let (lib, faces, sal) = (ort_lib(), model(FACES), model(SALIENCY));
    let models = SubjectModels {
        runtime_lib: &lib,
        faces: ModelSource::Path(&faces),
        saliency: saliency.then_some(ModelSource::Path(&sal)),
        threads: 2,
    };
    SubjectAnalysis::new(&models).unwrap().analyze(&clip(name), &SubjectOptions::default(), &CancelToken::new()).unwrap()
}

fn path_for(track: &SubjectTrack, aspect: (u32, u32)) -> (ReframePath, PathOptions) {
    let opts = PathOptions::covering(track, 30.0);
    let crop = crop_size(track.width, track.height, aspect.0, aspect.1);
    (reframe_path(track, crop, &opts).unwrap(), opts)
}

/// Fraction of frames whose `truth(t)` lies inside the window.
fn inside_share(p: &ReframePath, truth: impl Fn(f64) -> (f64, f64)) -> f64 {
    let hits = p.windows.iter().enumerate().filter(|(i, w)| {
        let (x, y) = truth(*i as f64 / 30.0);
        x >= w.x && x <= w.x + w.w && y >= w.y && y <= w.y + w.h
    });
    hits.count() as f64 / p.windows.len() as f64
}

fn largest_second_difference(p: &ReframePath) -> f64 {
    p.windows.windows(3).map(|w| (w[2].x - 2.0 * w[1].x + w[0].x).abs().max((w[2].y - 2.0 * w[1].y + w[0].y).abs())).fold(0.0, f64::max)
}

#[test]
fn blazeface_finds_the_face_in_a_decoded_frame() {
    let (lib, faces) = (ort_lib(), model(FACES));
    let mut det = FaceDetector::new(&lib, ModelSource::Path(&faces), 1).unwrap();
    // Frames decoded here with FFmpeg directly, shrunk to 256x144 like the analysis does.
    let still = decode_first_frames(&clip("subject_still.mp4"), 1);
    let small = |f: &Frame| {
        let (w, h) = (256u32, 144u32);
        let pick = |p: &[u8], pw: u32, x: u32, y: u32, sx: u32, sy: u32| p[((y * sy) * pw + x * sx) as usize];
        let (sx, sy) = (f.width / w, f.height / h);
        let y: Vec<u8> = (0..h).flat_map(|yy| (0..w).map(move |xx| (yy, xx))).map(|(yy, xx)| pick(&f.y, f.width, xx, yy, sx, sy)).collect();
        let cw = f.chroma_width();
        let u = (0..h / 2).flat_map(|yy| (0..w / 2).map(move |xx| (yy, xx))).map(|(yy, xx)| pick(&f.u, cw, xx, yy, sx, sy)).collect();
        let v = (0..h / 2).flat_map(|yy| (0..w / 2).map(move |xx| (yy, xx))).map(|(yy, xx)| pick(&f.v, cw, xx, yy, sx, sy)).collect();
        clipforge::frame::Frame { width: w, height: h, y, u, v }
    };
    let found = det.detect(&small(&still.frames[0])).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    let (cx, cy) = found[0].region.centre();
    // Face centre (1013, 294) of 1280x720 → (202.6, 58.8) of 256x144.
    assert!((cx - 202.6).abs() < 6.0 && (cy - 58.8).abs() < 6.0, "{found:?}");
    assert!(found[0].score >= 0.75 && found[0].kind == SubjectKind::Face);
    let cup = decode_first_frames(&clip("object_cross.mp4"), 1);
    assert!(det.detect(&small(&cup.frames[0])).unwrap().is_empty(), "no face on the cup");
}

#[test]
fn a_crossing_face_stays_inside_the_9x16_crop_without_jitter() {
    let track = analyse("subject_cross.mp4", true);
    let with_face = track.samples.iter().filter(|s| s.detections.iter().any(|d| d.kind == SubjectKind::Face)).count();
    assert!(with_face as f64 >= 0.9 * track.samples.len() as f64, "faces in {with_face} of {} samples", track.samples.len());
    assert!(track.cuts.is_empty(), "{:?}", track.cuts);
    let (p, opts) = path_for(&track, (9, 16));
    assert_eq!(p.windows.len(), 240);
    let share = inside_share(&p, crossing_face);
    assert!(share >= 0.95, "face centre inside the crop in {:.1} % of frames", share * 100.0);
    let bound = opts.max_accel * 1280.0 / 900.0 + 1e-6;
    assert!(largest_second_difference(&p) <= bound, "jitter: {} > {bound}", largest_second_difference(&p));
    assert!(p.windows.iter().all(|w| w.x >= 0.0 && w.x + w.w <= 1280.0 + 1e-6 && w.y >= 0.0 && w.y + w.h <= 720.0 + 1e-6));
    // The centred crop would lose the face most of the time: the test can fail.
    let centred = ReframePath { windows: vec![p.windows[0]; 240].into_iter().map(|mut w| { w.x = (1280.0 - w.w) / 2.0; w }).collect(), subject: vec![] };
    assert!(inside_share(&centred, crossing_face) < 0.6);
    assert!(p.subject.iter().all(|&s| s));
}

#[test]
fn one_analysis_serves_every_aspect() {
    let track = analyse("subject_cross.mp4", true);
    for aspect in [(1, 1), (4, 5), (9, 16)] {
        let (p, _) = path_for(&track, aspect);
        let share = inside_share(&p, crossing_face);
        assert!(share >= 0.95, "{aspect:?}: {:.1} %", share * 100.0);
    }
}

#[test]
fn a_still_subject_gives_a_still_crop_on_it() {
    let track = analyse("subject_still.mp4", true);
    let (p, _) = path_for(&track, (9, 16));
    assert!(p.windows.iter().all(|w| *w == p.windows[0]), "the crop moved");
    assert_eq!(inside_share(&p, |_| (1013.0, 294.0)), 1.0);
    // Not just the centred crop: the face is right of the centre's window.
    assert!(p.windows[0].x > (1280.0 - p.windows[0].w) / 2.0 + 100.0, "{:?}", p.windows[0]);
}

#[test]
fn a_scene_cut_is_a_jump_not_a_pan() {
    let track = analyse("subject_cut.mp4", true);
    assert_eq!(track.cuts.len(), 1, "{:?}", track.cuts);
    assert!((track.cuts[0] - 3.0).abs() <= 1.0 / 30.0 + 1e-6, "{:?}", track.cuts);
    let (p, _) = path_for(&track, (9, 16));
    let before = &p.windows[..90];
    let after = &p.windows[90..];
    assert!(before.iter().all(|w| *w == before[0]) && after.iter().all(|w| *w == after[0]), "panned");
    let face = |t: f64| if t < 3.0 { (233.0, 294.0) } else { (1033.0, 294.0) };
    assert_eq!(inside_share(&p, face), 1.0);
}

#[test]
fn without_a_face_the_salient_object_is_followed() {
    let track = analyse("object_cross.mp4", true);
    assert!(track.samples.iter().all(|s| s.detections.iter().all(|d| d.kind == SubjectKind::Salient)));
    let (p, _) = path_for(&track, (9, 16));
    let share = inside_share(&p, crossing_cup);
    assert!(share >= 0.9, "cup centre inside the crop in {:.1} % of frames", share * 100.0);
    assert!(p.subject.iter().filter(|&&s| s).count() >= 170);
}

#[test]
fn nothing_found_is_the_centred_crop_and_the_path_says_so() {
    // Faces only, on the cup: nothing is detected anywhere.
    let track = analyse("object_cross.mp4", false);
    assert!(track.samples.iter().all(|s| s.detections.is_empty()));
    let (p, _) = path_for(&track, (9, 16));
    assert!(p.windows.iter().all(|w| (w.x - (1280.0 - w.w) / 2.0).abs() < 1e-9));
    assert!(p.subject.iter().all(|&s| !s));
}

#[test]
fn bad_models_and_cancel_are_typed_errors() {
    let lib = ort_lib();
    let missing = std::path::Path::new("/nonexistent/blazeface.onnx");
    let e = FaceDetector::new(&lib, ModelSource::Path(missing), 1).err().unwrap();
    assert_eq!(e.kind, ErrorKind::Io, "{e:?}");
    // The embedding model is not a face detector.
    let e = FaceDetector::new(&lib, ModelSource::Path(&model(SALIENCY)), 1).err().unwrap();
    assert_eq!(e.kind, ErrorKind::UnsupportedInput, "{e:?}");
    let e = FaceDetector::new(&lib, ModelSource::Bytes(b"not a model"), 1).err().unwrap();
    assert_eq!(e.kind, ErrorKind::UnsupportedInput, "{e:?}");
    let faces = model(FACES);
    let models = SubjectModels { runtime_lib: &lib, faces: ModelSource::Path(&faces), saliency: None, threads: 1 };
    let mut a = SubjectAnalysis::new(&models).unwrap();
    let cancel = CancelToken::new();
    cancel.cancel();
    let e = a.analyze(&clip("subject_cross.mp4"), &SubjectOptions::default(), &cancel).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled);
    let e = a.analyze(&clip("subject_cross.mp4"), &SubjectOptions { interval: 0.0, ..Default::default() }, &CancelToken::new()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRecipe);
}

#[test]
fn the_cli_prints_the_path_as_json() {
    let out = Command::new(clipforge_bin())
        .args(["reframe-path", clip("subject_cross.mp4").to_str().unwrap(), "--aspect", "9:16", "--json"])
        .env("CLIPFORGE_ORT_LIB", ort_lib())
        .env("CLIPFORGE_FACE_MODEL", model(FACES))
        .env("CLIPFORGE_MODEL", model(SALIENCY))
        .output()
        .expect("run clipforge");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let frames = v["frames"].as_array().expect("frames");
    assert_eq!(frames.len(), 240);
    let hits = frames.iter().filter(|f| {
        let (x, _) = crossing_face(num(&f["time"]));
        x >= num(&f["x"]) && x <= num(&f["x"]) + num(&f["w"])
    });
    assert!(hits.count() >= 228, "{}", v["frames"]);
    assert_eq!(num(&v["crop"]["w"]), 405.0);
}
