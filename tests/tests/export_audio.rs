//! Audio: in sync with the video, continuous at repeat seams (no click, no dropout), the right
//! pitch after resampling; boomerang is silent unless asked.

use clipforge_e2e::*;

const RATE: f64 = 48000.0;

#[test]
fn repeat_audio_is_in_sync_and_seamless() {
    let work = Workdir::with_fixture("counter.mp4");
    // 2 s segment repeated to 7 s: seams at 2, 4 and 6 s; the last pass is cut after 1 s.
    let reports = work.export_ok(&json!({
        "version": 1, "source": "counter.mp4",
        "trim": { "start": 0.5, "end": 2.5 },
        "loop": { "mode": "repeat", "duration": 7.0 },
        "outputs": [{ "path": "out.mp4", "aspect": "16:9", "height": 360 }]
    }));
    let out = work.path("out.mp4");
    let video_seconds = f64::from(reports[0].frames) / 30.0;
    assert!((video_seconds - 7.0).abs() < 1e-9);

    // Sync: the audio track starts with the video and lasts as long, within one frame.
    let probe = ffprobe_json(&out);
    let a = &probe_streams(&probe, "audio")[0];
    let v = &probe_streams(&probe, "video")[0];
    let (a_start, v_start) = (num(&a["start_time"]), num(&v["start_time"]));
    assert!((a_start - v_start).abs() <= 1.0 / 30.0, "audio starts at {a_start}, video at {v_start}");
    let (a_dur, v_dur) = (num(&a["duration"]), num(&v["duration"]));
    assert!((a_dur - v_dur).abs() <= 1.0 / 30.0, "audio stream {a_dur} s vs video stream {v_dur} s");

    let (rate, ch, samples) = decode_audio(&out).expect("audio");
    assert_eq!((rate, ch), (48000, 2));
    let decoded = samples.len() as f64 / 2.0 / RATE;
    assert!((decoded - video_seconds).abs() <= 1.0 / 30.0, "decoded audio {decoded} s vs video {video_seconds} s");
    let left = channel(&samples, 2, 0);
    let right = channel(&samples, 2, 1);
    assert!(left.iter().zip(&right).all(|(l, r)| (l - r).abs() < 1e-3), "mono source: both channels equal");
    let hz = zero_crossing_hz(&left, rate);
    assert!((hz - 440.0).abs() < 3.0, "pitch {hz:.1} Hz, want 440 (44.1 → 48 kHz resampling)");

    // Continuity: the largest sample-to-sample step near a seam is no bigger than elsewhere,
    // and the level does not dip near a seam.
    let step = |i: usize| (left[i + 1] - left[i]).abs();
    let seams = [2.0, 4.0, 6.0];
    let near_seam = |i: usize| seams.iter().any(|s| (i as f64 / RATE - s).abs() < 0.05);
    let body = (48000..left.len() - 48000).filter(|&i| !near_seam(i));
    let typical = body.map(step).fold(0.0f32, f32::max);
    // A 0.125-amplitude 440 Hz sine steps by at most 0.0072 per sample.
    assert!(typical < 0.02, "steady-state max step {typical}");
    let window = |from: f64, len: f64| &left[(from * RATE) as usize..((from + len) * RATE) as usize];
    let level = rms(window(1.0, 0.5));
    assert!((level - 0.0884).abs() < 0.01, "steady RMS {level}");
    for s in seams {
        let i0 = ((s - 0.03) * RATE) as usize;
        let i1 = ((s + 0.03) * RATE) as usize;
        let seam_step = (i0..i1).map(step).fold(0.0f32, f32::max);
        assert!(seam_step <= typical * 1.5 + 0.002, "click at the {s} s seam: step {seam_step} vs {typical} elsewhere");
        let mut t = s - 0.03;
        while t < s + 0.03 {
            let r = rms(window(t, 0.005));
            assert!(r > level * 0.5, "level dips at {t:.3} s near the {s} s seam: RMS {r:.4} vs {level:.4}");
            t += 0.0025;
        }
    }
}

#[test]
fn audio_follows_partial_passes_and_counts() {
    let work = Workdir::with_fixture("counter.mp4");
    work.export_ok(&json!({
        "version": 1, "source": "counter.mp4",
        "trim": { "start": 1.0, "end": 3.3 },
        "loop": { "mode": "repeat", "count": 3 },
        "outputs": [{ "path": "out.mp4", "aspect": "1:1", "height": 240 }]
    }));
    // 2.3 s = 69 frames; 3 passes = 207 frames = 6.9 s.
    let dec = decode_video_keeping(&work.path("out.mp4"), |_| false);
    assert_eq!(dec.frame_count(), 207);
    let (_, _, samples) = decode_audio(&work.path("out.mp4")).expect("audio");
    let secs = samples.len() as f64 / 2.0 / RATE;
    assert!((secs - 6.9).abs() <= 1.0 / 30.0, "audio {secs} s vs 6.9 s of video");
}

#[test]
fn boomerang_has_no_audio_by_default() {
    let work = Workdir::with_fixture("counter.mp4");
    work.export_ok(&json!({
        "version": 1, "source": "counter.mp4",
        "trim": { "start": 0.0, "end": 2.0 },
        "loop": { "mode": "boomerang", "count": 2 },
        "outputs": [{ "path": "out.mp4", "aspect": "16:9", "height": 240 }]
    }));
    let probe = ffprobe_json(&work.path("out.mp4"));
    assert_eq!(probe_streams(&probe, "audio").len(), 0, "boomerang must be muted by default");
    assert_eq!(probe_streams(&probe, "video").len(), 1);
}

#[test]
fn mute_drops_the_audio_track() {
    let work = Workdir::with_fixture("counter.mp4");
    work.export_ok(&json!({
        "version": 1, "source": "counter.mp4",
        "trim": { "start": 0.0, "end": 6.0 },
        "audio": { "mute": true },
        "outputs": [{ "path": "out.mp4", "aspect": "16:9", "height": 240 }]
    }));
    assert!(decode_audio(&work.path("out.mp4")).is_none());
}
