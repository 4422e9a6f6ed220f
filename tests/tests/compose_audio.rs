//! The composer's sound, measured on the decoded output: a music bed ducked under speech
//! (espeak-ng) by the amount asked, loudness at the target per FFmpeg's own `ebur128` filter,
//! every music format read, a short song looped, and half-speed speech keeping its pitch.

use clipforge_e2e::*;

const RATE: u32 = 48_000;

/// Mono mix of the decoded track between `a` and `b` seconds.
fn window(samples: &[f32], channels: usize, a: f64, b: f64) -> Vec<f32> {
    let left = channel(samples, channels, 0);
    left[(a * f64::from(RATE)) as usize..((b * f64::from(RATE)) as usize).min(left.len())].to_vec()
}

#[test]
fn music_ducks_under_speech_by_the_amount_asked() {
    let work = Workdir::with_compose(&["talk.mp4", "tone.m4a"]);
    let reports = work.export_ok(&json!({
        "version": 2,
        "clips": [{ "source": "talk.mp4" }],
        "music": { "path": "tone.m4a", "volume": 0.5, "duck": { "amount_db": -12, "attack": 0.05, "release": 0.4 } },
        "loudness": { "normalize": false },
        "outputs": [{ "path": "o.mp4", "aspect": "16:9", "height": 360 }]
    }));
    assert!(reports[0].loudness_lufs.is_some());
    let (rate, ch, s) = decode_audio(&work.path("o.mp4")).expect("an audio track");
    assert_eq!(rate, RATE);
    // The tone (220 Hz) alone before the speech (0.2–1.6 s) and in the middle of it (2.8–3.8 s).
    let before = tone_db(&window(&s, ch, 0.2, 1.6), RATE, 220.0);
    let during = tone_db(&window(&s, ch, 2.8, 3.8), RATE, 220.0);
    let after = tone_db(&window(&s, ch, 6.0, 6.9), RATE, 220.0);
    assert!(before - during >= 12.0 - 2.0, "ducked by {:.1} dB (before {before:.1}, during {during:.1})", before - during);
    assert!((before - after).abs() < 1.5, "back up after the release: {before:.1} vs {after:.1}");
}

#[test]
fn loudness_lands_on_the_target_by_ffmpegs_meter() {
    let work = Workdir::with_compose(&["talk.mp4", "shot_red.mp4", "tone.m4a"]);
    let reports = work.export_ok(&json!({
        "version": 2,
        "clips": [
            { "source": "talk.mp4", "trim": { "start": 1.0, "end": 5.0 } },
            { "source": "shot_red.mp4", "trim": { "start": 0.0, "end": 3.0 }, "volume": 0.3, "transition": { "kind": "crossfade", "duration": 0.5 } }
        ],
        "music": { "path": "tone.m4a", "offset": 2.0, "volume": 0.8, "fade_in": 0.5, "fade_out": 1.0, "duck": {} },
        "outputs": [
            { "path": "a.mp4", "aspect": "9:16", "height": 640 },
            { "path": "b.mp4", "aspect": "16:9", "height": 360 }
        ]
    }));
    for r in &reports {
        let (lufs, peak) = ffmpeg_loudness(&r.path);
        assert!((lufs + 14.0).abs() <= 1.0, "{}: integrated {lufs} LUFS", r.path.display());
        assert!(peak <= -1.0, "{}: true peak {peak} dBTP", r.path.display());
        let reported = r.loudness_lufs.unwrap();
        assert!((reported - lufs).abs() <= 1.0, "report {reported} vs ffmpeg {lufs}");
    }
}

#[test]
fn every_music_format_plays_and_a_short_song_loops() {
    for song in ["tone.m4a", "tone.mp3", "tone.ogg", "tone.wav", "tone.flac", "short_song.m4a"] {
        let work = Workdir::with_compose(&["shot_green.mp4", song]);
        work.export_ok(&json!({
            "version": 2,
            "clips": [{ "source": "shot_green.mp4", "trim": { "start": 0.0, "end": 3.0 } }],
            "loop": { "mode": "repeat", "duration": 8.0 },
            "music": { "path": song },
            "outputs": [{ "path": "o.mp4", "aspect": "16:9", "height": 360 }]
        }));
        let (rate, ch, s) = decode_audio(&work.path("o.mp4")).expect("audio");
        let hz = if song == "short_song.m4a" { 330.0 } else { 220.0 };
        // Music all the way: the short (3 s) song loops, still sounding at 7 s.
        for t in [0.5, 4.0, 7.0] {
            let w = window(&s, ch, t, t + 0.5);
            assert!((zero_crossing_hz(&w, rate) - hz).abs() < 5.0, "{song} at {t} s: {} Hz", zero_crossing_hz(&w, rate));
            assert!(rms(&w) > 0.05, "{song} at {t} s is silent");
        }
    }
}

#[test]
fn half_speed_sound_keeps_its_pitch() {
    let work = Workdir::with_compose(&["shot_red.mp4"]);
    work.export_ok(&json!({
        "version": 2,
        "clips": [{ "source": "shot_red.mp4", "trim": { "start": 0.0, "end": 3.0 }, "speed": 0.5 }],
        "loudness": { "normalize": false },
        "outputs": [{ "path": "o.mp4", "aspect": "16:9", "height": 360 }]
    }));
    let (rate, ch, s) = decode_audio(&work.path("o.mp4")).expect("audio");
    assert!((s.len() / ch) as f64 / f64::from(rate) > 5.9, "6 s of sound");
    let w = window(&s, ch, 1.0, 5.0);
    assert!((zero_crossing_hz(&w, rate) - 440.0).abs() < 10.0, "{} Hz", zero_crossing_hz(&w, rate));
    // Quarter speed is below what keeps its pitch: muted.
    let work = Workdir::with_compose(&["shot_red.mp4"]);
    let r = work.export_ok(&json!({
        "version": 2,
        "clips": [{ "source": "shot_red.mp4", "trim": { "start": 0.0, "end": 2.0 }, "speed": 0.25 }],
        "outputs": [{ "path": "o.mp4", "aspect": "16:9", "height": 360 }]
    }));
    assert!(r[0].loudness_lufs.is_none(), "no sound at 0.25x");
}
