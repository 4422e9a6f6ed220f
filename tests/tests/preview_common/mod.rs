//! Shared by the preview_* tests: the real model, the real ONNX Runtime, clips of real photographs.
#![allow(dead_code)]

use std::path::PathBuf;

use clipforge::preview::{ModelSource, PreviewRanker};
use clipforge_e2e::workspace_root;

pub fn ort_lib() -> PathBuf {
    let p = workspace_root().join(".cache/onnxruntime/libonnxruntime.so.1.31.1");
    assert!(p.is_file(), "{} is missing: run `bash scripts/setup-onnxruntime.sh`", p.display());
    p
}

pub fn model(name: &str) -> PathBuf {
    let p = workspace_root().join("fixtures/models").join(name);
    assert!(p.is_file(), "{} is missing: run `bash fixtures/models/make.sh`", p.display());
    p
}

pub const FP32: &str = "efficientnet_lite0.onnx";
pub const PHONE: &str = "efficientnet_lite0_phone.onnx";

/// A clip from fixtures/photos/media (made by fixtures/photos/make.sh).
pub fn photo_clip(name: &str) -> PathBuf {
    let p = workspace_root().join("fixtures/photos/media").join(name);
    assert!(p.is_file(), "{} is missing: run `bash fixtures/photos/make.sh`", p.display());
    p
}

pub fn ranker(model_name: &str) -> PreviewRanker {
    PreviewRanker::new(&ort_lib(), ModelSource::Path(&model(model_name)), 2).expect("model loads")
}

/// Seconds of `[a, b]` inside `[lo, hi]`.
pub fn overlap((a, b): (f64, f64), (lo, hi): (f64, f64)) -> f64 {
    (b.min(hi) - a.max(lo)).max(0.0)
}
