//! The analysis passes' frame reader (`clipforge::source::frames`): each frame handed out over a
//! range shows the picture of its time (the counter fixture's barcode says which frame it is), the
//! range is exact, keyframes-only decoding gives the keyframes, and the container index lists them.

use clipforge::source::frames::{frame_index, read_range, RangeRead, WorkSize};
use clipforge::source::video::DecodeOnly;
use clipforge_e2e::*;

/// (time, barcode) of every frame `read` hands out from counter.mp4 (1280x720, 30 fps, GOP 30).
fn read(read: RangeRead) -> Vec<(f64, u32)> {
    let mut out = Vec::new();
    let facts = read_range(&fixture("counter.mp4"), &read, &CancelToken::new(), |_| None, |_| true, |t, f| {
        assert_eq!((f.width, f.height), (640, 360));
        let frame = Frame { width: f.width, height: f.height, y: f.y, u: f.u, v: f.v };
        out.push((t, read_barcode(&frame, |x, y| (x / 2.0, y / 2.0))));
        Ok(())
    })
    .unwrap();
    assert_eq!((facts.width, facts.height, facts.work_width, facts.work_height), (1280, 720, 640, 360));
    out
}

#[test]
fn every_frame_of_the_range_shows_its_own_picture() {
    let frames = read(RangeRead { start: 2.0, end: Some(4.0), size: WorkSize::ShortSide(360), decode: DecodeOnly::All, skip_deblocking: false });
    assert_eq!(frames.len(), 61, "2.0 … 4.0 s inclusive at 30 fps");
    for (t, code) in &frames {
        assert_eq!(*code, (t * 30.0).round() as u32, "frame at {t} s shows frame {code}");
    }
    assert_eq!(frames.first().unwrap().1, 60);
    assert_eq!(frames.last().unwrap().1, 120);
}

#[test]
fn keyframes_only_gives_the_keyframes() {
    let frames = read(RangeRead { start: 0.5, end: None, size: WorkSize::ShortSide(360), decode: DecodeOnly::Keyframes, skip_deblocking: true });
    let codes: Vec<u32> = frames.iter().map(|f| f.1).collect();
    assert_eq!(codes, vec![30, 60, 90, 120, 150, 180, 210], "keyframes after 0.5 s (GOP 30)");
    let index = frame_index(&fixture("counter.mp4")).unwrap();
    let keys = index.keyframes.expect("MP4 has an index");
    assert_eq!(keys.len(), 8, "{keys:?}");
    assert!(keys.iter().zip(0..).all(|(k, i)| (k - f64::from(i)).abs() < 0.1), "{keys:?}");
    assert!((index.duration - 8.0).abs() < 0.05, "{}", index.duration);
}

#[test]
fn a_range_outside_the_clip_or_backwards_is_refused_or_empty() {
    let e = read_range(
        &fixture("counter.mp4"),
        &RangeRead { start: 3.0, end: Some(1.0), size: WorkSize::LongSide(64), decode: DecodeOnly::All, skip_deblocking: true },
        &CancelToken::new(),
        |_| None,
        |_| true,
        |_, _| Ok(()),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRecipe);
    let past = read(RangeRead { start: 20.0, end: None, size: WorkSize::ShortSide(360), decode: DecodeOnly::All, skip_deblocking: true });
    assert!(past.is_empty());
}
