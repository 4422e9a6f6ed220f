//! Reading the source: safe open, probe, and decoding to normalised video frames and 48 kHz audio;
//! `frames` reads a time range small, for the analysis passes.

pub mod audio;
pub mod frames;
pub mod open;
pub mod packets;
pub mod probe;
mod shrink;
pub mod video;

pub use probe::{probe, MediaInfo, StreamInfo};
