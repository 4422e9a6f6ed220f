//! The taste profile moves the poster and the preview loop to what the viewer liked; cold start
//! picks on quality alone. Real model (EfficientNet-Lite0) through real ONNX Runtime, clips of real
//! photographs (fixtures/photos/make.sh). mixed.mp4: rocket 0–3 s, cat 3–6, motorcycle 6–9, coffee 9–12;
//! foggy.mp4 the same with the cat seen through fog.

mod preview_common;

use clipforge::preview::{PosterFormat, PreviewOptions, PreviewResult, TasteProfile};
use clipforge_e2e::{decode_first_frames, decode_video, decode_video_keeping, ffprobe_json, mp4_is_faststart, probe_streams, psnr};
use preview_common::*;

const CAT: (f64, f64) = (3.0, 6.0);
const COFFEE: (f64, f64) = (9.0, 12.0);

fn preview_with(model_name: &str, liked: &[&str], skipped: &[&str], clip: &str, dir: &std::path::Path) -> PreviewResult {
    let mut r = ranker(model_name);
    let mut p = TasteProfile::new();
    for c in liked {
        r.like_clip(&mut p, &photo_clip(c)).unwrap();
    }
    for c in skipped {
        r.skip_clip(&mut p, &photo_clip(c)).unwrap();
    }
    r.preview(&photo_clip(clip), &p, dir, &PreviewOptions::default()).unwrap()
}

fn assert_in(res: &PreviewResult, section: (f64, f64), what: &str) {
    let t = res.poster.time;
    assert!(t >= section.0 && t < section.1, "{what}: poster at {t:.2} s, outside {section:?}; {:?}", res.candidates);
    let w = (res.preview_loop.start, res.preview_loop.end);
    assert!((w.1 - w.0 - 3.0).abs() < 1e-6, "{what}: loop {w:?} is not 3 s");
    assert!(overlap(w, section) >= 2.9, "{what}: loop {w:?} is not within {section:?}");
}

/// The rendition is a muted 360p H.264 MP4, fast start, keyframe first, ≤ 200 kB, and shows the
/// source's pictures of the chosen window.
fn assert_rendition(res: &PreviewResult, source: &std::path::Path) {
    let path = &res.preview_loop.path;
    let bytes = std::fs::metadata(path).unwrap().len();
    assert!(bytes <= 200_000, "{bytes} bytes for 3 s");
    assert!(mp4_is_faststart(path));
    let probe = ffprobe_json(path);
    assert!(probe_streams(&probe, "audio").is_empty(), "the preview must be muted");
    let out = decode_video(path);
    assert_eq!((out.width.min(out.height), out.codec.as_str()), (360, "h264"));
    assert_eq!(out.frame_count(), 90);
    assert!(out.keyframes[0], "first frame must be a keyframe");
    // A feed shows the first picture from the first 64 kB: moov and the first keyframe come first.
    let head = path.with_extension("head.mp4");
    std::fs::write(&head, &std::fs::read(path).unwrap()[..(bytes as usize).min(64 * 1024)]).unwrap();
    let start = decode_first_frames(&head, 1);
    assert_eq!(start.frame_count(), 1, "no picture decodes from the first 64 kB");
    let p = psnr(start.frame(0), out.frame(0));
    assert!(p > 99.0, "the first picture from 64 kB is not the file's first picture ({p:.1} dB)");
    let first = (res.preview_loop.start * 30.0).round() as usize;
    let src = decode_video_keeping(source, |i| i == first + 45);
    let p = psnr(out.frame(45), src.frame(first + 45));
    assert!(p > 28.0, "the loop's middle frame differs from the source's ({p:.1} dB)");
}

#[test]
fn cat_lover_gets_the_cat_section() {
    let dir = tempfile::tempdir().unwrap();
    let res = preview_with(FP32, &["cat.mp4"], &[], "mixed.mp4", dir.path());
    assert_in(&res, CAT, "liked cat");
    assert_rendition(&res, &photo_clip("mixed.mp4"));
    let img = std::fs::read(&res.poster.path).unwrap();
    assert_eq!(&img[..3], &[0xff, 0xd8, 0xff], "poster is a JPEG");
    assert_eq!((res.poster.width, res.poster.height), (640, 360), "480 requested, but never upscaled");
}

#[test]
fn coffee_lover_gets_the_coffee_section() {
    let dir = tempfile::tempdir().unwrap();
    let res = preview_with(FP32, &["coffee.mp4"], &[], "mixed.mp4", dir.path());
    assert_in(&res, COFFEE, "liked coffee");
}

#[test]
fn skips_push_away_and_the_phone_model_agrees() {
    // Liked the cat, skipped the coffee and the rocket, with the int8 phone variant.
    let dir = tempfile::tempdir().unwrap();
    let res = preview_with(PHONE, &["cat.mp4"], &["coffee.mp4", "rocket.mp4"], "mixed.mp4", dir.path());
    assert_in(&res, CAT, "phone model, liked cat");
}

#[test]
fn cold_start_never_picks_black_blurred_or_flat_frames() {
    // quality.mp4: black 0–2, blurred 2–5, sharp 5–8, flat grey 8–10, white 10–12.
    let dir = tempfile::tempdir().unwrap();
    let mut r = ranker(FP32);
    let opts = PreviewOptions { poster_format: PosterFormat::Png, poster_short_side: 180, ..Default::default() };
    let res = r.preview(&photo_clip("quality.mp4"), &TasteProfile::new(), dir.path(), &opts).unwrap();
    assert_in(&res, (5.0, 8.0), "cold start");
    assert_eq!(res.timings.embedded, 0, "cold start needs no inference");
    for c in &res.candidates {
        let bad = c.time < 5.0 - 1e-6 || c.time >= 8.0;
        assert_eq!(c.rejected.is_some(), bad, "candidate at {:.2} s: {:?}", c.time, c.rejected);
    }
    let img = std::fs::read(&res.poster.path).unwrap();
    assert_eq!(&img[1..4], b"PNG");
    assert_eq!((res.poster.width, res.poster.height), (320, 180));
}

#[test]
fn a_liking_for_soft_pictures_wins_over_sharper_scenes() {
    // foggy.mp4: rocket 0-3, the cat through fog 3-6 (blurred, a third of the contrast), motorcycle
    // 6-9, coffee 9-12. The viewer liked fog-cat.mp4. The fog is soft next to the other scenes but
    // even within its own: it is no reason to veto it, and taste outweighs the small quality gap.
    let dir = tempfile::tempdir().unwrap();
    for model in [FP32, PHONE] {
        let res = preview_with(model, &["fog-cat.mp4"], &[], "foggy.mp4", dir.path());
        assert_in(&res, CAT, &format!("{model}: liked the foggy cat"));
        let fog: Vec<_> = res.candidates.iter().filter(|c| c.time >= CAT.0 && c.time < CAT.1).collect();
        assert!(fog.len() >= 3, "{:?}", res.candidates);
        assert!(fog.iter().all(|c| c.rejected.is_none()), "soft but not blurred within its scene: {fog:?}");
    }
    // Without the liking, quality decides: a sharp scene, and the fog is still not vetoed.
    let mut r = ranker(FP32);
    let res = r.preview(&photo_clip("foggy.mp4"), &TasteProfile::new(), dir.path(), &PreviewOptions::default()).unwrap();
    let t = res.poster.time;
    assert!(!(CAT.0..CAT.1).contains(&t), "cold start prefers a sharp, contrasted scene: {t:.2} s");
    assert!(res.candidates.iter().filter(|c| c.time >= CAT.0 && c.time < CAT.1).all(|c| c.rejected.is_none()));
}

#[test]
fn rank_clips_orders_by_taste() {
    let mut r = ranker(FP32);
    let mut p = TasteProfile::new();
    r.like_clip(&mut p, &photo_clip("coffee.mp4")).unwrap();
    let clips = ["rocket.mp4", "cat.mp4", "coffee.mp4"].map(photo_clip);
    let order = r.rank_clips(&p, &clips).unwrap();
    assert_eq!(order[0].path, photo_clip("coffee.mp4"), "{order:?}");
    // An unreadable clip goes last instead of failing the list.
    let mut with_bad = clips.to_vec();
    with_bad.insert(0, photo_clip("cat.mp4").with_file_name("missing.mp4"));
    let order = r.rank_clips(&p, &with_bad).unwrap();
    assert!(order.last().unwrap().path.ends_with("missing.mp4"));
}

#[test]
fn window_length_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = ranker(FP32);
    let clip = photo_clip("mixed.mp4");
    let p = TasteProfile::new();
    for (w, ok) in [(1.5, false), (2.0, true), (6.0, true), (6.5, false)] {
        let opts = PreviewOptions { window: w, ..Default::default() };
        match r.preview(&clip, &p, dir.path(), &opts) {
            Ok(res) => {
                assert!(ok, "{w} s accepted");
                assert!((res.preview_loop.end - res.preview_loop.start - w).abs() < 1e-6);
                let d = decode_video(&res.preview_loop.path);
                assert_eq!(d.frame_count(), (w * 30.0) as usize);
            }
            Err(e) => {
                assert!(!ok, "{w} s refused: {e}");
                assert_eq!(e.kind, clipforge::ErrorKind::InvalidRecipe);
            }
        }
    }
    let e = r.preview(&dir.path().join("nope.mp4"), &p, dir.path(), &PreviewOptions::default()).unwrap_err();
    assert_eq!(e.kind, clipforge::ErrorKind::Io, "{e}");
    let garbage = dir.path().join("garbage.mp4");
    std::fs::write(&garbage, clipforge_e2e::lcg_bytes(7, 50_000)).unwrap();
    let e = r.preview(&garbage, &p, dir.path(), &PreviewOptions::default()).unwrap_err();
    assert_eq!(e.kind, clipforge::ErrorKind::UnsupportedInput, "{e}");
    let e = clipforge::preview::PreviewRanker::new(&ort_lib(), clipforge::preview::ModelSource::Bytes(b"not a model"), 1).err().unwrap();
    assert_eq!(e.kind, clipforge::ErrorKind::UnsupportedInput, "{e}");
}
