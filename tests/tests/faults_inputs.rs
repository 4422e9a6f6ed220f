//! Hostile non-media inputs through the CLI, as a user or an attacker would feed them: huge or
//! endless files, FIFOs, oversized text, overflowing times, outputs aimed at inputs. Each ends in
//! one `error[Kind]` line (or a clean export) within seconds, under the memory cap, with nothing
//! left behind and no input changed.

use clipforge_e2e::*;

fn recipe(extra: Value) -> Value {
    let mut r = json!({
        "version": 1, "source": "counter.mp4",
        "trim": { "start": 0.0, "end": 2.0 },
        "loop": { "mode": "repeat", "duration": 6.0 },
        "outputs": [{ "path": "out.mp4", "aspect": "16:9", "height": 180 }]
    });
    for (k, v) in extra.as_object().unwrap() {
        r[k] = v.clone();
    }
    r
}

/// Writes `r`, exports it with the CLI, and checks the error line, the memory and the folder.
fn refused(work: &Workdir, r: &Value, kind: &str, says: &str, keep: &[&str]) -> CliRun {
    work.write_recipe(r);
    let run = run_cli_measured(work.dir.path(), &["export", "recipe.json"], 60);
    let (k, msg) = run.error_line();
    assert_eq!(k, kind, "{msg}");
    assert!(msg.contains(says), "the message should say '{says}': {msg}");
    assert!(msg.len() < 1200, "the error line is {} bytes", msg.len());
    assert!(run.peak_rss_mb < PEAK_RSS_LIMIT_MB, "peak RSS {:.0} MB", run.peak_rss_mb);
    let mut expected = vec!["counter.mp4", "recipe.json"];
    expected.extend_from_slice(keep);
    assert_eq!(work.unexpected_files(&expected), Vec::<String>::new());
    run
}

fn srt_cue(text: &str) -> String {
    format!("1\n00:00:00,500 --> 00:00:01,500\n{text}\n")
}

#[test]
fn a_megabyte_subtitle_cue_is_refused_in_little_memory() {
    let work = Workdir::with_fixture("counter.mp4");
    for (name, text) in [("spaces.srt", "word ".repeat(200_000)), ("solid.srt", "x".repeat(1 << 20))] {
        std::fs::write(work.path(name), srt_cue(&text)).unwrap();
        let r = recipe(json!({ "subtitles": { "path": name } }));
        refused(&work, &r, "LimitExceeded", "at most", &["spaces.srt", "solid.srt"]);
    }
}

#[test]
fn a_ten_megabyte_line_and_many_word_tags_are_refused() {
    let work = Workdir::with_fixture("counter.mp4");
    std::fs::write(work.path("line.srt"), format!("1\n{}\n", "7".repeat(10 << 20))).unwrap();
    refused(&work, &recipe(json!({ "subtitles": { "path": "line.srt" } })), "LimitExceeded", "at most", &["line.srt"]);
    let tags: String = (0..100_000).map(|i| format!("w{i} <00:00:0{}.{:03}> ", 1 + i % 2, i % 1000)).collect();
    std::fs::write(work.path("tags.vtt"), format!("WEBVTT\n\n00:00.500 --> 00:03.000\n{tags}\n")).unwrap();
    refused(&work, &recipe(json!({ "subtitles": { "path": "tags.vtt" } })), "LimitExceeded", "at most", &["line.srt", "tags.vtt"]);
}

#[test]
fn a_hundred_thousand_cues_on_screen_are_refused_at_once() {
    let work = Workdir::with_fixture("counter.mp4");
    // 100,000 cues are more bytes than a subtitle file may hold; 3000 are more cues than allowed.
    for n in [100_000, 3000] {
        let cues: String = (0..n).map(|i| format!("{}\n00:00:00,000 --> 00:00:05,000\ncue {i}\n\n", i + 1)).collect();
        std::fs::write(work.path("many.srt"), cues).unwrap();
        let t = std::time::Instant::now();
        refused(&work, &recipe(json!({ "subtitles": { "path": "many.srt" } })), "LimitExceeded", "at most", &["many.srt"]);
        assert!(t.elapsed().as_secs() < 20, "took {:?}", t.elapsed());
    }
    // Within the cue count, still too many at once.
    let cues: String = (0..100).map(|i| format!("{}\n00:00:00,000 --> 00:00:05,000\ncue {i}\n\n", i + 1)).collect();
    std::fs::write(work.path("hundred.srt"), cues).unwrap();
    refused(&work, &recipe(json!({ "subtitles": { "path": "hundred.srt" } })), "LimitExceeded", "on screen at once", &["many.srt", "hundred.srt"]);
}

#[test]
fn devices_fifos_and_folders_named_as_inputs_are_refused_without_hanging() {
    let work = Workdir::with_fixture("counter.mp4");
    let fifo = work.path("pipe.srt");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    std::fs::create_dir(work.path("folder.srt")).unwrap();
    let keep = ["pipe.srt", "folder.srt"];
    for path in ["/dev/zero", "/dev/urandom", "pipe.srt", "folder.srt"] {
        refused(&work, &recipe(json!({ "subtitles": { "path": path } })), "UnsupportedInput", "not a regular file", &keep);
        let style = json!({ "preset": "box", "font": path });
        let caps = json!([{ "text": "hi", "start": 0.0, "end": 1.0, "style": style }]);
        refused(&work, &recipe(json!({ "captions": caps })), "UnsupportedInput", "not a regular file", &keep);
    }
    // The recipe itself.
    for path in ["/dev/zero", "pipe.srt"] {
        let run = run_cli_measured(work.dir.path(), &["export", path], 30);
        assert_eq!(run.error_line().0, "UnsupportedInput", "{}", run.stderr());
    }
}

#[test]
fn an_output_over_the_recipe_or_another_input_is_refused_and_inputs_stay() {
    let work = Workdir::with_fixture("counter.mp4");
    std::fs::write(work.path("talk.srt"), srt_cue("hello")).unwrap();
    for target in ["recipe.json", "talk.srt", "./counter.mp4"] {
        let mut r = recipe(json!({ "subtitles": { "path": "talk.srt" } }));
        r["outputs"] = json!([{ "path": "ok.mp4", "aspect": "1:1", "height": 120 }, { "path": target, "aspect": "16:9", "height": 180 }]);
        let text = serde_json::to_string_pretty(&r).unwrap();
        let before: Vec<String> = ["counter.mp4", "talk.srt"].iter().map(|f| sha256_file(&work.path(f))).collect();
        refused(&work, &r, "InvalidRecipe", "overwrite", &["talk.srt"]);
        assert_eq!(std::fs::read_to_string(work.path("recipe.json")).unwrap(), text);
        let after: Vec<String> = ["counter.mp4", "talk.srt"].iter().map(|f| sha256_file(&work.path(f))).collect();
        assert_eq!(before, after);
    }
}

#[test]
fn overflowing_srt_hours_are_refused() {
    let work = Workdir::with_fixture("counter.mp4");
    std::fs::write(work.path("h.srt"), "1\n5124095576030432:00:00,000 --> 5124095576030432:00:01,000\nwraps\n").unwrap();
    refused(&work, &recipe(json!({ "subtitles": { "path": "h.srt" } })), "InvalidRecipe", "not a timestamp", &["h.srt"]);
}

#[test]
fn a_fifty_megabyte_string_is_not_echoed() {
    let work = Workdir::with_fixture("counter.mp4");
    let huge = "9".repeat(50 << 20);
    let mut r = recipe(json!({}));
    r["outputs"][0]["aspect"] = json!(huge);
    // Over the recipe size cap: refused before parsing.
    let run = refused(&work, &r, "LimitExceeded", "at most", &[]);
    assert!(run.stderr().len() < 1200);
    // Under the cap, echoed values are cut to a snippet.
    r["outputs"][0]["aspect"] = json!("9".repeat(500_000));
    let run = refused(&work, &r, "InvalidRecipe", "is not W:H", &[]);
    assert!(run.stderr().len() < 400, "{}", run.stderr().len());
    // Unknown field names are echoed by the JSON parser: cut too.
    let mut r = recipe(json!({}));
    r[&"k".repeat(500_000)] = json!(1);
    let run = refused(&work, &r, "InvalidRecipe", "unknown field", &[]);
    assert!(run.stderr().len() < 1200);
}

#[test]
fn text_that_is_not_utf8_is_invalid_content_in_recipes_and_subtitles_alike() {
    let work = Workdir::with_fixture("counter.mp4");
    std::fs::write(work.path("latin1.srt"), b"1\n00:00:00,500 --> 00:00:01,500\ncaf\xe9\n").unwrap();
    refused(&work, &recipe(json!({ "subtitles": { "path": "latin1.srt" } })), "InvalidRecipe", "not UTF-8", &["latin1.srt"]);
    let mut bytes = serde_json::to_vec(&recipe(json!({}))).unwrap();
    bytes.extend_from_slice(b" \xff");
    std::fs::write(work.path("bad.json"), bytes).unwrap();
    let run = run_cli_measured(work.dir.path(), &["export", "bad.json"], 30);
    let (k, msg) = run.error_line();
    assert_eq!(k, "InvalidRecipe", "{msg}");
    assert!(msg.contains("not UTF-8"), "{msg}");
}

#[test]
fn an_unknown_x264_preset_is_one_line() {
    let work = Workdir::with_fixture("counter.mp4");
    let mut r = recipe(json!({}));
    r["outputs"][0]["preset"] = json!("ludicrous");
    refused(&work, &r, "InvalidRecipe", "preset 'ludicrous'", &[]);
}

#[test]
fn rtl_text_next_to_paragraph_separators_exports() {
    let work = Workdir::with_fixture("counter.mp4");
    let seps = ["\u{2029}", "\u{85}", "\u{1c}", "\u{1d}", "\u{1e}", "\r", "\u{2028}", "\u{b}"];
    let caps: Vec<Value> = seps
        .iter()
        .enumerate()
        .map(|(i, s)| json!({ "text": format!("مرحبا{s}بالعالم{s}שלום"), "start": i as f64 * 0.7, "end": i as f64 * 0.7 + 0.7, "style": "box" }))
        .collect();
    let srt: String = seps.iter().enumerate().map(|(i, s)| format!("{}\n00:00:0{i},000 --> 00:00:0{i},900\nשלום{s}עולם\n\n", i + 1)).collect();
    std::fs::write(work.path("rtl.srt"), srt).unwrap();
    work.write_recipe(&recipe(json!({ "captions": caps, "subtitles": { "path": "rtl.srt" } })));
    let run = run_cli_measured(work.dir.path(), &["export", "recipe.json"], 120);
    assert!(run.output.status.success(), "{}", run.stderr());
    assert_eq!(run.stderr(), "");
    assert!(run.peak_rss_mb < PEAK_RSS_LIMIT_MB, "peak RSS {:.0} MB", run.peak_rss_mb);
}

#[test]
fn extreme_taste_profiles_are_refused_not_turned_into_nan() {
    let work = Workdir::with_fixture("counter.mp4");
    for v in [3.4e38f64, -3.4e38, 1e6] {
        let json = json!({ "version": 1, "liked": vec![v; 1280], "skipped": [], "likes": 1, "skips": 0 });
        std::fs::write(work.path("p.json"), json.to_string()).unwrap();
        let e = clipforge::preview::TasteProfile::load(&work.path("p.json")).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidProfile, "{}", e.message);
    }
    for p in ["/dev/zero", "/"] {
        let e = clipforge::preview::TasteProfile::load(std::path::Path::new(p)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnsupportedInput, "{p}: {}", e.message);
    }
}
