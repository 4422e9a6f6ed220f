//! Shared by the analysis_* tests: the clips of fixtures/analysis (made by fixtures/analysis/make.sh,
//! with their known answers), the real ONNX Runtime and models.
#![allow(dead_code)]

use std::path::PathBuf;

use clipforge_e2e::workspace_root;

/// A clip from fixtures/analysis/media.
pub fn clip(name: &str) -> PathBuf {
    let p = workspace_root().join("fixtures/analysis/media").join(name);
    assert!(p.is_file(), "{} is missing: run `bash scripts/setup-analysis.sh`", p.display());
    p
}

pub fn ort_lib() -> PathBuf {
    let p = workspace_root().join(".cache/onnxruntime/libonnxruntime.so.1.31.1");
    assert!(p.is_file(), "{} is missing: run `bash scripts/setup-onnxruntime.sh`", p.display());
    p
}

pub fn model(name: &str) -> PathBuf {
    let p = workspace_root().join("fixtures/models").join(name);
    assert!(p.is_file(), "{} is missing: run `bash scripts/setup-analysis.sh`", p.display());
    p
}

pub const FACES: &str = "blazeface_back_256.onnx";
pub const SALIENCY: &str = "efficientnet_lite0.onnx";

/// The loop fixtures' period: the cup is back where it was every 2.4 s (72 frames at 30 fps).
pub const PERIOD_FRAMES: i64 = 72;

/// subject_cross.mp4: the astronaut's face centre at time t (fixtures/analysis/make.sh).
pub fn crossing_face(t: f64) -> (f64, f64) {
    let x = if t < 1.0 { 40.0 } else if t < 6.0 { 40.0 + (t - 1.0) * 176.0 } else { 920.0 };
    (x + 153.0, 294.0)
}

/// object_cross.mp4: the cup's centre at time t.
pub fn crossing_cup(t: f64) -> (f64, f64) {
    (80.0 + t * 760.0 / 6.0 + 180.0, 360.0)
}
