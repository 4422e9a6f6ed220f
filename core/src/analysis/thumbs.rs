//! Luma thumbnails (~64x36) of every frame of a time range: what the loop-point search compares.

use std::path::Path;

use crate::error::{Error, Result};
use crate::export::CancelToken;
use crate::source::frames::{read_range, RangeRead, WorkSize};
use crate::source::video::DecodeOnly;

/// Longer side of a thumbnail: 64x36 for 16:9, about 1/30 of a 1080p picture's side.
pub const THUMB_LONG_SIDE: u32 = 64;
/// At most this many thumbnails per second (faster clips are thinned to a 1/30 s grid).
pub const MAX_RATE: f64 = 30.0;
/// At most this many thumbnails (two minutes at 30 per second): 8 MB, and a bounded search.
pub const MAX_THUMBS: usize = 3600;

/// Consecutive luma thumbnails of a clip.
#[derive(Debug, Clone, PartialEq)]
pub struct Thumbs {
    pub width: usize,
    pub height: usize,
    /// Seconds from the clip's first frame, increasing.
    pub times: Vec<f64>,
    /// `times.len()` pictures of `width * height` luma bytes, one after the other.
    pub luma: Vec<u8>,
    /// Thumbnails per second (the clip's rate, at most [`MAX_RATE`]).
    pub rate: f64,
    /// Keyframe times met while reading.
    pub keyframes: Vec<f64>,
}

impl Thumbs {
    pub fn len(&self) -> usize {
        self.times.len()
    }
    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }
    /// Thumbnail `i`'s luma, row-major.
    pub fn frame(&self, i: usize) -> &[u8] {
        let n = self.width * self.height;
        &self.luma[i * n..(i + 1) * n]
    }
}

/// Thumbnails of every frame from `start` to `end` (seconds; `None`: the clip's end). Every frame
/// is decoded (skipping the deblocking filter, which a 30x smaller picture does not show).
pub fn luma_thumbnails(clip: &Path, start: f64, end: Option<f64>, cancel: &CancelToken) -> Result<Thumbs> {
    let read = RangeRead { start, end, size: WorkSize::LongSide(THUMB_LONG_SIDE), decode: DecodeOnly::All, skip_deblocking: true };
    let mut thumbs = Thumbs { width: 0, height: 0, times: Vec::new(), luma: Vec::new(), rate: MAX_RATE, keyframes: Vec::new() };
    // A 1/30 s grid thins faster clips; a frame is kept when it reaches the next grid point.
    let step = 1.0 / MAX_RATE;
    let next = std::cell::Cell::new(f64::NEG_INFINITY);
    let facts = read_range(
        clip,
        &read,
        cancel,
        |_| None,
        |t| t >= next.get() - 0.25 * step,
        |t, f| {
            next.set(next.get().max(t) + step);
            if thumbs.times.len() >= MAX_THUMBS {
                return Err(Error::limit(format!(
                    "loop search covers at most {} s of video ({MAX_THUMBS} frames at {MAX_RATE} per second): trim the clip first",
                    MAX_THUMBS as f64 / MAX_RATE
                )));
            }
            thumbs.width = f.width as usize;
            thumbs.height = f.height as usize;
            thumbs.times.push(t);
            thumbs.luma.extend_from_slice(&f.y);
            Ok(())
        },
    )?;
    thumbs.rate = facts.fps.min(MAX_RATE);
    thumbs.keyframes = facts.keyframes;
    if thumbs.is_empty() {
        return Err(Error::unsupported(format!("{}: no frame could be decoded between {start:.3} s and {:?} s", clip.display(), end)));
    }
    Ok(thumbs)
}
