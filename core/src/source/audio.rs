//! Audio decoding: any codec/rate/layout → 48 kHz interleaved stereo f32, placed on the source timeline.

use std::ptr;

use ffmpeg_next as ff;
use ff::ffi;

use crate::error::{Error, Result};

pub const SAMPLE_RATE: u32 = 48_000;
pub const CHANNELS: usize = 2;

/// Decoded audio of one time range of the source.
#[derive(Debug, Clone, Default)]
pub struct AudioClip {
    /// Source time (seconds) of `samples[0]`.
    pub start: f64,
    /// Interleaved stereo, 48 kHz.
    pub samples: Vec<f32>,
}

impl AudioClip {
    pub fn frames(&self) -> usize {
        self.samples.len() / CHANNELS
    }
}

/// Decodes the audio stream `index` of `input` between `start` and `end` seconds (an audio-only
/// read: the music bed).
pub fn read_range(input: &mut ff::format::context::Input, index: usize, start: f64, end: f64) -> Result<(AudioClip, usize)> {
    let stream = input.stream(index).ok_or_else(|| Error::internal("audio stream index out of range"))?;
    let tb = f64::from(stream.time_base());
    let mut dec = AudioDecoder::new(&stream, start, end)?;
    if start > 0.0 {
        // A failed seek just means reading from the start.
        let _ = crate::source::open::seek_to(input, start - 0.5);
    }
    let mut reader = crate::source::packets::PacketReader::default();
    while let Some(packet) = reader.next(input) {
        if packet.stream() != index {
            continue;
        }
        dec.send(&packet)?;
        if packet.pts().is_some_and(|p| p as f64 * tb > end + 1.0) {
            break;
        }
    }
    dec.finish_counted()
}

pub struct AudioDecoder {
    decoder: ff::decoder::Audio,
    time_base: f64,
    start_pts: i64,
    range: (f64, f64),
    resampler: Option<Resampler>,
    raw: ff::frame::Audio,
    clip: AudioClip,
    /// Sample frame index (from `range.0`) where the next resampled chunk goes.
    cursor: Option<i64>,
    /// See [`AudioDecoder::keep_centre_level`].
    centre_at_full_level: bool,
}

impl AudioDecoder {
    /// Collects audio between `start` and `end` seconds of source time.
    pub fn new(stream: &ff::format::stream::Stream, start: f64, end: f64) -> Result<Self> {
        let ctx = ff::codec::context::Context::from_parameters(stream.parameters())
            .map_err(|e| Error::ffmpeg("cannot set up the audio decoder", e))?;
        let decoder = ctx.decoder().audio().map_err(|e| {
            Error::unsupported(format!("this FFmpeg build cannot decode {} audio: {e}", stream.parameters().id().name()))
        })?;
        Ok(AudioDecoder {
            decoder,
            time_base: f64::from(stream.time_base()),
            start_pts: crate::source::open::start_pts(stream),
            range: (start, end),
            resampler: None,
            raw: ff::frame::Audio::empty(),
            clip: AudioClip { start, samples: Vec::new() },
            cursor: None,
            centre_at_full_level: false,
        })
    }

    /// A mono track goes to both channels at its own level. swresample mixes it in at −3 dB,
    /// which keeps playback loudness; a waveform shows sample values instead.
    pub fn keep_centre_level(&mut self) {
        self.centre_at_full_level = true;
    }

    pub fn send(&mut self, packet: &ff::Packet) -> Result<()> {
        let _ = self.decoder.send_packet(packet); // damaged packets are skipped
        self.drain()
    }

    pub fn finish(self) -> Result<AudioClip> {
        Ok(self.finish_counted()?.0)
    }

    /// [`finish`](Self::finish), and how many sample frames the file really held in the range
    /// (the rest is silence: the stream ended).
    pub fn finish_counted(mut self) -> Result<(AudioClip, usize)> {
        let _ = self.decoder.send_eof();
        self.drain()?;
        let held = self.clip.samples.len() / CHANNELS;
        let want = ((self.range.1 - self.range.0) * f64::from(SAMPLE_RATE)).round().max(0.0) as usize;
        self.clip.samples.resize(want * CHANNELS, 0.0);
        Ok((self.clip, held.min(want)))
    }

    fn drain(&mut self) -> Result<()> {
        loop {
            match self.decoder.receive_frame(&mut self.raw) {
                Ok(()) => self.place_frame()?,
                Err(ff::Error::Other { errno }) if errno == ff::util::error::EAGAIN => return Ok(()),
                Err(ff::Error::Eof) => return Ok(()),
                Err(_) => continue,
            }
        }
    }

    fn place_frame(&mut self) -> Result<()> {
        if self.raw.samples() == 0 || self.raw.rate() == 0 {
            return Ok(());
        }
        let time = self.raw.timestamp().map(|ts| crate::source::open::seconds_between(self.start_pts, ts, self.time_base));
        if time.is_some_and(|t| t > self.range.1 + 1.0) {
            return Ok(());
        }
        let key = frame_key(&self.raw);
        if self.resampler.as_ref().map(|r| r.key) != Some(key) {
            self.resampler = Some(Resampler::new(&self.raw, key, self.centre_at_full_level)?);
        }
        let chunk = self.resampler.as_mut().expect("resampler set above").convert(&self.raw)?;
        let rate = f64::from(SAMPLE_RATE);
        // Follow timestamps only when they jump (gaps, damaged streams); otherwise stay contiguous.
        let at_ts = time.map(|t| ((t - self.range.0) * rate).round() as i64);
        let pos = match (self.cursor, at_ts) {
            (Some(c), Some(t)) if t.abs_diff(c) < (rate * 0.05) as u64 => c,
            (_, Some(t)) => t,
            (Some(c), None) => c,
            (None, None) => 0,
        };
        let n = (chunk.len() / CHANNELS) as i64;
        self.cursor = Some(pos.saturating_add(n));
        let limit = ((self.range.1 - self.range.0) * rate).round() as i64;
        let (from, to) = (pos.max(0), pos.saturating_add(n).min(limit));
        if to <= from {
            return Ok(());
        }
        let need = to as usize * CHANNELS;
        if self.clip.samples.len() < need {
            // Grow by two seconds at a time, not by doubling: the clip's sound is held whole until
            // the mix, and doubling would leave up to half of it unused at the peak.
            let step = 2 * SAMPLE_RATE as usize * CHANNELS;
            let len = self.clip.samples.len();
            if need > self.clip.samples.capacity() {
                self.clip.samples.reserve_exact(need - len + step);
            }
            self.clip.samples.resize(need, 0.0);
        }
        let src = &chunk[(from - pos) as usize * CHANNELS..(to - pos) as usize * CHANNELS];
        self.clip.samples[from as usize * CHANNELS..need].copy_from_slice(src);
        Ok(())
    }
}

type FrameKey = (i32, u64, i32, i32);

fn frame_key(f: &ff::frame::Audio) -> FrameKey {
    // SAFETY: reading plain fields of a live AVFrame.
    let r = unsafe { &*f.as_ptr() };
    (r.format, layout_mask(&r.ch_layout), r.ch_layout.nb_channels, r.sample_rate)
}

fn layout_mask(l: &ffi::AVChannelLayout) -> u64 {
    if l.order == ffi::AVChannelOrder::AV_CHANNEL_ORDER_NATIVE {
        // SAFETY: with the native order, `mask` is the union field FFmpeg wrote.
        unsafe { l.u.mask }
    } else {
        0
    }
}

/// A libswresample context converting to 48 kHz stereo f32.
struct Resampler {
    key: FrameKey,
    swr: *mut ffi::SwrContext,
    out: Vec<f32>,
}

// SAFETY: the SwrContext is owned exclusively by this value and only used through &mut self.
unsafe impl Send for Resampler {}

impl Resampler {
    fn new(f: &ff::frame::Audio, key: FrameKey, centre_at_full_level: bool) -> Result<Self> {
        let err = |what: &str| Error::unsupported(format!("cannot resample this audio: {what}"));
        // SAFETY: reading plain fields of a live AVFrame.
        let in_format = crate::source::formats::sample_format(unsafe { (*f.as_ptr()).format }).ok_or_else(|| err("unknown sample format"))?;
        // SAFETY: FFI calls with valid pointers; every allocation is freed in Drop or on error.
        unsafe {
            let r = &*f.as_ptr();
            let mut in_layout: ffi::AVChannelLayout = std::mem::zeroed();
            if r.ch_layout.order == ffi::AVChannelOrder::AV_CHANNEL_ORDER_UNSPEC || r.ch_layout.nb_channels <= 0 {
                let n = r.ch_layout.nb_channels.max(1);
                ffi::av_channel_layout_default(&mut in_layout, n);
            } else if ffi::av_channel_layout_copy(&mut in_layout, &r.ch_layout) < 0 {
                return Err(err("bad channel layout"));
            }
            let mut out_layout: ffi::AVChannelLayout = std::mem::zeroed();
            ffi::av_channel_layout_default(&mut out_layout, CHANNELS as i32);
            let mut swr: *mut ffi::SwrContext = ptr::null_mut();
            let rc = ffi::swr_alloc_set_opts2(
                &mut swr,
                &mut out_layout,
                ffi::AVSampleFormat::AV_SAMPLE_FMT_FLT,
                SAMPLE_RATE as i32,
                &mut in_layout,
                in_format,
                r.sample_rate,
                0,
                ptr::null_mut(),
            );
            ffi::av_channel_layout_uninit(&mut in_layout);
            ffi::av_channel_layout_uninit(&mut out_layout);
            if rc >= 0 && !swr.is_null() && centre_at_full_level && r.ch_layout.nb_channels == 1 {
                // One input channel into both outputs at 1.0 (swresample hard-codes √½ for mono).
                let matrix = [1.0f64; CHANNELS];
                ffi::swr_set_matrix(swr, matrix.as_ptr(), 1);
            }
            if rc < 0 || swr.is_null() || ffi::swr_init(swr) < 0 {
                ffi::swr_free(&mut swr);
                return Err(err("unsupported sample format or layout"));
            }
            Ok(Resampler { key, swr, out: Vec::new() })
        }
    }

    fn convert(&mut self, f: &ff::frame::Audio) -> Result<Vec<f32>> {
        // SAFETY: `extended_data` holds the frame's planes; the output buffer is sized from swr's own bound.
        unsafe {
            let r = &*f.as_ptr();
            let cap = ffi::swr_get_out_samples(self.swr, r.nb_samples).max(0) as usize + 16;
            self.out.resize(cap * CHANNELS, 0.0);
            let mut out_ptr = self.out.as_mut_ptr() as *mut u8;
            let n = ffi::swr_convert(self.swr, &mut out_ptr, cap as i32, r.extended_data as *mut *const u8, r.nb_samples);
            if n < 0 {
                return Err(Error::unsupported("audio resampling failed on a damaged frame"));
            }
            Ok(self.out[..n as usize * CHANNELS].to_vec())
        }
    }
}

impl Drop for Resampler {
    fn drop(&mut self) {
        // SAFETY: swr was allocated by swr_alloc_set_opts2 and is freed once.
        unsafe { ffi::swr_free(&mut self.swr) }
    }
}
