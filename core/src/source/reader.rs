//! Frames at chosen times from a file kept open: the packet index says which keyframe starts the
//! GOP of a time and which packet holds the wanted frame; the reader reads on when the wanted frame
//! lies ahead in the GOP it is decoding, and seeks otherwise. On the way only reference frames are
//! decoded, and only the wanted frame is converted.

use std::path::{Path, PathBuf};

use ffmpeg_next as ff;

use crate::error::{Error, Result};
use crate::frame::Frame;
use crate::source::index::{Index, SAME_FRAME};
use crate::source::open::{open_input_quick, seek_to, seeks_exactly, start_pts};
use crate::source::packets::PacketReader;
use crate::source::probe::probe_input;
use crate::source::video::{DecodeOnly, VideoDecoder};

/// What a reader knows about the clip's video once it is open.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VideoFacts {
    /// Display (upright) size of the source.
    pub width: u32,
    pub height: u32,
    pub rotation: u32,
    /// Seconds: the last frame's end (from the index), or the stream's duration when longer.
    pub duration: f64,
    /// Typical frame duration, seconds.
    pub frame_step: f64,
}

/// A decoded frame: its presentation time (seconds from the stream's start) and picture.
pub type TimedFrame = (f64, Frame);

pub struct VideoReader {
    path: PathBuf,
    input: ff::format::context::Input,
    vindex: usize,
    time_base: f64,
    start: i64,
    facts: VideoFacts,
    index: Index,
    decoder: VideoDecoder,
    packets: PacketReader,
    /// Time of the last frame the decoder gave out since the last seek: reading on continues after
    /// it. None right after a seek.
    position: Option<f64>,
    /// The demuxer has no more packets since the last seek.
    at_end: bool,
    /// Decoder frame threads.
    threads: usize,
}

impl VideoReader {
    /// Opens `path`, reads its packet index and prepares a decoder whose pictures have the size
    /// `size(display_width, display_height)` returns (even, upright). `threads`: decoder frame threads.
    pub fn open(path: &Path, size: impl FnOnce(u32, u32) -> (u32, u32), threads: usize) -> Result<VideoReader> {
        let mut input = open_input_quick(path)?;
        let info = probe_input(&input, path);
        let (stream_info, v) = info.video().ok_or_else(|| Error::unsupported(format!("{}: has no video stream", path.display())))?;
        if v.display_width < 2 || v.display_height < 2 {
            return Err(Error::unsupported(format!("{}: the video has no usable size", path.display())));
        }
        let index = Index::read(&mut input)?;
        let Some(&last) = index.frames.last() else {
            return Err(Error::unsupported(format!("{}: no video frames could be read", path.display())));
        };
        let frame_step = index.frame_step();
        let facts = VideoFacts {
            width: v.display_width,
            height: v.display_height,
            rotation: v.rotation,
            duration: (last + frame_step).max(stream_info.duration),
            frame_step,
        };
        let (w, h) = size(v.display_width, v.display_height);
        let stream = input.streams().best(ff::media::Type::Video).ok_or_else(|| Error::unsupported("the source has no video stream"))?;
        let (vindex, time_base, start) = (stream.index(), f64::from(stream.time_base()), start_pts(&stream));
        let decoder = VideoDecoder::with_threads(&stream, v.rotation, w, h, threads)?;
        let mut reader = VideoReader {
            path: path.to_path_buf(),
            input,
            vindex,
            time_base,
            start,
            facts,
            index,
            decoder,
            packets: PacketReader::default(),
            position: None,
            at_end: true,
            threads: threads.max(1),
        };
        // Reading the index left the demuxer at the end.
        reader.seek(0.0)?;
        Ok(reader)
    }

    pub fn facts(&self) -> VideoFacts {
        self.facts
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    /// Skips the deblocking filter on every frame: for pictures shrunk to a third of the source
    /// or less, where the difference does not show (see `ExportMode::skip_deblocking`).
    pub fn set_skip_deblocking(&mut self) {
        self.decoder.set_skip_deblocking();
    }

    /// The frame shown at `t` seconds (the last frame that starts at or before `t`; the first or
    /// last frame outside the clip). Exact: every reference frame on the way is decoded, the
    /// frames nothing refers to are not.
    pub fn frame_at(&mut self, t: f64) -> Result<TimedFrame> {
        self.frame_at_with(t, None)
    }

    /// [`frame_at`](Self::frame_at), decoding every frame on the way and handing each one before
    /// the target to `keep` (a scrubbing cache): dearer than reference frames only when the
    /// clip has B-frames, but every frame passed is then known.
    pub fn frame_at_keeping(&mut self, t: f64, keep: &mut dyn FnMut(TimedFrame)) -> Result<TimedFrame> {
        self.frame_at_with(t, Some(keep))
    }

    fn frame_at_with(&mut self, t: f64, mut keep: Option<&mut dyn FnMut(TimedFrame)>) -> Result<TimedFrame> {
        let target = self.index.shown_at(t).ok_or_else(|| Error::unsupported(format!("{}: no video frames", self.path.display())))?;
        let key = self.index.key_before(target).unwrap_or(target);
        // Reading on is right when the decoder stands before the target inside its GOP; from an
        // earlier GOP it would decode every reference frame in between.
        let reads_on = !self.at_end && self.position.is_some_and(|p| p < target - SAME_FRAME && p >= key - SAME_FRAME);
        if !reads_on {
            self.seek(key)?;
        }
        let mut discard = |_: TimedFrame| {};
        let every = keep.is_some();
        if let Some(found) = self.decode_until(target, key, every, keep.as_deref_mut().unwrap_or(&mut discard))? {
            if (found.0 - target).abs() < SAME_FRAME {
                return Ok(found);
            }
        }
        // The target's packet was damaged or not where the index said: decode everything from its
        // keyframe and take the last frame at or before it.
        self.seek(key)?;
        self.decode_until(target, key, true, keep.unwrap_or(&mut discard))?
            .ok_or_else(|| Error::unsupported(format!("{}: no frame decodes at {t:.3} s", self.path.display())))
    }

    /// The keyframes that start at `keys` (times from the index, ascending), decoding nothing else,
    /// handed to `each` as they come out; `each` returns false to stop. Only the keyframe packets
    /// reach the decoder (the demuxer jumps from one to the next), so its frame threads decode
    /// several keyframes side by side; a one-thread decoder hands each out as soon as it is decoded. A keyframe that does not decode is left out.
    pub fn keyframes(&mut self, keys: &[f64], mut each: impl FnMut(TimedFrame) -> Result<bool>) -> Result<()> {
        let Some(&first) = keys.first() else { return Ok(()) };
        self.seek(first)?;
        self.decoder.set_decode(DecodeOnly::Keyframes);
        let mut going = true;
        for (i, &key) in keys.iter().enumerate() {
            if i > 0 {
                // Without flushing: the keyframes still in the decoder's threads come out later,
                // and a keyframe needs no earlier picture.
                self.reposition(key)?;
            }
            while let Some(packet) = self.next_video_packet() {
                let time = self.packet_time(&packet);
                if time.is_some_and(|p| p > key + SAME_FRAME) {
                    break; // the keyframe was not there (damage): go on with the next
                }
                if !packet.is_key() || time.is_none_or(|p| p < key - SAME_FRAME) {
                    continue;
                }
                self.decoder.send(&packet);
                break;
            }
            if self.threads == 1 {
                // One thread: nothing decodes beside this keyframe, so drain it now rather than
                // behind the decoder's reordering delay (two more keyframes for B-pyramid streams).
                self.decoder.send_eof();
                while let Some(frame) = self.decoder.receive()? {
                    going = going && each(frame)?;
                }
                self.decoder.flush();
            }
            while let Some(frame) = self.decoder.receive()? {
                going = going && each(frame)?;
            }
            if !going {
                break;
            }
        }
        self.decoder.send_eof();
        while let Some(frame) = self.decoder.receive()? {
            going = going && each(frame)?;
        }
        // Drained: the next call seeks.
        self.at_end = true;
        Ok(())
    }

    /// Sends packets from the current position until the frame at `target` comes out. With
    /// `every`, all frames are decoded and each one before the target goes to `keep`; without it,
    /// frames other than the target are decoded only if others refer to them. Gives the target,
    /// or the last frame before it when the target never came out (damage, or a frame the index
    /// did not see; only with `every`), or None.
    fn decode_until(&mut self, target: f64, key: f64, every: bool, keep: &mut dyn FnMut(TimedFrame)) -> Result<Option<TimedFrame>> {
        let mut best: Option<TimedFrame> = None;
        let is_target = |time: f64| (time - target).abs() < SAME_FRAME;
        let wanted = |time: f64| if every { time <= target + SAME_FRAME } else { is_target(time) };
        let mut take = |time: f64, frame: Option<Frame>, best: &mut Option<TimedFrame>| {
            if let Some(frame) = frame {
                if let Some(earlier) = best.replace((time, frame)) {
                    keep(earlier);
                }
            }
        };
        let mut ended = true;
        while let Some(packet) = self.next_video_packet() {
            let time = self.packet_time(&packet);
            if time.is_some_and(|p| p < key - SAME_FRAME) && self.position.is_none() {
                continue; // before the GOP (a container that seeks by estimate)
            }
            let decode = match time {
                _ if every => DecodeOnly::All,
                Some(p) if is_target(p) => DecodeOnly::All,
                None => DecodeOnly::All,
                Some(_) => DecodeOnly::References,
            };
            self.decoder.set_decode(decode);
            self.decoder.send(&packet);
            while let Some((time, frame)) = self.decoder.receive_where(wanted)? {
                self.position = Some(time);
                take(time, frame, &mut best);
                if time > target - SAME_FRAME {
                    ended = false;
                    break;
                }
            }
            if !ended {
                break;
            }
        }
        if ended {
            // The end of the file: what the decoder still holds.
            self.decoder.send_eof();
            self.at_end = true;
            while let Some((time, frame)) = self.decoder.receive_where(wanted)? {
                self.position = Some(time);
                take(time, frame, &mut best);
            }
        }
        Ok(best.filter(|(time, _)| every || is_target(*time)))
    }

    fn next_video_packet(&mut self) -> Option<ff::Packet> {
        loop {
            let packet = self.packets.next(&mut self.input)?;
            if packet.stream() == self.vindex {
                return Some(packet);
            }
        }
    }

    fn packet_time(&self, packet: &ff::Packet) -> Option<f64> {
        packet.pts().map(|p| (p - self.start) as f64 * self.time_base)
    }

    /// To the keyframe at or before `key` (stream seconds); forgets what the decoder holds.
    fn seek(&mut self, key: f64) -> Result<()> {
        self.reposition(key)?;
        self.decoder.flush();
        self.position = None;
        self.at_end = false;
        Ok(())
    }

    /// Moves the demuxer to the keyframe at or before `key`, leaving the decoder as it is.
    fn reposition(&mut self, key: f64) -> Result<()> {
        // Seek times are absolute: add the stream's start. Containers without a keyframe index
        // seek by estimate: aim a second early; the packets before the GOP are skipped.
        let slack = if seeks_exactly(&self.input) { 0.0005 } else { 1.0 };
        let to = key + self.start as f64 * self.time_base - slack;
        if !seek_to(&mut self.input, to.max(0.0)) {
            // A damaged index: start again from the top of the file.
            self.input = open_input_quick(&self.path)?;
        }
        self.packets = PacketReader::default();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>() {}

    #[test]
    fn a_reader_can_move_between_threads() {
        assert_send::<VideoReader>();
    }
}
