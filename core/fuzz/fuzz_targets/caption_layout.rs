//! Caption text through validation (`CaptionPlan::from_recipe`), shaping, wrapping and fitting
//! (`captions::layout`, cosmic-text with the bundled fonts) and rasterising, via
//! `captions::Overlay` (drawing one output frame, and the picture with a word highlighted): the
//! same calls an export makes for each caption state.
//!
//! Input: 4 bytes of settings, then the text. Settings: style preset and route (a recipe caption,
//! or one cue of a subtitle file: the two reach layout through different checks), output size,
//! highlighted word, output frame.
#![no_main]

#[path = "../common/mod.rs"]
mod common;

use std::sync::Arc;

use clipforge::captions::{CaptionPlan, Overlay, POP_STEPS};
use clipforge::frame::Frame;
use clipforge::timeline::Timeline;
use clipforge::Recipe;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

/// Feed sizes at a third of their usual resolution: the same layout rules, cheaper pictures.
const SIZES: [(u32, u32); 4] = [(360, 640), (360, 360), (360, 450), (640, 360)];
const PRESETS: [&str; 4] = ["bold-outline", "box", "shadow", "plain"];

fuzz_target!(|data: &[u8]| {
    let _watch = common::watch();
    let [mode, size, word, frame_no, text @ ..] = data else { return };
    // Recipes are JSON and subtitle files must be UTF-8: text reaches layout as valid Unicode.
    let text = String::from_utf8_lossy(text).into_owned();
    let style = PRESETS[usize::from(mode & 3)];
    let as_subtitle = mode & 4 != 0;
    let dir = common::scratch();
    // Captions: 0–2 s of the clip, popping in. A subtitle cue: 0–2 s of the source.
    let recipe = if as_subtitle {
        std::fs::write(dir.join("cue.srt"), format!("1\n00:00:00,000 --> 00:00:02,000\n{text}\n")).expect("writing the subtitle file");
        json!({ "version": 1, "source": "source.mp4", "outputs": [], "subtitles": { "path": "cue.srt", "style": style } })
    } else {
        json!({
            "version": 1, "source": "source.mp4", "outputs": [],
            "captions": [{ "text": text, "start": 0.0, "end": 2.0, "style": style, "pop": true }],
        })
    };
    let recipe = Recipe::from_json(&recipe.to_string(), Some(dir)).expect("a well-formed recipe");
    let Ok(Some(plan)) = CaptionPlan::from_recipe(&recipe) else { return };
    if plan.items.is_empty() {
        return;
    }
    let (w, h) = SIZES[usize::from(*size) % SIZES.len()];
    let timeline = Timeline::new(None, 6.0, 30.0).expect("a plain 6 s timeline");
    let items = plan.items.len();
    let mut overlay = Overlay::new(Arc::new(plan), w, h, 30.0, 0.0, timeline);
    // A frame in the pop-in (the first 5 frames at 30 fps), or one with the caption at full size.
    let n = u32::from(*frame_no % 8);
    let mut frame = Frame { width: w, height: h, y: vec![16; (w * h) as usize], u: vec![128; (w * h / 4) as usize], v: vec![128; (w * h / 4) as usize] };
    overlay.apply(&mut frame, n);
    let word = (*word != u8::MAX).then_some(usize::from(*word));
    for i in 0..items.min(4) {
        let (img, _) = overlay.image(i, word, POP_STEPS);
        assert!(img.width % 2 == 0 && img.height % 2 == 0 && img.rgba.len() == (img.width * img.height * 4) as usize);
    }
});
