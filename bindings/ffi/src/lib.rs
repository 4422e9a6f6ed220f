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
//! - `preview.rs` (not yet) poster frame, `PreviewRanker`, `TasteProfile`, `rank_clips` once
//!   `clipforge::preview` lands — see the note at the end of this file.

uniffi::setup_scaffolding!();

mod captions;
mod error;
mod export;
mod guard;
mod media;
mod recipe;

pub use captions::{
    register_font_bytes, register_font_path, Caption, CaptionPosition, CaptionStyle, ShadowOffset, StyleFields, StylePreset,
    SubtitlesSpec, TextAlign, WordTime,
};
pub use error::ClipforgeError;
pub use export::{start_export, start_export_json, ExportJob, ExportListener, OutputReport};
pub use media::{probe, AudioStreamInfo, MediaInfo, StreamInfo, VideoStreamInfo};
pub use recipe::{AudioSpec, Fit, LoopMode, LoopSpec, OutputSpec, Recipe, Trim};

/// The library's version (the workspace version), e.g. for an app's about screen or bug reports.
#[uniffi::export]
pub fn clipforge_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

// Preview personalization slots in as `mod preview;` with, mirroring the core once it exists:
//   #[uniffi::export] fn poster_frame(...) -> Result<PosterFrame, ClipforgeError>
//   #[derive(uniffi::Object)] struct PreviewRanker   (constructor takes runtime + model paths)
//   #[derive(uniffi::Object)] struct TasteProfile    (from_json / to_json / like / skip)
//   #[uniffi::export] fn rank_clips(profile, clips) -> Result<Vec<RankedClip>, ClipforgeError>
// each body wrapped in `guard::catch` like the functions below.
