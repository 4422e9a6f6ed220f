//! The HTTP side of the reference uploader: one ureq agent (statuses are answers, not errors),
//! and retries with exponential backoff for what may pass on a second try.

use std::time::Duration;

use super::UploadOptions;
use crate::error::{Error, Result};

pub(crate) struct Http {
    pub agent: ureq::Agent,
    retries: u32,
    backoff: Duration,
}

/// How one attempt ended, as the retry loop sees it.
pub(crate) enum Attempt<T> {
    Done(T),
    /// Worth another try after a wait (network error, 5xx, 429, a lost race on the offset).
    Retry(String),
    /// The server refused the bytes for a checksum mismatch: send them again at once.
    Rejected(String),
}

impl Http {
    pub fn new(options: &UploadOptions) -> Http {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(options.timeout))
            .build()
            .into();
        Http { agent, retries: options.retries, backoff: options.backoff }
    }

    /// Runs `attempt(n)` until it is done, up to 1 + `retries` times; `rejected` is told about each
    /// checksum rejection. The last failure's reason becomes an Io error naming `what`.
    pub fn retry<T>(
        &self,
        what: &str,
        mut attempt: impl FnMut(u32) -> Result<Attempt<T>>,
        mut rejected: impl FnMut(),
    ) -> Result<T> {
        let mut wait = self.backoff;
        let mut last = String::new();
        for n in 0..=self.retries {
            match attempt(n)? {
                Attempt::Done(t) => return Ok(t),
                Attempt::Rejected(why) => {
                    rejected();
                    last = why;
                }
                Attempt::Retry(why) => {
                    last = why;
                    if n < self.retries {
                        std::thread::sleep(wait);
                        wait = (wait * 2).min(Duration::from_secs(8));
                    }
                }
            }
        }
        Err(Error::io(format!("{what} failed after {} attempts: {last}", self.retries + 1)))
    }
}

/// A transport error (connection refused, reset, timed out): worth retrying.
pub(crate) fn transport<T>(e: ureq::Error) -> Attempt<T> {
    Attempt::Retry(format!("network error: {e}"))
}

/// Statuses that may pass on a later try.
pub(crate) fn transient(status: u16) -> bool {
    status == 429 || status == 408 || status >= 500
}

/// Reads at most 64 kB of an answer's body (error documents); more is never needed or trusted.
pub(crate) fn small_body(resp: &mut ureq::http::Response<ureq::Body>) -> String {
    resp.body_mut().with_config().limit(64 * 1024).read_to_string().unwrap_or_default()
}

pub(crate) fn header(resp: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}
