//! Analysis passes over low-resolution frames that drive the export: seamless loops and smart
//! reframe. Each reads a time range of the clip small through `source::frames`, then works on
//! numbers only; nothing here encodes.
//!
//! ```text
//! loop.mode "seamless"
//!   thumbs.rs        every frame of the range → 64x36 luma
//!   loop_points.rs   video-textures seam cost D(b+1, a), diagonal filter, global-shift compensation
//!                    → ranked LoopPoint { start, end, score, seam }
//!   seam.rs          crossfade weights (video linear, audio equal-power) and the bake plan
//! fit "smart"
//!   subject.rs       keyframes + fill frames (sample_plan.rs, gaps ≤ 1 s), long side 256 →
//!                    faces.rs (BlazeFace ONNX) or, with no face, saliency.rs (EfficientNet-Lite0
//!                    activations) → SubjectTrack (track.rs) + scene cuts
//!   models.rs        the registered models (once per process, like fonts)
//!   reframe_path.rs  SubjectTrack + crop size → per-output-frame crop window (AutoFlip-like
//!                    kinematic path: hold, pan with limited speed and acceleration, cut at cuts)
//! ```

pub mod loop_points;
#[cfg(feature = "smart")]
mod pixels;
pub mod reframe_path;
#[cfg(feature = "smart")]
pub mod sample_plan;
pub mod seam;
pub mod thumbs;
#[cfg(feature = "smart")]
pub mod faces;
#[cfg(feature = "smart")]
pub mod models;
#[cfg(feature = "smart")]
pub mod saliency;
#[cfg(feature = "smart")]
pub mod subject;
pub mod track;

pub use loop_points::{loop_points, LoopPoint, LoopSearch};
pub use reframe_path::{reframe_path, CropWindow, PathOptions, ReframePath};
pub use track::{Detection, Region, SubjectKind, SubjectSample, SubjectTrack};
#[cfg(feature = "smart")]
pub use subject::{analyze_subjects, SubjectAnalysis, SubjectModels, SubjectOptions};
#[cfg(feature = "smart")]
pub use models::{register_subject_models, subject_models_registered};

/// Why a `fit: "smart"` cannot run yet, and how to fix it (ends every such error).
pub const NOT_REGISTERED: &str = "needs the subject models: register them first (Rust \
     `clipforge::register_subject_models`, Kotlin `Clipforge.registerSubjectModels`, Swift \
     `registerSubjectModels`: the BlazeFace face model, optionally EfficientNet-Lite0 for saliency, and \
     the ONNX Runtime library; CLI: they are found like the preview model, `--face-model` / \
     $CLIPFORGE_FACE_MODEL, `--model` / $CLIPFORGE_MODEL, `--onnxruntime` / $CLIPFORGE_ORT_LIB)";

/// Without the `smart` feature no model can be registered.
#[cfg(not(feature = "smart"))]
pub fn subject_models_registered() -> bool {
    false
}
