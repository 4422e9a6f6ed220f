//! SRT and WebVTT → cues in source seconds. WebVTT timestamp tags (`<00:00:01.200>`) become word
//! timings; other tags (`<b>`, `<c.x>`, `<v Name>`) are dropped. Errors name the file's line.

use crate::captions::text;
use crate::error::{snippet, Error, Result};

/// Longest cue block (text lines with their markup), in bytes: four times the text limit leaves
/// room for word-timing tags.
const MAX_CUE_BLOCK_BYTES: usize = 4 * text::MAX_TEXT_BYTES;

#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    pub start: f64,
    pub end: f64,
    pub text: String,
    /// Start of each whitespace-separated word of `text`, when the file gives word timings.
    pub words: Vec<f64>,
}

/// Parses `text` (named `name` in errors); WebVTT if it starts with `WEBVTT`, else SRT.
pub fn parse(text: &str, name: &str) -> Result<Vec<Cue>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let vtt = text.starts_with("WEBVTT");
    // CRLF, LF and old Mac CR-only endings alike.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.split('\n').collect();
    let err = |line: usize, msg: String| Error::invalid(format!("subtitles {name} line {}: {msg}", line + 1));
    let mut cues = Vec::new();
    let mut i = 0;
    if vtt {
        // Header block: everything up to the first blank line.
        while i < lines.len() && !lines[i].trim().is_empty() {
            i += 1;
        }
    }
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        // A block: optional identifier (SRT: a number), a timing line, text lines up to a blank line.
        let block_start = i;
        let mut timing = i;
        if !lines[i].contains("-->") {
            if vtt && ["NOTE", "STYLE", "REGION"].iter().any(|k| lines[i].starts_with(k)) {
                while i < lines.len() && !lines[i].trim().is_empty() {
                    i += 1;
                }
                continue;
            }
            if !vtt && lines[i].trim().parse::<u64>().is_err() {
                return Err(err(i, format!("expected a cue number, found '{}'", snippet(lines[i].trim()))));
            }
            timing = i + 1;
        }
        let Some(tline) = lines.get(timing).filter(|l| l.contains("-->")) else {
            let found = lines.get(timing).map(|l| snippet(l.trim())).unwrap_or_else(|| "the end of the file".into());
            return Err(err(timing.min(lines.len().saturating_sub(1)).max(block_start), format!(
                "expected a time range like '00:00:01{sep}000 --> 00:00:02{sep}000', found '{found}'",
                sep = if vtt { "." } else { "," }
            )));
        };
        let (a, b) = tline.split_once("-->").expect("checked above");
        let b = b.split_whitespace().next().unwrap_or("");
        let start = timestamp(a.trim()).ok_or_else(|| err(timing, format!("'{}' is not a timestamp", snippet(a.trim()))))?;
        let end = timestamp(b).ok_or_else(|| err(timing, format!("'{}' is not a timestamp", snippet(b))))?;
        if end <= start {
            return Err(err(timing, format!("the cue ends ({}) before it starts ({})", snippet(b), snippet(a.trim()))));
        }
        i = timing + 1;
        let mut raw = Vec::new();
        let mut raw_len = 0;
        while i < lines.len() && !lines[i].trim().is_empty() {
            raw_len += lines[i].len() + 1;
            // Markup included; checked before any of it is processed.
            if raw_len > MAX_CUE_BLOCK_BYTES {
                return Err(Error::limit(format!(
                    "subtitles {name} line {}: a cue holds at most {MAX_CUE_BLOCK_BYTES} bytes of text and markup; this one has more",
                    timing + 2
                )));
            }
            raw.push(lines[i]);
            i += 1;
        }
        let (text, words) = cue_text(&raw.join("\n"), start);
        let text = text::normalise(&text);
        if !text.trim().is_empty() {
            text::check(&text, &format!("subtitles {name} line {}", timing + 2))?;
            if cues.len() == text::MAX_ITEMS {
                return Err(Error::limit(format!("subtitles {name}: more than {0} cues; at most {0} are shown", text::MAX_ITEMS)));
            }
            // Word timings follow the words of the cleaned text (controls dropped between words).
            let words = if words.len() == text.split_whitespace().count() { words } else { Vec::new() };
            cues.push(Cue { start, end, text, words });
        }
    }
    Ok(cues)
}

const MAX_HOURS: u64 = 99;

/// `HH:MM:SS,mmm`, `HH:MM:SS.mmm` or `MM:SS.mmm` → seconds.
pub fn timestamp(s: &str) -> Option<f64> {
    let s = s.trim();
    let (hms, frac) = s.split_once([',', '.'])?;
    if frac.len() != 3 || !frac.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let parts: Vec<&str> = hms.split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit())) {
        return None;
    }
    let n: Vec<u64> = parts.iter().map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let (h, m, sec) = if n.len() == 3 { (n[0], n[1], n[2]) } else { (0, n[0], n[1]) };
    // Hours beyond a day are no subtitle of a phone clip (and `h * 3600` must not overflow).
    if m >= 60 || sec >= 60 || h > MAX_HOURS {
        return None;
    }
    Some((h * 3600 + m * 60 + sec) as f64 + frac.parse::<f64>().ok()? / 1000.0)
}

/// Strips markup; timestamp tags give each following word its start time.
fn cue_text(raw: &str, cue_start: f64) -> (String, Vec<f64>) {
    let mut text = String::new();
    let mut word_starts = Vec::new();
    let mut timed = false;
    let mut now = cue_start;
    let mut in_word = false;
    let mut rest = raw;
    while !rest.is_empty() {
        if let Some(tag_body) = rest.strip_prefix('<') {
            if let Some(close) = tag_body.find('>') {
                if let Some(t) = timestamp(&tag_body[..close]) {
                    now = t;
                    timed = true;
                }
                rest = &tag_body[close + 1..];
                continue;
            }
        }
        let c = rest.chars().next().expect("non-empty");
        rest = &rest[c.len_utf8()..];
        let c = if c == '\n' { ' ' } else { c };
        if c.is_whitespace() {
            in_word = false;
        } else if !in_word {
            in_word = true;
            word_starts.push(now);
        }
        text.push(c);
    }
    let text = decode_entities(&text);
    (text, if timed { word_starts } else { Vec::new() })
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", "\u{a0}").replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srt_basic_and_multiline() {
        let srt = "1\r\n00:00:01,000 --> 00:00:02,500\r\nHello\r\nworld\r\n\r\n2\n00:00:03,000 --> 00:00:04,000\nBye\n";
        let cues = parse(srt, "a.srt").unwrap();
        assert_eq!(cues.len(), 2);
        assert_eq!((cues[0].start, cues[0].end, cues[0].text.as_str()), (1.0, 2.5, "Hello world"));
        assert!(cues[0].words.is_empty());
        assert_eq!(cues[1].text, "Bye");
    }

    #[test]
    fn vtt_with_word_timings_and_tags() {
        let vtt = "WEBVTT\nKind: captions\n\nNOTE a comment\nspanning lines\n\nid-1\n00:01.000 --> 00:03.000 align:center\n<v Ana>One <00:00:01.500><b>two</b> <00:02.200>three &amp; four\n";
        let cues = parse(vtt, "a.vtt").unwrap();
        assert_eq!(cues.len(), 1);
        assert_eq!(cues[0].text, "One two three & four");
        assert_eq!(cues[0].words, vec![1.0, 1.5, 2.2, 2.2, 2.2]);
    }

    #[test]
    fn malformed_names_the_line() {
        let e = parse("1\n00:00:01,000 -> 00:00:02,000\nHi\n", "bad.srt").unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::InvalidRecipe);
        assert!(e.message.contains("bad.srt line 2"), "{}", e.message);
        let e = parse("1\n00:00:01,000 --> 00:00:02,000\nHi\n\nxx\n", "bad.srt").unwrap_err();
        assert!(e.message.contains("line 5") && e.message.contains("cue number"), "{}", e.message);
        let e = parse("WEBVTT\n\n00:01.000 --> 00:0x.000\nHi\n", "bad.vtt").unwrap_err();
        assert!(e.message.contains("bad.vtt line 3") && e.message.contains("00:0x.000"), "{}", e.message);
        let e = parse("1\n00:00:03,000 --> 00:00:02,000\nHi\n", "bad.srt").unwrap_err();
        assert!(e.message.contains("line 2") && e.message.contains("before it starts"), "{}", e.message);
    }

    #[test]
    fn timestamps() {
        assert_eq!(timestamp("01:02:03,456"), Some(3723.456));
        assert_eq!(timestamp("02:03.400"), Some(123.4));
        assert_eq!(timestamp("1:2"), None);
        assert_eq!(timestamp("00:61.000"), None);
        assert_eq!(timestamp("99:00:00,000"), Some(356400.0));
        assert_eq!(timestamp("100:00:00,000"), None);
        assert_eq!(timestamp("5124095576030432:00:00,000"), None);
    }

    #[test]
    fn cr_only_line_endings() {
        let cues = parse("1\r00:00:01,000 --> 00:00:02,000\rHello\r\r2\r00:00:03,000 --> 00:00:04,000\rBye\r", "mac.srt").unwrap();
        assert_eq!(cues.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), ["Hello", "Bye"]);
    }

    #[test]
    fn huge_cues_and_many_word_tags_are_refused_early() {
        let big = format!("1\n00:00:01,000 --> 00:00:02,000\n{}\n", "x".repeat(1 << 20));
        let e = parse(&big, "big.srt").unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::LimitExceeded, "{}", e.message);
        assert!(e.message.contains("line 3"), "{}", e.message);
        let tags: String = (0..100_000).map(|_| "a <00:00:01.500>").collect();
        let e = parse(&format!("WEBVTT\n\n00:01.000 --> 00:03.000\n{tags}\n"), "tags.vtt").unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::LimitExceeded, "{}", e.message);
        let long_line = format!("1\n{}\n", "9".repeat(10 << 20));
        let e = parse(&long_line, "line.srt").unwrap_err();
        assert!(e.message.len() < 300, "{}", e.message.len());
    }
}
