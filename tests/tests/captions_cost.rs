//! What captions cost inside an export, measured directly (not a timed test: run with
//! `cargo test --release -p clipforge-e2e --test captions_cost -- --ignored --nocapture`).
//! The same five captions as bench/captions.sh on a 15 s 1080x1920 output at 30 fps: every
//! rasterisation (first use of each caption state) plus the blend of all 450 frames.

use std::time::Instant;

use clipforge::captions::{CaptionLayer, CaptionPlan};
use clipforge::plan::Composition;
use clipforge::frame::{Frame, Yuv};
use clipforge::timeline::Timeline;
use clipforge::Recipe;
use serde_json::json;

#[test]
#[ignore]
fn caption_cost_for_the_benchmark_captions() {
    clipforge_e2e::register_fixture_fonts();
    let captions = json!([
        { "text": "Street tacos at 2am 🌮🔥", "start": 0, "end": 3, "style": "bold-outline", "position": "bottom", "fade_in": 0.2, "pop": true },
        { "text": "مرحبا بالعالم", "start": 3, "end": 6, "style": "box", "position": "center" },
        { "text": "one two three four five six", "start": 6, "end": 9, "style": "shadow", "position": "top",
          "words": [ {"start":6,"end":6.5}, {"start":6.5,"end":7}, {"start":7,"end":7.5}, {"start":7.5,"end":8}, {"start":8,"end":8.5}, {"start":8.5,"end":9} ] },
        { "text": "A longer caption that wraps onto two or three balanced lines", "start": 9, "end": 12, "style": "box", "position": "bottom", "fade_out": 0.5 },
        { "text": "नमस्ते 你好 ✨", "start": 12, "end": 15, "style": "bold-outline", "position": { "x": 0.5, "y": 0.3 } }
    ]);
    let r = json!({ "version": 1, "source": "x.mp4", "outputs": [], "captions": captions });
    let recipe = Recipe::from_json(&r.to_string(), None).unwrap();
    let t0 = Instant::now();
    let plan = std::sync::Arc::new(CaptionPlan::from_recipe(&recipe, &Composition::of_segment("x.mp4", 0.0, 30.0)).unwrap().unwrap());
    let plan_ms = t0.elapsed().as_secs_f64() * 1e3;
    let mut o = CaptionLayer::new(plan, 1080, 1920, 30.0, std::sync::Arc::new(Composition::of_segment("x.mp4", 0.0, 15.0)), Timeline::new(None, 15.0, 30.0).unwrap());
    let mut frame = Frame::filled(1080, 1920, Yuv::from_rgb(90, 120, 150));
    let (mut first_use, mut blend) = (Vec::new(), Vec::new());
    for n in 0..450 {
        let key = format!("{n}");
        let t = Instant::now();
        o.apply(&mut frame, n);
        let ms = t.elapsed().as_secs_f64() * 1e3;
        // A frame that rasterised something takes far longer than a blend: keep them apart.
        if ms > 3.0 { first_use.push((key, ms)) } else { blend.push(ms) }
    }
    let raster: f64 = first_use.iter().map(|(_, ms)| ms).sum();
    let blend_total: f64 = blend.iter().sum();
    println!("plan (fonts + validation): {plan_ms:.1} ms");
    println!("frames that rasterised a new caption state: {} taking {raster:.0} ms in all: {first_use:?}", first_use.len());
    println!("blend: {} frames, {blend_total:.0} ms in all, {:.2} ms per frame", blend.len(), blend_total / blend.len() as f64);
    println!("total caption work: {:.0} ms for 450 frames of 1080x1920", plan_ms + raster + blend_total);
}
