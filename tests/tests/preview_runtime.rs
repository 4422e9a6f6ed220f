//! A missing ONNX Runtime or model is a clear, typed error — never a panic or a crash.
//! Its own test binary: ONNX Runtime, once loaded, stays loaded for the whole process.

mod preview_common;

use std::process::Command;

use clipforge::preview::{ModelSource, PreviewRanker};
use clipforge::ErrorKind;
use clipforge_e2e::clipforge_bin;
use preview_common::*;

#[test]
fn missing_runtime_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("libonnxruntime.so.1.31.1");
    let e = PreviewRanker::new(&lib, ModelSource::Path(&model(FP32)), 1).err().expect("must fail");
    assert_eq!(e.kind, ErrorKind::Io);
    assert!(e.message.contains("ONNX Runtime library not found") && e.message.contains(lib.to_str().unwrap()), "{}", e.message);

    // Not a shared library at all.
    let fake = dir.path().join("libfake.so");
    std::fs::write(&fake, b"not an ELF file").unwrap();
    let e = PreviewRanker::new(&fake, ModelSource::Path(&model(FP32)), 1).err().expect("must fail");
    assert_eq!(e.kind, ErrorKind::UnsupportedInput, "{e}");
    assert!(e.message.contains("cannot load ONNX Runtime"), "{}", e.message);

    let out = Command::new(clipforge_bin())
        .args(["preview", photo_clip("cat.mp4").to_str().unwrap(), "--json", "--onnxruntime", lib.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error[Io]: ONNX Runtime library not found"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn missing_model_is_a_clear_error() {
    let out = Command::new(clipforge_bin())
        .args(["preview", photo_clip("cat.mp4").to_str().unwrap(), "--json", "--model", "/nonexistent/model.onnx"])
        .env("CLIPFORGE_ORT_LIB", ort_lib())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error[Io]: model not found at /nonexistent/model.onnx"), "{err}");
}
