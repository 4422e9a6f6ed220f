//! The one error type of the core boundary: a stable kind plus a message a person understands.

use std::fmt;

/// Stable, machine-readable category of an [`Error`]. Bindings and the CLI map on this, never on text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ErrorKind {
    /// The recipe (or another request) is malformed or asks for something impossible.
    InvalidRecipe,
    /// Bytes or a file given as a font hold no font (TTF, OTF or TTC).
    InvalidFont,
    /// Glyphs the captions need are in no registered font, and the recipe asked for
    /// `strict_fonts` (otherwise they are listed in the report's `missing_glyphs`).
    MissingGlyphs,
    /// A taste profile that is not one (damaged JSON, another version, wrong vector sizes).
    InvalidProfile,
    /// The input file is not something clipforge will or can read.
    UnsupportedInput,
    /// Reading or writing a file failed.
    Io,
    /// The caller cancelled the operation.
    Cancelled,
    /// The input or request exceeds a resource limit.
    LimitExceeded,
    /// A bug or an unexpected library failure.
    Internal,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidRecipe => "InvalidRecipe",
            ErrorKind::InvalidFont => "InvalidFont",
            ErrorKind::MissingGlyphs => "MissingGlyphs",
            ErrorKind::InvalidProfile => "InvalidProfile",
            ErrorKind::UnsupportedInput => "UnsupportedInput",
            ErrorKind::Io => "Io",
            ErrorKind::Cancelled => "Cancelled",
            ErrorKind::LimitExceeded => "LimitExceeded",
            ErrorKind::Internal => "Internal",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every fallible core call returns this.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Longest message an [`Error`] carries: input echoed into a message (a 50 MB "aspect") must not
/// make a 50 MB error line.
pub const MAX_MESSAGE_CHARS: usize = 1000;

impl Error {
    /// The message is made one line (control characters become spaces) and cut to
    /// [`MAX_MESSAGE_CHARS`]: callers print it as one line of a log or a terminal.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: one_line(message.into(), MAX_MESSAGE_CHARS) }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidRecipe, message)
    }
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::UnsupportedInput, message)
    }
    pub fn io(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Io, message)
    }
    pub fn cancelled() -> Self {
        Self::new(ErrorKind::Cancelled, "the export was cancelled")
    }
    pub fn limit(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::LimitExceeded, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }
    /// An FFmpeg failure while doing `what`; damaged media is the usual cause, so it is not Internal.
    pub fn ffmpeg(what: &str, err: ffmpeg_next::Error) -> Self {
        Self::unsupported(format!("{what}: {err}"))
    }
    /// A file-system failure on `path`.
    pub fn io_at(path: &std::path::Path, err: std::io::Error) -> Self {
        Self::io(format!("{}: {err}", path.display()))
    }
}

/// `s` as a short quotable snippet for an error message: at most 60 characters, one line.
pub fn snippet(s: &str) -> String {
    one_line(s.to_string(), 60)
}

fn one_line(s: String, max_chars: usize) -> String {
    let clean = |c: char| if c.is_control() { ' ' } else { c };
    if s.len() <= max_chars && !s.chars().any(char::is_control) {
        return s;
    }
    let mut out: String = s.chars().take(max_chars).map(clean).collect();
    if s.chars().nth(max_chars).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_bounded_line() {
        let e = Error::invalid(format!("aspect '{}' is not W:H\nsecond line", "9".repeat(50_000_000)));
        assert!(e.message.chars().count() <= MAX_MESSAGE_CHARS + 1, "{}", e.message.len());
        assert!(!e.message.contains('\n') && e.message.ends_with('…'));
        assert_eq!(Error::io("a\tb\r\nc").message, "a b  c");
        assert_eq!(snippet(&"x".repeat(100)).chars().count(), 61);
        assert_eq!(snippet("short"), "short");
    }
}
