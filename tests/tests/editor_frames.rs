//! Editor calls that show pictures: filmstrip thumbnails and scrubbing frames. The frame-counter
//! fixture draws each frame's number as a barcode, so a picture says which frame it is; for the
//! variable-frame-rate fixture the frame times come from decoding it with FFmpeg directly.

use clipforge::editor::{thumbnails, FrameReader, Picture};
use clipforge_e2e::*;

/// An RGBA picture as the tests' YUV frame (BT.709 limited-range luma; chroma left neutral:
/// barcodes and bars are read from luma and the RGB values are checked directly).
fn luma_frame(p: &Picture) -> Frame {
    let y = p
        .rgba
        .chunks_exact(4)
        .map(|px| (16.0 + 219.0 * (0.2126 * f64::from(px[0]) + 0.7152 * f64::from(px[1]) + 0.0722 * f64::from(px[2])) / 255.0).round() as u8)
        .collect();
    let c = (p.width.div_ceil(2) * p.height.div_ceil(2)) as usize;
    Frame { width: p.width, height: p.height, y, u: vec![128; c], v: vec![128; c] }
}

/// The counter fixture's frame number drawn in a picture of the 1280x720 source.
fn frame_number(p: &Picture, bits: u32) -> u32 {
    let s = f64::from(p.width) / 1280.0;
    try_read_barcode(&luma_frame(p), bits, |x, y| (x * s, y * s)).unwrap_or_else(|e| panic!("{e}"))
}

/// Deterministic pseudo-random numbers in [0, 1).
fn lcg(seed: &mut u64) -> f64 {
    *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (*seed >> 11) as f64 / (1u64 << 53) as f64
}

#[test]
fn thumbnail_i_shows_the_frame_at_its_stated_time_from_its_slot() {
    // counter.mp4: 8 s at 30 fps, a keyframe every second. Ten 0.8 s slots each hold one keyframe
    // (the first slot's is at 0), twenty 0.4 s slots mostly do not: both kinds of pick run.
    let clip = fixture("counter.mp4");
    for count in [10u32, 20] {
        let strip = thumbnails(&clip, count, 360).unwrap();
        assert_eq!(strip.total(), count);
        let mut seen = vec![false; count as usize];
        let slot = 8.0 / f64::from(count);
        for thumb in strip {
            let t = thumb.unwrap();
            let i = t.index as usize;
            assert!(!seen[i], "thumbnail {i} came twice");
            seen[i] = true;
            assert_eq!((t.picture.width, t.picture.height), (640, 360));
            assert_eq!(t.picture.rgba.len(), 640 * 360 * 4);
            let n = frame_number(&t.picture, 8);
            assert_eq!(n, (t.time * 30.0).round() as u32, "count {count}: thumbnail {i} says {:.3} s but shows frame {n}", t.time);
            assert!(t.time >= i as f64 * slot - 1e-6 && t.time < (i + 1) as f64 * slot, "thumbnail {i} at {:.3} s is outside its slot", t.time);
            let on_a_keyframe = n.is_multiple_of(30);
            assert_eq!(t.keyframe, on_a_keyframe, "thumbnail {i} (frame {n}) keyframe flag");
        }
        assert!(seen.iter().all(|s| *s), "count {count}: missing thumbnails {seen:?}");
    }
}

#[test]
fn thumbnails_stream_in_strip_order_and_stop_when_dropped() {
    let clip = fixture("counter.mp4");
    let mut strip = thumbnails(&clip, 8, 160).unwrap();
    let first = strip.next().unwrap().unwrap();
    assert_eq!(first.index, 0);
    assert_eq!((first.picture.width, first.picture.height), (284, 160));
    drop(strip); // the worker stops on its own; nothing hangs
    let all: Vec<u32> = thumbnails(&clip, 8, 160).unwrap().map(|t| t.unwrap().index).collect();
    assert_eq!(all, (0..8).collect::<Vec<_>>());
}

#[test]
fn frame_at_is_exact_at_twenty_random_times_in_any_order() {
    let clip = fixture("counter.mp4");
    let mut reader = FrameReader::open(&clip, 360).unwrap();
    assert!((reader.duration() - 8.0).abs() < 0.05, "duration {}", reader.duration());
    let mut seed = 7u64;
    let mut times: Vec<f64> = (0..20).map(|_| lcg(&mut seed) * 8.0).collect();
    // Random order (seeks, forward and back), then the same times ascending (reading on) with a
    // fresh reader, then descending on the warm one (its kept frames).
    for pass in 0..3 {
        if pass == 1 {
            reader = FrameReader::open(&clip, 360).unwrap();
            times.sort_by(f64::total_cmp);
        } else if pass == 2 {
            times.reverse();
        }
        for &t in &times {
            let f = reader.frame_at(t).unwrap();
            let want = (t * 30.0 + 1e-9).floor() as u32;
            let n = frame_number(&f.picture, 8);
            assert_eq!(n, want, "pass {pass}: frame_at({t:.4}) shows frame {n}, want {want}");
            assert!((f.time - f64::from(want) / 30.0).abs() < 1e-6, "pass {pass}: frame_at({t:.4}) says {:.4} s", f.time);
        }
    }
    // Around the ends and on frame boundaries.
    for (t, want) in [(-1.0, 0), (0.0, 0), (1.0 / 30.0 - 1e-4, 0), (1.0 / 30.0, 1), (7.99, 239), (100.0, 239)] {
        assert_eq!(frame_number(&reader.frame_at(t).unwrap().picture, 8), want, "frame_at({t})");
    }
}

#[test]
fn frame_at_on_a_variable_frame_rate_clip_matches_ffmpegs_frame_times() {
    // counter_60_vfr.mp4: a 60 fps timeline with dropped frames; the barcode (9 bits) is the
    // 60 fps index of each kept frame. The referee: the frame times FFmpeg decodes.
    let clip = fixture("counter_60_vfr.mp4");
    let decoded = decode_video_keeping(&clip, |_| false);
    let pts = decoded.pts_seconds.clone();
    let mut reader = FrameReader::open(&clip, 360).unwrap();
    let mut seed = 11u64;
    for _ in 0..20 {
        let t = lcg(&mut seed) * 7.9;
        let shown = pts.iter().copied().filter(|&p| p <= t + 1e-9).fold(pts[0], f64::max);
        let f = reader.frame_at(t).unwrap();
        assert!((f.time - shown).abs() < 1e-6, "frame_at({t:.4}) says {:.4} s, FFmpeg shows {shown:.4}", f.time);
        let s = f64::from(f.picture.width) / 1280.0;
        let n = try_read_barcode(&luma_frame(&f.picture), 9, |x, y| (x * s, y * s)).unwrap();
        assert_eq!(n, (shown * 60.0).round() as u32, "frame_at({t:.4})");
    }
}

#[test]
fn pictures_are_upright_and_sized_from_the_height() {
    // portrait_rotated.mp4 is stored sideways with a display matrix: red bar on top once upright.
    let mut reader = FrameReader::open(&fixture("portrait_rotated.mp4"), 640).unwrap();
    let f = reader.frame_at(1.0).unwrap();
    assert_eq!((f.picture.width, f.picture.height), (360, 640));
    let px = |x: u32, y: u32| {
        let i = ((y * f.picture.width + x) * 4) as usize;
        [f64::from(f.picture.rgba[i]), f64::from(f.picture.rgba[i + 1]), f64::from(f.picture.rgba[i + 2])]
    };
    assert_eq!(classify(px(180, 20)), Colour::Red, "top {:?}", px(180, 20));
    assert_eq!(classify(px(180, 620)), Colour::Blue, "bottom {:?}", px(180, 620));
    // Never upscaled: a 360p clip asked for 1080 comes at 360.
    let mut small = FrameReader::open(&fixture("noaudio.mp4"), 1080).unwrap();
    let p = small.frame_at(0.5).unwrap().picture;
    assert_eq!((p.width, p.height), (640, 360));
}

#[test]
fn other_codecs_and_containers() {
    for (name, at) in [("hevc_10bit.mp4", 1.5), ("vp9_444.webm", 1.5), ("av1.mkv", 1.5), ("yuv422_10bit.mov", 1.5), ("odd_444.mp4", 1.5)] {
        let clip = fixture(name);
        let mut r = FrameReader::open(&clip, 180).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let f = r.frame_at(at).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!((f.time - at).abs() < 0.05, "{name}: frame_at({at}) gives {:.3} s", f.time);
        assert_eq!(f.picture.height, 180, "{name}");
        let strip: Vec<_> = thumbnails(&clip, 4, 90).unwrap().collect::<Result<_, _>>().unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(strip.len(), 4, "{name}");
    }
}

#[test]
fn bad_requests_are_typed_errors() {
    let clip = fixture("counter.mp4");
    let kind = |r: Result<(), Error>| r.unwrap_err().kind;
    assert_eq!(kind(thumbnails(&clip, 0, 160).map(|_| ())), ErrorKind::InvalidRecipe);
    assert_eq!(kind(thumbnails(&clip, 10, 8).map(|_| ())), ErrorKind::InvalidRecipe);
    assert_eq!(kind(FrameReader::open(&clip, 100_000).map(|_| ())), ErrorKind::InvalidRecipe);
    let missing = workspace_root().join("fixtures/media/missing.mp4");
    assert_eq!(kind(thumbnails(&missing, 10, 160).map(|_| ())), ErrorKind::Io);
    assert_eq!(kind(FrameReader::open(&missing, 160).map(|_| ())), ErrorKind::Io);
    let dir = tempfile::tempdir().unwrap();
    let playlist = dir.path().join("list.m3u8");
    std::fs::write(&playlist, "#EXTM3U\n#EXTINF:1,\nclip.mp4\n").unwrap();
    assert_eq!(kind(FrameReader::open(&playlist, 160).map(|_| ())), ErrorKind::UnsupportedInput);
    let mut r = FrameReader::open(&clip, 160).unwrap();
    assert_eq!(kind(r.frame_at(f64::NAN).map(|_| ())), ErrorKind::InvalidRecipe);
    // A truncated file: what is there decodes, the rest is a clear error or the last frame.
    let cut = dir.path().join("cut.mp4");
    let bytes = std::fs::read(&clip).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    if let Ok(mut r) = FrameReader::open(&cut, 160) {
        let _ = r.frame_at(7.0);
    }
}
