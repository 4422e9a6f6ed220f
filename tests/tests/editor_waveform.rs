//! Waveform peaks against a tone-burst clip made by the ffmpeg CLI: bursts of known amplitude at
//! known times, silence between. Referees: the generator's envelope, and the peaks of the same
//! track decoded with FFmpeg directly (no clipforge code).

use std::path::Path;
use std::process::Command;

use clipforge::editor::waveform;
use clipforge_e2e::*;

/// (start, end, amplitude) of each 1 kHz burst in the 6 s fixture.
const BURSTS: [(f64, f64, f64); 3] = [(1.0, 2.0, 0.8), (3.0, 3.5, 0.4), (4.5, 5.5, 0.2)];

/// A 6 s clip: 320x180 test video and a stereo 48 kHz track with the bursts, audio as `codec`.
fn tone_bursts(dir: &Path, name: &str, codec: &[&str]) -> std::path::PathBuf {
    let env: Vec<String> = BURSTS.iter().map(|(s, e, a)| format!("{a}*between(t,{s},{e})*lt(t,{e})")).collect();
    let expr = format!("({})*sin(2*PI*1000*t)", env.join("+"));
    let out = dir.join(name);
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=30:d=6", "-f", "lavfi", "-i"])
        .arg(format!("aevalsrc=exprs='{expr}|{expr}':sample_rate=48000:duration=6"))
        .args(["-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast"])
        .args(codec)
        .arg(&out)
        .status()
        .expect("ffmpeg runs");
    assert!(status.success(), "ffmpeg could not make {name}");
    out
}

/// The envelope the generator drew over [from, to): the loudest burst overlapping it, 0 in silence.
fn envelope(from: f64, to: f64) -> Option<f64> {
    let mut amp = 0.0;
    for (s, e, a) in BURSTS {
        let overlap = from < e && to > s;
        let inside = from >= s && to <= e;
        if overlap && !inside {
            return None; // a bucket across an edge: not judged
        }
        if inside {
            amp = a;
        }
    }
    Some(amp)
}

#[test]
fn waveform_peaks_follow_the_tone_burst_envelope() {
    let dir = tempfile::tempdir().unwrap();
    for (name, codec, tolerance) in [
        ("bursts-pcm.mov", &["-c:a", "pcm_s16le"][..], 0.01),
        ("bursts-aac.mp4", &["-c:a", "aac", "-b:a", "192k"][..], 0.06),
    ] {
        let clip = tone_bursts(dir.path(), name, codec);
        let buckets = 120; // 50 ms each
        let w = waveform(&clip, buckets).unwrap();
        assert!(w.has_audio, "{name}");
        assert!((w.duration - 6.0).abs() < 0.05, "{name}: duration {}", w.duration);
        assert_eq!(w.peaks.len(), buckets as usize);
        let step = w.duration / f64::from(buckets);

        // Referee 2: the same peaks from FFmpeg's own decode of the file.
        let (rate, ch, samples) = decode_audio(&clip).unwrap();
        let frames = samples.len() / ch;
        let mut judged = 0;
        for (i, p) in w.peaks.iter().enumerate() {
            let (from, to) = (i as f64 * step, (i + 1) as f64 * step);
            assert!(p.min <= 0.0 && p.max >= 0.0 && p.min >= -1.0 && p.max <= 1.0, "{name} bucket {i}: {p:?}");
            let (a, b) = (((from * f64::from(rate)) as usize).min(frames), ((to * f64::from(rate)) as usize).min(frames));
            let (lo, hi) = samples[a * ch..b * ch].iter().fold((0f32, 0f32), |(l, h), &x| (l.min(x), h.max(x)));
            if let Some(amp) = envelope(from, to) {
                judged += 1;
                // The generator's envelope: a full bucket of a 1 kHz sine reaches ±amp.
                assert!((f64::from(p.max) - amp).abs() <= tolerance && (f64::from(-p.min) - amp).abs() <= tolerance,
                    "{name} bucket {i} ({from:.2}–{to:.2} s): peaks {:.3}/{:.3}, envelope {amp}", p.min, p.max);
                assert!((p.max - hi).abs() <= 0.02 && (p.min - lo).abs() <= 0.02,
                    "{name} bucket {i}: clipforge {:.3}/{:.3}, FFmpeg {lo:.3}/{hi:.3}", p.min, p.max);
            }
        }
        assert!(judged > 100, "{name}: only {judged} buckets judged");
    }
}

#[test]
fn a_clip_without_audio_has_a_flat_waveform_and_bad_requests_are_typed_errors() {
    let w = waveform(&fixture("noaudio.mp4"), 50).unwrap();
    assert!(!w.has_audio);
    assert_eq!(w.peaks.len(), 50);
    assert!(w.peaks.iter().all(|p| p.min == 0.0 && p.max == 0.0));
    assert!((w.duration - 7.0).abs() < 0.1, "duration {}", w.duration);
    let clip = fixture("counter.mp4");
    assert_eq!(waveform(&clip, 0).unwrap_err().kind, ErrorKind::InvalidRecipe);
    assert_eq!(waveform(&clip, 10_000_000).unwrap_err().kind, ErrorKind::InvalidRecipe);
    assert_eq!(waveform(&workspace_root().join("nope.mp4"), 10).unwrap_err().kind, ErrorKind::Io);
    // counter.mp4's track is mono: FFmpeg's sine at 1/8 of full scale, shown at its own level
    // (not the −3 dB a stereo upmix plays it at). The first bucket holds the AAC start-up.
    let w = waveform(&clip, 16).unwrap();
    assert!(w.peaks[1..].iter().all(|p| (p.max - 0.125).abs() < 0.005 && (p.min + 0.125).abs() < 0.005), "{:?}", w.peaks);
}
