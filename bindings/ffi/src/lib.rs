//! clipforge-ffi: the uniffi surface of clipforge for Kotlin (JNA) and Swift.
//!
//! Translation only: every item here converts foreign-friendly types to the core's and back, and maps
//! the core's one `Error` to the one [`ClipforgeError`]. No editing logic lives here.
//!
//! Where things go:
//! - `error.rs`   the boundary's error enum; panics become `Internal` (`guard.rs`)
//! - `media.rs`   `probe` and its records
//! - `recipe.rs`  the typed recipe records (the JSON path takes any field the core reads)
//! - `captions.rs` caption / subtitle records; `register_font_path` / `register_font_bytes`
//! - `export.rs`  `start_export` / `start_export_json` → `ExportJob` (cancel, join, async outcome)
//! - `analysis.rs` `loop_points` (seamless-loop candidates) and its records
//! - `preview.rs` `PreviewRanker` (poster frame + preview loop, `rank_clips`, like / skip) and
//!   `TasteProfile` (JSON) over `clipforge::preview`

uniffi::setup_scaffolding!();

mod analysis;
mod captions;
mod error;
mod export;
mod guard;
mod media;
mod preview;
mod recipe;

pub use analysis::{loop_points, LoopPoint, LoopSearch};
pub use captions::{
    register_font_bytes, register_font_path, Caption, CaptionPosition, CaptionStyle, ShadowOffset, StyleFields, StylePreset,
    SubtitlesSpec, TextAlign, WordTime,
};
pub use error::ClipforgeError;
pub use export::{start_export, start_export_json, ExportJob, ExportListener, OutputReport};
pub use media::{probe, AudioStreamInfo, MediaInfo, StreamInfo, VideoStreamInfo};
pub use preview::{
    ClipRank, FrameReject, Poster, PosterFormat, PreviewLoop, PreviewOptions, PreviewRanker, PreviewResult, PreviewTimings,
    ScoredCandidate, TasteProfile,
};
pub use recipe::{AudioSpec, Fit, LoopMode, LoopSpec, OutputSpec, Recipe, Trim};

/// The library's version (the workspace version), e.g. for an app's about screen or bug reports.
#[uniffi::export]
pub fn clipforge_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
