//! `max_memory_mb` splits a recipe's outputs into several decode passes. The files must be the same
//! edit as from one pass: same frames in the same order, same audio, nothing left behind.

use clipforge_e2e::*;

fn recipe(max_memory_mb: Option<u32>) -> Value {
    let mut r = json!({
        "version": 1, "source": "counter.mp4",
        "trim": { "start": 0.5, "end": 2.5 },
        "loop": { "mode": "repeat", "duration": 6.0 },
        "outputs": [
            { "path": "out-9x16.mp4", "aspect": "9:16", "height": 640, "fit": "crop" },
            { "path": "out-16x9.mp4", "aspect": "16:9", "height": 360, "fit": "pad" }
        ]
    });
    if let Some(mb) = max_memory_mb {
        r["max_memory_mb"] = json!(mb);
    }
    r
}

#[test]
fn a_memory_limit_gives_the_same_edit_in_several_passes() {
    let one = Workdir::with_fixture("counter.mp4");
    let split = Workdir::with_fixture("counter.mp4");
    one.export_ok(&recipe(None));
    // 1 MB: below any output, so each output gets a pass of its own.
    let src = Recipe::from_json(&recipe(Some(1)).to_string(), Some(split.dir.path())).unwrap();
    assert_eq!(clipforge::plan::Plan::for_recipe(&src).unwrap().decode_passes, vec![vec![0], vec![1]]);
    let reports = split.export_ok(&recipe(Some(1)));

    assert_eq!(split.unexpected_files(&["counter.mp4", "recipe.json", "out-9x16.mp4", "out-16x9.mp4"]), Vec::<String>::new());
    for (report, (name, fit, size)) in reports.iter().zip([("out-9x16.mp4", "crop", (360, 640)), ("out-16x9.mp4", "pad", (640, 360))]) {
        assert_eq!((report.width, report.height, report.frames), (size.0, size.1, 180), "{name}");
        let (a, b) = (decode_video(&one.path(name)), decode_video(&split.path(name)));
        assert_eq!((a.frame_count(), b.frame_count()), (180, 180), "{name}");
        let map = Placement::for_fit(fit, (1280, 720), size).mapper();
        for k in (0..180).step_by(7) {
            // Source frames 15..75 (0.5–2.5 s), repeated: the same counter on both sides.
            assert_eq!(read_barcode(b.frame(k), &map), 15 + (k as u32 % 60), "{name} frame {k}");
            let p = psnr(a.frame(k), b.frame(k));
            assert!(p >= 40.0, "{name} frame {k}: {p:.1} dB between one pass and split passes");
        }
        // Audio is decoded in the first pass and muxed into every output unchanged.
        let (ra, rb) = (decode_audio(&one.path(name)).expect("audio"), decode_audio(&split.path(name)).expect("audio"));
        assert_eq!((rb.0, rb.1), (48000, 2), "{name}");
        assert_eq!(ra.2, rb.2, "{name}: the audio differs from the one-pass export");
    }
}
