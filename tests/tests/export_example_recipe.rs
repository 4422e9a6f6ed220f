//! The recipe from the issue (and the README), exactly as written: trim 0.5–3.5 s, repeat to 6 s,
//! three outputs (9:16 blur 1920, 1:1 crop 1080, 4:5 pad 1350 black). Every promise about the
//! finished files is checked on the files themselves.

use clipforge_e2e::*;

const RECIPE: &str = r##"{
  "version": 1,
  "source": "clip.mp4",
  "trim": { "start": 0.5, "end": 3.5 },
  "loop": { "mode": "repeat", "duration": 6.0 },
  "outputs": [
    { "path": "out-9x16.mp4", "aspect": "9:16", "height": 1920, "fit": "blur" },
    { "path": "out-1x1.mp4",  "aspect": "1:1",  "height": 1080, "fit": "crop" },
    { "path": "out-4x5.mp4",  "aspect": "4:5",  "height": 1350, "fit": "pad", "background": "#000000" }
  ]
}"##;

#[test]
fn issue_example_recipe_exports_as_promised() {
    let work = Workdir::new();
    work.add_fixture("counter.mp4", "clip.mp4");
    let recipe_path = work.path("recipe.json");
    std::fs::write(&recipe_path, RECIPE).unwrap();
    let recipe = Recipe::from_file(&recipe_path).expect("the example recipe parses");
    let reports = clipforge::export(&recipe, &|_| {}, &CancelToken::new())
        .unwrap_or_else(|e| panic!("export failed: {:?}: {}", e.kind, e.message));

    let expected = [("out-9x16.mp4", 1080, 1920, "blur"), ("out-1x1.mp4", 1080, 1080, "crop"), ("out-4x5.mp4", 1080, 1350, "pad")];
    assert_eq!(reports.len(), 3);
    let frame = 1.0 / 30.0;
    for ((name, w, h, fit), report) in expected.iter().zip(&reports) {
        let path = work.path(name);
        assert_eq!(report.path.file_name().unwrap(), *name);
        assert_eq!((report.width, report.height, report.frames), (*w, *h, 180), "{name} report");
        assert!((report.duration - 6.0).abs() < 1e-9, "{name} report duration {}", report.duration);
        assert_eq!(report.bytes, std::fs::metadata(&path).unwrap().len(), "{name} report bytes");
        assert_eq!(report.sha256, sha256_file(&path), "{name} report sha256");

        // Independent metadata: ffprobe.
        let probe = ffprobe_json(&path);
        let v = probe_streams(&probe, "video");
        let a = probe_streams(&probe, "audio");
        assert_eq!((v.len(), a.len()), (1, 1), "{name}: one video and one audio stream");
        assert_eq!(v[0]["codec_name"], "h264", "{name}");
        assert_eq!(v[0]["pix_fmt"], "yuv420p", "{name}");
        assert_eq!((v[0]["width"].as_u64(), v[0]["height"].as_u64()), (Some(u64::from(*w)), Some(u64::from(*h))), "{name}");
        assert_eq!(v[0]["avg_frame_rate"], "30/1", "{name}");
        assert_eq!(a[0]["codec_name"], "aac", "{name}");
        assert_eq!(num(&a[0]["sample_rate"]), 48000.0, "{name}");
        assert_eq!(a[0]["channels"].as_u64(), Some(2), "{name}");
        let fmt_dur = num(&probe["format"]["duration"]);
        assert!((fmt_dur - 6.0).abs() <= frame + 1e-6, "{name}: container duration {fmt_dur}");
        assert!(probe["format"]["format_name"].as_str().unwrap().contains("mp4"), "{name}");
        assert!(mp4_is_faststart(&path), "{name}: moov must come before mdat: {:?}", mp4_top_level_boxes(&path));
        // Closed GOPs: every sync sample must be decodable on its own (seeking, pass reuse).
        // libx264 records its settings in an SEI; an open GOP shows there as open_gop=1.
        let bytes = std::fs::read(&path).unwrap();
        let has = |s: &str| bytes.windows(s.len()).any(|w| w == s.as_bytes());
        assert!(has("open_gop=0") && !has("open_gop=1"), "{name}: x264 was not configured for closed GOPs");

        // Decoded: frame count, constant rate, first frame a keyframe, the right pictures.
        let dec = decode_video_keeping(&path, |i| i == 0 || i == 89 || i == 90 || i == 179);
        assert_eq!((dec.width, dec.height), (*w, *h), "{name} decoded size");
        assert_eq!(dec.codec, "h264");
        assert_eq!(dec.pix_fmt, "yuv420p");
        assert_eq!(dec.frame_count(), 180, "{name} decoded frames");
        assert!(dec.keyframes[0], "{name}: first frame must be a keyframe");
        assert!(dec.pts_seconds[0].abs() < 1e-3, "{name}: first pts {}", dec.pts_seconds[0]);
        for (i, d) in dec.pts_deltas().iter().enumerate() {
            assert!((d - frame).abs() < 1e-3, "{name}: pts step {i}->{} is {d}, not 1/30", i + 1);
        }
        let last_end = dec.pts_seconds[179] + frame;
        assert!((last_end - 6.0).abs() <= 1e-3, "{name}: video ends at {last_end}");

        let map = Placement::for_fit(fit, (1280, 720), (*w, *h)).mapper();
        for (i, want) in [(0, 15), (89, 104), (90, 15), (179, 104)] {
            assert_eq!(read_barcode(dec.frame(i), &map), want, "{name} frame {i}");
        }

        let (rate, ch, samples) = decode_audio(&path).expect("audio stream");
        assert_eq!((rate, ch), (48000, 2), "{name} audio");
        let adur = samples.len() as f64 / 2.0 / 48000.0;
        assert!((adur - 6.0).abs() <= frame, "{name}: audio lasts {adur} s");
    }
    assert_eq!(work.unexpected_files(&["clip.mp4", "recipe.json", "out-9x16.mp4", "out-1x1.mp4", "out-4x5.mp4"]), Vec::<String>::new());
}
