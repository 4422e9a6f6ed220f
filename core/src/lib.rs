//! clipforge: turn raw phone footage into 6–30 s micro-video loops.
//!
//! Data flow: [`Recipe`] → [`plan::Plan`] (the composition of clips, outputs, sound) →
//! [`export`]: asset loaders ([`source`]: demux + decode, stills) → sequencer → per output a
//! sample exporter ([`frame`] operations on YUV planes, transitions, [`overlay`], [`captions`]) →
//! [`encode`] (H.264, and AAC of the [`audio`] mix) → MP4 part files → group commit.

pub mod analysis;
pub mod audio;
pub mod captions;
mod deliver;
#[cfg(feature = "editor")]
pub mod editor;
pub mod encode;
pub mod error;
pub mod export;
pub mod files;
pub mod frame;
pub mod overlay;
#[cfg(feature = "golden")]
pub mod golden;
#[cfg(feature = "onnx")]
pub mod onnx;
pub mod plan;
pub mod provenance;
#[cfg(feature = "preview")]
pub mod preview;
pub mod recipe;
pub mod source;
pub mod template;
pub mod timeline;
pub mod upload;

pub use analysis::{loop_points, subject_models_registered, LoopPoint, LoopSearch};
#[cfg(feature = "smart")]
pub use analysis::{register_subject_models, SubjectModels};
pub use captions::fonts::{register_font_bytes, register_font_path};
#[cfg(feature = "editor")]
pub use editor::{thumbnails, waveform, FrameReader};
pub use error::{Error, ErrorKind, Result};
pub use export::{export, CancelToken, OutputReport};
pub use recipe::{ClipSpec, Fit, LoopMode, LoopSpec, OutputSpec, Recipe, Trim};
pub use source::{probe, MediaInfo, StreamInfo};
pub use template::{Fill, Fills, Slot, SlotKind, Template};
pub use provenance::{Creator, ProvenanceSpec};
pub use upload::{PartPlan, UploadPlan, UploadPlanSpec};
#[cfg(feature = "preview")]
pub use preview::{PreviewOptions, PreviewRanker, PreviewResult, TasteProfile};
