//! `probe`: what a media file holds, as a person or an app needs to know before editing it.

use std::path::Path;

use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::source::open::open_input;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaInfo {
    /// FFmpeg demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2".
    pub container: String,
    /// Seconds; 0 when the container does not say.
    pub duration: f64,
    pub size_bytes: u64,
    pub streams: Vec<StreamInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamInfo {
    pub index: usize,
    /// "video", "audio", "subtitle", "data" or "other".
    pub kind: String,
    pub codec: String,
    /// Seconds; 0 when unknown.
    pub duration: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video: Option<VideoStreamInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio: Option<AudioStreamInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The display matrix mirrors the picture left-right (some front cameras); applied before
    /// `rotation`.
    #[serde(default)]
    pub mirror: bool,
    /// High dynamic range transfer: `hlg`, `pq` or `none` (SDR). HDR is tone-mapped to SDR BT.709.
    #[serde(default)]
    pub hdr: Hdr,
}

/// The transfer function of a video stream, as far as tone mapping cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Hdr {
    #[default]
    None,
    /// Hybrid log-gamma (ARIB STD-B67): what most phones record as HDR.
    Hlg,
    /// Perceptual quantizer (SMPTE ST 2084): HDR10, Dolby Vision base layers.
    Pq,
}

impl Hdr {
    pub fn as_str(self) -> &'static str {
        match self {
            Hdr::None => "none",
            Hdr::Hlg => "hlg",
            Hdr::Pq => "pq",
        }
    }

    /// From FFmpeg's transfer characteristic number (AVColorTransferCharacteristic).
    pub fn from_trc(trc: i32) -> Hdr {
        const SMPTE2084: i32 = ff::ffi::AVColorTransferCharacteristic::AVCOL_TRC_SMPTE2084 as i32;
        const ARIB_STD_B67: i32 = ff::ffi::AVColorTransferCharacteristic::AVCOL_TRC_ARIB_STD_B67 as i32;
        match trc {
            SMPTE2084 => Hdr::Pq,
            ARIB_STD_B67 => Hdr::Hlg,
            _ => Hdr::None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudioStreamInfo {
    pub sample_rate: u32,
    pub channels: u32,
    pub sample_format: String,
}

impl MediaInfo {
    pub fn video(&self) -> Option<(&StreamInfo, &VideoStreamInfo)> {
        self.streams.iter().find_map(|s| s.video.as_ref().map(|v| (s, v)))
    }
    pub fn audio(&self) -> Option<(&StreamInfo, &AudioStreamInfo)> {
        self.streams.iter().find_map(|s| s.audio.as_ref().map(|a| (s, a)))
    }
}

/// Reads container and stream facts of a local media file.
pub fn probe(path: &Path) -> Result<MediaInfo> {
    Ok(probe_input(&open_input(path)?, path))
}

/// [`probe`] of a file already opened with `open_input` (opening reads and decodes the first
/// frames, ~11 ms for 1080p H.264: callers that go on to read the file open it once).
pub fn probe_input(ctx: &ff::format::context::Input, path: &Path) -> MediaInfo {
    let size_bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let duration = if ctx.duration() > 0 { ctx.duration() as f64 / f64::from(ff::ffi::AV_TIME_BASE) } else { 0.0 };
    let streams = ctx.streams().map(|s| stream_info(&s)).collect();
    MediaInfo { container: ctx.format().name().to_string(), duration, size_bytes, streams }
}

fn stream_info(s: &ff::format::stream::Stream) -> StreamInfo {
    let params = s.parameters();
    let medium = params.medium();
    let tb = s.time_base();
    let duration = if s.duration() > 0 { s.duration() as f64 * f64::from(tb) } else { 0.0 };
    // SAFETY: the parameters pointer is valid while the stream is; we only read plain fields.
    let p = unsafe { &*params.as_ptr() };
    let kind = match medium {
        ff::media::Type::Video => "video",
        ff::media::Type::Audio => "audio",
        ff::media::Type::Subtitle => "subtitle",
        ff::media::Type::Data => "data",
        _ => "other",
    };
    let video = (medium == ff::media::Type::Video).then(|| {
        let (w, h) = (p.width.max(0) as u32, p.height.max(0) as u32);
        let (rotation, mirror) = stream_orientation(s);
        let (dw, dh) = if rotation % 180 == 90 { (h, w) } else { (w, h) };
        let rate = s.avg_frame_rate();
        let fps = if rate.denominator() > 0 && rate.numerator() > 0 { f64::from(rate) } else { 0.0 };
        VideoStreamInfo {
            width: w,
            height: h,
            rotation,
            display_width: dw,
            display_height: dh,
            fps,
            pixel_format: crate::source::formats::pixel_format_name(p.format),
            mirror,
            hdr: Hdr::from_trc(p.color_trc as i32),
        }
    });
    let audio = (medium == ff::media::Type::Audio).then(|| {
        let fmt = crate::source::formats::sample_format(p.format).map(ff::format::Sample::from);
        AudioStreamInfo {
            sample_rate: p.sample_rate.max(0) as u32,
            channels: p.ch_layout.nb_channels.max(0) as u32,
            sample_format: fmt.map_or_else(|| "unknown".into(), |f| f.name().to_string()),
        }
    });
    StreamInfo { index: s.index(), kind: kind.into(), codec: params.id().name().to_string(), duration, video, audio }
}

pub(crate) fn pixel_name(p: ff::format::Pixel) -> String {
    if p == ff::format::Pixel::None {
        "unknown".into()
    } else {
        p.descriptor().map(|d| d.name().to_string()).unwrap_or_else(|| "unknown".into())
    }
}

/// (clockwise rotation, mirrored) of the stream's display matrix. A matrix with a negative
/// determinant mirrors: it is read as a left-right flip of the stored picture followed by a
/// rotation (FFmpeg's own rotation reading would call a plain mirror a 180° turn).
pub(crate) fn stream_orientation(s: &ff::format::stream::Stream) -> (u32, bool) {
    for sd in s.side_data() {
        if sd.kind() == ff::codec::packet::side_data::Type::DisplayMatrix && sd.data().len() >= 36 {
            let mut m = [0i32; 9];
            for (i, c) in sd.data().chunks_exact(4).take(9).enumerate() {
                m[i] = i32::from_ne_bytes([c[0], c[1], c[2], c[3]]);
            }
            let det = i64::from(m[0]) * i64::from(m[4]) - i64::from(m[1]) * i64::from(m[3]);
            let mirror = det < 0;
            if mirror {
                // M = R·F with F the flip of x: R = M·F negates the first column.
                m[0] = m[0].saturating_neg();
                m[3] = m[3].saturating_neg();
            }
            // SAFETY: `m` is the 3x3 display matrix FFmpeg expects.
            let ccw = unsafe { ff::ffi::av_display_rotation_get(m.as_ptr()) };
            if ccw.is_nan() {
                return (0, mirror);
            }
            let cw = (-ccw).round() as i64;
            return ((((cw % 360) + 360) % 360 / 90 * 90) as u32, mirror);
        }
    }
    let rotation = s
        .metadata()
        .get("rotate")
        .and_then(|r| r.trim().parse::<i64>().ok())
        .map(|r| (r.rem_euclid(360) / 90 * 90) as u32)
        .unwrap_or(0);
    (rotation, false)
}
