//! Output frame n → segment frame: trim, repeat and boomerang as one periodic sequence.
//!
//! A seamless loop arrives here already rewritten into a repeat (`plan::seamless`); should one
//! not be, it plays like a repeat. Every loop mode is "one period repeated, the last pass cut": so one period is encoded once and
//! its packets are muxed again for each pass (see `export`).

use crate::error::{Error, Result};
use crate::recipe::{LoopMode, LoopSpec};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timeline {
    pub mode: LoopMode,
    /// Frames in the trimmed segment at the output rate.
    pub seg_frames: u32,
    /// Frames in one pass (boomerang: forward then back, without repeating the turning frames).
    pub period: u32,
    /// Frames in the finished clip.
    pub total: u32,
}

impl Timeline {
    pub fn new(spec: Option<&LoopSpec>, seg_len: f64, fps: f64) -> Result<Timeline> {
        let mode = spec.map(|s| s.mode).unwrap_or_default();
        // `as` saturates: a source claiming a year-long duration gives u32::MAX, not a wrap.
        let seg_frames = ((seg_len * fps).round() as u32).max(1);
        let period = period_of(mode, seg_frames);
        let (duration, count) = (spec.and_then(|s| s.duration), spec.and_then(|s| s.count));
        let total = match (mode, duration, count) {
            (_, Some(_), Some(_)) => return Err(Error::invalid("give loop.duration or loop.count, not both")),
            (LoopMode::None, None, None) => seg_frames,
            (LoopMode::None, _, _) => {
                return Err(Error::invalid("loop.duration/count need loop.mode \"repeat\", \"boomerang\" or \"seamless\""))
            }
            (_, Some(d), None) if d.is_finite() && d > 0.0 && d <= 3600.0 => (d * fps).round() as u32,
            (_, Some(d), None) => return Err(Error::invalid(format!("loop.duration {d} is not a positive number of seconds"))),
            (_, None, Some(c)) if (1..=1000).contains(&c) => period.saturating_mul(c),
            (_, None, Some(c)) => return Err(Error::invalid(format!("loop.count {c} must be 1–1000"))),
            (_, None, None) => return Err(Error::invalid("a repeat, boomerang or seamless loop needs loop.duration or loop.count")),
        };
        let total = total.max(1);
        // Segment frames past the end of the clip are never shown: the timeline (and so what is
        // decoded) stops there, however long the trimmed source is.
        if seg_frames > total {
            return Ok(Timeline { mode, seg_frames: total, period: period_of(mode, total), total });
        }
        Ok(Timeline { mode, seg_frames, period, total })
    }

    /// Segment frame shown at position `i` (0-based) of a pass.
    pub fn seg_index(&self, i: u32) -> u32 {
        let i = i % self.period;
        if i < self.seg_frames { i } else { self.period - i }
    }

    /// Segment frame shown at output frame `n`.
    pub fn frame_at(&self, n: u32) -> u32 {
        self.seg_index(n % self.period)
    }

    /// How many frames of the first pass are encoded (the rest of the clip reuses them).
    pub fn encoded(&self) -> u32 {
        self.period.min(self.total)
    }

    /// Complete passes and the frame count of the final partial pass.
    pub fn passes(&self) -> (u32, u32) {
        if self.total <= self.period { (1, 0) } else { (self.total / self.period, self.total % self.period) }
    }
    pub fn passes_full_only(&self) -> bool {
        self.passes().1 == 0
    }

    /// The whole clip as one pass (every frame encoded, nothing replayed).
    pub fn flat(&self) -> Timeline {
        Timeline { mode: LoopMode::None, seg_frames: self.total, period: self.total, total: self.total }
    }

    /// Pass positions that must start a closed GOP so the packets can be cut and reused there.
    pub fn keyframes(&self) -> Vec<u32> {
        let (_, partial) = self.passes();
        if self.total > self.period && partial > 0 { vec![0, partial] } else { vec![0] }
    }
}

/// Frames in one pass: the segment, or a boomerang's way there and back (turn frames once).
fn period_of(mode: LoopMode, seg_frames: u32) -> u32 {
    match mode {
        LoopMode::Boomerang if seg_frames >= 2 => seg_frames.saturating_mul(2) - 2,
        _ => seg_frames,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(mode: LoopMode, duration: Option<f64>, count: Option<u32>) -> LoopSpec {
        LoopSpec { mode, duration, count, crossfade: None }
    }

    #[test]
    fn repeat_cuts_last_pass() {
        let t = Timeline::new(Some(&spec(LoopMode::Repeat, Some(7.0), None)), 3.0, 30.0).unwrap();
        assert_eq!((t.seg_frames, t.period, t.total), (90, 90, 210));
        assert_eq!(t.passes(), (2, 30));
        assert_eq!(t.keyframes(), vec![0, 30]);
        assert_eq!(t.frame_at(95), 5);
    }

    #[test]
    fn boomerang_goes_back_without_repeating_turns() {
        let t = Timeline::new(Some(&spec(LoopMode::Boomerang, None, Some(2))), 4.0 / 30.0, 30.0).unwrap();
        let seq: Vec<u32> = (0..t.total).map(|n| t.frame_at(n)).collect();
        assert_eq!(seq, vec![0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1]);
    }

    #[test]
    fn a_segment_longer_than_the_clip_is_cut_to_it() {
        let t = Timeline::new(Some(&spec(LoopMode::Repeat, Some(6.0), None)), 1e12, 30.0).unwrap();
        assert_eq!((t.seg_frames, t.period, t.total, t.encoded()), (180, 180, 180, 180));
        let t = Timeline::new(Some(&spec(LoopMode::Boomerang, Some(6.0), None)), 1e12, 30.0).unwrap();
        assert_eq!((t.seg_frames, t.total, t.encoded(), t.frame_at(179)), (180, 180, 180, 179));
        let t = Timeline::new(None, 1e12, 30.0).unwrap();
        assert_eq!(t.total, u32::MAX);
    }

    #[test]
    fn none_plays_once_and_rejects_duration() {
        let t = Timeline::new(None, 8.0, 30.0).unwrap();
        assert_eq!((t.total, t.passes()), (240, (1, 0)));
        assert!(Timeline::new(Some(&spec(LoopMode::None, Some(6.0), None)), 8.0, 30.0).is_err());
        assert!(Timeline::new(Some(&spec(LoopMode::Repeat, None, None)), 8.0, 30.0).is_err());
    }
}
