//! `fit: "smart"`: `register_subject_models` (paths or bytes of the face and saliency ONNX models,
//! and the ONNX Runtime library as `PreviewRanker` takes it) and the export report's `SmartReport`.
//! Translation only (`clipforge::analysis::register_subject_models`, `clipforge::plan::smart`).

use std::path::Path;

use clipforge::analysis as core;
use clipforge::onnx::ModelSource;

use crate::error::ClipforgeError;
use crate::guard::catch;

fn register(runtime_lib: &str, faces: ModelSource<'_>, saliency: Option<ModelSource<'_>>, threads: i32) -> Result<(), ClipforgeError> {
    let threads = crate::convert::u32_of(threads, "threads")?.max(1) as usize;
    let models = core::SubjectModels { runtime_lib: Path::new(runtime_lib), faces, saliency, threads };
    Ok(core::register_subject_models(&models)?)
}

/// Loads the subject models `Fit.SMART` needs and keeps them for every later export of this
/// process (like fonts; registering again replaces them). `runtime_lib`: ONNX Runtime's shared
/// library (1.31+), as for `PreviewRanker`; `face_model`: BlazeFace (back camera, 256x256);
/// `saliency_model`: EfficientNet-Lite0 with its `features` output, the fallback where no face is
/// found (null: faces only); `threads`: intra-op threads (1–2). Loads the models (reads files: call
/// it off the main thread, e.g. `Clipforge.registerSubjectModels`). A missing file → `Io`; a file
/// that is not the model → `UnsupportedInput`.
#[uniffi::export(default(saliency_model = None, threads = 2))]
pub fn register_subject_models(runtime_lib: String, face_model: String, saliency_model: Option<String>, threads: i32) -> Result<(), ClipforgeError> {
    catch(|| {
        let saliency = saliency_model.as_deref().map(|p| ModelSource::Path(Path::new(p)));
        register(&runtime_lib, ModelSource::Path(Path::new(&face_model)), saliency, threads)
    })
}

/// Like `register_subject_models`, with the models' bytes (e.g. from an app's assets).
#[uniffi::export(default(saliency_model = None, threads = 2))]
pub fn register_subject_model_bytes(
    runtime_lib: String,
    face_model: Vec<u8>,
    saliency_model: Option<Vec<u8>>,
    threads: i32,
) -> Result<(), ClipforgeError> {
    catch(|| register(&runtime_lib, ModelSource::Bytes(&face_model), saliency_model.as_deref().map(ModelSource::Bytes), threads))
}

/// Whether subject models are registered in this process (`Fit.SMART` can run).
#[uniffi::export]
pub fn subject_models_registered() -> bool {
    clipforge::subject_models_registered()
}

/// What `Fit.SMART` found for one output.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SmartReport {
    /// Fraction (0–1) of the output's smart frames (one loop pass) that had a subject.
    pub subject_frames: f64,
    /// True when no frame had one: the output is the centred crop.
    pub fallback: bool,
    /// Where a subject was followed, in seconds of one loop pass (the longest 16, in time order).
    pub spans: Vec<SubjectSpan>,
}

#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct SubjectSpan {
    pub start: f64,
    /// Exclusive: the last frame's time plus one frame.
    pub end: f64,
    pub kind: SubjectKind,
}

/// What the crop followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SubjectKind {
    Face,
    /// A salient region (no face in the frame).
    Salient,
}

impl From<clipforge::plan::smart::SmartReport> for SmartReport {
    fn from(r: clipforge::plan::smart::SmartReport) -> Self {
        SmartReport {
            subject_frames: r.subject_frames,
            fallback: r.fallback,
            spans: r
                .spans
                .into_iter()
                .map(|s| SubjectSpan {
                    start: s.start,
                    end: s.end,
                    kind: match s.kind {
                        core::SubjectKind::Face => SubjectKind::Face,
                        core::SubjectKind::Salient => SubjectKind::Salient,
                    },
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_registrations_are_typed_errors_and_register_nothing() {
        let missing = register_subject_models("/nonexistent/libonnxruntime.so".into(), "/nonexistent/face.onnx".into(), None, 2);
        assert!(matches!(missing, Err(ClipforgeError::Io { .. })), "{missing:?}");
        let threads = register_subject_model_bytes("/nonexistent/libonnxruntime.so".into(), vec![1, 2, 3], None, -1);
        assert!(matches!(threads, Err(ClipforgeError::InvalidRecipe { ref message }) if message.contains("threads")), "{threads:?}");
        assert!(!subject_models_registered());
    }
}
