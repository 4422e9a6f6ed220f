//! `probe` and the records it returns (mirrors of `clipforge::MediaInfo` with FFI-friendly types).

use std::path::Path;

use crate::error::ClipforgeError;
use crate::guard::catch;

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MediaInfo {
    /// FFmpeg demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2".
    pub container: String,
    /// Seconds; 0 when the container does not say.
    pub duration: f64,
    pub size_bytes: u64,
    pub streams: Vec<StreamInfo>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct StreamInfo {
    pub index: u32,
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
    pub width: u32,
    pub height: u32,
    /// Clockwise rotation a player applies (0, 90, 180, 270).
    pub rotation: u32,
    /// Size as shown, after rotation.
    pub display_width: u32,
    pub display_height: u32,
    /// Average frame rate; 0 when unknown.
    pub fps: f64,
    pub pixel_format: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AudioStreamInfo {
    pub sample_rate: u32,
    pub channels: u32,
    pub sample_format: String,
}

/// Container and stream facts of a local media file.
#[uniffi::export]
pub fn probe(path: String) -> Result<MediaInfo, ClipforgeError> {
    catch(|| Ok(clipforge::probe(Path::new(&path))?.into()))
}

impl From<clipforge::MediaInfo> for MediaInfo {
    fn from(m: clipforge::MediaInfo) -> Self {
        MediaInfo {
            container: m.container,
            duration: m.duration,
            size_bytes: m.size_bytes,
            streams: m.streams.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<clipforge::StreamInfo> for StreamInfo {
    fn from(s: clipforge::StreamInfo) -> Self {
        StreamInfo {
            index: u32::try_from(s.index).unwrap_or(u32::MAX),
            kind: s.kind,
            codec: s.codec,
            duration: s.duration,
            video: s.video.map(|v| VideoStreamInfo {
                width: v.width,
                height: v.height,
                rotation: v.rotation,
                display_width: v.display_width,
                display_height: v.display_height,
                fps: v.fps,
                pixel_format: v.pixel_format,
            }),
            audio: s.audio.map(|a| AudioStreamInfo {
                sample_rate: a.sample_rate,
                channels: a.channels,
                sample_format: a.sample_format,
            }),
        }
    }
}
