//! HDR phone footage (HLG and PQ, BT.2020, 10-bit HEVC) exported next to FFmpeg's own SDR
//! rendering of the same frames (`zscale` to linear light, BT.709 primaries, `tonemap=hable`,
//! `zscale` to BT.709): the mean luma within 6 code values and every colour bar's hue within 8°
//! and luma within 10; an SDR clip after an HLG clip looks as it does alone.

use std::process::Command;

use clipforge_e2e::*;

/// FFmpeg's SDR rendering of `src` at 1280x720 (frame 30), as our Frame.
fn ffmpeg_reference(work: &Workdir, src: &str) -> Frame {
    let out = work.path(&format!("{src}.ref.mp4"));
    let ok = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-i"])
        .arg(work.path(src))
        .args(["-vf", "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p"])
        .args(["-frames:v", "40", "-c:v", "libx264", "-qp", "0", "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709"])
        .arg(&out)
        .status()
        .expect("ffmpeg")
        .success();
    assert!(ok, "ffmpeg's reference rendering failed (zscale/tonemap needed)");
    decode_video_keeping(&out, |i| i == 30).frame(30).clone()
}

fn hue(rgb: [f64; 3]) -> f64 {
    let [r, g, b] = rgb;
    (3f64.sqrt() * (g - b)).atan2(2.0 * r - g - b).to_degrees()
}

fn compare(ours: &Frame, reference: &Frame, what: &str) {
    let (mo, mr) = (ours.luma_stats(0, 0, ours.width, ours.height).0, reference.luma_stats(0, 0, reference.width, reference.height).0);
    assert!((mo - mr).abs() <= 6.0, "{what}: mean luma {mo:.1} vs FFmpeg {mr:.1}");
    // SMPTE HD bars: the seven bars of the top two thirds (white, yellow, cyan, green, magenta, red, blue).
    let bars = 7.0;
    let x0 = 1280.0 / 8.0;
    let bar_w = 1280.0 * 0.75 / bars;
    for k in 0..7 {
        let (xa, xb) = (x0 + bar_w * (f64::from(k) + 0.3), x0 + bar_w * (f64::from(k) + 0.7));
        let (a, b) = (ours.mean_rgb(xa, 150.0, xb, 350.0, Matrix::Bt709), reference.mean_rgb(xa, 150.0, xb, 350.0, Matrix::Bt709));
        let (ya, yb) = (ours.mean_yuv(xa, 150.0, xb, 350.0)[0], reference.mean_yuv(xa, 150.0, xb, 350.0)[0]);
        assert!((ya - yb).abs() <= 10.0, "{what} bar {k}: luma {ya:.1} vs FFmpeg {yb:.1}");
        let chroma = |c: [f64; 3]| c.iter().cloned().fold(f64::MIN, f64::max) - c.iter().cloned().fold(f64::MAX, f64::min);
        if chroma(b) > 30.0 {
            let d = (hue(a) - hue(b) + 540.0) % 360.0 - 180.0;
            assert!(d.abs() <= 8.0, "{what} bar {k}: hue {:.1}° vs FFmpeg {:.1}° ({a:?} vs {b:?})", hue(a), hue(b));
        }
    }
}

#[test]
fn hlg_and_pq_are_tone_mapped_like_ffmpegs_reference() {
    for src in ["hdr_hlg.mp4", "hdr_pq.mp4"] {
        let work = Workdir::with_compose(&[src]);
        let info = clipforge::probe(&work.path(src)).unwrap();
        let hdr = info.video().unwrap().1.hdr;
        assert_eq!(hdr.as_str(), if src.contains("hlg") { "hlg" } else { "pq" });
        work.export_ok(&json!({
            "version": 1, "source": src,
            "loop": { "mode": "repeat", "duration": 6.0 },
            "outputs": [{ "path": "o.mp4", "aspect": "16:9", "height": 720 }]
        }));
        let ours = decode_video_keeping(&work.path("o.mp4"), |i| i == 30).frame(30).clone();
        let reference = ffmpeg_reference(&work, src);
        compare(&ours, &reference, src);
    }
}

#[test]
fn an_sdr_clip_after_an_hlg_clip_keeps_its_look() {
    let work = Workdir::with_compose(&["hdr_hlg.mp4", "shot_red.mp4"]);
    work.export_ok(&json!({
        "version": 2,
        "clips": [
            { "source": "hdr_hlg.mp4" },
            { "source": "shot_red.mp4", "trim": { "start": 0.0, "end": 3.5 }, "transition": { "kind": "crossfade", "duration": 0.5 } }
        ],
        "outputs": [{ "path": "mixed.mp4", "aspect": "16:9", "height": 360 }]
    }));
    work.export_ok(&json!({
        "version": 2,
        "clips": [{ "source": "shot_red.mp4", "trim": { "start": 0.0, "end": 3.0 } }],
        "loop": { "mode": "repeat", "duration": 6.0 },
        "outputs": [{ "path": "alone.mp4", "aspect": "16:9", "height": 360 }]
    }));
    // 3 s of HLG, then 3.5 s of the red shot from 2.5 s (6.0 s in all, the shortest allowed):
    // 1.5 s into it (4.0 s = frame 120) vs alone.
    let mixed = decode_video_keeping(&work.path("mixed.mp4"), |i| i == 120);
    let alone = decode_video_keeping(&work.path("alone.mp4"), |i| i == 45);
    let (a, b) = (mixed.frame(120).mean_yuv(100.0, 200.0, 500.0, 340.0), alone.frame(45).mean_yuv(100.0, 200.0, 500.0, 340.0));
    for i in 0..3 {
        assert!((a[i] - b[i]).abs() <= 2.0, "after HLG {a:?} vs alone {b:?}");
    }
}
