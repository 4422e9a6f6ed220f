//! Recipe version 2 clips: speed retimes the frame-counter fixture (each source frame twice at
//! 0.5x, every other one at 2x), stills move as named, clips of different sizes, rotations, rates
//! and with or without sound mix in one timeline, and a mirrored front-camera clip is shown
//! mirrored. Frames are read back from the exported files.

use clipforge_e2e::*;

fn counter_at_speed(speed: f64, trim_end: f64) -> Vec<u32> {
    let work = Workdir::with_fixture("counter.mp4");
    work.export_ok(&json!({
        "version": 2,
        "clips": [{ "source": "counter.mp4", "trim": { "start": 0.0, "end": trim_end }, "speed": speed }],
        "outputs": [{ "path": "out.mp4", "aspect": "16:9", "height": 720 }]
    }));
    let v = decode_video(&work.path("out.mp4"));
    (0..v.frame_count()).map(|i| read_barcode(v.frame(i), identity)).collect()
}

#[test]
fn half_speed_shows_each_source_frame_twice() {
    let seen = counter_at_speed(0.5, 3.0);
    assert_eq!(seen.len(), 180, "3 s at half speed is 6 s");
    // Consecutive, each shown twice (the very first and last may be shown once).
    let mut runs: Vec<(u32, usize)> = Vec::new();
    for &f in &seen {
        match runs.last_mut() {
            Some((v, n)) if *v == f => *n += 1,
            _ => runs.push((f, 1)),
        }
    }
    for w in runs.windows(2) {
        assert_eq!(w[1].0, w[0].0 + 1, "frames must advance one by one: {runs:?}");
    }
    let inner = &runs[1..runs.len() - 1];
    assert!(inner.iter().all(|r| r.1 == 2), "each source frame twice: {runs:?}");
    assert!(runs.len() >= 89 && runs.len() <= 91, "{} distinct frames", runs.len());
}

#[test]
fn double_speed_steps_by_two() {
    let work = Workdir::with_fixture("counter.mp4");
    work.export_ok(&json!({
        "version": 2,
        "clips": [{ "source": "counter.mp4", "trim": { "start": 0.0, "end": 8.0 }, "speed": 2.0 }],
        "loop": { "mode": "repeat", "duration": 6.0 },
        "outputs": [{ "path": "out.mp4", "aspect": "16:9", "height": 720 }]
    }));
    let v = decode_video(&work.path("out.mp4"));
    assert_eq!(v.frame_count(), 180);
    let seen: Vec<u32> = (0..120).map(|i| read_barcode(v.frame(i), identity)).collect();
    for (i, w) in seen.windows(2).enumerate() {
        assert_eq!(w[1], w[0] + 2, "frame {i}: {seen:?}");
    }
    // The loop starts again after 4 s.
    assert_eq!(read_barcode(v.frame(120), identity), seen[0]);
}

#[test]
fn stills_zoom_and_pan() {
    let work = Workdir::with_compose(&["still.jpg"]);
    let recipe = |motion: &str| {
        json!({
            "version": 2,
            "clips": [{ "source": "still.jpg", "duration": 6.0, "motion": motion }],
            "outputs": [{ "path": format!("{motion}.mp4"), "aspect": "4:3", "height": 600, "fit": "crop" }]
        })
    };
    // The still: a 400x400 light square centred on 1600x1200 grey, red and blue bars at the sides.
    let square_width = |f: &Frame| (0..f.width).filter(|&x| f.luma(x, f.height / 2) > 150).count() as f64;
    for m in ["none", "zoom-in", "zoom-out", "pan-left", "pan-right"] {
        work.export_ok(&recipe(m));
    }
    let first_last = |m: &str| {
        let v = decode_video_keeping(&work.path(&format!("{m}.mp4")), |i| i == 0 || i == 179);
        assert_eq!(v.frame_count(), 180);
        (v.frame(0).clone(), v.frame(179).clone())
    };
    let (a, b) = first_last("none");
    // 1600x1200 shown at 800x600: the square is 200 px wide.
    assert!((square_width(&a) - 200.0).abs() <= 4.0 && (square_width(&b) - 200.0).abs() <= 4.0, "{} {}", square_width(&a), square_width(&b));
    let (a, b) = first_last("zoom-in");
    assert!(square_width(&b) > square_width(&a) * 1.12, "zoom-in grows the square: {} → {}", square_width(&a), square_width(&b));
    let (a, b) = first_last("zoom-out");
    assert!(square_width(&a) > square_width(&b) * 1.12, "zoom-out shrinks it: {} → {}", square_width(&a), square_width(&b));
    // Panning: the view starts at one side's bar and ends at the other's.
    let red_left = |f: &Frame| f.colour_at(8.0, 300.0, 4.0, Matrix::Bt709) == Colour::Red;
    let blue_right = |f: &Frame| f.colour_at(f64::from(f.width) - 9.0, 300.0, 4.0, Matrix::Bt709) == Colour::Blue;
    let (a, b) = first_last("pan-right");
    assert!(red_left(&a) && !red_left(&b) && blue_right(&b), "pan-right travels from the left edge to the right");
    let (a, b) = first_last("pan-left");
    assert!(blue_right(&a) && !blue_right(&b) && red_left(&b), "pan-left travels from the right edge to the left");
}

#[test]
fn clips_of_every_kind_mix_in_one_timeline() {
    let work = Workdir::with_compose(&["shot_red.mp4", "shot_blue.mov", "shot_green.mp4", "still.png"]);
    work.add_fixture("portrait_rotated.mp4", "rotated.mp4");
    let reports = work.export_ok(&json!({
        "version": 2,
        "clips": [
            { "source": "shot_red.mp4", "trim": { "start": 0.0, "end": 2.0 } },
            { "source": "shot_blue.mov", "trim": { "start": 0.5, "end": 2.5 }, "transition": { "kind": "crossfade", "duration": 0.5 } },
            { "source": "shot_green.mp4", "trim": { "start": 0.0, "end": 2.0 }, "fit": "pad", "transition": { "kind": "slide-up", "duration": 0.3 } },
            { "source": "rotated.mp4", "trim": { "start": 0.0, "end": 2.0 }, "transition": { "kind": "wipe-left", "duration": 0.3 } },
            { "source": "still.png", "duration": 1.5, "motion": "zoom-in", "transition": { "kind": "dip-to-white", "duration": 0.4 } }
        ],
        "outputs": [
            { "path": "a.mp4", "aspect": "9:16", "height": 640, "fit": "blur" },
            { "path": "b.mp4", "aspect": "1:1", "height": 360 }
        ]
    }));
    // 2 + 2 + 2 + 2 + 1.5 − 0.5 − 0.3 − 0.3 − 0.4 = 8.0 s
    for r in &reports {
        assert_eq!(r.frames, 240, "{r:?}");
        assert!(r.loudness_lufs.is_some(), "the red, blue and rotated clips have sound");
        let probe = ffprobe_json(&r.path);
        assert_eq!(probe_streams(&probe, "audio").len(), 1);
    }
    // Each clip shows where it should (the middle of each one's own time), in the 1:1 output.
    let v = decode_video_keeping(&work.path("b.mp4"), |i| [30, 95, 150, 200].contains(&i));
    let m = Matrix::Bt709;
    assert_eq!(v.frame(30).colour_at(180.0, 250.0, 10.0, m), Colour::Red);
    assert_eq!(v.frame(95).colour_at(180.0, 250.0, 10.0, m), Colour::Blue);
    assert_eq!(v.frame(150).colour_at(180.0, 250.0, 10.0, m), Colour::Green);
}

#[test]
fn a_mirrored_front_camera_clip_is_shown_mirrored() {
    let work = Workdir::with_compose(&["mirror.mp4"]);
    let info = clipforge::probe(&work.path("mirror.mp4")).unwrap();
    let (_, v) = info.video().unwrap();
    assert!(v.mirror && v.rotation == 0, "{v:?}");
    work.export_ok(&json!({
        "version": 1, "source": "mirror.mp4",
        "loop": { "mode": "repeat", "duration": 6.0 },
        "outputs": [{ "path": "out.mp4", "aspect": "16:9", "height": 360 }]
    }));
    let v = decode_video_keeping(&work.path("out.mp4"), |i| i == 10);
    // Stored red | blue; shown blue | red.
    assert_eq!(v.frame(10).colour_at(100.0, 180.0, 10.0, Matrix::Bt709), Colour::Blue);
    assert_eq!(v.frame(10).colour_at(540.0, 180.0, 10.0, Matrix::Bt709), Colour::Red);
}
