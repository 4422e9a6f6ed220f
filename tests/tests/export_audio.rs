//! Audio: in sync with the video, continuous at repeat seams (no click, no dropout), the right
//! pitch after resampling; boomerang is silent unless asked.

use clipforge_e2e::*;

const RATE: f64 = 48000.0;

/// Exports counter.mp4 trimmed to [0.5, `trim_end`] repeated to 7 s and checks sync and seams.
/// `pass_frames` is the video pass length (the trim rounded to whole frames).
fn check_repeat_audio(trim_end: f64, pass_frames: u32) {
    let work = Workdir::with_fixture("counter.mp4");
    let reports = work.export_ok(&json!({
        "version": 1, "source": "counter.mp4",
        "trim": { "start": 0.5, "end": trim_end },
        "loop": { "mode": "repeat", "duration": 7.0 },
        "outputs": [{ "path": "out.mp4", "aspect": "16:9", "height": 360 }]
    }));
    let out = work.path("out.mp4");
    let video_seconds = f64::from(reports[0].frames) / 30.0;
    assert!((video_seconds - 7.0).abs() < 1e-9);
    // The video pass really is `pass_frames` long (the seams are where this test looks).
    let n = pass_frames as usize;
    let dec = decode_video_keeping(&out, |i| i == n - 1 || i == n);
    let map = Placement::for_fit("crop", (1280, 720), (640, 360)).mapper();
    assert_eq!((read_barcode(dec.frame(n - 1), &map), read_barcode(dec.frame(n), &map)), (15 + pass_frames - 1, 15), "pass length");

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
    let seams: Vec<f64> = (1..).map(|k| f64::from(k * pass_frames) / 30.0).take_while(|&t| t < video_seconds - 0.05).collect();
    assert!(seams.len() >= 2);
    let near_seam = |i: usize| seams.iter().any(|s| (i as f64 / RATE - s).abs() < 0.05);
    let body = (48000..left.len() - 48000).filter(|&i| !near_seam(i));
    let typical = body.map(step).fold(0.0f32, f32::max);
    // A 0.125-amplitude 440 Hz sine steps by at most 0.0072 per sample.
    assert!(typical < 0.02, "steady-state max step {typical}");
    let window = |from: f64, len: f64| &left[(from * RATE) as usize..((from + len) * RATE) as usize];
    let level = rms(window(1.0, 0.5));
    // The source is a 0.125-amplitude sine (RMS 0.088); mono → stereo may keep it or spread it
    // at -3 dB per channel (FFmpeg's rematrix convention, RMS 0.0625). Nothing else is right.
    assert!((0.055..0.095).contains(&level), "steady RMS {level}");
    for &s in &seams {
        let i0 = ((s - 0.03) * RATE) as usize;
        let i1 = ((s + 0.03) * RATE) as usize;
        let seam_step = (i0..i1).map(step).fold(0.0f32, f32::max);
        assert!(seam_step <= typical * 1.5 + 0.002, "click at the {s:.4} s seam: step {seam_step} vs {typical} elsewhere");
        let mut t = s - 0.03;
        while t < s + 0.03 {
            let r = rms(window(t, 0.005));
            assert!(r > level * 0.5, "level dips at {t:.4} s near the {s:.4} s seam: RMS {r:.4} vs {level:.4}");
            t += 0.0025;
        }
    }
}

#[test]
fn repeat_audio_is_in_sync_and_seamless() {
    // 61 frames: 97600 samples = 894.67 cycles of 440 Hz, so the waveform's phase jumps at
    // every seam unless the seam is smoothed.
    check_repeat_audio(0.5 + 61.0 / 30.0, 61);
}

#[test]
fn repeat_audio_fills_passes_when_the_trim_is_not_frame_aligned() {
    // 2.0502 s rounds to 62 video frames (2.0667 s per pass): the audio of a pass must cover
    // the whole pass, not stop at 2.0502 s and leave a 16 ms gap before each seam.
    check_repeat_audio(2.5502, 62);
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

/// Makes an 8 s 320x180 clip in `work`: a white flash on frames 6–8 of every second (t = k+0.2 s)
/// and a 1 kHz beep for t in [k+0.2, k+0.3] — picture and sound events at the same instants.
fn make_flash_beep_clip(work: &Workdir) -> std::path::PathBuf {
    let path = work.path("flashbeep.mp4");
    let st = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i"])
        .arg("color=c=0x404040:s=320x180:r=30:d=8,drawbox=x=0:y=0:w=320:h=180:c=white:t=fill:enable='between(mod(n,30),6,8)',format=yuv420p")
        .args(["-f", "lavfi", "-i"])
        .arg("aevalsrc=exprs='if(between(mod(t,1),0.2,0.3),0.5*sin(2*PI*1000*t),0)':s=48000:d=8")
        .args(["-c:v", "libx264", "-preset", "veryfast", "-g", "30", "-c:a", "aac", "-b:a", "128k", "-ac", "1"])
        .arg(&path)
        .status()
        .expect("run ffmpeg to make the A/V sync clip");
    assert!(st.success(), "ffmpeg could not make the A/V sync clip");
    path
}

#[test]
fn picture_and_sound_events_stay_together_through_trim_and_loop() {
    let work = Workdir::new();
    make_flash_beep_clip(&work);
    // Trim 0.5–2.5 (events at source 1.2 and 2.2 s → 0.7 and 1.7 s of each pass), repeat to 6 s.
    work.export_ok(&json!({
        "version": 1, "source": "flashbeep.mp4",
        "trim": { "start": 0.5, "end": 2.5 },
        "loop": { "mode": "repeat", "duration": 6.0 },
        "outputs": [{ "path": "out.mp4", "aspect": "16:9", "height": 180 }]
    }));
    let out = work.path("out.mp4");
    let dec = decode_video(&out);
    let bright: Vec<bool> = (0..dec.frame_count()).map(|i| dec.frame(i).luma_stats(0, 0, 320, 180).0 > 150.0).collect();
    let flashes: Vec<f64> = (0..bright.len()).filter(|&i| bright[i] && (i == 0 || !bright[i - 1])).map(|i| dec.pts_seconds[i]).collect();
    let want = [0.7, 1.7, 2.7, 3.7, 4.7, 5.7];
    assert_eq!(flashes.len(), want.len(), "flash onsets {flashes:?}");
    for (f, w) in flashes.iter().zip(want) {
        assert!((f - w).abs() < 1e-3, "flash at {f:.4} s, want {w} (trim/loop timing): {flashes:?}");
    }

    let (rate, ch, samples) = decode_audio(&out).expect("audio");
    let mono = channel(&samples, ch, 0);
    let ms = (rate / 1000) as usize;
    let env: Vec<f64> = mono.chunks(ms).map(rms).collect(); // 1 ms RMS envelope
    let peak = env.iter().copied().fold(0.0, f64::max);
    assert!(peak > 0.1, "no beeps in the output audio (peak RMS {peak})");
    let loud: Vec<bool> = env.iter().map(|&e| e > peak * 0.5).collect();
    // Beep onsets: loud after at least 50 ms of quiet.
    let beeps: Vec<f64> = (50..loud.len()).filter(|&i| loud[i] && loud[i - 50..i].iter().all(|l| !l)).map(|i| i as f64 / 1000.0).collect();
    assert_eq!(beeps.len(), want.len(), "beep onsets {beeps:?} (flashes {flashes:?})");
    eprintln!("A/V event offsets (audio - video, ms): {:?}", beeps.iter().zip(&flashes).map(|(b, f)| ((b - f) * 1000.0).round()).collect::<Vec<_>>());
    for (b, f) in beeps.iter().zip(&flashes) {
        assert!((b - f).abs() <= 0.008, "beep at {b:.3} s but flash at {f:.3} s: picture and sound drift apart");
    }
}
