//! Captions appear exactly in their time range, in every output's safe area; subtitle cues (source
//! time) follow trim and loop; output-time captions stay on the pass they belong to.

mod captions_support;
use captions_support::*;

#[test]
fn caption_is_present_exactly_in_its_range_and_inside_each_aspects_safe_area() {
    let work = Workdir::with_fixture("counter.mp4");
    let recipe = json!({
        "version": 1, "source": "counter.mp4", "trim": { "start": 0.0, "end": 6.0 },
        "captions": [
            { "text": "Street tacos at 2am", "start": 1.0, "end": 3.0, "style": "bold-outline", "position": "bottom" },
            { "text": "TOP", "start": 4.0, "end": 5.0, "style": "box", "position": "top" }
        ],
        "outputs": [
            { "path": "a.mp4", "aspect": "9:16", "height": 640 },
            { "path": "b.mp4", "aspect": "1:1", "height": 360 },
            { "path": "c.mp4", "aspect": "16:9", "height": 360 }
        ]
    });
    let pairs = export_pair(&work, &recipe, &["a.mp4", "b.mp4", "c.mp4"]);
    for (name, (cap, plain)) in ["a.mp4", "b.mp4", "c.mp4"].iter().zip(&pairs) {
        assert_eq!(cap.frame_count(), 180);
        let at = |k: usize| diff(cap.frame(k), plain.frame(k));
        for k in [0, 29, 90, 119, 150, 179] {
            assert!(at(k).count < 12, "{name} frame {k}: {} caption pixels where none belong", at(k).count);
        }
        for k in [30, 60, 89, 120, 149] {
            let d = at(k);
            assert!(d.count > 150, "{name} frame {k}: caption missing ({} pixels differ)", d.count);
            let f = cap.frame(k);
            assert_inside_safe_area(&d, f.width, f.height, &format!("{name} frame {k}"));
        }
        // Bottom caption in the lower half, top caption in the upper half.
        let h = cap.frame(0).height;
        assert!(at(60).bbox.1 > h / 2, "{name}: bottom caption at {:?}", at(60).bbox);
        assert!(at(130).bbox.3 < h / 2, "{name}: top caption at {:?}", at(130).bbox);
    }
}

#[test]
fn subtitle_cues_follow_trim_and_every_loop_pass() {
    let work = Workdir::with_fixture("counter.mp4");
    // Source time: the first cue lies inside the trim (1.0–3.0 s), the second outside it.
    std::fs::write(
        work.path("talk.srt"),
        "1\n00:00:01,200 --> 00:00:01,800\nInside the trim\n\n2\n00:00:04,000 --> 00:00:05,000\nNever shown\n",
    )
    .unwrap();
    let recipe = json!({
        "version": 1, "source": "counter.mp4", "trim": { "start": 1.0, "end": 3.0 },
        "loop": { "mode": "repeat", "duration": 6.0 },
        "subtitles": { "path": "talk.srt" },
        "outputs": [{ "path": "s.mp4", "aspect": "9:16", "height": 640 }]
    });
    let pairs = export_pair(&work, &recipe, &["s.mp4"]);
    let (cap, plain) = &pairs[0];
    assert_eq!(cap.frame_count(), 180);
    for k in 0..180usize {
        // Output frame k shows source time 1.0 + (k mod 60)/30.
        let src = 1.0 + (k % 60) as f64 / 30.0;
        let want = (1.2 - 1e-6..1.8 - 1e-6).contains(&src);
        let d = diff(cap.frame(k), plain.frame(k));
        if want {
            assert!(d.count > 150, "frame {k} (source {src:.3} s): cue missing");
        } else {
            assert!(d.count < 12, "frame {k} (source {src:.3} s): {} caption pixels, expected none", d.count);
        }
    }
}

#[test]
fn output_time_caption_on_a_repeat_loop_shows_only_in_its_pass() {
    let work = Workdir::with_fixture("counter.mp4");
    let recipe = json!({
        "version": 1, "source": "counter.mp4", "trim": { "start": 1.0, "end": 3.0 },
        "loop": { "mode": "repeat", "duration": 6.0 },
        "captions": [{ "text": "Only in pass two", "start": 2.5, "end": 3.5, "position": "center" }],
        "outputs": [{ "path": "r.mp4", "aspect": "1:1", "height": 360 }]
    });
    let pairs = export_pair(&work, &recipe, &["r.mp4"]);
    let (cap, plain) = &pairs[0];
    assert_eq!(cap.frame_count(), 180);
    for k in [14, 15, 74, 105, 135, 165] {
        assert!(diff(cap.frame(k), plain.frame(k)).count < 12, "frame {k}: caption outside 2.5–3.5 s");
    }
    for k in [75, 90, 104] {
        assert!(diff(cap.frame(k), plain.frame(k)).count > 150, "frame {k}: caption missing");
    }
    // The picture still loops exactly: pass 3 matches pass 1 where neither has a caption.
    assert!(psnr(cap.frame(130), cap.frame(10)) > 40.0);
}

#[test]
fn subtitle_errors_are_clear() {
    let work = Workdir::with_fixture("counter.mp4");
    std::fs::write(work.path("bad.srt"), "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:03,000 -> 00:00:04,000\nbroken\n").unwrap();
    let mut recipe = json!({
        "version": 1, "source": "counter.mp4", "trim": { "start": 0.0, "end": 6.0 },
        "subtitles": { "path": "bad.srt" },
        "outputs": [{ "path": "x.mp4", "aspect": "1:1", "height": 128 }]
    });
    let e = work.export(&recipe).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRecipe);
    assert!(e.message.contains("bad.srt line 6"), "{}", e.message);
    recipe["subtitles"]["path"] = json!("missing.vtt");
    let e = work.export(&recipe).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Io);
    assert!(e.message.contains("missing.vtt"), "{}", e.message);
    recipe.as_object_mut().unwrap().remove("subtitles");
    recipe["captions"] = json!([{ "text": "x", "start": 0, "end": 1, "style": { "font": "nope.ttf" } }]);
    let e = work.export(&recipe).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Io);
    assert!(e.message.contains("nope.ttf"), "{}", e.message);
    std::fs::write(work.path("junk.ttf"), b"not a font").unwrap();
    recipe["captions"] = json!([{ "text": "x", "start": 0, "end": 1, "style": { "font": "junk.ttf" } }]);
    let e = work.export(&recipe).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidFont);
    assert!(e.message.contains("junk.ttf is not a font file"), "{}", e.message);
    // An app's own font file is used by name of its family.
    std::fs::copy(workspace_root().join("fixtures/fonts/NotoSans-Regular.ttf"), work.path("app-font.ttf")).unwrap();
    recipe["captions"] = json!([{ "text": "x", "start": 0, "end": 1, "style": { "font": "app-font.ttf", "bold": false } }]);
    work.export_ok(&recipe);
    recipe["captions"] = json!([{ "text": "x", "start": 0, "end": 1, "style": { "color": "red" } }]);
    let e = work.export(&recipe).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRecipe);
    recipe["captions"] = json!([{ "text": "a b", "start": 0, "end": 1, "words": [{ "start": 0, "end": 1 }] }]);
    let e = work.export(&recipe).unwrap_err();
    assert!(e.message.contains("2 words"), "{}", e.message);
    assert_eq!(work.unexpected_files(&["counter.mp4", "recipe.json", "bad.srt", "junk.ttf", "app-font.ttf", "x.mp4"]), Vec::<String>::new());
}

#[test]
fn output_time_caption_on_a_boomerang_keeps_the_frame_order() {
    // The caption (3–4 s) differs between passes, so every pass is encoded (flat timeline, all
    // segment frames spilled); the picture must still go up and down exactly like a boomerang.
    let work = Workdir::with_fixture("counter.mp4");
    let recipe = json!({
        "version": 1, "source": "counter.mp4", "trim": { "start": 1.0, "end": 2.0 },
        "loop": { "mode": "boomerang", "count": 4 },
        "captions": [{ "text": "Going back", "start": 3.0, "end": 4.0, "position": "top" }],
        "outputs": [{ "path": "b.mp4", "aspect": "16:9", "height": 360 }]
    });
    let pairs = export_pair(&work, &recipe, &["b.mp4"]);
    let (cap, plain) = &pairs[0];
    assert_eq!(cap.frame_count(), 232);
    let map = Placement::for_fit("crop", (1280, 720), (640, 360)).mapper();
    for k in 0..232usize {
        let i = (k % 58) as u32;
        let want = 30 + if i < 30 { i } else { 58 - i };
        assert_eq!(read_barcode(cap.frame(k), &map), want, "frame {k}");
        let d = diff(cap.frame(k), plain.frame(k));
        if (90..120).contains(&k) {
            assert!(d.count > 100, "frame {k}: caption missing");
        } else {
            assert!(d.count < 12, "frame {k}: {} caption pixels outside 3–4 s", d.count);
        }
    }
    assert_eq!(work.unexpected_files(&["counter.mp4", "recipe.json", "b.mp4", "plain-b.mp4"]), Vec::<String>::new());
}
