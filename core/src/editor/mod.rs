//! Editor support: what a composer app's trim screen shows under the creator's finger — a
//! filmstrip of thumbnails, the audio waveform, and the exact frame while scrubbing.
//!
//! All three read through the one decode path (`source::reader` over `source::video` /
//! `source::audio`) and hand out pictures an app shows as they are ([`Picture`]: RGBA, or PNG /
//! JPEG bytes).

pub mod frame_reader;
pub mod picture;
pub mod thumbnails;
pub mod waveform;

pub use frame_reader::{FrameReader, VideoFrame};
pub use picture::{ImageFormat, Picture};
pub use thumbnails::{thumbnails, Thumbnail, Thumbnails};
pub use waveform::{waveform, Peak, Waveform};
