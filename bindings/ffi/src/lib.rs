//! clipforge-ffi: the uniffi surface of clipforge for Kotlin (JNA) and Swift.
//!
//! Translation only: every item here converts foreign-friendly types to the core's and back, and maps
//! the core's one `Error` to the one [`ClipforgeError`]. No editing logic lives here.
//!
//! Where things go:
//! - `error.rs`   the boundary's error enum; panics become `Internal` (`guard.rs`)
//! - `convert.rs` signed numbers in, checked; the core's unsigned numbers out
//! - `media.rs`   `probe` and its records
//! - `recipe.rs`  the typed recipe records (the JSON path takes any field the core reads)
//! - `captions.rs` caption / subtitle records; `register_font_path` / `register_font_bytes`
//! - `export.rs`  `start_export` / `start_export_json` → `ExportJob` (cancel, join, async outcome)
//! - `upload.rs`  `UploadPlan` (part bytes / stream, complete, JSON state) over `clipforge::upload`
//! - `provenance.rs` the recipe's `Provenance` record (PEM bytes or ephemeral)
//! - `smart.rs`   `register_subject_models` / `register_subject_model_bytes` (fit smart) and
//!   `SmartReport`
//! - `analysis.rs` `loop_points` (seamless-loop candidates) and its records
//! - `preview.rs` `PreviewRanker` (poster frame + preview loop with `PreviewListener` events,
//!   `rank_clips`, like / skip) and
//!   `TasteProfile` (JSON) over `clipforge::preview`
//! - `template.rs` `Template` (built-in or JSON): `slots`, typed `SlotFill`s → recipe JSON
//! - `editor.rs`  `thumbnails` → `ThumbnailStream`, `FrameReader`, `waveform` over `clipforge::editor`
//!
//! Naming, number and default conventions: docs/ARCHITECTURE.md, "Bindings conventions".

uniffi::setup_scaffolding!();

mod analysis;
mod captions;
mod composition;
mod convert;
mod editor;
mod error;
mod export;
mod guard;
mod media;
mod preview;
mod provenance;
mod recipe;
mod recipe_out;
mod smart;
mod template;
mod upload;

pub use analysis::{loop_points, LoopPoint, LoopSearch};
pub use template::{builtin_template_names, template_locales, FillValue, SlotFill, Template, TemplateSlot, TemplateSlotKind};
pub use captions::{
    register_font_bytes, register_font_path, Caption, CaptionPosition, CaptionStyle, ShadowOffset, StylePreset, SubtitlesSpec,
    TextAlign, WordTime,
};
pub use editor::{thumbnails, waveform, FrameReader, ImageFormat, Peak, Picture, Thumbnail, ThumbnailStream, VideoFrame, Waveform};
pub use error::ClipforgeError;
pub use export::{start_export, start_export_json, ExportJob, ExportListener, OutputReport};
pub use media::{probe, AudioStreamInfo, MediaInfo, StreamInfo, VideoStreamInfo};
pub use preview::{
    ClipRank, FrameReject, Poster, PosterFormat, PreviewEvent, PreviewListener, PreviewLoop, PreviewOptions, PreviewRanker, PreviewResult,
    PreviewTimings, ScoredCandidate, TasteProfile,
};
pub use provenance::{Creator, Provenance};
pub use recipe::{AudioSpec, Fit, Link, LoopMode, LoopSpec, OutputSpec, Recipe, Trim};
pub use smart::{register_subject_model_bytes, register_subject_models, subject_models_registered, SmartReport, SubjectKind, SubjectSpan};
pub use upload::{PartStream, UploadDigests, UploadPart, UploadPlan, UploadPlanOptions};

/// The library's version (the workspace version), e.g. for an app's about screen or bug reports.
#[uniffi::export]
pub fn clipforge_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
