//! Video encoders chosen by name (libx264 here; h264_mediacodec / h264_videotoolbox on phones).

use std::sync::mpsc::Sender;

use ffmpeg_next as ff;

use crate::encode::lent_frame::lend;
use crate::encode::EncodedStream;
use crate::error::{Error, Result};
use crate::frame::Frame;
use crate::plan::EncoderSettings;

/// What the export needs from any H.264 encoder.
pub trait VideoEncoder: Send {
    /// Encodes the picture at `index` (in frames); `keyframe` forces a closed-GOP IDR there. The
    /// picture is not copied: it comes back through the encoder's `returned` channel once the
    /// encoder is done reading it (for libx264, before this returns).
    fn encode(&mut self, frame: Frame, index: i64, keyframe: bool) -> Result<()>;
    /// Flushes and returns every packet, in decode order.
    fn finish(self: Box<Self>) -> Result<EncodedStream>;
}

/// Opens the encoder named in `settings` for `width`x`height` at `fps` (num, den). Encoded
/// pictures are handed back through `returned`, to be drawn into again.
pub fn open_video_encoder(
    settings: &EncoderSettings,
    width: u32,
    height: u32,
    fps: (i32, i32),
    returned: Sender<Frame>,
) -> Result<Box<dyn VideoEncoder>> {
    // A recipe of stills opens no source, and FFmpeg's log must be silenced before x264 talks.
    crate::source::open::init();
    Ok(Box::new(FfmpegH264::open(settings, width, height, fps, returned)?))
}

/// x264 options every export uses; bench/run.sh gives the ffmpeg CLI the same ones.
pub const X264_PARAMS: &str = "sliced-threads=1:rc-lookahead=4:b-pyramid=none";

/// An H.264 encoder from the linked FFmpeg build, by encoder name.
struct FfmpegH264 {
    encoder: ff::codec::encoder::video::Encoder,
    returned: Sender<Frame>,
    size: (u32, u32),
    packets: Vec<ff::Packet>,
    time_base: ff::Rational,
}

impl FfmpegH264 {
    fn open(s: &EncoderSettings, width: u32, height: u32, fps: (i32, i32), returned: Sender<Frame>) -> Result<Self> {
        let codec = ff::encoder::find_by_name(&s.name).ok_or_else(|| {
            Error::invalid(format!("encoder '{}' is not in this FFmpeg build (try \"libx264\")", s.name))
        })?;
        if codec.id() != ff::codec::Id::H264 {
            return Err(Error::invalid(format!("encoder '{}' does not produce H.264", s.name)));
        }
        let time_base = ff::Rational::new(fps.1, fps.0);
        let mut enc = ff::codec::context::Context::new_with_codec(codec)
            .encoder()
            .video()
            .map_err(|e| Error::internal(format!("cannot create the {} encoder: {e}", s.name)))?;
        enc.set_width(width);
        enc.set_height(height);
        enc.set_format(ff::format::Pixel::YUV420P);
        enc.set_time_base(time_base);
        enc.set_frame_rate(Some(ff::Rational::new(fps.0, fps.1)));
        enc.set_colorspace(ff::color::Space::BT709);
        enc.set_color_range(ff::color::Range::MPEG);
        enc.set_color_primaries(ff::color::Primaries::BT709);
        enc.set_color_transfer_characteristic(ff::color::TransferCharacteristic::BT709);
        // MP4 keeps SPS/PPS in the stream header. Closed GOPs: setting flags replaces libx264's
        // default +cgop, and an open GOP would let a pass's first frames reference the previous
        // pass, which breaks reusing one encoded pass for every repeat.
        enc.set_flags(ff::codec::Flags::GLOBAL_HEADER | ff::codec::Flags::CLOSED_GOP);
        // Two seconds between keyframes keeps seeking in feeds quick.
        enc.set_gop((2 * fps.0 / fps.1.max(1)).max(1) as u32);
        let mut opts = ff::Dictionary::new();
        if s.name == "libx264" {
            opts.set("preset", &s.preset);
            opts.set("forced-idr", "1");
            opts.set("profile", "high");
            // Memory: x264 keeps ~10 MB per 1080p frame in flight. Slice threads add no frames in
            // flight (frame threads do); a 4-frame lookahead keeps mbtree working, and B-frames that
            // are not references save x264 a reference picture. Together a 1080x1920 export stays
            // under 200 MB for about 1 % more bits at the same quality (docs/BENCHMARKS.md).
            opts.set("threads", &s.threads.to_string());
            opts.set("x264-params", X264_PARAMS);
            match (s.crf, s.bitrate) {
                (_, Some(b)) => enc.set_bit_rate(b as usize),
                (Some(c), None) => opts.set("crf", &c.to_string()),
                (None, None) => opts.set("crf", "23"),
            }
        } else {
            // Hardware encoders take a bitrate; derive one from the picture size when only crf was given.
            let b = s.bitrate.unwrap_or((u64::from(width) * u64::from(height) * 3).max(500_000));
            enc.set_bit_rate(b as usize);
        }
        let encoder = enc
            .open_with(opts)
            .map_err(|e| Error::invalid(format!("cannot open encoder '{}' with these settings: {e}", s.name)))?;
        Ok(FfmpegH264 {
            encoder,
            returned,
            size: (width, height),
            packets: Vec::new(),
            time_base,
        })
    }

    fn drain(&mut self) -> Result<()> {
        loop {
            let mut p = ff::Packet::empty();
            match self.encoder.receive_packet(&mut p) {
                Ok(()) => self.packets.push(p),
                Err(ff::Error::Other { errno }) if errno == ff::util::error::EAGAIN => return Ok(()),
                Err(ff::Error::Eof) => return Ok(()),
                Err(e) => return Err(Error::internal(format!("video encoding failed: {e}"))),
            }
        }
    }
}

impl VideoEncoder for FfmpegH264 {
    fn encode(&mut self, frame: Frame, index: i64, keyframe: bool) -> Result<()> {
        if (frame.width, frame.height) != self.size {
            return Err(Error::internal(format!(
                "a {}x{} picture for a {}x{} encoder",
                frame.width, frame.height, self.size.0, self.size.1
            )));
        }
        // Lent, not copied: one 3 MB copy less per 1080x1920 picture.
        let mut picture = lend(frame, &self.returned)?;
        picture.set_pts(Some(index));
        picture.set_kind(if keyframe { ff::picture::Type::I } else { ff::picture::Type::None });
        self.encoder
            .send_frame(&picture)
            .map_err(|e| Error::internal(format!("video encoding failed: {e}")))?;
        // The encoder holds its own reference if it still needs the picture.
        drop(picture);
        self.drain()
    }

    fn finish(mut self: Box<Self>) -> Result<EncodedStream> {
        self.encoder.send_eof().map_err(|e| Error::internal(format!("video encoder flush failed: {e}")))?;
        self.drain()?;
        Ok(EncodedStream {
            parameters: ff::codec::Parameters::from(&self.encoder),
            time_base: self.time_base,
            packets: std::mem::take(&mut self.packets),
        })
    }
}
