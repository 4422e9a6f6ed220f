//! Candidate frames of a clip, in bounded time. Every keyframe is a candidate: it decodes alone
//! (the decoder skips everything else), and encoders start one at each scene cut. When keyframes
//! are sparse, a uniform spread of in-between frames is added, cheapest first, under a budget of
//! extra decoded frames — so a 1080p clip costs a few dozen decodes, not all of its frames.

use ffmpeg_next as ff;

use crate::source::index::Index;
use crate::source::packets::PacketReader;

use crate::error::{Error, Result};
use crate::frame::Frame;
use crate::source::open::{open_input, seek_or_reopen, start_pts};
use crate::source::probe::probe_input;
use crate::source::video::{DecodeOnly, VideoDecoder};

/// How candidates are drawn from a clip.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleOptions {
    /// At most this many candidate frames (default 32).
    pub max_candidates: usize,
    /// At most this many non-key frames decoded to reach in-between candidates (default 256).
    pub extra_decode_budget: usize,
    /// Frames are decoded with this short side (default 256; never upscaled).
    pub work_short_side: u32,
}

impl Default for SampleOptions {
    fn default() -> Self {
        SampleOptions { max_candidates: 32, extra_decode_budget: 256, work_short_side: 256 }
    }
}

/// One decoded candidate, upright, at the working size.
#[derive(Debug, Clone)]
pub struct CandidateFrame {
    /// Seconds from the start of the clip.
    pub time: f64,
    pub frame: Frame,
    pub keyframe: bool,
    /// A keyframe that breaks the clip's keyframe cadence: the encoder saw a cut.
    pub scene_change: bool,
}

/// What the sampler learnt about the clip.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClipFacts {
    pub duration: f64,
    /// Display (upright) size.
    pub width: u32,
    pub height: u32,
    /// Average frame rate (30 when the file does not say).
    pub fps: f64,
}

#[derive(Clone)]
struct Target {
    time: f64,
    keyframe: bool,
    scene_change: bool,
}

pub fn sample(path: &std::path::Path, opts: &SampleOptions) -> Result<(Vec<CandidateFrame>, ClipFacts)> {
    let mut frames = Vec::new();
    let (facts, _) = sample_streaming(path, opts, usize::MAX, |batch| {
        frames.extend(batch.into_iter().map(|(_, f)| f));
        Ok(())
    })?;
    frames.sort_by(|a, b| a.time.total_cmp(&b.time));
    Ok((frames, facts))
}

/// Which of the two readers decoded a candidate: each hands its candidates over in time order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reader {
    First,
    Second,
}

/// The clip as the sampler's two readers left it open.
pub(crate) struct Opened {
    pub first: ff::format::context::Input,
    pub second: Option<ff::format::context::Input>,
}

/// Candidates as they are decoded: `on_frames` runs on the calling thread, first as soon as a
/// frame is ready (with what has arrived), then with `batch` frames at a time (fewer at the end),
/// while two readers decode on their own threads, each over about half of the GOPs. Frames come in
/// time order per reader (tagged with it), not overall. Also hands back the readers' opened files:
/// opening decodes a frame (~11 ms at 1080p), so the next stages read on from them (they must seek
/// first).
///
/// An error from `on_frames` ends the sampling: the readers stop at their next frame.
pub(crate) fn sample_streaming(
    path: &std::path::Path,
    opts: &SampleOptions,
    batch: usize,
    mut on_frames: impl FnMut(Vec<(Reader, CandidateFrame)>) -> Result<()>,
) -> Result<(ClipFacts, Opened)> {
    if opts.max_candidates == 0 {
        return Err(Error::invalid("max_candidates must be at least 1"));
    }
    let panicked = |p: Box<dyn std::any::Any + Send>| Error::internal(format!("candidate decoding failed: {}", crate::export::panic_text(&p)));
    // Opening a file decodes its first frames, so the second reader opens while the first reads
    // the index, and waits there for its share.
    std::thread::scope(|scope| {
        let (give_share, share) = std::sync::mpsc::channel::<Share>();
        let (sink, frames) = std::sync::mpsc::channel::<(Reader, CandidateFrame)>();
        let sink2 = sink.clone();
        let helper = scope.spawn(move || -> Result<ff::format::context::Input> {
            let input = open_input(path)?;
            match share.recv() {
                Ok(s) => decode_range(path, input, true, &s.reading(), &s.targets, (Reader::Second, &sink2)),
                Err(_) => Ok(input), // nothing for it: one GOP, or the first reader failed
            }
        });
        let first = scope.spawn(move || sample_sharing(path, opts, give_share, &sink));
        let mut seen = 0usize;
        let mut stopped = Ok(());
        while let Ok(f) = frames.recv() {
            let mut got = vec![f];
            // The first call takes what is there (a progressive UI waits for it); later ones wait
            // for a whole batch, which the model runs at a lower cost per frame.
            while got.len() < batch {
                let next = if seen == 0 { frames.try_recv().ok() } else { frames.recv().ok() };
                match next {
                    Some(f) => got.push(f),
                    None => break,
                }
            }
            seen += got.len();
            if let Err(e) = on_frames(got) {
                stopped = Err(e);
                break;
            }
        }
        drop(frames); // a reader still decoding stops at its next frame
        let mine = first.join().unwrap_or_else(|p| Err(panicked(p)));
        let theirs = helper.join().unwrap_or_else(|p| Err(panicked(p)));
        stopped?;
        let (facts, first) = mine?;
        let second = theirs?;
        if seen == 0 {
            return Err(Error::unsupported(format!("{}: no candidate frame could be decoded", path.display())));
        }
        Ok((facts, Opened { first, second: Some(second) }))
    })
}

/// The second reader's share of the work.
struct Share {
    rotation: u32,
    size: (u32, u32),
    index: Index,
    step: f64,
    targets: Vec<Target>,
}

impl Share {
    fn reading(&self) -> Reading<'_> {
        Reading { rotation: self.rotation, size: self.size, index: &self.index, step: self.step }
    }
}

/// What every reader of one clip shares.
struct Reading<'a> {
    rotation: u32,
    /// Upright working size.
    size: (u32, u32),
    index: &'a Index,
    /// Typical frame duration, seconds.
    step: f64,
}

/// Opens the clip, reads its index, chooses the targets, hands the later half to the other reader
/// and decodes the first half into `sink` (frames in time order).
fn sample_sharing(
    path: &std::path::Path,
    opts: &SampleOptions,
    give_share: std::sync::mpsc::Sender<Share>,
    sink: &std::sync::mpsc::Sender<(Reader, CandidateFrame)>,
) -> Result<(ClipFacts, ff::format::context::Input)> {
    let mut input = open_input(path)?;
    let info = probe_input(&input, path);
    let (stream, v) = info.video().ok_or_else(|| Error::unsupported(format!("{}: has no video stream", path.display())))?;
    if v.display_width < 2 || v.display_height < 2 {
        return Err(Error::unsupported(format!("{}: the video has no usable size", path.display())));
    }
    let index = Index::read(&mut input)?;
    if index.frames.is_empty() {
        return Err(Error::unsupported(format!("{}: no video frames could be read", path.display())));
    }
    let last = *index.frames.last().expect("not empty");
    let step = index.frame_step();
    let duration = if stream.duration > 0.0 { stream.duration } else { last + step };
    let fps = if v.fps > 0.0 { v.fps } else { 30.0 };
    let facts = ClipFacts { duration, width: v.display_width, height: v.display_height, fps };
    let targets = choose_targets(&index, duration, opts);
    let size = work_size(v.display_width, v.display_height, opts.work_short_side);
    let (first, second) = targets.split_at(split_point(&index, &targets));
    let (mine, theirs) = if first.is_empty() { (second, first) } else { (first, second) };
    if !theirs.is_empty() {
        let share = Share { rotation: v.rotation, size, index: index.clone(), step, targets: theirs.to_vec() };
        // A send fails only if the other reader could not open the file; its error is reported.
        let _ = give_share.send(share);
    }
    drop(give_share);
    let reading = Reading { rotation: v.rotation, size, index: &index, step };
    let input = decode_range(path, input, false, &reading, mine, (Reader::First, sink))?;
    Ok((facts, input))
}

/// Upright working size: short side `short` (even), aspect kept, never larger than the source.
pub(crate) fn work_size(w: u32, h: u32, short: u32) -> (u32, u32) {
    let s = (f64::from(short.max(16)) / f64::from(w.min(h))).min(1.0);
    let even = |x: f64| ((x / 2.0).round() as u32 * 2).max(2);
    (even(f64::from(w) * s), even(f64::from(h) * s))
}

/// Keyframes first (thinned evenly when there are too many, scene cuts kept), then in-between
/// frames on a uniform grid where no candidate is near, cheapest to decode first.
fn choose_targets(index: &Index, duration: f64, opts: &SampleOptions) -> Vec<Target> {
    let n = opts.max_candidates;
    let gaps: Vec<f64> = index.keys.windows(2).map(|w| w[1] - w[0]).collect();
    let cadence = {
        let mut g = gaps.clone();
        g.sort_by(f64::total_cmp);
        g.get(g.len() / 2).copied().unwrap_or(f64::INFINITY)
    };
    let mut keys: Vec<Target> = index
        .keys
        .iter()
        .enumerate()
        .map(|(i, &t)| Target { time: t, keyframe: true, scene_change: i > 0 && gaps[i - 1] < 0.8 * cadence })
        .collect();
    if keys.len() > n {
        // Evenly spaced picks; a scene cut replaces the regular keyframe nearest to it.
        let mut keep = vec![false; keys.len()];
        let cuts: Vec<usize> = (0..keys.len()).filter(|&i| keys[i].scene_change).take(n / 2).collect();
        for &i in &cuts {
            keep[i] = true;
        }
        let rest = n - cuts.len();
        for j in 0..rest {
            let t = (j as f64 + 0.5) * duration / rest as f64;
            let best = (0..keys.len())
                .filter(|&i| !keep[i])
                .min_by(|&a, &b| (keys[a].time - t).abs().total_cmp(&(keys[b].time - t).abs()));
            if let Some(i) = best {
                keep[i] = true;
            }
        }
        let mut i = 0;
        keys.retain(|_| {
            i += 1;
            keep[i - 1]
        });
    }
    let mut targets = keys;
    let room = n.saturating_sub(targets.len());
    if room == 0 || index.keys.is_empty() {
        targets.sort_by(|a, b| a.time.total_cmp(&b.time));
        return targets;
    }
    // Grid points with no candidate within half a grid step, snapped to a real frame. A point may
    // move up to a quarter step earlier, staying half a step after its GOP's keyframe: every frame
    // between the keyframe and the target is decoded, so earlier is cheaper.
    let grid = duration / n as f64;
    let mut extra: Vec<(usize, usize, f64)> = Vec::new(); // (cost in frames, gop, time)
    for j in 0..n {
        let t = (j as f64 + 0.5) * grid;
        if targets.iter().any(|c| (c.time - t).abs() < grid / 2.0) {
            continue;
        }
        let key = index.keys[index.gop_of(t)];
        let t = (t - grid / 4.0).max(key + grid / 2.0).min(t);
        let fi = index.frames.partition_point(|&f| f <= t).saturating_sub(1);
        let ft = index.frames[fi];
        let gop = index.gop_of(ft);
        let cost = index.frames.partition_point(|&f| f <= ft) - index.frames.partition_point(|&f| f <= index.keys[gop]);
        if cost > 0 {
            extra.push((cost, gop, ft));
        }
    }
    extra.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.total_cmp(&b.2)));
    // Frames inside one GOP are decoded once: a GOP costs as far as its furthest target.
    let mut reach = vec![0usize; index.keys.len()];
    let mut spent = 0;
    let mut added = 0;
    for (cost, gop, t) in extra {
        if added == room {
            break;
        }
        let more = cost.saturating_sub(reach[gop]);
        if spent + more > opts.extra_decode_budget {
            continue;
        }
        spent += more;
        reach[gop] = reach[gop].max(cost);
        targets.push(Target { time: t, keyframe: false, scene_change: false });
        added += 1;
    }
    targets.sort_by(|a, b| a.time.total_cmp(&b.time));
    targets.dedup_by(|a, b| (a.time - b.time).abs() < 1e-6);
    targets
}

/// Where to cut `targets` (sorted) into two runs of about equal decoding cost, between GOPs.
fn split_point(index: &Index, targets: &[Target]) -> usize {
    // The keyframe alone, or every frame from the keyframe to the target (only reference frames
    // are decoded, but B-frames are small), by compressed size.
    let cost = |t: &Target| {
        let key = index.keys.get(index.gop_of(t.time)).copied().unwrap_or(0.0);
        if t.keyframe { index.bytes_between(t.time, t.time) } else { index.bytes_between(key, t.time) }
    };
    let total: u64 = targets.iter().map(cost).sum();
    let mut spent = 0;
    for (i, t) in targets.iter().enumerate() {
        if spent * 2 >= total && i > 0 && index.gop_of(targets[i - 1].time) != index.gop_of(t.time) {
            return i;
        }
        spent += cost(t);
    }
    targets.len()
}

/// One demux pass over the GOPs of `targets` (sorted): every reference frame of a GOP up to its
/// last target is decoded, keyframes only elsewhere; each candidate goes to `sink` once decoded.
/// `input` is `path` opened; unless `fresh`, it has been read before and is rewound first. Gives
/// the file back, read on from there. Stops early when nobody takes the candidates any more.
fn decode_range(
    path: &std::path::Path,
    mut input: ff::format::context::Input,
    fresh: bool,
    reading: &Reading<'_>,
    targets: &[Target],
    (reader, sink): (Reader, &std::sync::mpsc::Sender<(Reader, CandidateFrame)>),
) -> Result<ff::format::context::Input> {
    let Reading { rotation, size: (ww, wh), index, step } = *reading;
    let (Some(first), Some(last)) = (targets.first(), targets.last()) else { return Ok(input) };
    // For each GOP (by keyframe index): the time up to which every frame must be decoded.
    let mut full_until = vec![f64::NEG_INFINITY; index.keys.len()];
    for t in targets.iter().filter(|t| !t.keyframe) {
        let gop = index.gop_of(t.time);
        full_until[gop] = full_until[gop].max(t.time);
    }
    let begin = index.keys.get(index.gop_of(first.time)).copied().unwrap_or(f64::NEG_INFINITY);
    let last_target = last.time;
    let (vindex, tb, start) = {
        let stream = input.streams().best(ff::media::Type::Video).ok_or_else(|| Error::unsupported("the source has no video stream"))?;
        (stream.index(), f64::from(stream.time_base()), start_pts(&stream))
    };
    if begin > 0.0 || !fresh {
        // To the first keyframe of this run; a failed or early seek only means reading further.
        // Containers without a keyframe index seek by estimate: aim a second early.
        let slack = if crate::source::open::seeks_exactly(&input) { -0.0005 } else { 1.0 };
        let to = if begin > 0.0 { begin + start as f64 * tb - slack } else { 0.0 };
        // A reader that is at the end of the file and cannot go back reads it again from the start.
        seek_or_reopen(&mut input, path, to, !fresh)?;
    }
    let stream = input.stream(vindex).ok_or_else(|| Error::unsupported("the source has no video stream"))?;
    let mut dec = VideoDecoder::with_threads(&stream, rotation, ww, wh, 1)?;
    dec.set_decode(DecodeOnly::Keyframes);
    dec.set_skip_deblock_except_keyframes();
    let mut started = !begin.is_finite() || begin <= 0.0;
    let mut found = vec![false; targets.len()];
    let mut decode_until = f64::NEG_INFINITY;
    // The target a frame shown at `time` stands for, if that target is still open. Keyframes are
    // exact; an in-between target takes the first frame shown from its time to `late` after it,
    // since only reference frames are decoded on the way to it.
    let late = (3.0 * step).max(0.1);
    let reach = |t: &Target| if t.keyframe { step / 2.0 } else { late };
    let open_target = |time: f64, found: &[bool]| {
        let i = targets.partition_point(|t| t.time + reach(t) <= time);
        targets.get(i).filter(|t| time >= t.time - step / 2.0 && !found[i]).map(|_| i)
    };
    // Frames decoded only to reach a later target are not converted. False once nobody listens.
    let drain = |dec: &mut VideoDecoder, found: &mut Vec<bool>| -> Result<bool> {
        while let Some((time, frame)) = dec.receive_where(|t| open_target(t, found).is_some())? {
            if let (Some(frame), Some(i)) = (frame, open_target(time, found)) {
                let t = &targets[i];
                found[i] = true;
                let c = CandidateFrame { time: time.max(0.0), frame, keyframe: t.keyframe, scene_change: t.scene_change };
                if sink.send((reader, c)).is_err() {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    };
    let mut reader = PacketReader::default();
    while let Some(packet) = reader.next(&mut input) {
        if packet.stream() != vindex {
            continue;
        }
        let t = packet.pts().or(packet.dts()).map(|p| crate::source::open::seconds_between(start, p, tb));
        if packet.is_key() {
            if let Some(t) = t {
                if t > last_target + step {
                    break;
                }
                started |= t >= begin - step / 2.0;
                let gop = index.gop_of(t);
                decode_until = full_until.get(gop).copied().unwrap_or(f64::NEG_INFINITY) + late;
                dec.set_decode(if decode_until.is_finite() { DecodeOnly::References } else { DecodeOnly::Keyframes });
            }
        } else if packet.dts().is_some_and(|d| crate::source::open::seconds_between(start, d, tb) > decode_until + step / 2.0) {
            // Past this GOP's last target: later frames of the GOP are not needed. Decode order is
            // not display order (B-frames), but a frame shown by `decode_until` is decoded by then.
            dec.set_decode(DecodeOnly::Keyframes);
        }
        if !started {
            continue; // before this run's first GOP (the other thread's share)
        }
        dec.send(&packet);
        if !drain(&mut dec, &mut found)? {
            return Ok(input);
        }
    }
    dec.send_eof();
    drain(&mut dec, &mut found)?;
    Ok(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keyframes eight times the size of other frames.
    fn index(fps: f64, secs: f64, gop: usize) -> Index {
        let frames: Vec<(f64, u64)> = (0..(fps * secs) as usize).map(|i| (i as f64 / fps, if i % gop == 0 { 8 } else { 1 })).collect();
        let keys = frames.iter().step_by(gop).map(|f| f.0).collect();
        Index::new(frames, keys)
    }

    #[test]
    fn keyframes_first_then_cheap_in_between_frames_within_budget() {
        let idx = index(30.0, 15.0, 30);
        let opts = SampleOptions { max_candidates: 32, extra_decode_budget: 96, work_short_side: 256 };
        let t = choose_targets(&idx, 15.0, &opts);
        assert!(t.len() <= 32 && t.len() > 15, "{}", t.len());
        assert_eq!(t.iter().filter(|t| t.keyframe).count(), 15);
        assert!(t.windows(2).all(|w| w[0].time < w[1].time));
    }

    #[test]
    fn the_split_between_decoding_threads_falls_between_gops_near_half_the_cost() {
        let idx = index(30.0, 10.0, 30);
        let t = |time: f64, keyframe: bool| Target { time, keyframe, scene_change: false };
        let targets: Vec<Target> = (0..10).map(|k| t(k as f64, true)).collect();
        assert_eq!(split_point(&idx, &targets), 5);
        // A target half-way into GOP 1 stays with its keyframe, and weighs more than a keyframe.
        let mut mixed: Vec<Target> = (0..4).map(|k| t(k as f64, true)).collect();
        mixed.insert(2, t(1.5, false));
        let i = split_point(&idx, &mixed);
        assert_eq!(i, 3, "split after GOP 1 (keyframe 1.0 and 1.5 together)");
        assert!(split_point(&idx, &targets[..1]) == 1, "one target: no split");
    }

    #[test]
    fn the_split_follows_compressed_size() {
        // Ten GOPs of keyframes only; the first keyframe is as big as the nine others together.
        let frames: Vec<(f64, u64)> = (0..300).map(|i| (i as f64 / 30.0, if i == 0 { 72 } else if i % 30 == 0 { 8 } else { 1 })).collect();
        let keys = frames.iter().step_by(30).map(|f| f.0).collect();
        let idx = Index::new(frames, keys);
        let targets: Vec<Target> = (0..10).map(|k| Target { time: k as f64, keyframe: true, scene_change: false }).collect();
        assert_eq!(split_point(&idx, &targets), 1);
        assert_eq!(idx.bytes_between(0.0, 1.0), 72 + 29 + 8);
    }

    #[test]
    fn many_keyframes_are_thinned_evenly() {
        let idx = index(30.0, 20.0, 5);
        let opts = SampleOptions { max_candidates: 10, ..Default::default() };
        let t = choose_targets(&idx, 20.0, &opts);
        assert_eq!(t.len(), 10);
        assert!(t.first().unwrap().time < 2.5 && t.last().unwrap().time > 17.5);
    }

    #[test]
    fn work_size_keeps_aspect_and_never_upscales() {
        assert_eq!(work_size(1920, 1080, 256), (456, 256));
        assert_eq!(work_size(1080, 1920, 256), (256, 456));
        assert_eq!(work_size(200, 100, 256), (200, 100));
    }
}
