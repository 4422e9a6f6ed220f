//! A filmstrip: `count` frames evenly spread over the clip, streamed as they are decoded. The clip
//! is cut into `count` equal slots; a slot shows the keyframe nearest its middle when it holds one
//! (a keyframe decodes alone: phones write one a second), else the exact frame at its middle.

use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver};

use super::picture::{check_height, size_for_height, Picture};
use crate::error::{Error, Result};
use crate::source::reader::{VideoFacts, VideoReader};

/// One filmstrip picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Thumbnail {
    /// Position in the strip, 0-based.
    pub index: u32,
    /// Presentation time of the frame shown, seconds from the clip's start.
    pub time: f64,
    /// Whether it is a keyframe (the slot held one) rather than the frame at the slot's middle.
    pub keyframe: bool,
    pub picture: Picture,
}

/// The most thumbnails one call makes.
pub const MAX_THUMBNAILS: u32 = 1000;

/// What a slot shows.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pick {
    Keyframe(f64),
    FrameAt(f64),
}

/// Thumbnails in strip order as an iterator: they are decoded on a worker thread while the caller
/// takes them. Dropping it stops the worker after the picture it is on.
pub struct Thumbnails {
    facts: VideoFacts,
    count: u32,
    received: Receiver<Result<Thumbnail>>,
}

impl Thumbnails {
    /// What the clip is (known before the first thumbnail arrives).
    pub fn facts(&self) -> VideoFacts {
        self.facts
    }

    /// How many thumbnails the strip has (the iterator yields each once).
    pub fn total(&self) -> u32 {
        self.count
    }
}

impl Iterator for Thumbnails {
    type Item = Result<Thumbnail>;

    fn next(&mut self) -> Option<Result<Thumbnail>> {
        self.received.recv().ok()
    }
}

/// `count` thumbnails of `clip`, `height` pixels high (upright, source aspect, never upscaled).
/// Opening the clip happens here, so a missing or unreadable file is an error of this call.
pub fn thumbnails(clip: &Path, count: u32, height: u32) -> Result<Thumbnails> {
    if !(1..=MAX_THUMBNAILS).contains(&count) {
        return Err(Error::invalid(format!("thumbnails: count must be 1–{MAX_THUMBNAILS}, got {count}")));
    }
    check_height(height, "thumbnails")?;
    // Frame threads: keyframes are independent, so two decode side by side.
    let mut reader = VideoReader::open(clip, |w, h| size_for_height(w, h, height), 2)?;
    let facts = reader.facts();
    // Small pictures: deblocking does not show.
    if u64::from(height) * 3 <= u64::from(facts.height) {
        reader.set_skip_deblocking();
    }
    let picks = plan(&reader.index().keys, reader.index().frames.first().copied().unwrap_or(0.0), facts.duration, count);
    // One picture of slack: the next is decoded while the caller shows this one.
    let (give, received) = sync_channel(1);
    std::thread::Builder::new()
        .name("clipforge-thumbnails".into())
        .spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| produce(&mut reader, &picks, &give)));
            let failed = match result {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(e),
                Err(p) => Some(Error::internal(format!("thumbnails failed unexpectedly: {}", crate::export::panic_text(&p)))),
            };
            if let Some(e) = failed {
                let _ = give.send(Err(e));
            }
        })
        .map_err(|e| Error::internal(format!("cannot start the thumbnail thread: {e}")))?;
    Ok(Thumbnails { facts, count, received })
}

/// Decodes the picks in strip order (keyframe runs in one pass, exact frames one by one); stops
/// quietly when the receiver is gone.
fn produce(reader: &mut VideoReader, picks: &[Pick], give: &std::sync::mpsc::SyncSender<Result<Thumbnail>>) -> Result<()> {
    let mut i = 0;
    while i < picks.len() {
        match picks[i] {
            Pick::FrameAt(t) => {
                let (time, frame) = reader.frame_at(t)?;
                let thumb = Thumbnail { index: i as u32, time, keyframe: false, picture: Picture::from_frame(&frame) };
                if give.send(Ok(thumb)).is_err() {
                    return Ok(());
                }
                i += 1;
            }
            Pick::Keyframe(_) => {
                let run: Vec<(usize, f64)> = picks[i..]
                    .iter()
                    .enumerate()
                    .map_while(|(k, p)| match p {
                        Pick::Keyframe(key) => Some((i + k, *key)),
                        Pick::FrameAt(_) => None,
                    })
                    .collect();
                let keys: Vec<f64> = run.iter().map(|r| r.1).collect();
                let mut delivered = vec![false; run.len()];
                let mut open = true;
                reader.keyframes(&keys, |(time, frame)| {
                    // The slot whose keyframe this is (nearest key still waiting).
                    let Some(k) = (0..run.len())
                        .filter(|&k| !delivered[k])
                        .min_by(|&a, &b| (run[a].1 - time).abs().total_cmp(&(run[b].1 - time).abs()))
                    else {
                        return Ok(true);
                    };
                    delivered[k] = true;
                    let thumb = Thumbnail { index: run[k].0 as u32, time, keyframe: true, picture: Picture::from_frame(&frame) };
                    open = give.send(Ok(thumb)).is_ok();
                    Ok(open)
                })?;
                if !open {
                    return Ok(());
                }
                // A keyframe that did not decode alone (damage): its slot decodes the usual way.
                for (k, _) in delivered.iter().enumerate().filter(|(_, d)| !**d) {
                    let (time, frame) = reader.frame_at(run[k].1)?;
                    let thumb = Thumbnail { index: run[k].0 as u32, time, keyframe: false, picture: Picture::from_frame(&frame) };
                    if give.send(Ok(thumb)).is_err() {
                        return Ok(());
                    }
                }
                i += run.len();
            }
        }
    }
    Ok(())
}

/// The pick of each of `count` equal slots of `[first, first + duration)`: the keyframe nearest
/// the slot's middle among those inside the slot, else the frame at the middle.
fn plan(keys: &[f64], first: f64, duration: f64, count: u32) -> Vec<Pick> {
    let slot = duration / f64::from(count);
    (0..count)
        .map(|i| {
            let (from, to) = (first + f64::from(i) * slot, first + f64::from(i + 1) * slot);
            let middle = (from + to) / 2.0;
            keys.iter()
                .copied()
                .filter(|&k| k >= from && k < to)
                .min_by(|a, b| (a - middle).abs().total_cmp(&(b - middle).abs()))
                .map_or(Pick::FrameAt(middle), Pick::Keyframe)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_take_the_keyframe_nearest_their_middle_or_the_middle_frame() {
        // 15 s, keyframes each second: ten 1.5 s slots all hold one.
        let keys: Vec<f64> = (0..15).map(f64::from).collect();
        let p = plan(&keys, 0.0, 15.0, 10);
        assert_eq!(p[0], Pick::Keyframe(1.0));
        assert_eq!(p[1], Pick::Keyframe(2.0));
        assert_eq!(p[9], Pick::Keyframe(14.0));
        // One keyframe only: later slots take their middle frames.
        let p = plan(&[0.0], 0.0, 8.0, 4);
        assert_eq!(p, vec![Pick::Keyframe(0.0), Pick::FrameAt(3.0), Pick::FrameAt(5.0), Pick::FrameAt(7.0)]);
    }
}
