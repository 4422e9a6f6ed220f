//! `clipforge thumbnails`, `frame` and `waveform` as a script uses them: files and JSON lines, the
//! pictures read back with the ffmpeg CLI (not with clipforge).

use std::path::Path;
use std::process::{Command, Output};

use clipforge_e2e::*;

fn cli(args: &[&str]) -> Output {
    Command::new(clipforge_bin()).args(args).output().expect("clipforge runs")
}

/// A picture file decoded by the ffmpeg CLI to 8-bit grey: (width, height, luma) as a tests Frame.
fn gray(path: &Path, w: u32, h: u32) -> Frame {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-f", "rawvideo", "-pix_fmt", "gray", "-"])
        .output()
        .expect("ffmpeg runs");
    assert!(out.status.success() && out.stdout.len() == (w * h) as usize, "{} decodes to {} bytes", path.display(), out.stdout.len());
    let c = (w.div_ceil(2) * h.div_ceil(2)) as usize;
    // ffmpeg's gray is full range; the barcode reader thresholds at mid-grey either way.
    Frame { width: w, height: h, y: out.stdout, u: vec![128; c], v: vec![128; c] }
}

#[test]
fn cli_thumbnails_frame_and_waveform() {
    let dir = tempfile::tempdir().unwrap();
    let clip = fixture("counter.mp4");
    let clip = clip.to_str().unwrap();
    let out_dir = dir.path().join("strip");

    let out = cli(&["thumbnails", clip, "--count", "10", "--height", "160", "--out-dir", out_dir.to_str().unwrap(), "--format", "png", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).expect("one JSON object a line")).collect();
    assert_eq!(lines.len(), 10);
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["index"].as_u64(), Some(i as u64), "{l}");
        let (w, h) = (l["width"].as_u64().unwrap() as u32, l["height"].as_u64().unwrap() as u32);
        assert_eq!((w, h), (284, 160));
        let path = Path::new(l["path"].as_str().unwrap());
        assert!(path.starts_with(&out_dir) && path.extension().unwrap() == "png", "{l}");
        let s = f64::from(w) / 1280.0;
        let n = try_read_barcode(&gray(path, w, h), 8, |x, y| (x * s, y * s)).unwrap();
        assert_eq!(n, (l["time"].as_f64().unwrap() * 30.0).round() as u32, "{l}");
        assert!(l["keyframe"].is_boolean());
    }

    let png = dir.path().join("f.png");
    let out = cli(&["frame", clip, "--at", "3.2", "-o", png.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["width"].as_u64(), v["height"].as_u64()), (Some(1280), Some(720)), "{v}");
    assert!((v["time"].as_f64().unwrap() - 3.2).abs() < 1e-6, "{v}");
    assert_eq!(read_barcode(&gray(&png, 1280, 720), identity), 96);
    let jpg = dir.path().join("small.jpg");
    let out = cli(&["frame", clip, "--at", "0.5", "-o", jpg.to_str().unwrap(), "--height", "360"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(try_read_barcode(&gray(&jpg, 640, 360), 8, |x, y| (x / 2.0, y / 2.0)).unwrap(), 15);

    let out = cli(&["waveform", clip, "--buckets", "200", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let peaks = v["peaks"].as_array().unwrap();
    assert_eq!(peaks.len(), 200);
    assert_eq!(v["has_audio"], json!(true));
    assert!(peaks.iter().all(|p| p["min"].as_f64().unwrap() <= 0.0 && p["max"].as_f64().unwrap() > 0.1), "{v}");

    // Errors: one line, the kind first, non-zero exit, no file.
    let bad = dir.path().join("f.gif");
    let out = cli(&["frame", clip, "--at", "1", "-o", bad.to_str().unwrap()]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).starts_with("error[InvalidRecipe]: "));
    assert!(!bad.exists());
    let out = cli(&["waveform", "/nonexistent/clip.mp4"]);
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error[Io]: "), "{}", String::from_utf8_lossy(&out.stderr));
    let out = cli(&["thumbnails", clip, "--count", "0"]);
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error[InvalidRecipe]: "));
}
