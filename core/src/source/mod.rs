//! Reading the source: safe open, probe, and decoding to normalised video frames and 48 kHz audio.

pub mod asset;
pub mod audio;
pub mod formats;
pub mod open;
pub mod packets;
pub mod probe;
mod shrink;
pub mod still;
pub mod tonemap;
pub mod video;

pub use probe::{probe, MediaInfo, StreamInfo};
