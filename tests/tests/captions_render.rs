//! How captions are drawn: colour emoji, right-to-left Arabic, wrapping, karaoke, fades — checked on
//! the core's caption pictures and on decoded exports.

mod captions_support;
use captions_support::*;

use clipforge::captions::{layout, CaptionLayer, CaptionPlan, POP_STEPS};
use clipforge::plan::Composition;
use clipforge::timeline::Timeline;

fn plan(captions: Value) -> std::sync::Arc<CaptionPlan> {
    register_fixture_fonts();
    let r = json!({ "version": 1, "source": "x.mp4", "outputs": [], "captions": captions });
    let recipe = Recipe::from_json(&r.to_string(), None).expect("recipe");
    std::sync::Arc::new(CaptionPlan::from_recipe(&recipe, &Composition::of_segment("x.mp4", 0.0, 30.0)).expect("captions").expect("some"))
}

fn overlay(p: &std::sync::Arc<CaptionPlan>, w: u32, h: u32) -> CaptionLayer {
    CaptionLayer::new(p.clone(), w, h, 30.0, std::sync::Arc::new(Composition::of_segment("x.mp4", 0.0, 6.0)), Timeline::new(None, 6.0, 30.0).unwrap())
}

/// (pixels with ink, of them clearly coloured) in a premultiplied RGBA picture.
fn colourful(rgba: &[u8]) -> (usize, usize) {
    let (mut ink, mut col) = (0, 0);
    for p in rgba.chunks(4) {
        if p[3] > 200 {
            ink += 1;
            let (mx, mn) = (p[0].max(p[1]).max(p[2]), p[0].min(p[1]).min(p[2]));
            if mx - mn > 90 {
                col += 1;
            }
        }
    }
    (ink, col)
}

#[test]
fn emoji_are_drawn_in_colour_at_text_size() {
    let p = plan(json!([{ "text": "🌮🔥", "start": 0, "end": 3, "style": "plain" }]));
    let mut o = overlay(&p, 1080, 1920);
    let (img, _) = o.image(0, None, POP_STEPS);
    let (ink, col) = colourful(&img.rgba);
    assert!(ink > 2000 && col * 2 > ink, "emoji pixels: {ink} opaque, {col} coloured");
    // Scaled from the 109 ppem bitmap strike to the caption size (0.045 × 1920 ≈ 86 px).
    assert!(img.height < 200 && img.width < 300, "emoji picture is {}x{}", img.width, img.height);

    // And in an exported video: the caption region holds saturated colour.
    let work = Workdir::with_fixture("counter.mp4");
    let recipe = json!({
        "version": 1, "source": "counter.mp4", "trim": { "start": 0.0, "end": 6.0 },
        "captions": [{ "text": "Tacos 🌮🔥", "start": 0, "end": 6, "style": "bold-outline", "position": "center" }],
        "outputs": [{ "path": "e.mp4", "aspect": "9:16", "height": 640 }]
    });
    let pairs = export_pair(&work, &recipe, &["e.mp4"]);
    let (cap, plain) = &pairs[0];
    let f = cap.frame(30);
    let d = diff(f, plain.frame(30));
    let saturated = (0..f.y.len())
        .filter(|&i| d.mask[i])
        .filter(|&i| {
            let (x, y) = (i as u32 % f.width, i as u32 / f.width);
            let (u, v) = f.chroma(x, y);
            (u as i32 - 128).abs() + (v as i32 - 128).abs() > 60
        })
        .count();
    assert!(saturated > 150, "only {saturated} saturated caption pixels: emoji not in colour");
}

#[test]
fn arabic_runs_right_to_left_with_joined_letters() {
    let text = "مرحبا بالعالم";
    let p = plan(json!([{ "text": text, "start": 0, "end": 3, "style": "box" }, { "text": "م", "start": 0, "end": 3 }]));
    let mut fs = p.fonts.font_system();
    let fit = layout::Fit { max_w: 900.0, max_h: 800.0 };
    let laid = layout::lay_out(&mut fs, text, &p.items[0].style, &p.items[0].family, 80.0, &fit);
    let first = laid.glyphs.iter().find(|g| g.start == 0).expect("glyph of the first letter");
    let last_start = laid.glyphs.iter().map(|g| g.start).max().unwrap();
    let last = laid.glyphs.iter().find(|g| g.start == last_start).unwrap();
    assert!(first.x > last.x + 200, "first letter at x={}, last at x={}: not right-to-left", first.x, last.x);
    // Joined: the first letter in the word is its initial form, not the isolated one.
    let alone = layout::lay_out(&mut fs, "م", &p.items[1].style, &p.items[1].family, 80.0, &fit);
    assert_ne!(alone.glyphs[0].key.glyph_id, first.key.glyph_id, "meem is not joined to the next letter");
    let face = p.fonts.db.face(first.key.font_id).expect("face");
    assert!(face.families[0].0.contains("Arabic"), "shaped with {:?}", face.families);
    // Hebrew too: the first letter (shin) is the rightmost glyph.
    let hebrew = layout::lay_out(&mut fs, "שלום עולם", &p.items[1].style, &p.items[1].family, 80.0, &fit);
    let max_x = hebrew.glyphs.iter().map(|g| g.x).max().unwrap();
    assert_eq!(hebrew.glyphs.iter().find(|g| g.start == 0).unwrap().x, max_x, "Hebrew is not right-to-left");
}

#[test]
fn other_scripts_find_their_fonts() {
    let p = plan(json!([{ "text": "नमस्ते 你好 こんにちは 안녕 שלום", "start": 0, "end": 3 }]));
    let mut fs = p.fonts.font_system();
    let fit = layout::Fit { max_w: 2000.0, max_h: 800.0 };
    let laid = layout::lay_out(&mut fs, &p.items[0].text, &p.items[0].style, &p.items[0].family, 60.0, &fit);
    let mut families: Vec<String> = laid.glyphs.iter().map(|g| p.fonts.db.face(g.key.font_id).unwrap().families[0].0.clone()).collect();
    families.sort();
    families.dedup();
    for want in ["Devanagari", "CJK", "Hebrew"] {
        assert!(families.iter().any(|f| f.contains(want)), "no {want} font used: {families:?}");
    }
    assert!(laid.glyphs.iter().all(|g| g.key.glyph_id != 0), "a glyph fell back to .notdef (tofu)");
}

#[test]
fn long_text_wraps_into_balanced_lines_and_shrinks_to_fit() {
    let long = "This caption is far too long to fit on a single line of a vertical video so it wraps";
    let p = plan(json!([
        { "text": long, "start": 0, "end": 3 },
        { "text": "Supercalifragilisticexpialidocious-and-then-some-more-letters", "start": 0, "end": 3, "style": { "size": 0.2 } }
    ]));
    let mut o = overlay(&p, 360, 640);
    let (x0, y0, x1, y1) = safe_area(360, 640);
    for i in 0..2 {
        let (img, (x, y)) = o.image(i, None, POP_STEPS);
        assert!(x as f64 >= x0 - 1.0 && (x + img.width as i32) as f64 <= x1 + 1.0, "caption {i}: x {x}+{} outside the safe area", img.width);
        assert!(y as f64 >= y0 - 1.0 && (y + img.height as i32) as f64 <= y1 + 1.0, "caption {i}: y {y}+{} outside the safe area", img.height);
    }
    let mut fs = p.fonts.font_system();
    let fit = layout::Fit { max_w: 300.0, max_h: 400.0 };
    let laid = layout::lay_out(&mut fs, long, &p.items[0].style, &p.items[0].family, 29.0, &fit);
    assert!(laid.lines.len() >= 3, "{} lines", laid.lines.len());
    let widths: Vec<f32> = laid.lines.iter().map(|l| l.2 - l.0).collect();
    let (mn, mx) = (widths.iter().cloned().fold(f32::MAX, f32::min), widths.iter().cloned().fold(0.0, f32::max));
    assert!(mx <= 300.5, "a line is {mx} px wide, max 300");
    assert!(mn > 0.6 * mx, "unbalanced lines: {widths:?}");
    // The long word cannot wrap: it shrinks instead.
    let word = layout::lay_out(&mut fs, &p.items[1].text, &p.items[1].style, &p.items[1].family, 128.0, &fit);
    assert!(word.px < 128.0 && word.width <= 300.5, "px {} width {}", word.px, word.width);
}

#[test]
fn karaoke_highlight_moves_word_by_word() {
    let work = Workdir::with_fixture("counter.mp4");
    let recipe = json!({
        "version": 1, "source": "counter.mp4", "trim": { "start": 0.0, "end": 6.0 },
        "captions": [{ "text": "one two three", "start": 0, "end": 6, "position": "center",
                       "words": [{ "start": 0, "end": 1 }, { "start": 1, "end": 2 }, { "start": 2, "end": 3 }] }],
        "outputs": [{ "path": "k.mp4", "aspect": "16:9", "height": 360 }]
    });
    let pairs = export_pair(&work, &recipe, &["k.mp4"]);
    let (cap, plain) = &pairs[0];
    let yellow_x = |k: usize| -> Option<f64> {
        let f = cap.frame(k);
        let d = diff(f, plain.frame(k));
        let xs: Vec<u32> = (0..f.y.len() as u32)
            .filter(|&i| d.mask[i as usize])
            .filter(|&i| {
                let (x, y) = (i % f.width, i / f.width);
                let (yy, u, _) = f.yuv(x, y);
                yy > 140 && u < 90
            })
            .map(|i| i % f.width)
            .collect();
        (xs.len() > 30).then(|| xs.iter().map(|&x| x as f64).sum::<f64>() / xs.len() as f64)
    };
    let xs: Vec<Option<f64>> = [15, 45, 75, 120].iter().map(|&k| yellow_x(k)).collect();
    let (a, b, c) = (xs[0].expect("word 1 lit"), xs[1].expect("word 2 lit"), xs[2].expect("word 3 lit"));
    assert!(a + 20.0 < b && b + 20.0 < c, "highlight centres {a:.0}, {b:.0}, {c:.0} do not move left to right");
    assert!(xs[3].is_none(), "no word is lit after the last word ends");
    assert!(diff(cap.frame(120), plain.frame(120)).count > 150, "the caption itself stays");
}

#[test]
fn fades_ramp_opacity() {
    let p = plan(json!([{ "text": "fade", "start": 1.0, "end": 3.0, "fade_in": 0.5, "fade_out": 0.5, "pop": true }]));
    let comp = Composition::of_segment("x.mp4", 0.0, 6.0);
    let op = |t: f64| p.state(0, t, 0.0, &comp).map(|s| s.opacity).unwrap_or(0.0);
    assert_eq!(op(0.9), 0.0);
    assert!(op(1.0) < 0.1 && op(1.2) > 0.3 && op(1.2) < 0.5 && op(2.0) == 1.0 && op(2.9) < 0.3, "{} {} {}", op(1.0), op(1.2), op(2.9));
    assert!(p.state(0, 1.01, 0.0, &comp).unwrap().pop_step < POP_STEPS && p.state(0, 1.5, 0.0, &comp).unwrap().pop_step == POP_STEPS);
}
