//! A filmstrip: `count` frames evenly spread over the clip, streamed as they are decoded. The clip
//! is cut into `count` equal slots; a slot shows the keyframe nearest its middle when it holds one
//! (a keyframe decodes alone: phones write one a second), else the exact frame at its middle.

use std::collections::BTreeMap;
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

/// Thumbnails in strip order as an iterator: they are decoded on worker threads while the caller
/// takes them. Dropping it stops the workers after the picture each is on.
pub struct Thumbnails {
    facts: VideoFacts,
    count: u32,
    /// One receiver per lane; lane `l` decodes the slots `i` with `i % lanes == l`.
    lanes: Vec<Receiver<Result<Thumbnail>>>,
    /// The next strip position to hand out.
    next: u32,
    /// Pictures that arrived ahead of their turn (a damaged keyframe's slot decoded late).
    early: BTreeMap<u32, Thumbnail>,
    failed: bool,
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
        if self.failed || self.next >= self.count {
            return None;
        }
        let want = self.next;
        loop {
            if let Some(t) = self.early.remove(&want) {
                self.next += 1;
                return Some(Ok(t));
            }
            match self.lanes[want as usize % self.lanes.len()].recv() {
                Ok(Ok(t)) if t.index == want => {
                    self.next += 1;
                    return Some(Ok(t));
                }
                Ok(Ok(t)) => {
                    self.early.insert(t.index, t);
                }
                Ok(Err(e)) => {
                    self.failed = true;
                    return Some(Err(e));
                }
                // The lane's worker stopped without a word: it was told to (nothing to do here).
                Err(_) => return None,
            }
        }
    }
}

/// `count` thumbnails of `clip`, `height` pixels high (upright, source aspect, never upscaled).
/// Opening the clip happens here, so a missing or unreadable file is an error of this call.
pub fn thumbnails(clip: &Path, count: u32, height: u32) -> Result<Thumbnails> {
    if !(1..=MAX_THUMBNAILS).contains(&count) {
        return Err(Error::invalid(format!("thumbnails: count must be 1–{MAX_THUMBNAILS}, got {count}")));
    }
    check_height(height, "thumbnails")?;
    let first = open_reader(clip, height)?;
    let facts = first.facts();
    let picks = plan(&first.index().keys, first.index().frames.first().copied().unwrap_or(0.0), facts.duration, count);
    // Two single-threaded decoders side by side, each taking every other slot: a strip is mostly
    // keyframes, which decode alone, and two whole decoders keep both cores busy without the
    // hand-over cost of frame threads (1080p: 21 ms a keyframe alone, 25 ms on frame threads).
    let lanes = if count >= 2 && std::thread::available_parallelism().map_or(1, |n| n.get()) >= 2 { 2 } else { 1 };
    let mut receivers = Vec::with_capacity(lanes);
    let mut first = Some(first);
    for lane in 0..lanes {
        let mine: Vec<(u32, Pick)> = picks.iter().copied().enumerate().filter(|(i, _)| i % lanes == lane).map(|(i, p)| (i as u32, p)).collect();
        // One picture of slack: the next is decoded while the caller shows this one.
        let (give, received) = sync_channel(1);
        receivers.push(received);
        let reader = first.take();
        let clip = clip.to_path_buf();
        std::thread::Builder::new()
            .name("clipforge-thumbnails".into())
            .spawn(move || {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    // The second lane opens its own reader on its own thread, beside the first decode.
                    let mut reader = match reader {
                        Some(r) => r,
                        None => open_reader(&clip, height)?,
                    };
                    produce(&mut reader, &mine, &give)
                }));
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
    }
    Ok(Thumbnails { facts, count, lanes: receivers, next: 0, early: BTreeMap::new(), failed: false })
}

/// A reader for thumbnails `height` pixels high: one decoder thread (the lanes are the parallelism).
fn open_reader(clip: &Path, height: u32) -> Result<VideoReader> {
    let mut reader = VideoReader::open(clip, |w, h| size_for_height(w, h, height), 1)?;
    // Small pictures: deblocking does not show.
    if u64::from(height) * 3 <= u64::from(reader.facts().height) {
        reader.set_skip_deblocking();
    }
    Ok(reader)
}

/// Decodes the picks (strip position, what) in order (keyframe runs in one pass, exact frames one
/// by one); stops quietly when the receiver is gone.
fn produce(reader: &mut VideoReader, picks: &[(u32, Pick)], give: &std::sync::mpsc::SyncSender<Result<Thumbnail>>) -> Result<()> {
    let mut i = 0;
    while i < picks.len() {
        match picks[i].1 {
            Pick::FrameAt(t) => {
                let (time, frame) = reader.frame_at(t)?;
                let thumb = Thumbnail { index: picks[i].0, time, keyframe: false, picture: Picture::from_frame(&frame) };
                if give.send(Ok(thumb)).is_err() {
                    return Ok(());
                }
                i += 1;
            }
            Pick::Keyframe(_) => {
                let run: Vec<(u32, f64)> = picks[i..]
                    .iter()
                    .map_while(|(index, p)| match p {
                        Pick::Keyframe(key) => Some((*index, *key)),
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
                    let thumb = Thumbnail { index: run[k].0, time, keyframe: true, picture: Picture::from_frame(&frame) };
                    open = give.send(Ok(thumb)).is_ok();
                    Ok(open)
                })?;
                if !open {
                    return Ok(());
                }
                // A keyframe that did not decode alone (damage): its slot decodes the usual way.
                for (k, _) in delivered.iter().enumerate().filter(|(_, d)| !**d) {
                    let (time, frame) = reader.frame_at(run[k].1)?;
                    let thumb = Thumbnail { index: run[k].0, time, keyframe: false, picture: Picture::from_frame(&frame) };
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
    fn lanes_merge_into_strip_order_even_when_a_slot_comes_late() {
        let facts = VideoFacts { width: 4, height: 2, rotation: 0, duration: 1.0, frame_step: 0.1 };
        let thumb = |index| Thumbnail { index, time: 0.0, keyframe: true, picture: Picture { width: 2, height: 2, rgba: vec![0; 16] } };
        let (a, ra) = sync_channel(4);
        let (b, rb) = sync_channel(4);
        // Lane 0's slot 0 keyframe was damaged: its picture comes after slot 2's.
        for i in [2, 0] {
            a.send(Ok(thumb(i))).unwrap();
        }
        b.send(Ok(thumb(1))).unwrap();
        b.send(Err(Error::unsupported("lane 1 could not decode slot 3"))).unwrap();
        drop((a, b));
        let strip = Thumbnails { facts, count: 6, lanes: vec![ra, rb], next: 0, early: BTreeMap::new(), failed: false };
        let got: Vec<std::result::Result<u32, String>> = strip.map(|t| t.map(|t| t.index).map_err(|e| e.message)).collect();
        assert_eq!(got, vec![Ok(0), Ok(1), Ok(2), Err("lane 1 could not decode slot 3".into())], "the error ends the strip");
    }

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
