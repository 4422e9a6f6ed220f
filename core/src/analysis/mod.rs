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
pub mod saliency;
#[cfg(feature = "smart")]
pub mod subject;
pub mod track;

pub use loop_points::{loop_points, LoopPoint, LoopSearch};
pub use reframe_path::{reframe_path, CropWindow, PathOptions, ReframePath};
pub use track::{Detection, Region, SubjectKind, SubjectSample, SubjectTrack};
#[cfg(feature = "smart")]
pub use subject::{analyze_subjects, SubjectAnalysis, SubjectModels, SubjectOptions};
