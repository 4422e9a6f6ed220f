//! Scrubbing: the exact frame at a time, as fast as the codec allows. The clip stays open between
//! calls, so a finger moving forward reads on through the GOP it is in, and every frame decoded on
//! the way is kept (at the picture size, within a memory budget): moving back over frames already
//! passed, or resting on one, costs only the conversion to RGBA.

use std::path::Path;

use super::picture::{check_height, size_for_height, Picture};
use crate::error::{Error, Result};
use crate::frame::Frame;
use crate::source::index::SAME_FRAME;
use crate::source::reader::{TimedFrame, VideoFacts, VideoReader};

/// A frame for the screen: its presentation time (seconds from the clip's start) and picture.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoFrame {
    pub time: f64,
    pub picture: Picture,
}

/// Frames of one clip at chosen times; `Send`, so it may live on any thread (one call at a time).
pub struct FrameReader {
    reader: VideoReader,
    cache: FrameCache,
}

/// Decoder threads: two frames in flight on a 2-core phone shorten the walk through a GOP.
const THREADS: usize = 2;

/// Decoded pictures kept for scrubbing back: 32 MB is ~90 frames (3 s at 30 fps) at 360p.
const CACHE_BYTES: usize = 32 << 20;

impl FrameReader {
    /// Opens `clip` for frames `height` pixels high (upright, source aspect, never upscaled).
    pub fn open(clip: &Path, height: u32) -> Result<FrameReader> {
        check_height(height, "frame reader")?;
        let mut reader = VideoReader::open(clip, |w, h| size_for_height(w, h, height), THREADS)?;
        let facts = reader.facts();
        // A third of the source or less: deblocking does not show (≥ 47 dB, docs/BENCHMARKS.md).
        if u64::from(height) * 3 <= u64::from(facts.height) {
            reader.set_skip_deblocking();
        }
        Ok(FrameReader { reader, cache: FrameCache::default() })
    }

    pub fn facts(&self) -> VideoFacts {
        self.reader.facts()
    }

    /// Seconds from the first frame's start to the last frame's end.
    pub fn duration(&self) -> f64 {
        self.reader.facts().duration
    }

    /// The frame shown at `seconds`: the last frame that starts at or before it (the first frame
    /// before the clip, the last after it).
    pub fn frame_at(&mut self, seconds: f64) -> Result<VideoFrame> {
        if !seconds.is_finite() {
            return Err(Error::invalid(format!("frame time must be a number of seconds, got {seconds}")));
        }
        let target = self.reader.index().shown_at(seconds).unwrap_or(seconds);
        let (time, frame) = match self.cache.get(target) {
            Some(hit) => hit,
            None => {
                let cache = &mut self.cache;
                let found = self.reader.frame_at_keeping(seconds, &mut |f| cache.put(f))?;
                self.cache.put((found.0, found.1.clone()));
                found
            }
        };
        self.cache.trim(target, CACHE_BYTES);
        Ok(VideoFrame { time, picture: Picture::from_frame(&frame) })
    }
}

/// Pictures by time; over the budget, those farthest from where the finger is go first.
#[derive(Default)]
struct FrameCache {
    frames: Vec<TimedFrame>,
    bytes: usize,
}

impl FrameCache {
    fn get(&self, time: f64) -> Option<TimedFrame> {
        self.frames.iter().find(|(t, _)| (t - time).abs() < SAME_FRAME).cloned()
    }

    fn put(&mut self, (time, frame): TimedFrame) {
        if self.get(time).is_none() {
            self.bytes += size_of(&frame);
            self.frames.push((time, frame));
        }
    }

    fn trim(&mut self, around: f64, budget: usize) {
        while self.bytes > budget && self.frames.len() > 1 {
            let far = (0..self.frames.len())
                .max_by(|&a, &b| (self.frames[a].0 - around).abs().total_cmp(&(self.frames[b].0 - around).abs()))
                .expect("not empty");
            let (_, gone) = self.frames.swap_remove(far);
            self.bytes -= size_of(&gone);
        }
    }
}

fn size_of(f: &Frame) -> usize {
    f.y.len() + f.u.len() + f.v.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::frame::Yuv;

    #[test]
    fn a_frame_reader_can_move_between_threads() {
        fn assert_send<T: Send>() {}
        assert_send::<FrameReader>();
    }

    #[test]
    fn the_cache_keeps_the_frames_nearest_the_finger_within_its_budget() {
        let mut c = FrameCache::default();
        let f = Frame::filled(4, 4, Yuv::BLACK); // 24 bytes
        for i in 0..10 {
            c.put((f64::from(i), f.clone()));
        }
        c.put((3.0, f.clone()));
        assert_eq!(c.frames.len(), 10);
        c.trim(2.0, 5 * 24);
        let mut kept: Vec<f64> = c.frames.iter().map(|f| f.0).collect();
        kept.sort_by(f64::total_cmp);
        assert_eq!(kept, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        assert!(c.get(4.0).is_some() && c.get(5.0).is_none());
    }
}
