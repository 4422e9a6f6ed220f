//! Bad version-2 recipes: each is a typed error naming the clip, overlay or music by index, with
//! nothing left in the folder and no panic.

use clipforge_e2e::*;

fn base() -> Value {
    json!({
        "version": 2,
        "clips": [
            { "source": "shot_red.mp4", "trim": { "start": 0.0, "end": 3.0 } },
            { "source": "shot_green.mp4", "trim": { "start": 0.0, "end": 3.0 } }
        ],
        "outputs": [{ "path": "o.mp4", "aspect": "16:9", "height": 360 }]
    })
}

fn fails(work: &Workdir, r: &Value, kind: ErrorKind, says: &[&str], extra: &[&str]) {
    let e = work.export(r).expect_err("must fail");
    assert_eq!(e.kind, kind, "{}", e.message);
    for s in says {
        assert!(e.message.contains(s), "'{s}' missing from: {}", e.message);
    }
    let mut keep = vec!["shot_red.mp4", "shot_green.mp4", "recipe.json"];
    keep.extend_from_slice(extra);
    assert_eq!(work.unexpected_files(&keep), Vec::<String>::new());
}

/// A PNG whose header claims `w`x`h`; its one data chunk is an empty deflate stream (the pixels
/// never follow: a decoder that allocated by the header would try 1.6 GB).
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(&body);
        c.extend_from_slice(&crc32(&body).to_be_bytes());
        c
    };
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend(chunk(b"IHDR", &ihdr));
    v.extend(chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
    v.extend(chunk(b"IEND", &[]));
    v
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
    }
    !c
}

#[test]
fn bad_clips_name_their_index() {
    let work = Workdir::with_compose(&["shot_red.mp4", "shot_green.mp4"]);
    std::fs::write(work.path("broken.png"), b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let mut r = base();
    r["clips"][1]["source"] = json!("missing.mp4");
    fails(&work, &r, ErrorKind::Io, &["clips[1]", "missing.mp4"], &["broken.png"]);

    let mut r = base();
    r["clips"][1] = json!({ "source": "broken.png", "duration": 2.0 });
    fails(&work, &r, ErrorKind::UnsupportedInput, &["clips[1]", "broken.png"], &["broken.png"]);

    let mut r = base();
    r["clips"][1]["transition"] = json!({ "kind": "crossfade", "duration": 3.5 });
    fails(&work, &r, ErrorKind::InvalidRecipe, &["clips[1]", "crossfade", "longer"], &["broken.png"]);

    let mut r = base();
    r["clips"][0]["speed"] = json!(5.0);
    fails(&work, &r, ErrorKind::InvalidRecipe, &["clips[0]", "speed 5", "0.25–4"], &["broken.png"]);

    let mut r = base();
    r["clips"][0]["transition"] = json!({ "kind": "slide-left" });
    fails(&work, &r, ErrorKind::InvalidRecipe, &["clips[0]", "first clip"], &["broken.png"]);

    let mut r = base();
    r["clips"][0]["duration"] = json!(2.0);
    fails(&work, &r, ErrorKind::InvalidRecipe, &["clips[0]", "still"], &["broken.png"]);
}

#[test]
fn the_length_rule_says_how_the_length_was_computed() {
    let work = Workdir::with_compose(&["shot_red.mp4", "shot_green.mp4"]);
    let mut r = base();
    r["clips"][0]["trim"]["end"] = json!(2.0);
    r["clips"][1]["trim"]["end"] = json!(2.5);
    r["clips"][1]["transition"] = json!({ "kind": "crossfade", "duration": 0.5 });
    fails(&work, &r, ErrorKind::InvalidRecipe, &["4.000 s", "2.00 + 2.50", "0.50 (crossfade)", "6–30"], &[]);
}

#[test]
fn a_huge_overlay_and_music_that_is_not_audio_are_refused_before_encoding() {
    let work = Workdir::with_compose(&["shot_red.mp4", "shot_green.mp4"]);
    // Both bad inputs are written first: they stay, and nothing else may appear after any failure.
    std::fs::write(work.path("huge.png"), png_header(20_000, 20_000)).unwrap();
    std::fs::write(work.path("song.m4a"), "this is not a song").unwrap();
    let inputs = ["huge.png", "song.m4a"];
    let mut r = base();
    r["overlays"] = json!([{ "image": "huge.png" }]);
    fails(&work, &r, ErrorKind::LimitExceeded, &["overlays[0]", "20000x20000"], &inputs);

    let mut r = base();
    r["music"] = json!({ "path": "song.m4a" });
    fails(&work, &r, ErrorKind::UnsupportedInput, &["music", "song.m4a"], &inputs);

    // A video file without sound as music.
    let mut r = base();
    r["music"] = json!({ "path": "shot_green.mp4" });
    fails(&work, &r, ErrorKind::UnsupportedInput, &["music", "no audio"], &inputs);

    let mut r = base();
    r["source"] = json!("shot_red.mp4");
    fails(&work, &r, ErrorKind::InvalidRecipe, &["'source'", "version 1"], &inputs);
    let mut r = base();
    r["version"] = json!(1);
    fails(&work, &r, ErrorKind::InvalidRecipe, &["'clips'", "version\": 2"], &inputs);
}
