//! Recipe version 2 transitions, decoded from the exported file: a crossfade's middle frame is the
//! 50/50 mix of the two clips' pictures (each measured in the same output away from the
//! transition), a slide's middle frame has each half from the right clip, a dip reaches black or
//! white, a wipe's edge moves. Tolerance: 3 code values on means of 100x100 px areas.

use clipforge_e2e::*;

/// Red shot 0–3.5 s, then green shot 0–3.5 s over a 1 s `kind`: composed 6 s, the transition at 2.5–3.5 s.
fn two_shots(kind: &str) -> (Workdir, DecodedVideo) {
    let work = Workdir::with_compose(&["shot_red.mp4", "shot_green.mp4"]);
    work.export_ok(&json!({
        "version": 2,
        "clips": [
            { "source": "shot_red.mp4", "trim": { "start": 0.0, "end": 3.5 } },
            { "source": "shot_green.mp4", "trim": { "start": 0.0, "end": 3.5 }, "transition": { "kind": kind, "duration": 1.0 } }
        ],
        "outputs": [{ "path": "out.mp4", "aspect": "16:9", "height": 360 }]
    }));
    let video = decode_video_keeping(&work.path("out.mp4"), |i| [30, 90, 150, 84, 96].contains(&i));
    let want = if kind == "cut" { 210 } else { 180 };
    assert_eq!(video.frame_count(), want, "3.5 + 3.5 s minus the overlap, at 30 fps");
    (work, video)
}

/// Mean YUV of a 100x100 area below the moving square.
fn area(f: &Frame, x: f64) -> [f64; 3] {
    f.mean_yuv(x, 200.0, x + 100.0, 300.0)
}

fn close(a: [f64; 3], b: [f64; 3], tol: f64) -> bool {
    a.iter().zip(&b).all(|(x, y)| (x - y).abs() <= tol)
}

#[test]
fn crossfade_middle_frame_is_the_even_mix() {
    let (_w, v) = two_shots("crossfade");
    let (a, b, mid) = (area(v.frame(30), 270.0), area(v.frame(150), 270.0), area(v.frame(90), 270.0));
    let want = [0, 1, 2].map(|i| (a[i] + b[i]) / 2.0);
    assert!(!close(a, b, 20.0), "the clips must differ: {a:?} {b:?}");
    assert!(close(mid, want, 3.0), "middle {mid:?}, 50/50 of {a:?} and {b:?} is {want:?}");
    // 0.3 of the way in (frame 84 = 2.8 s), 0.3 of the way.
    let q = area(v.frame(84), 270.0);
    let want = [0, 1, 2].map(|i| a[i] * 0.7 + b[i] * 0.3);
    assert!(close(q, want, 4.0), "quarter {q:?} want {want:?}");
}

#[test]
fn slide_middle_frame_has_each_half_from_the_right_clip() {
    let (_w, v) = two_shots("slide-left");
    let (a, b) = (area(v.frame(30), 270.0), area(v.frame(150), 270.0));
    let mid = v.frame(90);
    assert!(close(area(mid, 100.0), a, 3.0), "left half should be the outgoing clip: {:?} vs {a:?}", area(mid, 100.0));
    assert!(close(area(mid, 440.0), b, 3.0), "right half should be the incoming clip: {:?} vs {b:?}", area(mid, 440.0));
    let (_w, v) = two_shots("slide-right");
    let mid = v.frame(90);
    assert!(close(area(mid, 100.0), b, 3.0) && close(area(mid, 440.0), a, 3.0));
}

#[test]
fn dips_reach_black_and_white() {
    let (_w, v) = two_shots("dip-to-black");
    let m = area(v.frame(90), 270.0);
    assert!(m[0] <= 19.0 && (m[1] - 128.0).abs() <= 3.0, "black at the middle: {m:?}");
    let (_w, v) = two_shots("dip-to-white");
    let m = area(v.frame(90), 270.0);
    assert!(m[0] >= 232.0 && (m[2] - 128.0).abs() <= 3.0, "white at the middle: {m:?}");
}

#[test]
fn wipes_move_an_edge_across() {
    let (_w, v) = two_shots("wipe-right");
    let (a, b) = (area(v.frame(30), 270.0), area(v.frame(150), 270.0));
    // 0.3 in (frame 84): the incoming clip covers the left 0.3.
    let q = v.frame(84);
    assert!(close(area(q, 20.0), b, 3.0) && close(area(q, 500.0), a, 3.0));
    let (_w, v) = two_shots("wipe-left");
    let q = v.frame(96);
    // 0.7 in (frame 96): the outgoing clip keeps only the left 0.3.
    assert!(close(area(q, 20.0), a, 3.0) && close(area(q, 500.0), b, 3.0));
}

#[test]
fn a_cut_switches_on_the_frame() {
    let work = Workdir::with_compose(&["shot_red.mp4", "shot_green.mp4"]);
    work.export_ok(&json!({
        "version": 2,
        "clips": [
            { "source": "shot_red.mp4", "trim": { "start": 0.0, "end": 3.5 } },
            { "source": "shot_green.mp4", "trim": { "start": 0.0, "end": 3.5 }, "transition": { "kind": "cut" } }
        ],
        "outputs": [{ "path": "out.mp4", "aspect": "16:9", "height": 360 }]
    }));
    // No overlap: 7 s composed; the cut is at 3.5 s = frame 105.
    let v = decode_video_keeping(&work.path("out.mp4"), |i| i == 104 || i == 105);
    assert_eq!(v.frame_count(), 210);
    assert!(!close(area(v.frame(104), 270.0), area(v.frame(105), 270.0), 20.0));
}
