//! Hostile and damaged sources: playlists and protocol strings are refused (never followed, even
//! when they point at a real video), and damaged files end in a clean export or a typed error —
//! never a panic, a hang, or leftovers in the folder.

use clipforge_e2e::*;

fn recipe_for(source: &str) -> Value {
    json!({
        "version": 1, "source": source,
        "trim": { "start": 0.0, "end": 2.0 },
        "loop": { "mode": "repeat", "duration": 6.0 },
        "outputs": [{ "path": "out.mp4", "aspect": "16:9", "height": 240 }]
    })
}

/// Writes `text` as `name` next to a real counter.mp4 and expects UnsupportedInput from both
/// export and probe.
fn refused_playlist(name: &str, text: &str) {
    let work = Workdir::with_fixture("counter.mp4");
    let text = text.replace("{abs}", &work.path("counter.mp4").display().to_string());
    std::fs::write(work.path(name), &text).unwrap();
    let err = work.export(&recipe_for(name)).expect_err("a playlist must not be exported");
    assert_eq!(err.kind, ErrorKind::UnsupportedInput, "{name}: {}", err.message);
    // Refused as a playlist, before FFmpeg opens it (not merely because no demuxer matched).
    assert!(err.message.to_lowercase().contains("playlist"), "{name}: the message should say it is a playlist: {}", err.message);
    assert_eq!(work.unexpected_files(&["counter.mp4", "recipe.json", name]), Vec::<String>::new(), "{name}");
    let err = clipforge::probe(&work.path(name)).expect_err("a playlist must not be probed");
    assert_eq!(err.kind, ErrorKind::UnsupportedInput, "probe {name}: {}", err.message);
}

#[test]
fn hls_playlists_are_refused() {
    let hls = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:8\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:8.0,\ncounter.mp4\n#EXT-X-ENDLIST\n";
    refused_playlist("list.m3u8", hls);
    refused_playlist("abs.m3u8", &hls.replace("counter.mp4", "{abs}"));
    // The extension does not matter: a playlist named like a video is still a playlist.
    refused_playlist("disguised.mp4", hls);
    refused_playlist("bom.m3u8", &format!("\u{feff}{hls}"));
}

#[test]
fn concat_lists_are_refused() {
    refused_playlist("list.ffconcat", "ffconcat version 1.0\nfile 'counter.mp4'\nfile 'counter.mp4'\n");
    refused_playlist("list.txt", "file 'counter.mp4'\nfile '{abs}'\n");
    refused_playlist("ffconcat.mov", "ffconcat version 1.0\nfile '{abs}'\n");
}

#[test]
fn protocol_strings_are_refused() {
    let work = Workdir::with_fixture("counter.mp4");
    let abs = work.path("counter.mp4").display().to_string();
    // (source, must be UnsupportedInput; otherwise an Io "no such file" is acceptable too)
    let sources = [
        (format!("concat:{abs}|{abs}"), true),
        ("concat:counter.mp4|counter.mp4".to_string(), true),
        ("http://127.0.0.1:9/counter.mp4".to_string(), true),
        (format!("file:{abs}"), false),
        (format!("subfile,,start,0,end,0,,:{abs}"), false),
    ];
    for (s, strict) in &sources {
        let check = |how: &str, err: Error| {
            let ok = err.kind == ErrorKind::UnsupportedInput || (!strict && err.kind == ErrorKind::Io);
            assert!(ok, "source {s:?} via {how}: {:?}: {}", err.kind, err.message);
        };
        // Through a recipe file (relative paths resolve against its folder)...
        check("recipe file", work.export(&recipe_for(s)).expect_err("protocol sources must be refused"));
        // ...and through the library with no base folder.
        let mut rj = recipe_for(s);
        rj["outputs"][0]["path"] = json!(work.path("out.mp4"));
        let r = Recipe::from_json(&rj.to_string(), None).expect("parses");
        check("from_json", clipforge::export(&r, &|_| {}, &CancelToken::new()).expect_err("protocol sources must be refused"));
        assert_eq!(work.unexpected_files(&["counter.mp4", "recipe.json"]), Vec::<String>::new(), "{s}");
    }
}

/// What a damaged-input export ended in.
fn run_damaged(name: &'static str, bytes: Vec<u8>) {
    let outcome = with_timeout(60, name, move || {
        let work = Workdir::new();
        std::fs::write(work.path("damaged.mp4"), &bytes).unwrap();
        let result = work.export(&recipe_for("damaged.mp4"));
        (work, result)
    });
    let (work, result) = outcome;
    match result {
        Ok(reports) => {
            assert_eq!(reports.len(), 1);
            let dec = try_decode_video(&work.path("out.mp4"), |_| false).unwrap_or_else(|e| panic!("{name}: exported file does not decode: {e}"));
            assert_eq!(dec.frame_count(), reports[0].frames as usize, "{name}: decoded frames vs report");
            assert_eq!((dec.width, dec.height), (426, 240));
            assert_eq!(work.unexpected_files(&["damaged.mp4", "recipe.json", "out.mp4"]), Vec::<String>::new(), "{name}");
            eprintln!("{name}: exported ({} frames)", reports[0].frames);
        }
        Err(e) => {
            assert_ne!(e.kind, ErrorKind::Internal, "{name}: a damaged file is not an internal error: {}", e.message);
            assert!(!e.message.contains("panicked"), "{name}: {}", e.message);
            assert!(!e.message.trim().is_empty());
            assert_eq!(work.unexpected_files(&["damaged.mp4", "recipe.json"]), Vec::<String>::new(), "{name}: leftovers after an error");
            eprintln!("{name}: refused with {:?}: {}", e.kind, e.message);
        }
    }
}

fn counter_bytes() -> Vec<u8> {
    std::fs::read(fixture("counter.mp4")).unwrap()
}

#[test]
fn zero_byte_file() {
    let work = Workdir::new();
    std::fs::write(work.path("empty.mp4"), b"").unwrap();
    let err = work.export(&recipe_for("empty.mp4")).expect_err("empty file");
    assert_eq!(err.kind, ErrorKind::UnsupportedInput, "{}", err.message);
    run_damaged("zero bytes", Vec::new());
}

#[test]
fn truncated_to_30_percent() {
    let b = counter_bytes();
    run_damaged("truncated 30 %", b[..b.len() * 3 / 10].to_vec());
}

#[test]
fn truncated_faststart_copy() {
    // With the index at the front, a truncated file still opens: the export must cope with
    // packets ending early (the index promises 8 s, the data holds about half).
    let work = Workdir::with_fixture("counter.mp4");
    let fs = work.path("fs.mp4");
    let st = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-nostdin", "-y", "-i"])
        .arg(work.path("counter.mp4"))
        .args(["-c", "copy", "-movflags", "+faststart"])
        .arg(&fs)
        .status()
        .expect("run ffmpeg");
    assert!(st.success());
    let b = std::fs::read(&fs).unwrap();
    run_damaged("truncated fast-start 50 %", b[..b.len() / 2].to_vec());
}

#[test]
fn random_bytes() {
    run_damaged("random bytes", lcg_bytes(0x5eed, 200_000));
}

#[test]
fn flipped_bytes_in_the_middle() {
    let mut b = counter_bytes();
    let mid = b.len() / 2 - 32 * 1024;
    for x in &mut b[mid..mid + 64 * 1024] {
        *x = !*x;
    }
    run_damaged("64 KiB flipped", b);
}

#[test]
fn random_bytes_after_a_valid_header() {
    // Starts like an MP4 (ftyp), then noise.
    let mut b = counter_bytes()[..64].to_vec();
    b.extend(lcg_bytes(42, 100_000));
    run_damaged("ftyp + noise", b);
}
