//! Video decoding to normalised frames: any pixel format/bit depth/range → 8-bit BT.709 4:2:0 at
//! the working size, rotated upright.

// bindgen types swscale's SWS_CS_* constants per target (u32 or i32): the casts are kept.
#![allow(clippy::unnecessary_cast)]

use ffmpeg_next as ff;
use ff::ffi;

use crate::error::{Error, Result};
use crate::frame::rotate::rotate;
use crate::frame::Frame;
use crate::source::probe::Hdr;
use crate::source::tonemap::ToneMapper;

/// Each decoder thread holds its own reference frames (~10 MB at 1080p). Two let the analysis
/// passes decode keyframes side by side; the export chooses its own (`asset_loader`).
const DECODE_THREADS: usize = 2;

/// See [`VideoDecoder::set_decode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeOnly {
    All,
    /// Frames other frames predict from: reaching a frame deep in a GOP without decoding the
    /// B-frames nothing refers to (about half of the frames with x264's defaults).
    References,
    Keyframes,
}

pub struct VideoDecoder {
    decoder: ff::decoder::Video,
    time_base: f64,
    start_pts: i64,
    rotation: u32,
    /// Mirror left-right before rotating (display matrices with a flip).
    mirror: bool,
    /// Working size before rotation (even).
    work_w: u32,
    work_h: u32,
    scaler: Option<Scaler>,
    tone_mapper: Option<(Hdr, ToneMapper)>,
    /// For shrinking 8-bit 4:2:0 BT.709 pictures without swscale (see `shrink.rs`).
    resizer: fast_image_resize::Resizer,
    raw: ff::frame::Video,
    last_time: Option<f64>,
    frame_step: f64,
}

struct Scaler {
    key: ScalerKey,
    ctx: ff::software::scaling::Context,
    out: ff::frame::Video,
}

// SAFETY: the SwsContext is owned by this value alone and only used through `&mut self`; libswscale
// keeps no per-thread state, so moving it to another thread (a `FrameReader` used from any thread)
// is sound. ffmpeg-next only leaves `Send` off because the context is a raw pointer.
unsafe impl Send for Scaler {}

impl VideoDecoder {
    /// `work_w`/`work_h` are the display (rotated) working size; both even.
    pub fn new(stream: &ff::format::stream::Stream, rotation: u32, work_w: u32, work_h: u32) -> Result<Self> {
        Self::with_threads(stream, rotation, work_w, work_h, DECODE_THREADS)
    }

    /// Like [`VideoDecoder::new`] with `threads` frame threads (1 = decode on the calling thread,
    /// for callers that run several decoders side by side).
    pub fn with_threads(stream: &ff::format::stream::Stream, rotation: u32, work_w: u32, work_h: u32, threads: usize) -> Result<Self> {
        let mut ctx = ff::codec::context::Context::from_parameters(stream.parameters())
            .map_err(|e| Error::ffmpeg("cannot set up the video decoder", e))?;
        ctx.set_threading(ff::codec::threading::Config { kind: ff::codec::threading::Type::Frame, count: threads.max(1), ..Default::default() });
        let decoder = ctx.decoder().video().map_err(|e| {
            Error::unsupported(format!("this FFmpeg build cannot decode {} video: {e}", stream.parameters().id().name()))
        })?;
        let (pw, ph) = if rotation % 180 == 90 { (work_h, work_w) } else { (work_w, work_h) };
        let tb = stream.time_base();
        let rate = stream.avg_frame_rate();
        let fps = if rate.numerator() > 0 && rate.denominator() > 0 { f64::from(rate) } else { 30.0 };
        Ok(VideoDecoder {
            decoder,
            time_base: f64::from(tb),
            start_pts: crate::source::open::start_pts(stream),
            rotation,
            mirror: false,
            work_w: pw,
            work_h: ph,
            scaler: None,
            tone_mapper: None,
            resizer: fast_image_resize::Resizer::new(),
            raw: ff::frame::Video::empty(),
            last_time: None,
            frame_step: 1.0 / fps.clamp(1.0, 240.0),
        })
    }

    /// Mirrors every picture left-right before it is rotated upright.
    pub fn set_mirror(&mut self, mirror: bool) {
        self.mirror = mirror;
    }

    /// Seconds between frames at the stream's average rate (1/30 when it does not say).
    pub fn frame_step(&self) -> f64 {
        self.frame_step
    }

    /// The stream's first timestamp in seconds: frame times count from it, seek times do not.
    pub fn start_seconds(&self) -> f64 {
        self.start_pts as f64 * self.time_base
    }

    /// Which frames to decode; the others are dropped before any decoding work. Narrow it at any
    /// time; widen it only just before a keyframe packet, since later frames need the skipped ones.
    pub fn set_decode(&mut self, which: DecodeOnly) {
        self.decoder.skip_frame(match which {
            DecodeOnly::All => ff::codec::discard::Discard::Default,
            DecodeOnly::References => ff::codec::discard::Discard::NonReference,
            DecodeOnly::Keyframes => ff::codec::discard::Discard::NonKey,
        });
    }

    /// Skips the deblocking filter on frames other than keyframes: they come out slightly blocky
    /// (and the blockiness builds up within a GOP), which analysis at a quarter of the size does not
    /// see, for about a third less decoding work per such frame.
    pub fn set_skip_deblock_except_keyframes(&mut self) {
        self.decoder.skip_loop_filter(ff::codec::discard::Discard::NonKey);
    }

    /// Skips the deblocking filter on every frame (for pictures shrunk a lot afterwards).
    pub fn set_skip_deblocking(&mut self) {
        self.decoder.skip_loop_filter(ff::codec::discard::Discard::All);
    }

    /// Forgets every frame in flight and the references (after a seek): the next packet must be a
    /// keyframe.
    pub fn flush(&mut self) {
        self.decoder.flush();
        self.last_time = None;
    }

    /// Feeds one packet; a damaged packet is skipped (the decoder conceals what it can).
    pub fn send(&mut self, packet: &ff::Packet) {
        let _ = self.decoder.send_packet(packet);
    }

    pub fn send_eof(&mut self) {
        let _ = self.decoder.send_eof();
    }

    /// The next decoded frame as (seconds since stream start, upright normalised frame).
    pub fn receive(&mut self) -> Result<Option<(f64, Frame)>> {
        Ok(self.receive_where(|_| true)?.map(|(t, f)| (t, f.expect("every frame is wanted"))))
    }

    /// The next decoded frame's time, with its picture only if `want(time)`: the conversion to the
    /// working size costs about as much as decoding, so callers that decode through frames they do
    /// not keep (to reach a later one) skip it.
    pub fn receive_where(&mut self, mut want: impl FnMut(f64) -> bool) -> Result<Option<(f64, Option<Frame>)>> {
        loop {
            match self.decoder.receive_frame(&mut self.raw) {
                Ok(()) => {}
                Err(ff::Error::Other { errno }) if errno == ff::util::error::EAGAIN => return Ok(None),
                Err(ff::Error::Eof) => return Ok(None),
                // A frame the decoder could not rebuild: skip it, keep going.
                Err(_) => continue,
            }
            if self.raw.width() == 0 || self.raw.height() == 0 {
                continue;
            }
            let time = match self.raw.timestamp() {
                Some(ts) => crate::source::open::seconds_between(self.start_pts, ts, self.time_base),
                None => self.last_time.map_or(0.0, |t| t + self.frame_step),
            };
            self.last_time = Some(time);
            if !want(time) {
                return Ok(Some((time, None)));
            }
            let frame = self.normalise()?;
            let frame = if self.mirror { crate::frame::rotate::mirror(frame) } else { frame };
            return Ok(Some((time, Some(rotate(frame, self.rotation)))));
        }
    }

    fn normalise(&mut self) -> Result<Frame> {
        let fmt = self.raw.format();
        let (w, h) = (self.raw.width(), self.raw.height());
        let full_range = self.raw.color_range() == ff::color::Range::JPEG
            || matches!(fmt, ff::format::Pixel::YUVJ420P | ff::format::Pixel::YUVJ422P | ff::format::Pixel::YUVJ444P);
        let matrix = source_matrix(self.raw.color_space(), h);
        let hdr = Hdr::from_trc(self.raw.color_transfer_characteristic() as i32);
        if hdr != Hdr::None {
            return self.tone_map(fmt, w, h, full_range, matrix, hdr);
        }
        if fmt == ff::format::Pixel::YUV420P && !full_range && matrix == ffi::SWS_CS_ITU709 as i32 {
            if w == self.work_w && h == self.work_h {
                return Ok(copy_planes(&self.raw, w, h));
            }
            if shrinks(w, h, self.work_w, self.work_h) {
                return super::shrink::shrink_yuv420(&mut self.resizer, &self.raw, self.work_w, self.work_h);
            }
        }
        let key = (fmt, w, h, full_range, matrix, ff::format::Pixel::YUV420P);
        if self.scaler.as_ref().map(|s| s.key) != Some(key) {
            self.scaler = Some(Scaler::new(key, self.work_w, self.work_h)?);
        }
        let scaler = self.scaler.as_mut().expect("scaler set above");
        scaler
            .ctx
            .run(&self.raw, &mut scaler.out)
            .map_err(|e| Error::ffmpeg("cannot convert a decoded picture", e))?;
        Ok(copy_planes(&scaler.out, self.work_w, self.work_h))
    }

    /// HLG/PQ: swscale resizes to 16-bit R'G'B', the tone mapper makes it SDR BT.709.
    fn tone_map(&mut self, fmt: ff::format::Pixel, w: u32, h: u32, full_range: bool, matrix: i32, hdr: Hdr) -> Result<Frame> {
        let key = (fmt, w, h, full_range, matrix, ff::format::Pixel::GBRP16LE);
        if self.scaler.as_ref().map(|s| s.key) != Some(key) {
            self.scaler = Some(Scaler::new(key, self.work_w, self.work_h)?);
        }
        if self.tone_mapper.as_ref().map(|t| t.0) != Some(hdr) {
            self.tone_mapper = Some((hdr, ToneMapper::new(hdr)));
        }
        let scaler = self.scaler.as_mut().expect("scaler set above");
        scaler
            .ctx
            .run(&self.raw, &mut scaler.out)
            .map_err(|e| Error::ffmpeg("cannot convert a decoded picture", e))?;
        let o = &scaler.out;
        let mapper = &self.tone_mapper.as_ref().expect("set above").1;
        Ok(mapper.to_sdr([o.data(0), o.data(1), o.data(2)], [o.stride(0), o.stride(1), o.stride(2)], self.work_w, self.work_h))
    }
}

/// (source format, width, height, full range, matrix, output format)
type ScalerKey = (ff::format::Pixel, u32, u32, bool, i32, ff::format::Pixel);

impl Scaler {
    fn new(key: ScalerKey, dw: u32, dh: u32) -> Result<Self> {
        let (fmt, w, h, full_range, matrix, out_fmt) = key;
        let flags = if shrinks(w, h, dw, dh) { ff::software::scaling::Flags::AREA } else { ff::software::scaling::Flags::BICUBIC };
        let mut ctx = ff::software::scaling::Context::get(fmt, w, h, out_fmt, dw, dh, flags)
            .map_err(|e| Error::unsupported(format!("cannot convert {} pictures: {e}", crate::source::probe::pixel_name(fmt))))?;
        // SAFETY: plain calls on a live SwsContext; the coefficient tables are static in libswscale.
        unsafe {
            ffi::sws_setColorspaceDetails(
                ctx.as_mut_ptr(),
                ffi::sws_getCoefficients(matrix),
                full_range as i32,
                ffi::sws_getCoefficients(ffi::SWS_CS_ITU709 as i32),
                // RGB out (tone mapping) is full range; YUV out is limited.
                i32::from(out_fmt != ff::format::Pixel::YUV420P),
                0,
                1 << 16,
                1 << 16,
            );
        }
        Ok(Scaler { key, ctx, out: ff::frame::Video::empty() })
    }
}

/// Shrinking to less than half the area: an area average (box filter) rather than bicubic.
fn shrinks(w: u32, h: u32, dw: u32, dh: u32) -> bool {
    (u64::from(dw) * u64::from(dh)) * 2 < u64::from(w) * u64::from(h)
}

/// The YUV matrix a source was made with; unspecified follows the usual SD/HD convention.
fn source_matrix(space: ff::color::Space, height: u32) -> i32 {
    use ff::color::Space;
    (match space {
        Space::BT709 => ffi::SWS_CS_ITU709,
        Space::BT470BG | Space::SMPTE170M => ffi::SWS_CS_ITU601,
        Space::SMPTE240M => ffi::SWS_CS_SMPTE240M,
        Space::BT2020NCL | Space::BT2020CL => ffi::SWS_CS_BT2020,
        Space::FCC => ffi::SWS_CS_FCC,
        _ if height >= 720 => ffi::SWS_CS_ITU709,
        _ => ffi::SWS_CS_ITU601,
    }) as i32
}

/// Copies a YUV420P ffmpeg frame into a tightly packed [`Frame`] (crops to even size).
fn copy_planes(src: &ff::frame::Video, w: u32, h: u32) -> Frame {
    let (w, h) = (w & !1, h & !1);
    let plane = |i: usize, pw: usize, ph: usize| {
        let stride = src.stride(i);
        let data = src.data(i);
        let mut out = Vec::with_capacity(pw * ph);
        for row in 0..ph {
            out.extend_from_slice(&data[row * stride..row * stride + pw]);
        }
        out
    };
    let (cw, ch) = (w as usize / 2, h as usize / 2);
    Frame { width: w, height: h, y: plane(0, w as usize, h as usize), u: plane(1, cw, ch), v: plane(2, cw, ch) }
}
