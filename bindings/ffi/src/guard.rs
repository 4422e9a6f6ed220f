//! No Rust panic reaches the app as a crash: every exported body runs inside `catch`.
//!
//! uniffi would turn a panic into its own untyped `InternalException`; catching it here keeps the
//! promise of one error type per boundary (`ClipforgeError.Internal`).

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::ClipforgeError;

pub(crate) fn catch<T>(f: impl FnOnce() -> Result<T, ClipforgeError>) -> Result<T, ClipforgeError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let text = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Err(ClipforgeError::Internal { message: format!("clipforge failed unexpectedly: {text}") })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_internal() {
        let r: Result<(), _> = catch(|| panic!("boom"));
        assert_eq!(r, Err(ClipforgeError::Internal { message: "clipforge failed unexpectedly: boom".into() }));
    }
}
