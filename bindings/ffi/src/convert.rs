//! Numbers across the boundary. Apps pass and get signed `Int` / `Long` (Kotlin) and `Int32` /
//! `Int64` (Swift): no `640u`, no `.toInt()`, usable from Java. The core counts in unsigned types,
//! so every value going in is checked here: a negative one (or one too large for its field) is an
//! `InvalidRecipe` error that names the field, before the core sees it.

use crate::error::ClipforgeError;

fn refused(what: &str, v: i64, rule: &str) -> ClipforgeError {
    ClipforgeError::InvalidRecipe { message: format!("{what} {rule}, got {v}") }
}

/// A count or size the core keeps as `u32`.
pub(crate) fn u32_of(v: i32, what: &str) -> Result<u32, ClipforgeError> {
    u32::try_from(v).map_err(|_| refused(what, i64::from(v), "must not be negative"))
}

pub(crate) fn opt_u32(v: Option<i32>, what: &str) -> Result<Option<u32>, ClipforgeError> {
    v.map(|v| u32_of(v, what)).transpose()
}

/// A byte-sized setting (x264's crf, 0–51 in the core's own check).
pub(crate) fn opt_u8(v: Option<i32>, what: &str) -> Result<Option<u8>, ClipforgeError> {
    v.map(|v| u8::try_from(v).map_err(|_| refused(what, i64::from(v), "must be 0–255"))).transpose()
}

pub(crate) fn opt_u64(v: Option<i64>, what: &str) -> Result<Option<u64>, ClipforgeError> {
    v.map(|v| u64::try_from(v).map_err(|_| refused(what, v, "must not be negative"))).transpose()
}

/// The core's `u32` going out (saturating: no clip has 2^31 pixels or frames).
pub(crate) fn int(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

pub(crate) fn long(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_values_are_refused_naming_the_field() {
        assert_eq!(u32_of(640, "height"), Ok(640));
        let e = opt_u32(Some(-5), "outputs[0].height").unwrap_err();
        assert_eq!(e, ClipforgeError::InvalidRecipe { message: "outputs[0].height must not be negative, got -5".into() });
        assert!(opt_u8(Some(300), "crf").is_err() && opt_u8(Some(23), "crf") == Ok(Some(23)));
        assert!(opt_u64(Some(-1), "bitrate").is_err() && opt_u64(None, "bitrate") == Ok(None));
        assert_eq!((int(u32::MAX), long(u64::MAX)), (i32::MAX, i64::MAX));
    }
}
