//! Recipe JSON → `Recipe::from_json` → `Plan::new` against the facts of a typical phone clip and
//! of a clip whose length is unknown, so that every validation (trim, loop, outputs, captions,
//! subtitles, fonts, paths) runs. A recipe either fails with a typed error or gives a plan that
//! keeps the promises checked below.
#![no_main]

#[path = "../common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use clipforge::source::asset::Asset;
use clipforge::plan::{Plan, MAX_CLIP_SECONDS, MAX_OUTPUTS, MAX_OUTPUT_SIDE, MIN_CLIP_SECONDS, MIN_OUTPUT_SIDE};
use clipforge::{MediaInfo, Recipe};
use libfuzzer_sys::fuzz_target;

/// The recipe's folder: relative paths (subtitles, fonts, outputs) resolve to the files made here.
fn recipe_dir() -> &'static (PathBuf, [MediaInfo; 2]) {
    static DIR: OnceLock<(PathBuf, [MediaInfo; 2])> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = common::scratch().join("recipe");
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("talk.srt"), "1\n00:00:01,000 --> 00:00:02,500\nHello there\n\n2\n00:00:03,000 --> 00:00:05,000\nSecond <i>line</i>\n").unwrap();
        std::fs::write(dir.join("talk.vtt"), "WEBVTT\n\n00:01.000 --> 00:03.000\n<00:01.000>One <00:01.500>two <00:02.200>three\n").unwrap();
        std::fs::copy(common::fixtures().join("fonts/NotoSans-Regular.ttf"), dir.join("font.ttf")).unwrap();
        std::fs::write(dir.join("source.mp4"), b"not read by planning").unwrap();
        (dir, [common::phone_clip(), common::unknown_duration_clip()])
    })
}

fuzz_target!(|data: &[u8]| {
    let _watch = common::watch();
    // A recipe file that is not UTF-8 is refused before parsing (`Recipe::from_file`).
    let Ok(json) = std::str::from_utf8(data) else { return };
    let (dir, facts) = recipe_dir();
    let Ok(recipe) = Recipe::from_json(json, Some(dir)) else { return };
    for info in facts {
        // Every clip of the timeline (version 1: the source) as this video.
        let assets = vec![Asset::Video(info.clone()); recipe.timeline_clips().len()];
        if let Ok(plan) = Plan::new(&recipe, &assets) {
            check(&plan);
        }
    }
});

/// What a plan promises the stages after it.
fn check(plan: &Plan) {
    assert!((1..=MAX_OUTPUTS).contains(&plan.outputs.len()));
    for c in &plan.composition.clips {
        assert!(c.src_start.is_finite() && c.src_start >= 0.0 && c.src_end.is_finite() && c.src_end > c.src_start, "{c:?}");
        assert!(c.start.is_finite() && c.len.is_finite() && c.len > 0.0 && c.speed.is_finite(), "{c:?}");
        let (ww, wh) = c.work_size;
        assert!(ww >= 2 && wh >= 2 && ww % 2 == 0 && wh % 2 == 0 && ww <= c.size.0 + 1 && wh <= c.size.1 + 1, "work size {ww}x{wh}");
    }
    let mut passes: Vec<usize> = plan.decode_passes.iter().flatten().copied().collect();
    passes.sort_unstable();
    assert_eq!(passes, (0..plan.outputs.len()).collect::<Vec<_>>(), "every output is in exactly one decode pass");
    for o in &plan.outputs {
        let side = MIN_OUTPUT_SIDE..=MAX_OUTPUT_SIDE;
        assert!(side.contains(&o.width) && side.contains(&o.height) && o.width % 2 == 0 && o.height % 2 == 0, "{}x{}", o.width, o.height);
        let fps = o.fps_f64();
        assert!((1.0..=120.0).contains(&fps), "fps {fps}");
        let d = o.duration();
        assert!(d >= MIN_CLIP_SECONDS - 0.5 / fps && d <= MAX_CLIP_SECONDS + 0.5 / fps, "duration {d}");
        let t = o.timeline;
        assert!(t.seg_frames >= 1 && t.period >= 1 && t.total >= 1);
        if let Some(c) = &o.captions {
            for it in &c.items {
                assert!(it.start.is_finite() && it.end.is_finite() && it.start < it.end);
                assert!(it.words.iter().all(|&(s, e)| s.is_finite() && e.is_finite() && s <= e));
            }
        }
    }
}
