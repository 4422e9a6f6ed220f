//! clipforge: turn raw phone footage into 6–30 s micro-video loops.
//!
//! Data flow: [`Recipe`] → [`plan::Plan`] (the composition of clips, outputs, sound) →
//! [`export`]: asset loaders ([`source`]: demux + decode, stills) → sequencer → per output a
//! sample exporter ([`frame`] operations on YUV planes, transitions, [`overlay`], [`captions`]) →
//! [`encode`] (H.264, and AAC of the [`audio`] mix) → MP4 part files → group commit.

pub mod audio;
pub mod captions;
pub mod encode;
pub mod error;
pub mod export;
pub mod files;
pub mod frame;
pub mod overlay;
#[cfg(feature = "golden")]
pub mod golden;
pub mod plan;
#[cfg(feature = "preview")]
pub mod preview;
pub mod recipe;
pub mod source;
pub mod timeline;

pub use captions::fonts::{register_font_bytes, register_font_path};
pub use error::{Error, ErrorKind, Result};
pub use export::{export, CancelToken, OutputReport};
pub use recipe::{ClipSpec, Fit, LoopMode, LoopSpec, OutputSpec, Recipe, Trim};
pub use source::{probe, MediaInfo, StreamInfo};
#[cfg(feature = "preview")]
pub use preview::{PreviewOptions, PreviewRanker, PreviewResult, TasteProfile};
