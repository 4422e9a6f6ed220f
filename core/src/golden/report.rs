//! A static HTML report QA can open: per case, expected and actual frames side by side with an
//! amplified difference heatmap, the metrics against thresholds, and a contact sheet per output.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::golden::thumbs::Thumb;
use crate::golden::CaseResult;

/// Differences are multiplied by this before colouring, so encoder noise shows faintly and real
/// changes glare.
const HEAT_GAIN: f64 = 8.0;

/// Writes `dir/index.html` and its images; returns the page's path.
pub fn write_report(dir: &Path, results: &[CaseResult]) -> Result<PathBuf> {
    let img_dir = dir.join("img");
    std::fs::create_dir_all(&img_dir).map_err(|e| Error::io_at(&img_dir, e))?;
    let passed = results.iter().filter(|r| r.passed()).count();
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><meta charset=utf-8><title>clipforge golden report</title><style>{CSS}</style>\
         <h1>clipforge golden report</h1><p class=sum>{passed} passed, {} failed</p><nav>",
        results.len() - passed
    );
    for r in results {
        let _ = write!(h, "<a class={} href='#{}'>{}</a> ", class(r.passed()), esc(&r.name), esc(&r.name));
    }
    h.push_str("</nav>");
    for r in results {
        case_section(&mut h, r, &img_dir)?;
    }
    let page = dir.join("index.html");
    std::fs::write(&page, h).map_err(|e| Error::io_at(&page, e))?;
    Ok(page)
}

fn case_section(h: &mut String, r: &CaseResult, img_dir: &Path) -> Result<()> {
    let t = &r.thresholds;
    let _ = write!(
        h,
        "<section id='{n}'><h2><span class={c}>{v}</span> {n}</h2><p>{d}</p><p class=th>thresholds: PSNR ≥ {} dB, SSIM ≥ {}, audio ±{} dB</p>",
        t.psnr_min,
        t.ssim_min,
        t.audio_db,
        n = esc(&r.name),
        c = class(r.passed()),
        v = if r.passed() { "PASS" } else { "FAIL" },
        d = esc(&r.description)
    );
    if !r.failures.is_empty() {
        h.push_str("<ul class=fail>");
        for f in &r.failures {
            let _ = write!(h, "<li>{}</li>", esc(f));
        }
        h.push_str("</ul>");
    }
    h.push_str("<table><tr><th>output @ time</th><th>expected</th><th>actual</th><th>difference ×8</th><th>PSNR</th><th>SSIM</th></tr>");
    for (i, f) in r.frames.iter().enumerate() {
        let base = format!("{}-{i}", r.name);
        let actual = save(img_dir, &format!("{base}-actual.png"), &f.actual)?;
        let (expected, heat) = match &f.expected {
            Some(e) if e.width == f.actual.width && e.height == f.actual.height => {
                (img(&save(img_dir, &format!("{base}-expected.png"), e)?), img(&save(img_dir, &format!("{base}-diff.png"), &heatmap(e, &f.actual))?))
            }
            Some(e) => (img(&save(img_dir, &format!("{base}-expected.png"), e)?), "size differs".into()),
            None => ("not blessed".into(), String::new()),
        };
        let _ = write!(
            h,
            "<tr><td>{} @ {:.3} s</td><td>{expected}</td><td>{}</td><td>{heat}</td><td class={}>{:.1} dB</td><td class={}>{:.3}</td></tr>",
            esc(&f.output),
            f.time,
            img(&actual),
            class(f.psnr >= t.psnr_min),
            f.psnr,
            class(f.ssim >= t.ssim_min),
            f.ssim
        );
    }
    h.push_str("</table>");
    for m in &r.meta {
        let audio = m.audio.as_ref().map_or("no audio".to_string(), |a| {
            format!("{} {} Hz {} ch, RMS/s {:?} dBFS, at seams {:?} dBFS", a.codec, a.sample_rate, a.channels, a.rms_per_second, a.seam_rms)
        });
        let _ = write!(
            h,
            "<p class=meta><b>{}</b>: {}x{}, {} frames, {:.3} s, {:.3} fps, {} {}; {}</p>",
            esc(&m.name),
            m.width,
            m.height,
            m.frames,
            m.duration,
            m.fps,
            esc(&m.video_codec),
            esc(&m.pixel_format),
            esc(&audio)
        );
    }
    for (i, (name, frames)) in r.sheets.iter().enumerate() {
        let sheet = save(img_dir, &format!("{}-sheet-{i}.png", r.name), &contact_sheet(frames))?;
        let _ = write!(h, "<p class=sheet>{} contact sheet<br>{}</p>", esc(name), img(&sheet));
    }
    h.push_str("</section>");
    Ok(())
}

fn save(dir: &Path, name: &str, t: &Thumb) -> Result<String> {
    t.save_png(&dir.join(name))?;
    Ok(format!("img/{name}"))
}

fn img(src: &str) -> String {
    format!("<img src='{}'>", esc(src))
}

fn class(ok: bool) -> &'static str {
    if ok { "ok" } else { "bad" }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('\'', "&#39;").replace('"', "&quot;")
}

/// Largest channel difference per pixel, amplified, on a black→red→yellow→white scale.
pub fn heatmap(a: &Thumb, b: &Thumb) -> Thumb {
    let rgb = a
        .rgb
        .chunks_exact(3)
        .zip(b.rgb.chunks_exact(3))
        .flat_map(|(p, q)| {
            let d = (0..3).map(|i| (i16::from(p[i]) - i16::from(q[i])).unsigned_abs()).max().unwrap_or(0);
            let v = (f64::from(d) * HEAT_GAIN).min(765.0);
            [v.min(255.0) as u8, (v - 255.0).clamp(0.0, 255.0) as u8, (v - 510.0).clamp(0.0, 255.0) as u8]
        })
        .collect();
    Thumb { width: a.width, height: a.height, rgb }
}

/// Frames side by side in one row.
fn contact_sheet(frames: &[Thumb]) -> Thumb {
    let h = frames.iter().map(|f| f.height).max().unwrap_or(2);
    let gap = 4;
    let w: u32 = frames.iter().map(|f| f.width + gap).sum::<u32>().max(2);
    let mut rgb = vec![40u8; (w * h * 3) as usize];
    let mut x0 = 0;
    for f in frames {
        for y in 0..f.height {
            let src = &f.rgb[(y * f.width * 3) as usize..((y + 1) * f.width * 3) as usize];
            let at = ((y * w + x0) * 3) as usize;
            rgb[at..at + src.len()].copy_from_slice(src);
        }
        x0 += f.width + gap;
    }
    Thumb { width: w, height: h, rgb }
}

const CSS: &str = "body{font:14px system-ui,sans-serif;margin:24px;background:#fafafa;color:#222}\
h2{margin-top:32px;border-top:1px solid #ccc;padding-top:16px}.ok{color:#0a7d27}.bad{color:#c0162b}\
span.ok,span.bad{color:#fff;padding:2px 8px;border-radius:4px}span.ok{background:#0a7d27}span.bad{background:#c0162b}\
.sum{font-size:18px;font-weight:600}nav a{margin-right:8px;text-decoration:none;font-weight:600}\
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px;vertical-align:middle;text-align:center}\
img{max-height:150px;display:block;margin:auto}.sheet img{max-height:110px}.meta,.th{color:#555}ul.fail{color:#c0162b}";
