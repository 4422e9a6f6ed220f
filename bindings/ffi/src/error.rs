//! The one error type of the FFI boundary: the core's stable kind as the variant, its text as `message`.
//! New kinds go at the end: a variant's position is its number on the wire.
//!
//! A *flat* uniffi error: foreign code gets the variant plus its `Display` text (= the core's message)
//! as `message` — Kotlin `ClipforgeException.Io(message)` whose `e.message` is the text, Swift
//! `ClipforgeError.Io(message:)`. (A non-flat error with a `message` field would clash with Kotlin's
//! `Throwable.message` and fail to compile.)

use clipforge::{Error, ErrorKind};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum ClipforgeError {
    /// The recipe (or another request) is malformed or asks for something impossible.
    #[error("{message}")]
    InvalidRecipe { message: String },
    /// The input file is not something clipforge will or can read (e.g. a playlist, damaged media).
    #[error("{message}")]
    UnsupportedInput { message: String },
    /// Reading or writing a file failed (e.g. a missing source).
    #[error("{message}")]
    Io { message: String },
    /// The caller cancelled the operation.
    #[error("{message}")]
    Cancelled { message: String },
    /// The input or request exceeds a resource limit (e.g. a source above 8K).
    #[error("{message}")]
    LimitExceeded { message: String },
    /// A bug or an unexpected failure, including a caught panic or a listener that threw.
    #[error("{message}")]
    Internal { message: String },
    /// Bytes or a file given as a font hold no font (TTF, OTF or TTC).
    #[error("{message}")]
    InvalidFont { message: String },
    /// Caption characters no registered font has, with the recipe's `strictFonts` on (otherwise
    /// they are listed in `OutputReport.missingGlyphs`).
    #[error("{message}")]
    MissingGlyphs { message: String },
    /// A taste profile that is not one (damaged JSON, another version, wrong vector sizes).
    #[error("{message}")]
    InvalidProfile { message: String },
}

impl From<Error> for ClipforgeError {
    fn from(e: Error) -> Self {
        let message = e.message;
        match e.kind {
            ErrorKind::InvalidRecipe => Self::InvalidRecipe { message },
            ErrorKind::UnsupportedInput => Self::UnsupportedInput { message },
            ErrorKind::Io => Self::Io { message },
            ErrorKind::Cancelled => Self::Cancelled { message },
            ErrorKind::LimitExceeded => Self::LimitExceeded { message },
            ErrorKind::Internal => Self::Internal { message },
            ErrorKind::InvalidFont => Self::InvalidFont { message },
            ErrorKind::MissingGlyphs => Self::MissingGlyphs { message },
            ErrorKind::InvalidProfile => Self::InvalidProfile { message },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_keeps_its_kind_and_message() {
        let cases = [
            (ErrorKind::InvalidRecipe, "InvalidRecipe"),
            (ErrorKind::UnsupportedInput, "UnsupportedInput"),
            (ErrorKind::Io, "Io"),
            (ErrorKind::Cancelled, "Cancelled"),
            (ErrorKind::LimitExceeded, "LimitExceeded"),
            (ErrorKind::Internal, "Internal"),
            (ErrorKind::InvalidFont, "InvalidFont"),
            (ErrorKind::MissingGlyphs, "MissingGlyphs"),
            (ErrorKind::InvalidProfile, "InvalidProfile"),
        ];
        for (kind, name) in cases {
            let e = ClipforgeError::from(Error::new(kind, "why"));
            assert!(format!("{e:?}").starts_with(name), "{kind:?} → {e:?}");
            assert_eq!(e.to_string(), "why");
        }
    }
}
