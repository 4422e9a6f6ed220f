//! The crop path of `fit: "smart"`: where a fixed-size crop window sits on every output frame,
//! moved the way a camera operator would (after MediaPipe AutoFlip's kinematic path solver):
//! hold still while the subject stays inside the window with a margin; otherwise pan towards it
//! with limited speed and acceleration, aiming a little ahead (the whole track is known, so the
//! pan starts before the subject reaches the edge); jump, never pan, at a scene cut; never leave
//! the source frame. Where nothing was ever seen in a scene, the window stays centred (`crop`).
//!
//! One [`SubjectTrack`] serves every output: call [`reframe_path`] once per crop size.

use serde::{Deserialize, Serialize};

use super::track::{Detection, Region, SubjectKind, SubjectTrack};
use crate::error::{Error, Result};

/// The path's frames and how the camera may move.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PathOptions {
    /// Source time of the first path frame, seconds of the clip.
    pub start: f64,
    /// Path frames per second (the output's rate) and their number.
    pub fps: f64,
    pub frames: u32,
    /// Room kept between the subject and the window's edges, as a fraction of the window (0.1).
    pub margin: f64,
    /// Pan speed limit, as a fraction of the source's side per second (0.6).
    pub max_speed: f64,
    /// Pan acceleration limit, as a fraction of the source's side per second² (1.2).
    pub max_accel: f64,
}

impl PathOptions {
    /// A path of `frames` frames at `fps` from `start`, with the default camera limits.
    pub fn new(start: f64, fps: f64, frames: u32) -> PathOptions {
        PathOptions { start, fps, frames, margin: 0.1, max_speed: 0.6, max_accel: 1.2 }
    }

    /// The frames at `fps` that cover `track`'s range.
    pub fn covering(track: &SubjectTrack, fps: f64) -> PathOptions {
        let frames = ((track.end - track.start) * fps).round().clamp(0.0, 1_000_000.0) as u32;
        PathOptions::new(track.start, fps, frames)
    }
}

/// Where the crop sits on one frame, in upright source pixels (inside the source).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CropWindow {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl CropWindow {
    /// `(x, y, w, h)`, as `Reframer::apply_window_into` takes it.
    pub fn rect(&self) -> (f64, f64, f64, f64) {
        (self.x, self.y, self.w, self.h)
    }

    /// The same window in a picture scaled to `w`x`h` (e.g. the export's working size).
    pub fn scaled_to(&self, src: (u32, u32), to: (u32, u32)) -> CropWindow {
        let (sx, sy) = (f64::from(to.0) / f64::from(src.0.max(1)), f64::from(to.1) / f64::from(src.1.max(1)));
        CropWindow { x: self.x * sx, y: self.y * sy, w: self.w * sx, h: self.h * sy }
    }
}

/// A crop path: one window per frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReframePath {
    pub windows: Vec<CropWindow>,
    /// Per frame: whether a subject was seen there (detected, or between detections); the other
    /// frames hold the last position, or stay centred.
    pub subject: Vec<bool>,
}

/// Size of the part of a `src_w`x`src_h` source that, scaled, exactly covers a `out_w`x`out_h`
/// output: what `fit: "crop"` shows centred (`frame::reframe`'s cover crop) and `smart` moves.
pub fn crop_size(src_w: u32, src_h: u32, out_w: u32, out_h: u32) -> (f64, f64) {
    let (sw, sh, ow, oh) = (f64::from(src_w), f64::from(src_h), f64::from(out_w.max(1)), f64::from(out_h.max(1)));
    if ow * sh >= oh * sw { (sw, (sw * oh / ow).min(sh)) } else { ((sh * ow / oh).min(sw), sh) }
}

/// Samples this far apart (seconds) or less are joined by a straight line; further apart, the
/// frames between them have no subject (analysis samples at least every second, or as asked).
const MAX_GAP: f64 = 2.0;
/// A lone sample's subject counts this long (seconds) before and after it.
const HOLD: f64 = 1.0;
/// Pan velocity = GAIN · (target − position), per second; the target is taken LOOKAHEAD seconds
/// ahead (1 / GAIN: a steady pan then has no lag).
const GAIN: f64 = 3.0;
const LOOKAHEAD: f64 = 1.0 / GAIN;

/// The crop path for a window of `crop` = (w, h) source pixels (see [`crop_size`]).
pub fn reframe_path(track: &SubjectTrack, crop: (f64, f64), opts: &PathOptions) -> Result<ReframePath> {
    let (sw, sh) = (f64::from(track.width), f64::from(track.height));
    let ok = |x: f64| x.is_finite();
    if !(ok(opts.start) && ok(opts.fps) && opts.fps > 0.0 && opts.fps <= 240.0) || opts.frames > 1_000_000 {
        return Err(Error::invalid(format!("path of {} frames at {} fps from {} s", opts.frames, opts.fps, opts.start)));
    }
    if !(ok(opts.margin) && (0.0..0.5).contains(&opts.margin) && ok(opts.max_speed) && opts.max_speed > 0.0 && ok(opts.max_accel) && opts.max_accel > 0.0) {
        return Err(Error::invalid("path margin must be 0–0.5 and speed and acceleration limits positive"));
    }
    if !(ok(crop.0) && ok(crop.1) && crop.0 > 0.0 && crop.1 > 0.0) || sw < 1.0 || sh < 1.0 {
        return Err(Error::invalid(format!("crop {}x{} of a {}x{} source", crop.0, crop.1, sw, sh)));
    }
    let (cw, ch) = (crop.0.min(sw), crop.1.min(sh));
    let n = opts.frames as usize;
    let times: Vec<f64> = (0..n).map(|i| opts.start + i as f64 / opts.fps).collect();
    let mut cuts = track.cuts.clone();
    cuts.sort_by(f64::total_cmp);
    let scene = |t: f64| cuts.partition_point(|&c| c <= t + 1e-9);

    // The subject each sample focuses on for this window size, median-filtered within scenes.
    let focus: Vec<Option<Region>> = track.samples.iter().map(|s| choose_focus(&s.detections, (cw, ch), opts.margin)).collect();
    let focus = median_filtered(track, &focus, &scene);
    let subjects: Vec<Option<Region>> = times.iter().map(|&t| at_time(track, &focus, t, &scene)).collect();

    let dt = 1.0 / opts.fps;
    let mut xs = vec![sw / 2.0; n];
    let mut ys = vec![sh / 2.0; n];
    let mut i = 0;
    while i < n {
        // One scene's frames: [i, j).
        let s = scene(times[i]);
        let j = (i..n).find(|&k| scene(times[k]) != s).unwrap_or(n);
        let subj = &subjects[i..j];
        let axis = |pick: fn(&Region) -> (f64, f64), size: f64, window: f64| -> Vec<f64> {
            let targets = targets_along(subj, pick, size);
            let limits = Limits { speed: opts.max_speed * size, accel: opts.max_accel * size, dt, margin: opts.margin * window };
            follow(&targets, size, window, &limits)
        };
        let px = axis(|r| (r.x + r.w / 2.0, r.w), sw, cw);
        let py = axis(|r| (r.y + r.h / 2.0, r.h), sh, ch);
        xs[i..j].copy_from_slice(&px);
        ys[i..j].copy_from_slice(&py);
        i = j;
    }
    let windows = xs.iter().zip(&ys).map(|(&x, &y)| CropWindow { x: x - cw / 2.0, y: y - ch / 2.0, w: cw, h: ch }).collect();
    Ok(ReframePath { windows, subject: subjects.iter().map(Option::is_some).collect() })
}

/// Faces win over salient regions; the strongest (score × area) leads, and others of its kind
/// join while everything still fits inside the window with its margins.
fn choose_focus(dets: &[Detection], (cw, ch): (f64, f64), margin: f64) -> Option<Region> {
    let kind = if dets.iter().any(|d| d.kind == SubjectKind::Face) { SubjectKind::Face } else { SubjectKind::Salient };
    let mut ranked: Vec<&Detection> = dets.iter().filter(|d| d.kind == kind).collect();
    ranked.sort_by(|a, b| (f64::from(b.score) * b.region.area()).total_cmp(&(f64::from(a.score) * a.region.area())));
    let mut focus = ranked.first()?.region;
    let (room_w, room_h) = (cw * (1.0 - 2.0 * margin), ch * (1.0 - 2.0 * margin));
    for d in &ranked[1..] {
        let u = focus.union(&d.region);
        if u.w <= room_w && u.h <= room_h {
            focus = u;
        }
    }
    Some(focus)
}

/// Each sample's focus replaced by the median (per coordinate) of itself and its neighbours in the
/// same scene that have one: a single wrong detection does not move the camera.
fn median_filtered(track: &SubjectTrack, focus: &[Option<Region>], scene: &dyn Fn(f64) -> usize) -> Vec<Option<Region>> {
    (0..focus.len())
        .map(|k| {
            let me = focus[k]?;
            let s = scene(track.samples[k].time);
            let near: Vec<Region> = [k.checked_sub(1), Some(k), Some(k + 1)]
                .into_iter()
                .flatten()
                .filter(|&q| q < focus.len() && scene(track.samples[q].time) == s)
                .filter_map(|q| focus[q])
                .collect();
            if near.len() < 3 {
                return Some(me);
            }
            let med = |f: fn(&Region) -> f64| {
                let mut v: Vec<f64> = near.iter().map(f).collect();
                v.sort_by(f64::total_cmp);
                v[1]
            };
            let (cx, cy, w, h) = (med(|r| r.x + r.w / 2.0), med(|r| r.y + r.h / 2.0), med(|r| r.w), med(|r| r.h));
            Some(Region { x: cx - w / 2.0, y: cy - h / 2.0, w, h })
        })
        .collect()
}

/// The subject at time `t`: between two samples of the same scene at most MAX_GAP apart, the
/// straight line between them; near a lone sample, that sample.
fn at_time(track: &SubjectTrack, focus: &[Option<Region>], t: f64, scene: &dyn Fn(f64) -> usize) -> Option<Region> {
    let s = scene(t);
    let samples = &track.samples;
    let k = samples.partition_point(|x| x.time <= t);
    let before = (0..k).rev().take_while(|&q| scene(samples[q].time) == s).find_map(|q| focus[q].map(|r| (samples[q].time, r)));
    let after = (k..samples.len()).take_while(|&q| scene(samples[q].time) == s).find_map(|q| focus[q].map(|r| (samples[q].time, r)));
    match (before, after) {
        (Some((ta, a)), Some((tb, b))) if tb - ta <= MAX_GAP => {
            let f = if tb > ta { ((t - ta) / (tb - ta)).clamp(0.0, 1.0) } else { 0.0 };
            let l = |p: f64, q: f64| p + (q - p) * f;
            Some(Region { x: l(a.x, b.x), y: l(a.y, b.y), w: l(a.w, b.w), h: l(a.h, b.h) })
        }
        (Some((ta, a)), _) if t - ta <= HOLD => Some(a),
        (_, Some((tb, b))) if tb - t <= HOLD => Some(b),
        _ => None,
    }
}

/// Per frame of a scene: (subject centre, subject extent) along one axis. Frames without a subject
/// keep the last one seen (or the next one, before the first); a scene with none is centred.
fn targets_along(subjects: &[Option<Region>], pick: fn(&Region) -> (f64, f64), size: f64) -> Vec<(f64, f64)> {
    let first = subjects.iter().flatten().next().map(pick).unwrap_or((size / 2.0, 0.0));
    let mut last = first;
    subjects
        .iter()
        .map(|s| {
            if let Some(r) = s {
                last = pick(r);
            }
            last
        })
        .collect()
}

struct Limits {
    speed: f64,
    accel: f64,
    dt: f64,
    /// Pixels kept between the subject and the window's edge.
    margin: f64,
}

/// The window centre along one axis for each frame of a scene: starts on the subject, holds while
/// the subject (now, or LOOKAHEAD ahead) stays inside with the margin, otherwise moves towards
/// the target ahead with velocity and acceleration limits until it has settled on it again.
fn follow(targets: &[(f64, f64)], size: f64, window: f64, lim: &Limits) -> Vec<f64> {
    let (lo, hi) = (window / 2.0, size - window / 2.0);
    if targets.is_empty() {
        return Vec::new();
    }
    if hi - lo < 0.5 {
        return vec![size / 2.0; targets.len()];
    }
    let ahead = ((LOOKAHEAD / lim.dt).round() as usize).max(1);
    let slack = |(_, extent): (f64, f64)| (window / 2.0 - lim.margin - extent / 2.0).max(0.0);
    let outside = |p: f64, t: (f64, f64)| (t.0 - p).abs() > slack(t);
    let mut pos = targets[0].0.clamp(lo, hi);
    let (mut vel, mut moving) = (0.0f64, false);
    let settle = 0.02 * window;
    let mut out = Vec::with_capacity(targets.len());
    for k in 0..targets.len() {
        let now = targets[k];
        let next = targets[(k + ahead).min(targets.len() - 1)];
        let aim = next.0.clamp(lo, hi);
        if !moving && (outside(pos, now) || outside(pos, next)) && (aim - pos).abs() > settle {
            moving = true;
        }
        let wanted = if moving { (GAIN * (aim - pos)).clamp(-lim.speed, lim.speed) } else { 0.0 };
        let dv = (wanted - vel).clamp(-lim.accel * lim.dt, lim.accel * lim.dt);
        vel += dv;
        pos += vel * lim.dt;
        if pos < lo || pos > hi {
            pos = pos.clamp(lo, hi);
            vel = 0.0;
        }
        if moving && (aim - pos).abs() < settle && vel.abs() < 0.05 * lim.speed {
            moving = false;
        }
        out.push(pos);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::track::SubjectSample;

    fn face(cx: f64, cy: f64, side: f64) -> Detection {
        Detection { kind: SubjectKind::Face, region: Region { x: cx - side / 2.0, y: cy - side / 2.0, w: side, h: side }, score: 0.9 }
    }

    /// 1280x720 source, samples every 0.2 s for `secs`, subject centre x = f(t).
    fn track(secs: f64, f: impl Fn(f64) -> Option<f64>, cuts: Vec<f64>) -> SubjectTrack {
        let samples = (0..=(secs / 0.2) as usize)
            .map(|k| {
                let t = k as f64 * 0.2;
                SubjectSample { time: t, detections: f(t).map(|x| vec![face(x, 300.0, 120.0)]).unwrap_or_default() }
            })
            .collect();
        SubjectTrack { width: 1280, height: 720, start: 0.0, end: secs, samples, cuts }
    }

    fn second_differences(p: &ReframePath) -> Vec<f64> {
        p.windows.windows(3).map(|w| (w[2].x - 2.0 * w[1].x + w[0].x).abs()).collect()
    }

    #[test]
    fn a_crossing_subject_stays_inside_without_jitter() {
        let x = |t: f64| if t < 1.0 { 190.0 } else if t < 6.0 { 190.0 + (t - 1.0) * 176.0 } else { 1070.0 };
        let tr = track(8.0, |t| Some(x(t)), vec![]);
        let crop = crop_size(1280, 720, 1080, 1920);
        assert!((crop.0 - 405.0).abs() < 1e-9 && crop.1 == 720.0);
        let opts = PathOptions::new(0.0, 30.0, 240);
        let p = reframe_path(&tr, crop, &opts).unwrap();
        let inside = p.windows.iter().enumerate().filter(|(i, w)| {
            let c = x(*i as f64 / 30.0);
            c >= w.x && c <= w.x + w.w
        });
        assert_eq!(inside.count(), 240);
        let bound = opts.max_accel * 1280.0 / 900.0 + 1e-6;
        let worst = second_differences(&p).into_iter().fold(0.0, f64::max);
        assert!(worst <= bound, "second difference {worst} > {bound}");
        assert!(p.windows.iter().all(|w| w.x >= 0.0 && w.x + w.w <= 1280.0 && w.y == 0.0));
        assert!(p.subject.iter().all(|&s| s));
    }

    #[test]
    fn a_still_subject_gives_a_still_window_despite_detection_noise() {
        let noise = |t: f64| ((t * 37.0).sin() * 6.0).round();
        let tr = track(4.0, |t| Some(900.0 + noise(t)), vec![]);
        let p = reframe_path(&tr, (405.0, 720.0), &PathOptions::new(0.0, 30.0, 120)).unwrap();
        let first = p.windows[0];
        assert!(p.windows.iter().all(|w| *w == first), "the window moved");
        assert!(first.x <= 900.0 && first.x + first.w >= 900.0);
    }

    #[test]
    fn a_scene_cut_jumps_without_panning() {
        let tr = track(6.0, |t| Some(if t < 3.0 { 233.0 } else { 1033.0 }), vec![3.0]);
        let p = reframe_path(&tr, (405.0, 720.0), &PathOptions::new(0.0, 30.0, 180)).unwrap();
        let xs: Vec<f64> = p.windows.iter().map(|w| w.x + w.w / 2.0).collect();
        assert!(xs[..90].iter().all(|&x| x == xs[0]) && (xs[0] - 233.0).abs() < 1.0, "{:?}", &xs[..3]);
        assert!(xs[90..].iter().all(|&x| x == xs[90]) && (xs[90] - 1033.0).abs() < 1.0, "{:?}", &xs[88..92]);
    }

    #[test]
    fn nothing_seen_is_the_centred_crop_and_says_so() {
        let tr = track(2.0, |_| None, vec![]);
        let p = reframe_path(&tr, (405.0, 720.0), &PathOptions::new(0.0, 30.0, 60)).unwrap();
        assert!(p.windows.iter().all(|w| (w.x - (1280.0 - 405.0) / 2.0).abs() < 1e-9));
        assert!(p.subject.iter().all(|&s| !s));
    }

    #[test]
    fn a_subject_at_the_edge_keeps_the_window_inside_the_source() {
        let tr = track(2.0, |_| Some(10.0), vec![]);
        let p = reframe_path(&tr, (405.0, 720.0), &PathOptions::new(0.0, 30.0, 60)).unwrap();
        assert!(p.windows.iter().all(|w| w.x == 0.0));
    }

    #[test]
    fn a_gap_in_detections_holds_the_last_position() {
        let tr = track(6.0, |t| if t < 2.0 { Some(300.0) } else { None }, vec![]);
        let p = reframe_path(&tr, (405.0, 720.0), &PathOptions::new(0.0, 30.0, 180)).unwrap();
        assert!(p.windows.iter().all(|w| w.x == p.windows[0].x));
        assert!(p.subject[30] && !p.subject[150]);
    }

    #[test]
    fn one_analysis_serves_every_aspect() {
        let tr = track(3.0, |t| Some(200.0 + t * 200.0), vec![]);
        for (ow, oh) in [(1080, 1920), (1080, 1080), (1080, 1350), (1920, 1080)] {
            let crop = crop_size(1280, 720, ow, oh);
            let p = reframe_path(&tr, crop, &PathOptions::new(0.0, 30.0, 90)).unwrap();
            assert!(p.windows.iter().all(|w| w.x >= 0.0 && w.x + w.w <= 1280.0 + 1e-9 && (w.w - crop.0).abs() < 1e-9));
        }
    }

    #[test]
    fn two_faces_that_fit_are_framed_together() {
        let dets = [face(500.0, 300.0, 100.0), face(700.0, 300.0, 80.0)];
        let f = choose_focus(&dets, (405.0, 720.0), 0.1).unwrap();
        assert!((f.centre().0 - 595.0).abs() < 1e-9, "{f:?}");
        let apart = [face(200.0, 300.0, 100.0), face(1000.0, 300.0, 80.0)];
        let f = choose_focus(&apart, (405.0, 720.0), 0.1).unwrap();
        assert_eq!(f.centre().0, 200.0, "too far apart: the bigger face wins");
    }

    #[test]
    fn bad_options_are_refused() {
        let tr = track(1.0, |_| None, vec![]);
        assert!(reframe_path(&tr, (405.0, 720.0), &PathOptions::new(0.0, f64::NAN, 10)).is_err());
        assert!(reframe_path(&tr, (0.0, 720.0), &PathOptions::new(0.0, 30.0, 10)).is_err());
        let mut o = PathOptions::new(0.0, 30.0, 10);
        o.margin = 0.7;
        assert!(reframe_path(&tr, (405.0, 720.0), &o).is_err());
    }
}
