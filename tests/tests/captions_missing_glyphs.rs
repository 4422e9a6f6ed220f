//! Captions in scripts no registered font covers: reported in every output's `missing_glyphs`, an
//! error under `strict_fonts`, and gone once the app registers fonts that cover them. One test
//! function: registered fonts are process-wide, and this file's process starts with none (the
//! library has only its built-in Latin face, like an app that registered nothing).

use clipforge_e2e::*;

#[test]
fn missing_glyphs_are_reported_refused_when_strict_and_gone_after_registering_fonts() {
    let work = Workdir::with_fixture("counter.mp4");
    let mut recipe = json!({
        "version": 1, "source": "counter.mp4", "trim": { "start": 0.0, "end": 6.0 },
        "captions": [
            { "text": "Hello नमस्ते", "start": 0, "end": 3 },
            { "text": "日本 🌮 Hello", "start": 3, "end": 6, "style": "box" }
        ],
        "outputs": [{ "path": "a.mp4", "aspect": "9:16", "height": 320 }, { "path": "b.mp4", "aspect": "1:1", "height": 160 }]
    });

    // Default: exported (with empty boxes), and said in each report.
    let reports = work.export_ok(&recipe);
    for r in &reports {
        let got = &r.missing_glyphs;
        // Devanagari shapes into clusters; every listed cluster is from the captions, and each
        // script is there.
        assert!(got.iter().all(|g| !g.trim().is_empty() && (recipe.to_string().contains(g.as_str()))), "{got:?}");
        for must in ["日", "本", "🌮"] {
            assert!(got.iter().any(|g| g == must), "{must} not reported: {got:?}");
        }
        assert!(got.iter().any(|g| g.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c))), "no Devanagari reported: {got:?}");
        assert!(!got.iter().any(|g| g.contains('H') || g.contains('l')), "Latin is covered: {got:?}");
    }
    // And in the CLI's JSON line.
    let json = serde_json::to_value(&reports[0]).unwrap();
    assert!(json["missing_glyphs"].as_array().is_some_and(|a| a.len() >= 4), "{json}");

    // Strict: a MissingGlyphs error naming the characters, and no file.
    for f in ["a.mp4", "b.mp4"] {
        std::fs::remove_file(work.path(f)).unwrap();
    }
    recipe["strict_fonts"] = json!(true);
    let e = work.export(&recipe).unwrap_err();
    assert_eq!(e.kind, ErrorKind::MissingGlyphs, "{e:?}");
    assert!(e.message.contains("'日' (U+65E5)") && e.message.contains("register"), "{}", e.message);
    assert_eq!(work.unexpected_files(&["counter.mp4", "recipe.json"]), Vec::<String>::new());

    // The app registers fonts that cover them: nothing missing, strict passes.
    register_fixture_fonts();
    let reports = work.export_ok(&recipe);
    assert!(reports.iter().all(|r| r.missing_glyphs.is_empty()), "{:?}", reports[0].missing_glyphs);
    let json = serde_json::to_value(&reports[0]).unwrap();
    assert!(json.get("missing_glyphs").is_none(), "an empty list is left out of the JSON: {json}");
}
