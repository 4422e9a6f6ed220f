//! The built-ins added for issue 14's second half, end to end with independent referees (FFmpeg
//! decodes, ZBar reads QR codes, Tesseract reads the card's text): `event-recap-15s` cross-fades
//! three clips and ends on its QR card; `sponsored-moment` shows a branded, moving sting between
//! two clips; the end card carries title, price and expiry badge written for the render's locale;
//! a clip slot's `loop` part is the `clipforge loop-points` best window.

mod template_support;

use std::process::Command;

use clipforge::template::{Fill, Fills, Template};
use clipforge_e2e::*;
use template_support::*;

/// The four default aspects at a reduced size (the QR's share of the short side is unchanged).
const SIZES: [(&str, u32); 4] = [("9x16", 960), ("1x1", 540), ("4x5", 720), ("16x9", 540)];

fn shrink(recipe: &mut Recipe) {
    for (o, (tag, h)) in recipe.outputs.iter_mut().zip(SIZES) {
        assert!(o.path.to_string_lossy().ends_with(&format!("-{tag}.mp4")), "{}", o.path.display());
        o.height = Some(h);
    }
}

fn export(recipe: &Recipe) -> Vec<OutputReport> {
    clipforge::export(recipe, &|_| {}, &CancelToken::new()).unwrap_or_else(|e| panic!("export failed: {:?}: {}", e.kind, e.message))
}

fn clip(slot: &str, name: &str, f: &mut Fills) {
    f.insert(slot.into(), Fill::Clip { path: compose_fixture(name), start: None, end: None });
}

fn text(slot: &str, t: &str, f: &mut Fills) {
    f.insert(slot.into(), Fill::Text { text: t.into() });
}

fn recap_fills() -> Fills {
    let mut f = Fills::new();
    clip("opener", "shot_green.mp4", &mut f);
    clip("middle", "shot_red.mp4", &mut f);
    clip("closer", "shot_1080p.mp4", &mut f);
    text("event", "Launch Night", &mut f);
    text("line1", "Doors open", &mut f);
    f.insert("tickets".into(), Fill::Link { url: "https://events.example/launch?seat=b#t".into(), code: None });
    f.insert("price".into(), Fill::Price { amount: "25".into(), currency: "USD".into() });
    f.insert("next".into(), Fill::Date { date: "2026-12-20T20:00".into() });
    f
}

#[test]
fn event_recap_crossfades_three_clips_and_ends_on_each_aspects_qr_card() {
    let work = Workdir::new();
    let out = work.path("out");
    std::fs::create_dir(&out).unwrap();
    let mut recipe = Template::builtin("event-recap-15s").unwrap().render(&recap_fills(), &out).unwrap();
    shrink(&mut recipe);
    let reports = export(&recipe);
    for (r, (tag, _)) in reports.iter().zip(SIZES) {
        assert!((r.duration - 15.0).abs() < 0.05, "{tag}: {} s", r.duration);
        let video = out.join(format!("event-recap-15s-{tag}.mp4"));
        // Green (opener, 0–4 s), a crossfade (3.4–4.0 s), red (middle): mean colour of the frame's
        // left edge strip (away from captions and the fixture's white square).
        let (w, h) = (64, 64);
        let edge = (0.0, 0.35, 0.12, 0.65);
        let green = mean_rgb(&rgb_at(&video, 2.0, w, h), w, h, edge);
        let mid = mean_rgb(&rgb_at(&video, 3.7, w, h), w, h, edge);
        let red = mean_rgb(&rgb_at(&video, 5.0, w, h), w, h, edge);
        assert!(green[1] > green[0] + 80.0, "{tag}: opener not green {green:?}");
        assert!(red[0] > red[1] + 80.0, "{tag}: middle not red {red:?}");
        assert!(mid[0] > 50.0 && mid[1] > 50.0 && (mid[0] - mid[1]).abs() < 120.0, "{tag}: no crossfade at 3.7 s {mid:?}");
        let want = format!("https://events.example/launch?seat=b&utm_source=clipforge&utm_medium=video&utm_campaign=event-recap-15s&utm_content={tag}#t");
        // The card shows in the last 4 s (11–15 s), never on the first frame.
        for at in [11.8, 14.7] {
            assert_eq!(qr_at(&video, at, work.dir.path()).as_deref(), Some(want.as_str()), "{tag} at {at} s");
        }
        for at in [0.0, 10.6] {
            assert_eq!(qr_at(&video, at, work.dir.path()), None, "{tag}: a QR code at {at} s");
        }
        let m: Value = serde_json::from_str(&std::fs::read_to_string(out.join(format!("event-recap-15s-{tag}.mp4.links.json"))).unwrap()).unwrap();
        assert_eq!(m["links"][0]["url"], want.as_str());
        assert_eq!(m["links"][0]["expires"], "2026-12-20T20:00");
    }
}

/// Pixels of `rgb` that are the yellow of the fixture logo.
fn yellow_pixels(rgb: &[u8]) -> usize {
    rgb.chunks(3).filter(|p| p[0] > 180 && p[1] > 180 && p[2] < 90).count()
}

#[test]
fn sponsored_moment_shows_a_moving_branded_sting_between_two_clips() {
    let work = Workdir::new();
    let out = work.path("out");
    std::fs::create_dir(&out).unwrap();
    let mut f = Fills::new();
    clip("before", "shot_red.mp4", &mut f);
    clip("after", "shot_green.mp4", &mut f);
    f.insert("logo".into(), Fill::Image { path: compose_fixture("logo.png") });
    f.insert("brand".into(), Fill::Color { color: "#0A66C2".into() });
    f.insert("link".into(), Fill::Link { url: "https://nova.example/launch".into(), code: Some("nova".into()) });
    text("offer", "20 % off", &mut f);
    let mut recipe = Template::builtin("sponsored-moment").unwrap().render(&f, &out).unwrap();
    // The sting is an image clip made by the template, between the two clips.
    let clips = recipe.clips.as_ref().unwrap();
    assert_eq!(clips.len(), 3);
    assert!(clips[1].source.to_string_lossy().contains("-sting-"), "{:?}", clips[1].source);
    assert!(out.join(&clips[1].source).is_file());
    shrink(&mut recipe);
    let reports = export(&recipe);
    for (r, (tag, _)) in reports.iter().zip(SIZES) {
        assert!((r.duration - 6.0).abs() < 0.05, "{tag}: {} s", r.duration);
        let video = out.join(format!("sponsored-moment-{tag}.mp4"));
        let (w, h) = (160, 160);
        // Before the sting: the red clip. During it (2.2–3.7 s): the sponsor's colour at the
        // edges, the logo in the middle, growing (zoom-in). After it: the green clip.
        let before = mean_rgb(&rgb_at(&video, 1.0, w, h), w, h, (0.0, 0.3, 0.1, 0.7));
        assert!(before[0] > before[2] + 80.0, "{tag}: {before:?}");
        let early = rgb_at(&video, 2.6, w, h);
        let late = rgb_at(&video, 3.3, w, h);
        let edge = mean_rgb(&early, w, h, (0.0, 0.0, 0.08, 0.08));
        for (c, want) in edge.iter().zip([10.0, 102.0, 194.0]) {
            assert!((c - want).abs() < 30.0, "{tag}: sting panel {edge:?}, want #0A66C2");
        }
        let centre = mean_rgb(&early, w, h, (0.47, 0.47, 0.53, 0.53));
        assert!(centre[0] > 180.0 && centre[1] > 180.0 && centre[2] < 100.0, "{tag}: no logo in the middle {centre:?}");
        let (y0, y1) = (yellow_pixels(&early), yellow_pixels(&late));
        assert!(y1 as f64 > y0 as f64 * 1.03, "{tag}: the logo does not grow ({y0} → {y1} px)");
        let after = mean_rgb(&rgb_at(&video, 4.2, w, h), w, h, (0.0, 0.3, 0.1, 0.7));
        assert!(after[1] > after[0] + 80.0, "{tag}: {after:?}");
        // The sponsor's QR card at the end.
        let want = format!("https://nova.example/launch?utm_source=clipforge&utm_medium=sponsored&utm_campaign=sponsored-moment&utm_content={tag}");
        assert_eq!(qr_at(&video, 5.5, work.dir.path()).as_deref(), Some(want.as_str()), "{tag}");
        assert_eq!(qr_at(&video, 0.0, work.dir.path()), None, "{tag}");
        let m: Value = serde_json::from_str(&std::fs::read_to_string(out.join(format!("sponsored-moment-{tag}.mp4.links.json"))).unwrap()).unwrap();
        assert_eq!(m["links"][0]["code"], format!("nova-{tag}"));
    }
}

/// drop-6s rendered in `locale` with a price in `currency`, exported at 16:9 only; what Tesseract
/// reads in the card's text column at 5.5 s, and what ZBar reads there.
fn card_text(locale: &str, amount: &str, currency: &str) -> (String, Option<String>) {
    let work = Workdir::new();
    let out = work.path("out");
    std::fs::create_dir(&out).unwrap();
    let mut f = Fills::new();
    clip("hero", "shot_green.mp4", &mut f);
    text("title", "Glow serum", &mut f);
    f.insert("price".into(), Fill::Price { amount: amount.into(), currency: currency.into() });
    f.insert("shop".into(), Fill::Link { url: "https://shop.example/p/42".into(), code: None });
    f.insert("ends".into(), Fill::Date { date: "2026-12-13T18:00".into() });
    let mut recipe = Template::builtin("drop-6s").unwrap().render_for(&f, locale, &out).unwrap();
    recipe.outputs.retain(|o| o.aspect == "16:9");
    recipe.outputs[0].height = Some(720);
    // The card's outputs index pointed at the 16:9 output (index 3); it is now the only one.
    for o in recipe.overlays.iter_mut().flatten() {
        o.outputs = o.outputs.as_ref().map(|v| v.iter().filter(|&&i| i == 3).map(|_| 0).collect());
    }
    recipe.overlays.as_mut().unwrap().retain(|o| o.outputs.as_ref().is_none_or(|v| !v.is_empty()));
    recipe.links.as_mut().unwrap().retain(|l| l.outputs == [3]);
    recipe.links.as_mut().unwrap()[0].outputs = vec![0];
    export(&recipe);
    let video = out.join("drop-6s-16x9.mp4");
    // The 16:9 card sits at x 0.72 (width 0.46 of the output): its text column is the right half.
    let text = ocr_at(&video, 5.5, work.dir.path(), "iw*0.24:ih*0.42:iw*0.71:ih*0.35");
    let qr = qr_at(&video, 5.5, work.dir.path());
    // Before the card, no card text at all.
    let early = ocr_at(&video, 1.0, work.dir.path(), "iw*0.24:ih*0.42:iw*0.71:ih*0.35");
    assert!(!early.contains("18:00"), "card text before the card: {early}");
    (text, qr)
}

#[test]
fn end_card_shows_title_price_and_badge_written_for_the_locale() {
    let (de, qr) = card_text("de-DE", "12.5", "EUR");
    assert!(de.contains("Glow serum"), "{de}");
    assert!(de.contains("12,50 €"), "de-DE price: {de}");
    assert!(de.contains("endet So. 18:00"), "de-DE badge: {de}");
    assert_eq!(qr.as_deref(), Some("https://shop.example/p/42?utm_source=clipforge&utm_medium=video&utm_campaign=drop-6s&utm_content=16x9"));
    let (us, _) = card_text("en-US", "12.5", "USD");
    assert!(us.contains("$12.50"), "en-US price: {us}");
    assert!(us.contains("ends Sun 18:00"), "en-US badge: {us}");
}

#[test]
fn a_loop_part_takes_the_same_window_as_clipforge_loop_points() {
    let out = Workdir::new();
    let recipe = Template::builtin("event-recap-15s").unwrap().render(&recap_fills(), out.dir.path()).unwrap();
    let trim = recipe.clips.as_ref().unwrap()[2].trim.unwrap();
    // The CLI, as a separate process: the closer slot allows 3–4 s.
    let o = Command::new(clipforge_bin())
        .args(["loop-points", "--min", "3", "--max", "4", "--count", "1", "--json"])
        .arg(compose_fixture("shot_1080p.mp4"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!((v[0]["start"].as_f64().unwrap() - trim.start).abs() < 1e-6, "{v} vs {trim:?}");
    assert!((v[0]["end"].as_f64().unwrap() - trim.end.unwrap()).abs() < 1e-6, "{v} vs {trim:?}");
    let len = trim.end.unwrap() - trim.start;
    assert!((3.0 - 1e-6..=4.0 + 1e-6).contains(&len), "{len}");
    // Start/end are the creator's only for `trim` slots.
    let mut f = recap_fills();
    f.insert("closer".into(), Fill::Clip { path: compose_fixture("shot_1080p.mp4"), start: Some(0.0), end: Some(3.0) });
    let e = Template::builtin("event-recap-15s").unwrap().render(&f, out.dir.path()).unwrap_err();
    assert!(e.message.contains("slot 'closer': this slot uses the clip's best loop window"), "{}", e.message);
}


#[test]
fn bad_fills_of_the_new_templates_are_refused_naming_the_slot() {
    let inputs = Workdir::new();
    let short = short_clip(inputs.dir.path(), 1.2);
    let not_a_picture = inputs.path("logo.png");
    std::fs::write(&not_a_picture, b"not a png").unwrap();
    let recap = Template::builtin("event-recap-15s").unwrap();
    let cases: Vec<(Fills, &str, &str)> = vec![
        ({ let mut f = recap_fills(); f.insert("closer".into(), Fill::Clip { path: short.clone(), start: None, end: None }); f }, "en-US", "slot 'closer': the clip is 1.2 s, needs 3–4 s"),
        ({ let mut f = recap_fills(); f.insert("price".into(), Fill::Price { amount: "25".into(), currency: "ZZZ".into() }); f }, "de-DE", "slot 'price': currency 'ZZZ' is not one of"),
        ({ let mut f = recap_fills(); text("line2", &"x".repeat(41), &mut f); f }, "en-US", "slot 'line2': the text is 41 characters; at most 40"),
        (recap_fills(), "xx-YY", "locale 'xx-YY' is not one of"),
    ];
    for (f, locale, want) in cases {
        let out = Workdir::new();
        let e = recap.render_for(&f, locale, out.dir.path()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidRecipe, "{want}: {}", e.message);
        assert!(e.message.contains(want), "want '{want}' in: {}", e.message);
        assert!(out.files().is_empty(), "{want}: wrote {:?}", out.files());
    }
    // A sting's logo that is no picture: refused naming the slot, nothing written.
    let mut f = Fills::new();
    clip("before", "shot_red.mp4", &mut f);
    clip("after", "shot_green.mp4", &mut f);
    f.insert("logo".into(), Fill::Image { path: not_a_picture });
    f.insert("link".into(), Fill::Link { url: "https://nova.example/".into(), code: None });
    let out = Workdir::new();
    let e = Template::builtin("sponsored-moment").unwrap().render(&f, out.dir.path()).unwrap_err();
    assert!(e.message.starts_with("slot 'logo': "), "{}", e.message);
    assert!(out.files().is_empty());
    // A template whose sting is too long is refused when loaded.
    let mut v: Value = serde_json::from_str(&Template::builtin("sponsored-moment").unwrap().to_json()).unwrap();
    v["clips"][1]["duration"] = json!(3.5);
    let e = Template::from_json(&v.to_string()).unwrap_err();
    assert!(e.message.contains("a sting lasts 1–2 s"), "{}", e.message);
}
