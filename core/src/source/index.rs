//! A clip's packet index, read without decoding: when every video frame is shown, which frames are
//! keyframes, and how many compressed bytes lie before each (decoding cost goes with size). Readers
//! use it to jump to the right keyframe and to know which packet holds the frame they want.

use ffmpeg_next as ff;

use crate::error::{Error, Result};
use crate::source::open::start_pts;
use crate::source::packets::PacketReader;

/// Presentation times (seconds from the stream's start) of a clip's video frames.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Every video frame, sorted.
    pub frames: Vec<f64>,
    /// Keyframes, sorted.
    pub keys: Vec<f64>,
    /// Bytes of all frames before `frames[i]` (one more entry than `frames`).
    bytes_before: Vec<u64>,
}

/// Two frame times closer than this are the same frame (both come from the same integer timestamp).
pub const SAME_FRAME: f64 = 1e-6;

impl Index {
    /// From (time, compressed bytes) of every frame in time order, and the keyframe times.
    pub fn new(frames: Vec<(f64, u64)>, keys: Vec<f64>) -> Index {
        let bytes_before = std::iter::once(0)
            .chain(frames.iter().scan(0u64, |sum, f| {
                *sum += f.1;
                Some(*sum)
            }))
            .collect();
        Index { frames: frames.into_iter().map(|f| f.0).collect(), keys, bytes_before }
    }

    /// Reads every packet of the best video stream of `input` (from where it is; callers seek back
    /// before decoding). A damaged stretch is skipped like in every other reader.
    pub fn read(input: &mut ff::format::context::Input) -> Result<Index> {
        let stream = input.streams().best(ff::media::Type::Video).ok_or_else(|| Error::unsupported("the source has no video stream"))?;
        let (vindex, tb) = (stream.index(), f64::from(stream.time_base()));
        let start = start_pts(&stream);
        let (mut frames, mut keys) = (Vec::<(f64, u64)>::new(), Vec::new());
        let mut reader = PacketReader::default();
        while let Some(packet) = reader.next(input) {
            if packet.stream() != vindex {
                continue;
            }
            let Some(pts) = packet.pts().or(packet.dts()) else { continue };
            let t = crate::source::open::seconds_between(start, pts, tb);
            if !t.is_finite() || t < -1.0 {
                continue;
            }
            frames.push((t, packet.size() as u64));
            if packet.is_key() {
                keys.push(t);
            }
            if frames.len() > 1_000_000 {
                return Err(Error::limit("the clip has more than a million video frames"));
            }
        }
        frames.sort_by(|a, b| a.0.total_cmp(&b.0));
        keys.sort_by(f64::total_cmp);
        Ok(Index::new(frames, keys))
    }

    /// Compressed bytes of the frames shown from `from` to `to` (inclusive).
    pub fn bytes_between(&self, from: f64, to: f64) -> u64 {
        let (a, b) = (self.frames.partition_point(|&f| f < from), self.frames.partition_point(|&f| f <= to));
        self.bytes_before[b.max(a)] - self.bytes_before[a]
    }

    /// GOP of a time: the index of the last keyframe at or before it (0 before the first).
    pub fn gop_of(&self, t: f64) -> usize {
        self.keys.partition_point(|&k| k <= t + 1e-9).saturating_sub(1)
    }

    /// The keyframe that starts the GOP holding `t` (the first keyframe for earlier times).
    pub fn key_before(&self, t: f64) -> Option<f64> {
        self.keys.get(self.gop_of(t)).copied()
    }

    /// The frame shown at `t`: the last one that starts at or before it (the first frame for
    /// earlier times, the last for later ones). None for an empty index.
    pub fn shown_at(&self, t: f64) -> Option<f64> {
        let i = self.frames.partition_point(|&f| f <= t + SAME_FRAME);
        self.frames.get(i.saturating_sub(1)).copied()
    }

    /// Typical frame duration in seconds (the median gap; 1/30 when unknown).
    pub fn frame_step(&self) -> f64 {
        let mut d: Vec<f64> = self.frames.windows(2).map(|w| w[1] - w[0]).filter(|d| *d > 1e-4).collect();
        if d.is_empty() {
            return 1.0 / 30.0;
        }
        d.sort_by(f64::total_cmp);
        d[d.len() / 2]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Index {
        // 30 fps, 3 s, keyframes every second.
        let frames: Vec<(f64, u64)> = (0..90).map(|i| (i as f64 / 30.0, if i % 30 == 0 { 8 } else { 1 })).collect();
        Index::new(frames, vec![0.0, 1.0, 2.0])
    }

    #[test]
    fn the_frame_shown_at_a_time_and_its_keyframe() {
        let idx = index();
        assert_eq!(idx.shown_at(0.5), Some(15.0 / 30.0));
        assert_eq!(idx.shown_at(0.51), Some(15.0 / 30.0));
        assert_eq!(idx.shown_at(-1.0), Some(0.0));
        assert_eq!(idx.shown_at(9.0), Some(89.0 / 30.0));
        assert_eq!(idx.key_before(1.99), Some(1.0));
        assert_eq!(idx.key_before(-1.0), Some(0.0));
        assert!((idx.frame_step() - 1.0 / 30.0).abs() < 1e-9);
        assert_eq!(Index::default().shown_at(1.0), None);
    }
}
