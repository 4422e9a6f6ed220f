//! The frames of a time range of a clip, decoded small: the demux loop every analysis pass shares
//! (loop-point thumbnails, subject detection). Seeks to the keyframe before the range, decodes
//! what is asked ([`DecodeOnly`]), converts only the frames the caller wants, stops after the range.

use std::path::Path;

use ffmpeg_next as ff;

use crate::error::{Error, Result};
use crate::export::CancelToken;
use crate::frame::Frame;
use crate::source::open::{open_input, seek_to, seeks_exactly};
use crate::source::packets::PacketReader;
use crate::source::probe::probe_input;
use crate::source::video::{DecodeOnly, VideoDecoder};

/// How big the upright working picture is; aspect kept, even sides, never larger than the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkSize {
    /// The longer side is this long (a 16:9 clip at 64 → 64x36).
    LongSide(u32),
    /// The shorter side is this long (a 16:9 clip at 256 → 456x256).
    ShortSide(u32),
}

impl WorkSize {
    /// The working size for an upright `w`x`h` source.
    pub fn of(self, w: u32, h: u32) -> (u32, u32) {
        let (w, h) = (w.max(2), h.max(2));
        let s = match self {
            WorkSize::LongSide(n) => f64::from(n.max(4)) / f64::from(w.max(h)),
            WorkSize::ShortSide(n) => f64::from(n.max(4)) / f64::from(w.min(h)),
        }
        .min(1.0);
        // Even, and never past the source's own even size.
        let even = |x: f64, most: u32| ((x / 2.0).round() as u32 * 2).min(most & !1).max(2);
        (even(f64::from(w) * s, w), even(f64::from(h) * s, h))
    }
}

/// What to read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RangeRead {
    /// Seconds from the clip's first frame (the times [`VideoDecoder`] gives frames).
    pub start: f64,
    /// End of the range (inclusive of a frame that starts at it); `None`: the clip's end.
    pub end: Option<f64>,
    pub size: WorkSize,
    pub decode: DecodeOnly,
    /// No deblocking filter: less decoding work, blockiness a small picture does not show.
    pub skip_deblocking: bool,
}

/// What the reader learnt about the clip.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeFacts {
    /// Upright size of the source.
    pub width: u32,
    pub height: u32,
    /// Upright working size of the frames handed out.
    pub work_width: u32,
    pub work_height: u32,
    /// Average frame rate (30 when the file does not say).
    pub fps: f64,
    /// Container duration in seconds (0 when unknown).
    pub duration: f64,
    /// Times of the keyframes met while reading (encoders put one at most scene cuts).
    pub keyframes: Vec<f64>,
}

/// Decodes `clip` over `read`'s range; for each frame in the range whose time `want`s, calls
/// `on_frame(time, upright frame at the working size)`. Frames outside the range or not wanted are
/// decoded (as `read.decode` allows) but never converted. At each keyframe packet, `at_keyframe(time)`
/// may change what is decoded until the next one (e.g. keyframes only through GOPs that hold no
/// wanted frame). `cancel` is checked per packet.
pub fn read_range(
    clip: &Path,
    read: &RangeRead,
    cancel: &CancelToken,
    mut at_keyframe: impl FnMut(f64) -> Option<DecodeOnly>,
    mut want: impl FnMut(f64) -> bool,
    mut on_frame: impl FnMut(f64, Frame) -> Result<()>,
) -> Result<RangeFacts> {
    if !(read.start.is_finite() && read.start >= 0.0) || read.end.is_some_and(|e| !e.is_finite() || e < read.start) {
        return Err(Error::invalid(format!("the range {}–{:?} s is not a time range of the clip", read.start, read.end)));
    }
    let mut input = open_input(clip)?;
    let info = probe_input(&input, clip);
    let (_, v) = info.video().ok_or_else(|| Error::unsupported(format!("{}: has no video stream", clip.display())))?;
    if v.display_width < 2 || v.display_height < 2 {
        return Err(Error::unsupported(format!("{}: the video has no usable size", clip.display())));
    }
    let (ww, wh) = read.size.of(v.display_width, v.display_height);
    let stream = input.streams().best(ff::media::Type::Video).ok_or_else(|| Error::unsupported("the source has no video stream"))?;
    let (vindex, tb) = (stream.index(), f64::from(stream.time_base()));
    let mut dec = VideoDecoder::new(&stream, v.rotation, ww, wh)?;
    dec.set_decode(read.decode);
    if read.skip_deblocking {
        dec.set_skip_deblocking();
    }
    let start_secs = dec.start_seconds();
    let fps = if v.fps > 0.0 { v.fps } else { 30.0 };
    let half = 0.5 / fps;
    if read.start > 0.0 {
        // With a keyframe index the seek lands on the keyframe at or before the start; other
        // containers seek by estimate, so leave slack. A refused seek means reading from the start.
        let slack = if seeks_exactly(&input) { -0.001 } else { 1.0 };
        seek_to(&mut input, read.start + start_secs - slack);
    }
    let (lo, hi) = (read.start - half, read.end.map_or(f64::INFINITY, |e| e + half));
    let mut facts = RangeFacts {
        width: v.display_width,
        height: v.display_height,
        work_width: ww,
        work_height: wh,
        fps,
        duration: info.duration,
        keyframes: Vec::new(),
    };
    let mut past_end = false;
    let mut drain = |dec: &mut VideoDecoder, past_end: &mut bool| -> Result<()> {
        while let Some((t, frame)) = dec.receive_where(|t| t >= lo && t <= hi && want(t))? {
            if t > hi {
                *past_end = true;
                return Ok(());
            }
            if let Some(f) = frame {
                on_frame(t.max(0.0), f)?;
            }
        }
        Ok(())
    };
    let mut reader = PacketReader::default();
    while !past_end {
        if cancel.is_cancelled() {
            return Err(Error::cancelled());
        }
        let Some(packet) = reader.next(&mut input) else { break };
        if packet.stream() != vindex {
            continue;
        }
        if packet.is_key() {
            if let Some(pts) = packet.pts() {
                let t = pts as f64 * tb - start_secs;
                if t >= lo && t <= hi {
                    facts.keyframes.push(t);
                }
                if let Some(mode) = at_keyframe(t) {
                    dec.set_decode(mode);
                }
            }
        }
        dec.send(&packet);
        drain(&mut dec, &mut past_end)?;
    }
    if !past_end {
        dec.send_eof();
        drain(&mut dec, &mut past_end)?;
    }
    facts.keyframes.sort_by(f64::total_cmp);
    Ok(facts)
}

/// What a container says about a clip's frames without decoding or reading packets.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameIndex {
    /// Keyframe times (seconds from the video stream's first timestamp), from the container's own
    /// index: complete for MP4/MOV and for MKV/WebM with cues, `None` for other containers. MP4
    /// lists decoding times: with B-frames a keyframe shows a frame or two later than listed.
    pub keyframes: Option<Vec<f64>>,
    /// The video's duration from its first frame (the stream's, else the container's; 0 when
    /// unknown): the last frame shows until then.
    pub duration: f64,
}

/// The container's frame index of `clip` (opening it costs about one decoded frame).
pub fn frame_index(clip: &Path) -> Result<FrameIndex> {
    let input = open_input(clip)?;
    let stream = input.streams().best(ff::media::Type::Video).ok_or_else(|| Error::unsupported("the source has no video stream"))?;
    let (tb, start) = (f64::from(stream.time_base()), crate::source::open::start_pts(&stream));
    let duration = if stream.duration() > 0 {
        stream.duration() as f64 * tb
    } else if input.duration() > 0 {
        input.duration() as f64 / f64::from(ff::ffi::AV_TIME_BASE)
    } else {
        0.0
    };
    if !seeks_exactly(&input) {
        return Ok(FrameIndex { keyframes: None, duration });
    }
    // SAFETY: the stream belongs to `input`, alive for this whole block; the index functions only
    // read the stream's index (the `*mut` in their signature is historical).
    let keys = unsafe {
        let st = stream.as_ptr() as *mut ff::ffi::AVStream;
        let n = ff::ffi::avformat_index_get_entries_count(st);
        (0..n)
            .filter_map(|i| ff::ffi::avformat_index_get_entry(st, i).as_ref())
            .filter(|e| e.flags() & ff::ffi::AVINDEX_KEYFRAME != 0)
            .map(|e| (e.timestamp - start) as f64 * tb)
            .collect::<Vec<f64>>()
    };
    Ok(FrameIndex { keyframes: (!keys.is_empty()).then_some(keys), duration })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_sizes_keep_aspect_and_never_upscale() {
        assert_eq!(WorkSize::LongSide(64).of(1920, 1080), (64, 36));
        assert_eq!(WorkSize::LongSide(64).of(1080, 1920), (36, 64));
        assert_eq!(WorkSize::ShortSide(256).of(1920, 1080), (456, 256));
        assert_eq!(WorkSize::ShortSide(256).of(200, 100), (200, 100));
        assert_eq!(WorkSize::LongSide(64).of(3, 3), (2, 2));
    }
}
