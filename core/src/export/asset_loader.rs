//! Asset loaders: one per clip, each handing out the clip's pictures in source-time order (and,
//! for videos, collecting its sound on the way). A video file and a still image look the same to
//! the sequencer; a platform decoder (MediaCodec, VideoToolbox) would be a third kind.

use std::collections::VecDeque;

use ffmpeg_next as ff;

use crate::error::{Error, Result};
use crate::frame::Frame;
use crate::plan::{ClipKind, ClipPlan, AUDIO_PREROLL};
use crate::source::audio::{AudioClip, AudioDecoder};
use crate::source::open::{open_input, seek_or_reopen, seeks_exactly};
use crate::source::packets::PacketReader;
use crate::source::video::VideoDecoder;

/// A decoded picture and its time in the clip's source seconds.
pub type Picture = (f64, Frame);

pub enum AssetLoader {
    Video(Box<VideoLoader>),
    /// The still's one picture, until handed out.
    Still(Option<Frame>),
}

impl AssetLoader {
    /// Opens clip `clip`; `opened` is its file already opened (and read from, if the flag says so).
    pub fn open(clip: &ClipPlan, opened: Option<(ff::format::context::Input, bool)>, with_audio: bool, skip_deblocking: bool) -> Result<AssetLoader> {
        match clip.kind {
            ClipKind::Still => {
                let (w, h) = clip.work_size;
                Ok(AssetLoader::Still(Some(crate::source::still::load(&clip.path, w, h)?)))
            }
            ClipKind::Video { .. } => Ok(AssetLoader::Video(Box::new(VideoLoader::open(clip, opened, with_audio, skip_deblocking)?))),
        }
    }

    /// The next picture, or `None` when the clip has no more to show.
    pub fn next(&mut self) -> Result<Option<Picture>> {
        match self {
            AssetLoader::Still(f) => Ok(f.take().map(|f| (0.0, f))),
            AssetLoader::Video(v) => v.next(),
        }
    }

    /// Reads what is left of the clip's sound and checks the video did not stop short.
    pub fn finish(self) -> Result<Option<AudioClip>> {
        match self {
            AssetLoader::Still(_) => Ok(None),
            AssetLoader::Video(v) => v.finish(),
        }
    }
}

/// One demux/decode loop over one video file's range.
pub struct VideoLoader {
    input: ff::format::context::Input,
    path: std::path::PathBuf,
    vindex: usize,
    vdec: VideoDecoder,
    adec: Option<(usize, AudioDecoder)>,
    reader: PacketReader,
    /// Source seconds shown: [start, end].
    start: f64,
    end: f64,
    /// Decoded pictures not handed out yet; the last one before `start` waits here until it is
    /// known to be the last (earlier ones are never shown).
    queue: VecDeque<Picture>,
    held: Option<Picture>,
    video_done: bool,
    audio_done: bool,
    eof: bool,
    last_frame: Option<f64>,
}

impl VideoLoader {
    fn open(clip: &ClipPlan, opened: Option<(ff::format::context::Input, bool)>, with_audio: bool, skip_deblocking: bool) -> Result<VideoLoader> {
        let (mut input, rewind) = match opened {
            Some(o) => o,
            None => (open_input(&clip.path)?, false),
        };
        let ClipKind::Video { rotation, mirror, .. } = clip.kind else { return Err(Error::internal("a still has no video loader")) };
        let vstream = input.streams().best(ff::media::Type::Video).ok_or_else(|| Error::unsupported("the source has no video stream"))?;
        let vindex = vstream.index();
        let threads = decode_threads(&vstream);
        let mut vdec = VideoDecoder::with_threads(&vstream, rotation, clip.work_size.0, clip.work_size.1, threads)?;
        vdec.set_mirror(mirror);
        if skip_deblocking {
            vdec.set_skip_deblocking();
        }
        let audio_start = (clip.src_start - AUDIO_PREROLL).max(0.0);
        // A pass lasts the composition rounded to whole output frames, up to half a frame longer
        // (half a second at 1 fps): collect audio that far past the end so no pass ends in silence.
        let audio_end = clip.src_end + 0.5 * clip.speed;
        let adec = match with_audio {
            true => match input.streams().best(ff::media::Type::Audio) {
                Some(s) => Some((s.index(), AudioDecoder::new(&s, audio_start, audio_end)?)),
                None => None,
            },
            false => None,
        };
        if clip.src_start > 0.0 || rewind {
            // Audio wants its preroll and some slack for interleaving. Video alone, from a container
            // with a keyframe index (MP4/MOV, MKV/WebM), only needs the keyframe at or before the
            // first frame (seek times are absolute: add the stream's start). Other containers seek
            // by estimate: keep slack.
            let from = match adec {
                None if seeks_exactly(&input) => clip.src_start + vdec.start_seconds() + 0.001,
                _ => audio_start - 0.5,
            };
            // A failed seek (damaged index) just means decoding from the start.
            seek_or_reopen(&mut input, &clip.path, from, rewind)?;
        }
        Ok(VideoLoader {
            input,
            path: clip.path.clone(),
            vindex,
            vdec,
            audio_done: adec.is_none(),
            adec,
            reader: PacketReader::default(),
            start: clip.src_start,
            end: clip.src_end,
            queue: VecDeque::new(),
            held: None,
            video_done: false,
            eof: false,
            last_frame: None,
        })
    }

    fn next(&mut self) -> Result<Option<Picture>> {
        loop {
            if let Some(p) = self.queue.pop_front() {
                return Ok(Some(p));
            }
            if self.video_done {
                return Ok(self.held.take());
            }
            self.read_some()?;
        }
    }

    /// Reads one packet (or flushes at the end) and queues the pictures it gives.
    fn read_some(&mut self) -> Result<()> {
        if self.eof {
            self.vdec.send_eof();
            self.receive()?;
            self.video_done = true;
            return Ok(());
        }
        let Some(packet) = self.reader.next(&mut self.input) else {
            self.eof = true;
            return Ok(());
        };
        let idx = packet.stream();
        if idx == self.vindex {
            self.vdec.send(&packet);
            self.receive()?;
        } else {
            self.feed_audio(&packet, idx)?;
        }
        Ok(())
    }

    fn feed_audio(&mut self, packet: &ff::Packet, idx: usize) -> Result<()> {
        if let Some((aidx, dec)) = self.adec.as_mut() {
            if idx == *aidx && !self.audio_done {
                let tb = self.input.stream(idx).map(|s| f64::from(s.time_base())).unwrap_or(1.0);
                let t = packet.pts().map(|p| p as f64 * tb);
                dec.send(packet)?;
                self.audio_done = t.is_some_and(|t| t > self.end + 1.0);
            }
        }
        Ok(())
    }

    fn receive(&mut self) -> Result<()> {
        while let Some((time, frame)) = self.vdec.receive()? {
            self.last_frame = Some(self.last_frame.map_or(time, |t: f64| t.max(time)));
            if self.video_done {
                continue;
            }
            if time > self.end + 0.25 {
                // Past the range: what is held (if anything) was the last picture before it.
                self.queue.extend(self.held.take());
                self.video_done = true;
                continue;
            }
            // Only the last picture at or before the range's start can be shown; hold it until the next.
            if time <= self.start {
                self.held = Some((time, frame));
                continue;
            }
            self.queue.extend(self.held.take());
            self.queue.push_back((time, frame));
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Option<AudioClip>> {
        // Sound may run behind the pictures in the file: read on until it is complete.
        while !self.audio_done && !self.eof {
            let Some(packet) = self.reader.next(&mut self.input) else { break };
            let idx = packet.stream();
            if idx != self.vindex {
                self.feed_audio(&packet, idx)?;
            }
        }
        if self.eof && !self.video_done {
            self.vdec.send_eof();
            while let Some((time, _)) = self.vdec.receive()? {
                self.last_frame = Some(self.last_frame.map_or(time, |t: f64| t.max(time)));
            }
        }
        self.check_not_cut_short()?;
        self.adec.map(|(_, d)| d.finish()).transpose()
    }

    /// The pictures ran out before the range's end: the file is truncated or damaged there.
    /// Holding the last picture for more than a moment would pass a frozen clip off as an export.
    fn check_not_cut_short(&self) -> Result<()> {
        let Some(last) = self.last_frame else {
            return Err(Error::unsupported(format!("{}: no video frame in the trimmed range could be decoded", self.path.display())));
        };
        let tolerance = (2.0 * self.vdec.frame_step()).max(0.5);
        if last < self.end - tolerance {
            return Err(Error::unsupported(format!(
                "{}: the video stops at {last:.2} s although the segment runs to {:.2} s (the file is truncated or damaged); \
                 trim to end by {last:.2} s",
                self.path.display(),
                self.end
            )));
        }
        Ok(())
    }
}

/// The export's decoder frame threads, by picture size. Each thread holds its own reference frames
/// (~10 MB at 1080p). Up to 1080p one thread keeps ahead of the reframe and the encoder, and two
/// cost more: on case a of bench/floor.sh (2 cores) one thread gave 10.91 s wall, 18.75 CPU-s,
/// 223 MB against 11.14 s, 19.12 CPU-s, 234 MB with two, and the five-clip composition peaked at
/// 280 MB instead of 298 MB. Larger pictures (4K) take two so decoding does not become the slow stage.
fn decode_threads(stream: &ff::format::stream::Stream) -> usize {
    let p = stream.parameters();
    // SAFETY: `p` wraps the stream's AVCodecParameters, valid while `stream` is borrowed; plain reads.
    let (w, h) = unsafe { ((*p.as_ptr()).width.max(0) as u64, (*p.as_ptr()).height.max(0) as u64) };
    if w * h <= 1920 * 1088 { 1 } else { 2 }
}
