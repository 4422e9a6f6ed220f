//! Every source format the fixtures cover exports to a decodable H.264/AAC MP4 of the right size
//! and length, showing the source's picture (compared as coarse RGB block means, so scaling
//! filters do not matter but wrong colours, chroma or garbage do).

use clipforge_e2e::*;

struct Expect {
    frames: u32,
    audio: bool,
}

/// Exports `fixture` to one 640x360 (16:9 crop) output and checks the output against the source.
fn export_format(fixture_name: &str, trim: Option<Value>, looping: Option<Value>, expect: Expect) -> Workdir {
    let work = Workdir::with_fixture(fixture_name);
    let mut recipe = json!({
        "version": 1, "source": fixture_name,
        "outputs": [{ "path": "out.mp4", "aspect": "16:9", "height": 360 }]
    });
    if let Some(t) = trim {
        recipe["trim"] = t;
    }
    if let Some(l) = looping {
        recipe["loop"] = l;
    }
    let reports = work.export_ok(&recipe);
    let out = work.path("out.mp4");
    assert_eq!((reports[0].width, reports[0].height, reports[0].frames), (640, 360, expect.frames), "{fixture_name} report");
    let seconds = f64::from(expect.frames) / 30.0;

    let probe = ffprobe_json(&out);
    let v = probe_streams(&probe, "video");
    let a = probe_streams(&probe, "audio");
    assert_eq!(v.len(), 1, "{fixture_name}");
    assert_eq!((v[0]["codec_name"].as_str(), v[0]["pix_fmt"].as_str()), (Some("h264"), Some("yuv420p")), "{fixture_name}");
    let d = num(&probe["format"]["duration"]);
    assert!((d - seconds).abs() <= 1.0 / 30.0 + 1e-6, "{fixture_name}: duration {d}, want {seconds}");
    assert!(mp4_is_faststart(&out), "{fixture_name}: not fast start");
    if expect.audio {
        assert_eq!(a.len(), 1, "{fixture_name}: audio stream expected");
        assert_eq!(a[0]["codec_name"], "aac", "{fixture_name}");
        assert_eq!((num(&a[0]["sample_rate"]), a[0]["channels"].as_u64()), (48000.0, Some(2)), "{fixture_name}");
        let (rate, ch, samples) = decode_audio(&out).unwrap();
        assert_eq!((rate, ch), (48000, 2));
        let ad = samples.len() as f64 / 96000.0;
        assert!((ad - seconds).abs() <= 1.0 / 30.0, "{fixture_name}: audio {ad} s vs video {seconds} s");
        assert!(rms(&samples) > 0.01, "{fixture_name}: audio is silent");
    } else {
        assert!(a.is_empty(), "{fixture_name}: the source has no audio, the output must have no audio stream");
        assert!(decode_audio(&out).is_none());
    }

    let dec = decode_video(&out);
    assert_eq!((dec.width, dec.height, dec.frame_count()), (640, 360, expect.frames as usize), "{fixture_name} decoded");
    assert!(dec.keyframes[0], "{fixture_name}: first frame not a keyframe");
    for (i, d) in dec.pts_deltas().iter().enumerate() {
        assert!((d - 1.0 / 30.0).abs() < 1e-3, "{fixture_name}: pts step {i} is {d}");
    }

    // Same picture as the source's first frame (trim starts at 0 in every case here).
    let src = decode_first_frames(&work.path(fixture_name), 1);
    let a = src.frame(0).block_means_rgb(16, 9, src.matrix());
    let b = dec.frame(0).block_means_rgb(16, 9, dec.matrix());
    let diffs: Vec<f64> = a.iter().zip(&b).flat_map(|(p, q)| (0..3).map(move |c| (p[c] - q[c]).abs())).collect();
    let mean = diffs.iter().sum::<f64>() / diffs.len() as f64;
    let max = diffs.iter().copied().fold(0.0, f64::max);
    eprintln!("{fixture_name}: RGB block means differ by {mean:.2} on average, {max:.1} at most");
    assert!(mean < 4.0 && max < 16.0, "{fixture_name}: output frame 0 differs from the source (mean {mean:.1}, max {max:.1} in RGB block means)");
    work
}

fn repeat_to_6() -> Option<Value> {
    Some(json!({ "mode": "repeat", "duration": 6.0 }))
}

#[test]
fn hevc_10bit_mp4() {
    export_format("hevc_10bit.mp4", None, repeat_to_6(), Expect { frames: 180, audio: true });
}

#[test]
fn vp9_444_webm_with_opus() {
    export_format("vp9_444.webm", None, repeat_to_6(), Expect { frames: 180, audio: true });
}

#[test]
fn av1_mkv_without_audio() {
    export_format("av1.mkv", None, repeat_to_6(), Expect { frames: 180, audio: false });
}

#[test]
fn yuv422_10bit_mov_with_pcm24() {
    export_format("yuv422_10bit.mov", None, repeat_to_6(), Expect { frames: 180, audio: true });
}

#[test]
fn odd_size_444_mp4() {
    export_format("odd_444.mp4", None, repeat_to_6(), Expect { frames: 180, audio: false });
}

#[test]
fn noaudio_mp4_gives_no_audio_stream() {
    export_format("noaudio.mp4", Some(json!({ "start": 0.0, "end": 6.5 })), None, Expect { frames: 195, audio: false });
}

#[test]
fn pcm_44k_25fps_mov_becomes_48k_stereo_aac_at_30fps() {
    let work = export_format("pcm_44k.mov", Some(json!({ "start": 0.0, "end": 6.5 })), None, Expect { frames: 195, audio: true });
    // Left 330 Hz, right 550 Hz: channels kept apart and the pitch survives 44.1 → 48 kHz.
    let (rate, ch, samples) = decode_audio(&work.path("out.mp4")).unwrap();
    let (l, r) = (channel(&samples, ch, 0), channel(&samples, ch, 1));
    let (fl, fr) = (zero_crossing_hz(&l, rate), zero_crossing_hz(&r, rate));
    assert!((fl - 330.0).abs() < 3.0, "left channel at {fl:.1} Hz, want 330");
    assert!((fr - 550.0).abs() < 3.0, "right channel at {fr:.1} Hz, want 550");
    for (name, x) in [("left", &l), ("right", &r)] {
        let level = rms(x);
        // 0.125 amplitude sine: RMS 0.088.
        assert!((level - 0.0884).abs() < 0.015, "{name} RMS {level:.4}");
    }
}

#[test]
fn big_4k_needs_a_loop_and_then_exports() {
    let work = Workdir::with_fixture("big_4k.mp4");
    let err = work
        .export(&json!({
            "version": 1, "source": "big_4k.mp4",
            "outputs": [{ "path": "out.mp4", "aspect": "16:9", "height": 360 }]
        }))
        .expect_err("a 2 s clip without a loop is too short");
    assert_eq!(err.kind, ErrorKind::InvalidRecipe, "{}", err.message);
    assert!(!work.path("out.mp4").exists());
    export_format("big_4k.mp4", None, repeat_to_6(), Expect { frames: 180, audio: false });
}

#[test]
fn short_2s_looped_to_6s() {
    let work = export_format("short_2s.mp4", None, repeat_to_6(), Expect { frames: 180, audio: true });
    let dec = decode_video(&work.path("out.mp4"));
    let map = Placement::for_fit("crop", (1280, 720), (640, 360)).mapper();
    let shown: Vec<u32> = (0..180).map(|k| read_barcode(dec.frame(k), &map)).collect();
    let want: Vec<u32> = (0..180).map(|k| k % 60).collect();
    assert_eq!(shown, want);
}
