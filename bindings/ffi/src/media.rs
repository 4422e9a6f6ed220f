//! `probe` and the records it returns (mirrors of `clipforge::MediaInfo` with FFI-friendly types).

use std::path::Path;

use crate::convert::{int, long};
use crate::error::ClipforgeError;
use crate::guard::catch;

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MediaInfo {
    /// FFmpeg demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2".
    pub container: String,
    /// Seconds; 0 when the container does not say.
    pub duration: f64,
    pub size_bytes: i64,
    pub streams: Vec<StreamInfo>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct StreamInfo {
    pub index: i32,
    /// "video", "audio", "subtitle", "data" or "other".
    pub kind: String,
    pub codec: String,
    /// Seconds; 0 when unknown.
    pub duration: f64,
    pub video: Option<VideoStreamInfo>,
    pub audio: Option<AudioStreamInfo>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct VideoStreamInfo {
    /// Stored (coded) size.
    pub width: i32,
    pub height: i32,
    /// Clockwise rotation a player applies (0, 90, 180, 270).
    pub rotation: i32,
    /// Size as shown, after rotation.
    pub display_width: i32,
    pub display_height: i32,
    /// Average frame rate; 0 when unknown.
    pub fps: f64,
    pub pixel_format: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AudioStreamInfo {
    pub sample_rate: i32,
    pub channels: i32,
    pub sample_format: String,
}

/// Container and stream facts of a local media file (reads the file: `Clipforge.probe` runs it off
/// the caller's thread).
#[uniffi::export]
pub fn probe(path: String) -> Result<MediaInfo, ClipforgeError> {
    catch(|| Ok(clipforge::probe(Path::new(&path))?.into()))
}

impl From<clipforge::MediaInfo> for MediaInfo {
    fn from(m: clipforge::MediaInfo) -> Self {
        MediaInfo {
            container: m.container,
            duration: m.duration,
            size_bytes: long(m.size_bytes),
            streams: m.streams.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<clipforge::StreamInfo> for StreamInfo {
    fn from(s: clipforge::StreamInfo) -> Self {
        StreamInfo {
            index: i32::try_from(s.index).unwrap_or(i32::MAX),
            kind: s.kind,
            codec: s.codec,
            duration: s.duration,
            video: s.video.map(|v| VideoStreamInfo {
                width: int(v.width),
                height: int(v.height),
                rotation: int(v.rotation),
                display_width: int(v.display_width),
                display_height: int(v.display_height),
                fps: v.fps,
                pixel_format: v.pixel_format,
            }),
            audio: s.audio.map(|a| AudioStreamInfo {
                sample_rate: int(a.sample_rate),
                channels: int(a.channels),
                sample_format: a.sample_format,
            }),
        }
    }
}
