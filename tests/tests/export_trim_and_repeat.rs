//! Trim is frame-accurate and repeat loops replay the trimmed pass exactly, including a cut final
//! pass. The counter barcode tells which source frame every output frame shows.

use clipforge_e2e::*;

/// 16:9 crop of the 16:9 counter source: a plain half-size scale.
fn half() -> impl Fn(f64, f64) -> (f64, f64) {
    Placement::for_fit("crop", (1280, 720), (640, 360)).mapper()
}

fn small_output() -> Value {
    json!({ "path": "out.mp4", "aspect": "16:9", "height": 360 })
}

fn assert_constant_rate(dec: &DecodedVideo, fps: f64) {
    assert_eq!(dec.avg_frame_rate, (fps as i32, 1), "avg_frame_rate");
    for (i, d) in dec.pts_deltas().iter().enumerate() {
        assert!((d - 1.0 / fps).abs() < 1e-3, "pts step {i}->{} is {d}", i + 1);
    }
}

#[test]
fn trim_is_frame_accurate_and_repeat_replays_the_pass_with_a_cut_final_pass() {
    let work = Workdir::with_fixture("counter.mp4");
    // 3 s segment (source frames 15..105), 7 s clip: 2 full passes + 30 frames.
    let reports = work.export_ok(&json!({
        "version": 1, "source": "counter.mp4",
        "trim": { "start": 0.5, "end": 3.5 },
        "loop": { "mode": "repeat", "duration": 7.0 },
        "outputs": [small_output()]
    }));
    assert_eq!((reports[0].frames, reports[0].width, reports[0].height), (210, 640, 360));
    let dec = decode_video(&work.path("out.mp4"));
    assert_eq!(dec.frame_count(), 210);
    assert_constant_rate(&dec, 30.0);
    assert!(dec.keyframes[0]);
    let map = half();
    let shown: Vec<u32> = (0..210).map(|k| read_barcode(dec.frame(k), &map)).collect();
    let want: Vec<u32> = (0..210).map(|k| 15 + (k % 90)).collect();
    assert_eq!(shown, want, "output frame k must show source frame 15 + k mod 90");
    for k in 0..90 {
        let p = psnr(dec.frame(k), dec.frame(90 + k));
        assert!(p >= 40.0, "PSNR(frame {k}, frame {}) = {p:.1} dB", 90 + k);
    }
    for k in 0..30 {
        let p = psnr(dec.frame(k), dec.frame(180 + k));
        assert!(p >= 40.0, "final partial pass: PSNR(frame {k}, frame {}) = {p:.1} dB", 180 + k);
    }
    let probe = ffprobe_json(&work.path("out.mp4"));
    let d = num(&probe["format"]["duration"]);
    assert!((d - 7.0).abs() <= 1.0 / 30.0 + 1e-6, "duration {d}");
}

#[test]
fn trim_mid_gop_without_loop_plays_the_segment_once() {
    let work = Workdir::with_fixture("counter.mp4");
    // 1.7 s = source frame 51, in the middle of the source's second GOP (keyframes every 30).
    let reports = work.export_ok(&json!({
        "version": 1, "source": "counter.mp4",
        "trim": { "start": 1.7, "end": 7.9 },
        "outputs": [small_output()]
    }));
    assert_eq!(reports[0].frames, 186);
    let dec = decode_video(&work.path("out.mp4"));
    assert_eq!(dec.frame_count(), 186);
    assert_constant_rate(&dec, 30.0);
    let map = half();
    let shown: Vec<u32> = (0..186).map(|k| read_barcode(dec.frame(k), &map)).collect();
    let want: Vec<u32> = (0..186).map(|k| 51 + k as u32).collect();
    assert_eq!(shown, want);
}

#[test]
fn loop_count_repeats_whole_passes() {
    let work = Workdir::with_fixture("counter.mp4");
    let reports = work.export_ok(&json!({
        "version": 1, "source": "counter.mp4",
        "trim": { "start": 2.0, "end": 4.0 },
        "loop": { "mode": "repeat", "count": 4 },
        "outputs": [small_output()]
    }));
    assert_eq!(reports[0].frames, 240);
    assert!((reports[0].duration - 8.0).abs() < 1e-9);
    let dec = decode_video(&work.path("out.mp4"));
    assert_eq!(dec.frame_count(), 240);
    assert_constant_rate(&dec, 30.0);
    let map = half();
    let shown: Vec<u32> = (0..240).map(|k| read_barcode(dec.frame(k), &map)).collect();
    let want: Vec<u32> = (0..240).map(|k| 60 + (k % 60)).collect();
    assert_eq!(shown, want);
    for pass in 1..4 {
        for k in [0, 29, 59] {
            let p = psnr(dec.frame(k), dec.frame(60 * pass + k));
            assert!(p >= 40.0, "pass {pass} frame {k}: {p:.1} dB");
        }
    }
}
