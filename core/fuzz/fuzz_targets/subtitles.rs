//! SRT / WebVTT text → `captions::subtitles::parse`: a typed error or cues that make sense.
#![no_main]

#[path = "../common/mod.rs"]
mod common;

use clipforge::captions::subtitles::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _watch = common::watch();
    // The library refuses a subtitle file that is not UTF-8 before parsing it.
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(cues) = parse(text, "fuzz.srt") else { return };
    for c in &cues {
        assert!(c.start.is_finite() && c.end.is_finite() && c.start >= 0.0 && c.end > c.start, "{} --> {}", c.start, c.end);
        assert!(!c.text.trim().is_empty());
        assert!(c.words.iter().all(|w| w.is_finite()), "{:?}", c.words);
        // Word k's timing highlights the k-th whitespace-separated word of the text.
        let n = c.text.split_whitespace().count();
        assert!(c.words.is_empty() || c.words.len() == n, "{} word timings for {n} words in {:?}", c.words.len(), c.text);
    }
});
