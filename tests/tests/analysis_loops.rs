//! Loop points on clips with a known period (fixtures/analysis): the best window is a whole number
//! of periods; baking its seam (clipforge::analysis::seam) on frames and audio decoded here, with
//! FFmpeg directly, leaves a seam no bigger than the clip's ordinary frame-to-frame change and no
//! click; bad input gives typed errors.

mod analysis_common;

use std::process::Command;

use analysis_common::*;
use clipforge::analysis::seam::{bake_audio, blend_frames, crossfade_frames, seam_frame, SeamFrame};
use clipforge::analysis::{loop_points, LoopPoint, LoopSearch};
use clipforge_e2e::*;

fn search(min: f64, max: f64) -> LoopSearch {
    LoopSearch { min, max, count: 5, ..Default::default() }
}

fn frames_of(p: &LoopPoint) -> i64 {
    (p.duration() * 30.0).round() as i64
}

/// How far `frames` is from a whole number (≥ 1) of periods.
fn off_period(frames: i64) -> i64 {
    let k = ((frames as f64 / PERIOD_FRAMES as f64).round() as i64).max(1);
    (frames - k * PERIOD_FRAMES).abs()
}

#[test]
fn the_best_window_is_a_whole_number_of_periods() {
    for name in ["loop_period.mp4", "loop_shake.mp4"] {
        let points = loop_points(&clip(name), &search(2.0, 6.0), &CancelToken::new()).unwrap();
        let best = points[0];
        assert!(off_period(frames_of(&best)) <= 1, "{name}: {} frames: {points:?}", frames_of(&best));
        assert!(best.is_seamless(), "{name}: {best:?}");
        assert!(best.start >= 0.3 - 1e-6, "{name}: no room for the crossfade's lead-in: {best:?}");
        // Ranked best first, all inside the lengths asked for.
        assert!(points.windows(2).all(|w| w[0].score >= w[1].score), "{points:?}");
        assert!(points.iter().all(|p| p.duration() > 2.0 - 0.02 && p.duration() < 6.0 + 0.02), "{points:?}");
    }
}

#[test]
fn a_shorter_range_still_finds_a_period() {
    let s = LoopSearch { start: 1.0, end: Some(5.0), min: 2.0, max: 3.0, count: 3, crossfade: 0.3 };
    let points = loop_points(&clip("loop_period.mp4"), &s, &CancelToken::new()).unwrap();
    assert!(off_period(frames_of(&points[0])) <= 1, "{points:?}");
    assert!(points.iter().all(|p| p.start >= 1.0 - 1e-6 && p.end <= 5.0 + 1e-6), "{points:?}");
}

#[test]
fn a_clip_without_a_loop_gets_its_best_window_flagged() {
    // The cup only crosses once: no frame comes back.
    let points = loop_points(&clip("object_cross.mp4"), &search(2.0, 4.0), &CancelToken::new()).unwrap();
    assert!(!points.is_empty());
    assert!(!points[0].is_seamless(), "{points:?}");
    let good = loop_points(&clip("loop_period.mp4"), &search(2.0, 4.0), &CancelToken::new()).unwrap();
    assert!(good[0].score > 2.0 * points[0].score, "{good:?} vs {points:?}");
}

/// Mean absolute luma difference.
fn mad(a: &[u8], b: &[u8]) -> f64 {
    a.iter().zip(b).map(|(&x, &y)| (f64::from(x) - f64::from(y)).abs()).sum::<f64>() / a.len() as f64
}

fn core_frame(f: &Frame) -> clipforge::frame::Frame {
    clipforge::frame::Frame { width: f.width, height: f.height, y: f.y.clone(), u: f.u.clone(), v: f.v.clone() }
}

#[test]
fn the_baked_seam_is_no_bigger_than_an_ordinary_frame_step() {
    let path = clip("loop_period.mp4");
    let best = loop_points(&path, &search(2.0, 6.0), &CancelToken::new()).unwrap()[0];
    // The fixture is 30 fps from 0: frame i shows at i / 30 s. Kept: the pass and its lead-in,
    // and every fifth pair of neighbours for the clip's ordinary step.
    let (a, len) = ((best.start * 30.0).round() as usize, frames_of(&best) as u32);
    let video = decode_video_keeping(&path, |i| (a - 9..a + len as usize).contains(&i) || i % 5 < 2 || i == a + 89);
    assert!(video.pts_seconds.iter().zip(0..).all(|(p, i)| (p - video.start_time - f64::from(i) / 30.0).abs() < 1e-3));
    let n = crossfade_frames(0.3, 30.0, len);
    assert_eq!(n, 9);
    // The last position of a pass, baked, against the pass's first frame.
    let SeamFrame::Blend { tail, lead_in, weight } = seam_frame(len - 1, len, n) else { panic!("the last frame is blended") };
    let pic = |k: i64| core_frame(video.frame((a as i64 + k) as usize));
    let mut last = clipforge::frame::Frame::empty();
    blend_frames(&pic(tail), &pic(lead_in), weight, &mut last);
    let seam = mad(&last.y, &video.frame(a).y);
    let steps: Vec<f64> = (0..video.frame_count() - 1).step_by(5).map(|i| mad(&video.frame(i).y, &video.frame(i + 1).y)).collect();
    let mut sorted = steps.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    // Tolerance: 0.5 luma levels (the encoder's noise alone moves a frame's mean difference by ~0.2).
    assert!(seam <= median + 0.5, "baked seam {seam:.2} vs median step {median:.2} ({best:?})");
    // The check can fail: a window of no whole number of periods jumps far more than a step.
    let bad = mad(&video.frame(a + 90 - 1).y, &video.frame(a).y);
    assert!(bad > 2.0 * median, "a 3 s window's jump {bad:.2} vs median step {median:.2}");
}

#[test]
fn the_baked_audio_seam_has_no_click() {
    let path = clip("loop_period.mp4");
    let best = loop_points(&path, &search(2.0, 6.0), &CancelToken::new()).unwrap()[0];
    let (rate, ch, samples) = decode_audio(&path).expect("audio");
    let at = |t: f64| (t * f64::from(rate)).round() as usize;
    let left = channel(&samples, ch, 0);
    let largest = left.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f32::max);
    let jump = |p: &[f32]| (p[0] - p[p.len() - ch]).abs();
    // The window's audio made to click: its end moved within one period of the 330 Hz tone to
    // where the jump back is largest (the video loop is whole periods of 2.4 s, the tone too).
    let start = at(best.start);
    let end = (0..at(1.0 / 330.0))
        .map(|k| at(best.end) + k)
        .max_by(|&x, &y| jump(&samples[start * ch..x * ch]).total_cmp(&jump(&samples[start * ch..y * ch])))
        .unwrap();
    let fade = at(0.3);
    let mut pass = samples[start * ch..end * ch].to_vec();
    let lead = &samples[(start - fade) * ch..start * ch];
    assert!(jump(&pass) > largest, "the unbaked seam ({}) should click (largest step {largest})", jump(&pass));
    bake_audio(&mut pass, lead, ch);
    assert!(jump(&pass) <= largest, "baked seam step {} > the signal's largest step {largest}", jump(&pass));
    let inside = channel(&pass, ch, 0).windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f32::max);
    assert!(inside <= 1.5 * largest, "the crossfade itself steps by {inside} (largest {largest})");
}

#[test]
fn bad_input_gives_typed_errors() {
    let cancel = CancelToken::new();
    let e = loop_points(std::path::Path::new("/nonexistent/clip.mp4"), &search(2.0, 6.0), &cancel).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Io, "{e:?}");
    let work = Workdir::new();
    let text = work.path("notes.mp4");
    std::fs::write(&text, "not a video at all").unwrap();
    let e = loop_points(&text, &search(2.0, 6.0), &cancel).unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnsupportedInput, "{e:?}");
    let e = loop_points(&clip("loop_period.mp4"), &search(6.0, 2.0), &cancel).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRecipe, "{e:?}");
    let past = LoopSearch { start: 30.0, end: Some(40.0), ..search(2.0, 6.0) };
    let e = loop_points(&clip("loop_period.mp4"), &past, &cancel).unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnsupportedInput, "{e:?}");
    cancel.cancel();
    let e = loop_points(&clip("loop_period.mp4"), &search(2.0, 6.0), &cancel).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled, "{e:?}");
}

#[test]
fn the_cli_lists_candidates_as_json() {
    let out = Command::new(clipforge_bin())
        .args(["loop-points", clip("loop_period.mp4").to_str().unwrap(), "--min", "2", "--max", "6", "--count", "3", "--json"])
        .output()
        .expect("run clipforge");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let list = v.as_array().expect("an array");
    assert_eq!(list.len(), 3);
    for p in list {
        let (start, end, score) = (num(&p["start"]), num(&p["end"]), num(&p["score"]));
        assert!(end > start && score > 0.0 && score <= 1.0 && p["seamless"].is_boolean(), "{p}");
    }
    let frames = ((num(&list[0]["end"]) - num(&list[0]["start"])) * 30.0).round() as i64;
    assert!(off_period(frames) <= 1, "{v}");
    let bad = Command::new(clipforge_bin()).args(["loop-points", "/nonexistent.mp4"]).output().unwrap();
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success() && err.starts_with("error[Io]: "), "{err}");
}
