//! Referees for the template tests, all outside the library: FFmpeg decodes a frame of an export
//! (to PNG or raw RGB), ZBar (`zbarimg`) reads QR codes, Tesseract reads the end card's text.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The frame at `t` seconds as a PNG in `work`, optionally through an FFmpeg filter chain.
pub fn frame_png(video: &Path, t: f64, work: &Path, vf: Option<&str>) -> PathBuf {
    let png = work.join(format!("{}-{t}-{}.png", video.file_stem().unwrap().to_string_lossy(), vf.map_or(0, |v| v.len())));
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-v", "error", "-y", "-ss", &format!("{t}"), "-i"]).arg(video).args(["-frames:v", "1"]);
    if let Some(vf) = vf {
        cmd.args(["-vf", vf]);
    }
    let st = cmd.arg(&png).status().expect("ffmpeg runs");
    assert!(st.success(), "ffmpeg could not decode {} at {t}", video.display());
    png
}

/// What ZBar reads in the frame at `t` (None: no code).
pub fn qr_at(video: &Path, t: f64, work: &Path) -> Option<String> {
    let png = frame_png(video, t, work, None);
    let out = Command::new("zbarimg").args(["-q", "--raw", "-Sdisable", "-Sqrcode.enable"]).arg(&png).output().expect("zbarimg runs (apt zbar-tools)");
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    // zbarimg exits 4 when it finds no code.
    match out.status.code() {
        Some(0) => Some(text),
        Some(4) => None,
        c => panic!("zbarimg failed ({c:?}): {}", String::from_utf8_lossy(&out.stderr)),
    }
}

/// The frame at `t` scaled to `w`×`h`, as RGB bytes (FFmpeg's scaler and colour conversion).
pub fn rgb_at(video: &Path, t: f64, w: u32, h: u32) -> Vec<u8> {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-ss", &format!("{t}"), "-i"])
        .arg(video)
        .args(["-frames:v", "1", "-vf", &format!("scale={w}:{h}"), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .expect("ffmpeg runs");
    assert!(out.status.success() && out.stdout.len() == (w * h * 3) as usize, "ffmpeg raw frame of {} at {t}", video.display());
    out.stdout
}

/// Mean RGB of the box [x0, x1) × [y0, y1) (fractions) of a `w`-wide RGB picture.
pub fn mean_rgb(rgb: &[u8], w: u32, h: u32, (x0, y0, x1, y1): (f64, f64, f64, f64)) -> [f64; 3] {
    let (xa, xb) = ((x0 * w as f64) as usize, (x1 * w as f64) as usize);
    let (ya, yb) = ((y0 * h as f64) as usize, (y1 * h as f64) as usize);
    let mut s = [0f64; 3];
    let mut n = 0f64;
    for y in ya..yb {
        for x in xa..xb {
            let i = (y * w as usize + x) * 3;
            for c in 0..3 {
                s[c] += rgb[i + c] as f64;
            }
            n += 1.0;
        }
    }
    s.map(|v| v / n.max(1.0))
}

/// Text Tesseract reads in the frame at `t`, cropped to `crop` (FFmpeg crop=w:h:x:y in pixels),
/// turned grey and inverted (white card text on a brand colour reads as dark on light).
pub fn ocr_at(video: &Path, t: f64, work: &Path, crop: &str) -> String {
    let png = frame_png(video, t, work, Some(&format!("crop={crop},scale=iw*2:ih*2:flags=lanczos,format=gray,negate")));
    let out = Command::new("tesseract").arg(&png).args(["-", "--psm", "6", "-l", "eng"]).output().expect("tesseract runs (apt tesseract-ocr)");
    assert!(out.status.success(), "tesseract failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// A clip of `seconds` made with FFmpeg's test source (for slots that must refuse it).
pub fn short_clip(dir: &Path, seconds: f64) -> PathBuf {
    let p = dir.join(format!("clip-{seconds}.mp4"));
    let st = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-t", &format!("{seconds}"), "-pix_fmt", "yuv420p"])
        .arg(&p)
        .status()
        .unwrap();
    assert!(st.success());
    p
}
