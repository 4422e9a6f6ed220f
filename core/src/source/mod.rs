//! Reading the source: safe open, probe, and decoding to normalised video frames and 48 kHz audio;
//! `frames` reads a time range small, for the analysis passes.

pub mod asset;
pub mod audio;
pub mod formats;
pub mod frames;
pub mod index;
pub mod open;
pub mod packets;
pub mod probe;
pub mod reader;
mod shrink;
pub mod still;
pub mod tonemap;
pub mod video;

pub use probe::{probe, MediaInfo, StreamInfo};
