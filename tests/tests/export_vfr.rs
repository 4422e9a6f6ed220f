//! Variable → constant frame rate. `counter_60_vfr.mp4` runs at 30 fps for t < 2 s, 60 fps for
//! 2–4 s and 20 fps after 4 s, and its 9-bit barcode holds round(pts * 60). Every output frame
//! must show a real source frame whose time is within one source frame interval of its own time.

use clipforge_e2e::*;

/// 60 fps indices of the frames that exist in the source.
fn source_indices() -> Vec<u32> {
    (0..480u32).filter(|&n| if n < 120 { n % 2 == 0 } else if n < 240 { true } else { n % 3 == 0 }).collect()
}

/// (previous, next) source frame times around `t`.
fn bracket(src: &[u32], t: f64) -> (f64, f64) {
    let times: Vec<f64> = src.iter().map(|&n| f64::from(n) / 60.0).collect();
    let next = times.iter().copied().find(|&s| s > t + 1e-9).unwrap_or(f64::INFINITY);
    let prev = times.iter().copied().rev().find(|&s| s <= t + 1e-9).unwrap_or(0.0);
    (prev, next)
}

fn check_output(work: &Workdir, name: &str, fps: f64, start: f64, frames: usize) {
    let src = source_indices();
    let dec = decode_video(&work.path(name));
    assert_eq!(dec.frame_count(), frames, "{name}: frame count");
    for (i, d) in dec.pts_deltas().iter().enumerate() {
        assert!((d - 1.0 / fps).abs() < 1e-3, "{name}: pts step {i} is {d}, not 1/{fps}");
    }
    let map = Placement::for_fit("crop", (1280, 720), (dec.width, dec.height)).mapper();
    let mut prev_n = 0;
    let mut distinct = std::collections::BTreeSet::new();
    for i in 0..frames {
        let n = try_read_barcode(dec.frame(i), 9, &map).unwrap_or_else(|e| panic!("{name} frame {i}: {e}"));
        assert!(src.contains(&n), "{name} frame {i} shows 60 fps index {n}, which is not a source frame (blended or invented?)");
        let t = start + i as f64 / fps;
        let shown = f64::from(n) / 60.0;
        let (p, q) = bracket(&src, t);
        let interval = if q.is_finite() { q - p } else { 1.0 / 20.0 };
        assert!(
            (shown - t).abs() <= interval + 1e-6,
            "{name} frame {i} (t = {t:.4}) shows source time {shown:.4}; the source frame interval there is {interval:.4}"
        );
        assert!(n >= prev_n, "{name} frame {i}: time goes backwards ({prev_n} -> {n})");
        prev_n = n;
        distinct.insert(n);
    }
    // In the 60 fps stretch (2–4 s) a 30 fps output shows every other source frame, none twice.
    let in_fast: Vec<u32> = (0..frames)
        .filter(|&i| (2.1..3.9).contains(&(start + i as f64 / fps)))
        .map(|i| try_read_barcode(dec.frame(i), 9, &map).unwrap())
        .collect();
    for w in in_fast.windows(2) {
        assert!(w[1] > w[0], "{name}: a 60 fps source frame is shown twice in the fast stretch: {in_fast:?}");
    }
    assert!(distinct.len() > frames / 2, "{name}: only {} distinct source frames in {frames}", distinct.len());
}

#[test]
fn vfr_source_becomes_constant_rate_showing_the_nearest_frames() {
    let work = Workdir::with_fixture("counter_60_vfr.mp4");
    let reports = work.export_ok(&json!({
        "version": 1, "source": "counter_60_vfr.mp4",
        "trim": { "start": 1.0, "end": 7.5 },
        "outputs": [
            { "path": "cfr30.mp4", "aspect": "16:9", "height": 360 },
            { "path": "cfr24.mp4", "aspect": "16:9", "height": 360, "fps": 24 }
        ]
    }));
    assert_eq!(reports[0].frames, 195);
    assert_eq!(reports[1].frames, 156);
    check_output(&work, "cfr30.mp4", 30.0, 1.0, 195);
    check_output(&work, "cfr24.mp4", 24.0, 1.0, 156);
    for (name, rate) in [("cfr30.mp4", "30/1"), ("cfr24.mp4", "24/1")] {
        let probe = ffprobe_json(&work.path(name));
        let v = &probe_streams(&probe, "video")[0];
        assert_eq!(v["avg_frame_rate"], rate, "{name}");
        assert_eq!(v["r_frame_rate"], rate, "{name}");
    }
}
