//! Caption text as the shaper gets it, and the caps that keep layout bounded.
//!
//! cosmic-text splits lines at '\n' while its bidi pass splits paragraphs at every Unicode
//! paragraph separator (U+2029, U+0085, U+001C–U+001E, '\r'); where the two disagree, right-to-left
//! text next to such a character panics inside the shaper. So every line or paragraph break
//! becomes '\n', and other control characters (which draw nothing) are dropped, before shaping.

use crate::error::{Error, Result};

/// Longest caption or cue text, in bytes (about 1000 Arabic or 2000 Latin characters: far more
/// than fits a frame; beyond it layout time and memory grow for nothing).
pub const MAX_TEXT_BYTES: usize = 2000;
/// Most captions plus subtitle cues in one recipe.
pub const MAX_ITEMS: usize = 2000;
/// Most captions and cues on screen at the same moment.
pub const MAX_ON_SCREEN: usize = 16;

/// `text` with every line/paragraph break as '\n', tabs as spaces, other controls removed.
pub fn normalise(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    text.chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{1C}'..='\u{1E}' | '\u{85}' | '\u{2028}' | '\u{2029}' => Some('\n'),
            '\t' | '\u{1F}' => Some(' '),
            // Byte-order marks and other controls draw nothing; some confuse shaping.
            '\u{feff}' => None,
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// Refuses empty and over-long text; `what` names the caption or cue.
pub fn check(text: &str, what: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::invalid(format!("{what}: text is empty")));
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(Error::limit(format!("{what}: text is {} bytes; at most {MAX_TEXT_BYTES}", text.len())));
    }
    Ok(())
}

/// The most of `ranges` (start, end) that overlap at one moment.
pub fn max_overlap(ranges: impl Iterator<Item = (f64, f64)>) -> usize {
    let mut edges: Vec<(f64, i32)> = ranges.flat_map(|(s, e)| [(s, 1), (e, -1)]).collect();
    // Ends sort before starts at the same time: [s, e) ranges that touch do not overlap.
    edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut now, mut most) = (0i32, 0i32);
    for (_, d) in edges {
        now += d;
        most = most.max(now);
    }
    most.max(0) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_become_newlines_and_controls_go() {
        assert_eq!(normalise("a\r\nb\rc\u{2029}d\u{85}e\u{1c}f\u{2028}g"), "a\nb\nc\nd\ne\nf\ng");
        assert_eq!(normalise("x\ty\u{0}\u{7}\u{feff}z\u{9f}"), "x yz");
        assert_eq!(normalise("مرحبا\u{2029}بالعالم"), "مرحبا\nبالعالم");
    }

    #[test]
    fn overlap_counts() {
        assert_eq!(max_overlap([(0.0, 1.0), (1.0, 2.0)].into_iter()), 1);
        assert_eq!(max_overlap([(0.0, 2.0), (1.0, 3.0), (1.5, 1.6)].into_iter()), 3);
        assert_eq!(max_overlap(std::iter::empty()), 0);
    }
}
