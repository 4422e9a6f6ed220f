//! Boomerang: forward then backward, the turning frames shown once, repeated; muted by default.

use clipforge_e2e::*;

/// Expected source frame at output frame `k` for a segment of `n` frames starting at `first`.
fn boomerang_frame(first: u32, n: u32, k: u32) -> u32 {
    let period = 2 * n - 2;
    let i = k % period;
    first + if i < n { i } else { period - i }
}

fn export_and_read(loop_spec: Value, audio: Option<Value>) -> (Workdir, Vec<u32>) {
    let work = Workdir::with_fixture("counter.mp4");
    let mut recipe = json!({
        "version": 1, "source": "counter.mp4",
        "trim": { "start": 1.0, "end": 2.0 },
        "loop": loop_spec,
        "outputs": [{ "path": "out.mp4", "aspect": "16:9", "height": 360 }]
    });
    if let Some(a) = audio {
        recipe["audio"] = a;
    }
    let reports = work.export_ok(&recipe);
    let dec = decode_video(&work.path("out.mp4"));
    assert_eq!(dec.frame_count(), reports[0].frames as usize);
    for (i, d) in dec.pts_deltas().iter().enumerate() {
        assert!((d - 1.0 / 30.0).abs() < 1e-3, "pts step {i} is {d}");
    }
    let map = Placement::for_fit("crop", (1280, 720), (640, 360)).mapper();
    let shown = (0..dec.frame_count()).map(|k| read_barcode(dec.frame(k), &map)).collect();
    (work, shown)
}

#[test]
fn boomerang_count_goes_up_then_down_without_doubled_turns_and_is_muted() {
    // 30 frames (30..59): one cycle is 58 frames; 4 cycles = 232 frames = 7.73 s.
    let (work, shown) = export_and_read(json!({ "mode": "boomerang", "count": 4 }), None);
    assert_eq!(shown.len(), 232);
    let want: Vec<u32> = (0..232).map(|k| boomerang_frame(30, 30, k)).collect();
    assert_eq!(shown, want);
    assert_eq!(&shown[..31], &(30..60).chain([58]).collect::<Vec<_>>()[..], "up to the turn, then back");
    for (k, w) in shown.windows(2).enumerate() {
        assert_ne!(w[0], w[1], "frames {k} and {} repeat source frame {} (doubled turning frame)", k + 1, w[0]);
        assert_eq!(w[0].abs_diff(w[1]), 1, "frames {k}->{} jump {}->{}", k + 1, w[0], w[1]);
    }
    let probe = ffprobe_json(&work.path("out.mp4"));
    assert!(probe_streams(&probe, "audio").is_empty(), "boomerang is muted by default");
    assert!(decode_audio(&work.path("out.mp4")).is_none());
    // The reversed half is spilled to a temporary file beside the output: it must be gone.
    assert_eq!(work.unexpected_files(&["counter.mp4", "recipe.json", "out.mp4"]), Vec::<String>::new());
}

#[test]
fn boomerang_duration_cuts_the_last_cycle_and_can_keep_audio() {
    // 6.5 s = 195 frames = 3 full cycles (174) + 21 frames.
    let (work, shown) = export_and_read(json!({ "mode": "boomerang", "duration": 6.5 }), Some(json!({ "mute": false })));
    assert_eq!(shown.len(), 195);
    let want: Vec<u32> = (0..195).map(|k| boomerang_frame(30, 30, k)).collect();
    assert_eq!(shown, want);
    let (rate, ch, samples) = decode_audio(&work.path("out.mp4")).expect("audio kept when mute is false");
    assert_eq!((rate, ch), (48000, 2));
    let dur = samples.len() as f64 / 2.0 / 48000.0;
    assert!((dur - 6.5).abs() <= 1.0 / 30.0, "audio lasts {dur} s");
}
