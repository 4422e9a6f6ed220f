//! Templates end to end, with independent referees: the built-in `drop-6s` and `menu-item` are
//! filled, expanded and exported in all four aspects; FFmpeg decodes frames to PNG and `zbarimg`
//! (ZBar) reads the end card's QR code back. It must be exactly that aspect's tracked link, absent
//! from the first frame and before the card's time, and equal to the links manifest's URL.

mod template_support;

use std::path::Path;

use clipforge::template::{Fill, Fills, Template};
use clipforge_e2e::*;
use template_support::{qr_at, short_clip};

/// The four default aspects at a reduced size (the QR's share of the short side is unchanged).
const SIZES: [(&str, u32); 4] = [("9x16", 960), ("1x1", 540), ("4x5", 720), ("16x9", 540)];

fn fills(clip: &Path) -> Fills {
    let mut f = Fills::new();
    f.insert("hero".into(), Fill::Clip { path: clip.to_path_buf(), start: None, end: None });
    f.insert("title".into(), Fill::Text { text: "Glow serum, batch 7".into() });
    f.insert("price".into(), Fill::Price { amount: "24.5".into(), currency: "EUR".into() });
    f.insert("shop".into(), Fill::Link { url: "https://shop.example/p/42?ref=ig#buy".into(), code: None });
    f.insert("ends".into(), Fill::Date { date: "2026-12-13T18:00".into() });
    f
}

/// The link each aspect's QR must carry, written out by hand (not computed by the library).
fn expected_url(tag: &str) -> String {
    format!("https://shop.example/p/42?ref=ig&utm_source=clipforge&utm_medium=video&utm_campaign=drop-6s&utm_content={tag}#buy")
}

fn shrink(recipe: &mut Recipe) {
    for (o, (tag, h)) in recipe.outputs.iter_mut().zip(SIZES) {
        assert!(o.path.to_string_lossy().ends_with(&format!("-{tag}.mp4")), "{}", o.path.display());
        o.height = Some(h);
    }
}

fn export(recipe: &Recipe) -> Vec<OutputReport> {
    clipforge::export(recipe, &|_| {}, &CancelToken::new()).unwrap_or_else(|e| panic!("export failed: {:?}: {}", e.kind, e.message))
}

#[test]
fn drop_6s_shows_each_aspects_tracked_link_as_a_qr_code_only_on_the_end_card() {
    let work = Workdir::new();
    let out = work.path("out");
    std::fs::create_dir(&out).unwrap();
    let t = Template::builtin("drop-6s").unwrap();
    let mut recipe = t.render(&fills(&compose_fixture("shot_green.mp4")), &out).unwrap();
    shrink(&mut recipe);
    let reports = export(&recipe);
    assert_eq!(reports.len(), 4);
    for (r, (tag, _)) in reports.iter().zip(SIZES) {
        assert!((r.duration - 6.0).abs() < 0.05, "{tag}: {} s", r.duration);
        let video = out.join(format!("drop-6s-{tag}.mp4"));
        let want = expected_url(tag);
        // The card shows in the last 2 s (4–6 s): read at two times within it.
        for at in [4.6, 5.8] {
            assert_eq!(qr_at(&video, at, work.dir.path()).as_deref(), Some(want.as_str()), "{tag} at {at} s");
        }
        // Never the first frame, and not before the card.
        for at in [0.0, 3.8] {
            assert_eq!(qr_at(&video, at, work.dir.path()), None, "{tag}: a QR code at {at} s");
        }
        // The manifest beside it lists exactly that link, with the offer's expiry.
        let m: Value = serde_json::from_str(&std::fs::read_to_string(out.join(format!("drop-6s-{tag}.mp4.links.json"))).unwrap()).unwrap();
        assert_eq!(m["output"], format!("drop-6s-{tag}.mp4"));
        let links = m["links"].as_array().unwrap();
        assert_eq!(links.len(), 1, "{m:#}");
        assert_eq!(links[0]["url"], want.as_str());
        assert_eq!(links[0]["expires"], "2026-12-13T18:00");
        assert_eq!(links[0]["outputs"], json!([format!("drop-6s-{tag}.mp4")]));
        let code = links[0]["code"].as_str().unwrap();
        assert!(code.len() == 10 && code.chars().all(|c| c.is_ascii_alphanumeric()), "{code}");
    }
    // Four outputs, four codes.
    let codes: std::collections::BTreeSet<String> = SIZES
        .iter()
        .map(|(tag, _)| {
            let m: Value = serde_json::from_str(&std::fs::read_to_string(out.join(format!("drop-6s-{tag}.mp4.links.json"))).unwrap()).unwrap();
            m["links"][0]["code"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(codes.len(), 4);
}

#[test]
fn menu_item_zooms_a_photo_and_ends_on_a_pickup_qr_code() {
    let work = Workdir::new();
    let out = work.path("out");
    std::fs::create_dir(&out).unwrap();
    let mut f = Fills::new();
    f.insert("photo".into(), Fill::Image { path: compose_fixture("still.jpg") });
    f.insert("dish".into(), Fill::Text { text: "Birria tacos".into() });
    f.insert("price".into(), Fill::Price { amount: "1200".into(), currency: "JPY".into() });
    f.insert("pickup".into(), Fill::Link { url: "http://tacos.example/order".into(), code: Some("birria".into()) });
    let mut recipe = Template::builtin("menu-item").unwrap().render(&f, &out).unwrap();
    shrink_named(&mut recipe);
    let captions: Vec<&str> = recipe.captions.iter().flatten().map(|c| c.text.as_str()).collect();
    // The price as en-US writes yen; the button label is on the card, not a caption.
    assert_eq!(captions, ["Birria tacos", "¥1,200"]);
    export(&recipe);
    for (tag, _) in SIZES {
        let video = out.join(format!("menu-item-{tag}.mp4"));
        let want = format!("http://tacos.example/order?utm_source=clipforge&utm_medium=video&utm_campaign=menu-item&utm_content={tag}");
        assert_eq!(qr_at(&video, 5.5, work.dir.path()).as_deref(), Some(want.as_str()), "{tag}");
        assert_eq!(qr_at(&video, 0.0, work.dir.path()), None, "{tag}");
        let m: Value = serde_json::from_str(&std::fs::read_to_string(out.join(format!("menu-item-{tag}.mp4.links.json"))).unwrap()).unwrap();
        assert_eq!(m["links"][0]["code"], format!("birria-{tag}"));
        assert_eq!(m["links"][0]["url"], want.as_str());
        assert!(m["links"][0].get("expires").is_none());
    }
}

fn shrink_named(recipe: &mut Recipe) {
    for (o, (_, h)) in recipe.outputs.iter_mut().zip(SIZES) {
        o.height = Some(h);
    }
}


#[test]
fn bad_fills_are_refused_naming_the_slot_and_write_nothing() {
    let inputs = Workdir::new();
    let short = short_clip(inputs.dir.path(), 1.2);
    let good = compose_fixture("shot_green.mp4");
    let t = Template::builtin("drop-6s").unwrap();
    type Edit = Box<dyn Fn(&mut Fills)>;
    let cases: Vec<(Edit, &str)> = vec![
        (Box::new(|f| { f.remove("title"); }), "slot 'title' is empty"),
        (Box::new(move |f| { f.insert("hero".into(), Fill::Clip { path: short.clone(), start: None, end: None }); }), "slot 'hero': the clip is 1.2 s, needs 2–4 s"),
        (Box::new(|f| { f.insert("title".into(), Fill::Text { text: "x".repeat(33) }); }), "slot 'title': the text is 33 characters; at most 32"),
        (Box::new(|f| { f.insert("shop".into(), Fill::Link { url: "javascript:alert(1)".into(), code: None }); }), "slot 'shop': a 'javascript:' link is not allowed"),
        (Box::new(|f| { f.insert("shop".into(), Fill::Link { url: "file:///etc/passwd".into(), code: None }); }), "slot 'shop': a 'file:' link is not allowed"),
        (Box::new(|f| { f.insert("shop".into(), Fill::Link { url: format!("https://x.example/{}", "a".repeat(5000)), code: None }); }), "slot 'shop': the link is 5018 characters; at most 2048"),
        (Box::new(|f| { f.insert("price".into(), Fill::Price { amount: "12.50".into(), currency: "XYZ".into() }); }), "slot 'price': currency 'XYZ' is not one of"),
        (Box::new(|f| { f.insert("brand".into(), Fill::Color { color: "red".into() }); }), "slot 'brand': colour 'red' is not #RRGGBB"),
        (Box::new(|f| { f.insert("ends".into(), Fill::Date { date: "2026-02-30".into() }); }), "slot 'ends': date '2026-02-30'"),
        (Box::new(|f| { f.insert("coupon".into(), Fill::Text { text: "x".into() }); }), "slot 'coupon': the template has no such slot"),
        (Box::new(|f| { f.insert("title".into(), Fill::Price { amount: "1".into(), currency: "EUR".into() }); }), "slot 'title' is a text slot; got a price"),
    ];
    for (edit, want) in cases {
        let out = Workdir::new();
        let mut f = fills(&good);
        edit(&mut f);
        let e = t.render(&f, out.dir.path()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidRecipe, "{want}: {}", e.message);
        assert!(e.message.contains(want), "want '{want}' in: {}", e.message);
        assert!(out.files().is_empty(), "{want}: wrote {:?}", out.files());
    }
}

#[test]
fn unknown_template_fields_and_bad_layouts_are_refused() {
    let mut v: Value = serde_json::from_str(&Template::builtin("drop-6s").unwrap().to_json()).unwrap();
    v["colour_scheme"] = json!("dark");
    let e = Template::from_json(&v.to_string()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRecipe);
    assert!(e.message.contains("unknown field `colour_scheme`"), "{}", e.message);
    // A card too small for a QR code to scan from another phone: refused at render.
    let mut v: Value = serde_json::from_str(&Template::builtin("drop-6s").unwrap().to_json()).unwrap();
    v["layout"]["16:9"]["card"]["width"] = json!(0.12);
    let t = Template::from_json(&v.to_string()).unwrap();
    let out = Workdir::new();
    let e = t.render(&fills(&compose_fixture("shot_green.mp4")), out.dir.path()).unwrap_err();
    assert!(e.message.contains("for 16:9 makes the QR code") && e.message.contains("at least 25 %"), "{}", e.message);
    assert!(out.files().is_empty());
}

#[test]
fn every_builtin_parses_and_renders_with_its_qr_large_enough() {
    let clip = compose_fixture("shot_green.mp4");
    for name in Template::builtin_names() {
        let t = Template::builtin(name).unwrap();
        let mut f = Fills::new();
        for s in t.slots() {
            let v = match s.kind {
                clipforge::SlotKind::Clip => Fill::Clip { path: clip.clone(), start: None, end: None },
                clipforge::SlotKind::Image => Fill::Image { path: compose_fixture("still.jpg") },
                clipforge::SlotKind::Text => Fill::Text { text: "Hi".into() },
                clipforge::SlotKind::Price => Fill::Price { amount: "5".into(), currency: "GBP".into() },
                clipforge::SlotKind::Link => Fill::Link { url: "https://x.example/".into(), code: None },
                clipforge::SlotKind::Color => Fill::Color { color: "#112233".into() },
                clipforge::SlotKind::Date => Fill::Date { date: "2027-01-01".into() },
            };
            f.insert(s.name.clone(), v);
        }
        let out = Workdir::new();
        let r = t.render(&f, out.dir.path()).unwrap_or_else(|e| panic!("{name}: {}", e.message));
        // One card per output, shown only there, never from the first frame.
        let cards: Vec<_> = r.overlays.iter().flatten().filter(|o| o.image.to_string_lossy().contains("-card-")).collect();
        assert_eq!(cards.len(), 4, "{name}");
        for (i, c) in cards.iter().enumerate() {
            assert_eq!(c.outputs.as_deref(), Some(&[i][..]), "{name}");
            assert!(c.start.unwrap() > 0.0, "{name}");
            assert!(out.path(&c.image.to_string_lossy()).is_file(), "{name}");
        }
        assert_eq!(r.links.as_ref().map(Vec::len), Some(4), "{name}");
    }
}
