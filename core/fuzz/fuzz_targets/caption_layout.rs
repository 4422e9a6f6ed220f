//! Caption text through validation (`CaptionPlan::from_recipe`: the caption checks, or a subtitle
//! cue's), then shaping, wrapping and shrink-to-fit (`captions::layout::lay_out`: cosmic-text with
//! the bundled fonts), rasterising (`captions::raster`), placing and blending onto a frame
//! (`captions::blend`): what an export does for each caption state.
//!
//! The font system and glyph cache live for the whole run: rendering glyphs afresh for every input
//! (as one `CaptionLayer` per export does) spends nine tenths of the time in the font hinter. One input
//! in 32 goes through `captions::CaptionLayer` itself instead, fresh caches and all, so that the glue
//! between these calls (pop-in sizes, word ranges, placement) is covered as the export runs it.
//!
//! Input: 4 bytes of settings, then the text. Settings: style preset, route (a recipe caption, or
//! one cue of a subtitle file: they reach layout through different checks) and CaptionLayer choice;
//! output size; highlighted word; output frame (pop-in step).
#![no_main]

#[path = "../common/mod.rs"]
mod common;

use std::sync::{Arc, Mutex, OnceLock};

use clipforge::captions::blend::Sprite;
use clipforge::captions::fonts::Fonts;
use clipforge::captions::layout::{lay_out, place, safe_rect, Fit};
use clipforge::captions::raster::rasterise;
use clipforge::captions::{CaptionLayer, CaptionPlan, Item, POP_STEPS};
use clipforge::frame::Frame;
use clipforge::plan::Composition;
use clipforge::source::asset::Asset;
use clipforge::recipe::LoopMode;
use clipforge::timeline::Timeline;
use clipforge::Recipe;
use cosmic_text::{FontSystem, SwashCache};
use libfuzzer_sys::fuzz_target;
use serde_json::json;

/// The feed's aspect ratios at a sixth of their usual size: the same layout rules (text size,
/// safe area and wrapping scale with the frame), pictures cheap enough to fuzz.
const SIZES: [(u32, u32); 4] = [(180, 320), (180, 180), (180, 224), (320, 180)];
const PRESETS: [&str; 4] = ["bold-outline", "box", "shadow", "plain"];
/// Glyph pictures kept between inputs; beyond this the cache starts again (bounded memory).
const MAX_CACHED_GLYPHS: usize = 20_000;

fn shared() -> &'static Mutex<(FontSystem, SwashCache)> {
    static S: OnceLock<Mutex<(FontSystem, SwashCache)>> = OnceLock::new();
    S.get_or_init(|| Mutex::new((Fonts::standard().font_system(), SwashCache::new())))
}

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
    // The one clip as the phone clip's facts (cues are in its source time).
    let Ok(composition) = Composition::new(&recipe, &[Asset::Video(common::phone_clip())], LoopMode::None) else { return };
    let composition = Arc::new(composition);
    let Ok(Some(plan)) = CaptionPlan::from_recipe(&recipe, &composition) else { return };
    let (w, h) = SIZES[usize::from(*size) % SIZES.len()];
    let mut frame = Frame { width: w, height: h, y: vec![16; (w * h) as usize], u: vec![128; (w * h / 4) as usize], v: vec![128; (w * h / 4) as usize] };
    // Frames 0–4 at 30 fps are the pop-in sizes, later ones full size.
    let n = u32::from(*frame_no % 8);
    let word = (*word != u8::MAX).then_some(usize::from(*word));
    if mode >> 3 == 1 {
        let timeline = Timeline::new(None, 6.0, 30.0).expect("a plain 6 s timeline");
        let items = plan.items.len();
        let mut overlay = CaptionLayer::new(Arc::new(plan), w, h, 30.0, composition, timeline);
        overlay.apply(&mut frame, n);
        if let Some(k) = word {
            for i in 0..items.min(4) {
                let (img, _) = overlay.image(i, Some(k), POP_STEPS);
                assert!(img.width % 2 == 0 && img.height % 2 == 0 && img.rgba.len() == (img.width * img.height * 4) as usize);
            }
        }
        return;
    }
    let step = (n as u8).min(POP_STEPS);
    let mut shared = shared().lock().unwrap_or_else(|p| p.into_inner());
    let (fs, cache) = &mut *shared;
    if cache.image_cache.len() > MAX_CACHED_GLYPHS {
        *cache = SwashCache::new();
    }
    for it in &plan.items {
        draw(fs, cache, it, (w, h), step, word, &mut frame);
    }
});

/// One item on one frame, as `CaptionLayer` lays out (`CaptionLayer::layout`), rasterises and blends it.
fn draw(fs: &mut FontSystem, cache: &mut SwashCache, it: &Item, (w, h): (u32, u32), step: u8, word: Option<usize>, frame: &mut Frame) {
    let (sx0, sy0, sx1, sy1) = safe_rect(w, h);
    let base_px = it.style.size * h as f32;
    let scale = 0.8 + 0.2 * f32::from(step) / f32::from(POP_STEPS);
    let pad = if it.style.background.is_some() { it.style.padding } else { 0.0 };
    let extra = 2.0 * it.style.stroke_width.max(pad) * base_px + 8.0;
    let fit = Fit {
        max_w: ((it.style.max_width * w as f32).min(sx1 - sx0) - extra).max(16.0) * scale,
        max_h: ((sy1 - sy0) - extra).max(16.0) * scale,
    };
    let laid = lay_out(fs, &it.text, &it.style, &it.family, base_px * scale, &fit);
    assert!(laid.width.is_finite() && laid.height.is_finite() && laid.px > 0.0, "laid out {}x{} at {} px", laid.width, laid.height, laid.px);
    let highlight = word.and_then(|k| word_range(&it.text, k));
    let img = rasterise(fs, cache, &laid, &it.style, highlight);
    assert!(img.width % 2 == 0 && img.height % 2 == 0 && img.rgba.len() == (img.width * img.height * 4) as usize);
    let (x, y) = place(it.position, img.width, img.height, w, h);
    Sprite::from_image(&img, x, y).blend(frame, 1.0);
}

/// Byte range of the `k`-th whitespace-separated word.
fn word_range(text: &str, k: usize) -> Option<std::ops::Range<usize>> {
    let word = text.split_whitespace().nth(k)?;
    let start = word.as_ptr() as usize - text.as_ptr() as usize;
    Some(start..start + word.len())
}
