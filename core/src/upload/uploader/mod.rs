//! The reference uploader (feature `uploader`, used by the CLI and the tests): sends a file's plan
//! to S3 presigned part URLs or a tus 1.0 server, resuming from the plan's JSON state.
//!
//! ```text
//! mod.rs      options, report, the resume state (load, check against the file, save per part)
//! s3.rs       PUT part with x-amz-checksum-sha256 → ETag; Complete; the object's checksums checked
//! tus.rs      OPTIONS (extensions), POST (creation), HEAD (offset), PATCH with Upload-Checksum
//! http.rs     one ureq agent, retries with exponential backoff, what a status means
//! verify.rs   GET the stored object and hash it (streaming) against the plan
//! ```
//! Every part is read through [`UploadPlan::part_bytes`], which re-hashes it: a file changed since
//! the plan is refused before its bytes leave the machine.

mod http;
mod s3;
mod tus;
mod verify;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

pub use s3::PresignedParts;

use super::UploadPlan;
use crate::error::{Error, Result};

/// Where the parts go.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Presigned part URLs (and optionally Complete / object URLs) from the app's backend.
    S3Presigned(PresignedParts),
    /// A tus 1.0 server's creation URL.
    Tus(String),
}

#[derive(Debug, Clone)]
pub struct UploadOptions {
    /// The resume state: the plan with each part's acknowledgement, saved after every part.
    /// Defaults to `<file>.upload.json`, the file `export` writes beside an output when asked.
    pub state_path: Option<PathBuf>,
    /// Part size for a new plan (ignored when resuming from a state file).
    pub part_size: Option<u64>,
    /// Attempts per request after the first.
    pub retries: u32,
    /// First wait between attempts; doubled each time up to 8 s.
    pub backoff: Duration,
    /// Per-request time limit.
    pub timeout: Duration,
    /// Sending speed limit in bytes per second (metered networks; also lets a test interrupt an
    /// upload in the middle).
    pub limit_rate: Option<u64>,
    /// Fault injection for tests: the first send of this part has one byte flipped while its
    /// checksum header stays right, so the server must reject it and the part must be re-sent.
    pub corrupt_first_send_of: Option<u32>,
}

impl Default for UploadOptions {
    fn default() -> Self {
        UploadOptions {
            state_path: None,
            part_size: None,
            retries: 5,
            backoff: Duration::from_millis(250),
            timeout: Duration::from_secs(120),
            limit_rate: None,
            corrupt_first_send_of: None,
        }
    }
}

/// What one run of the uploader did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadReport {
    pub file: PathBuf,
    pub protocol: String,
    pub size: u64,
    pub sha256_hex: String,
    pub s3_composite_sha256: String,
    /// Parts sent in this run (indices, 0-based).
    pub sent_parts: Vec<u32>,
    /// Parts the state file already had acknowledged: not sent again.
    pub resumed_parts: Vec<u32>,
    /// Parts the server refused for a checksum mismatch and that were sent again.
    pub rejected_parts: Vec<u32>,
    pub bytes_sent: u64,
    /// The checks of the stored object against the plan, each as "what: value".
    pub verified: Vec<String>,
    pub state_path: PathBuf,
}

/// Uploads `file` to `target`, resuming from the state file when there is one.
pub fn upload(file: &Path, target: &Target, options: &UploadOptions) -> Result<UploadReport> {
    let state_path = options.state_path.clone().unwrap_or_else(|| super::plan_path_for(file));
    let mut plan = load_or_plan(file, &state_path, options.part_size)?;
    // Refused before anything is sent: the plan must describe the file as it is now.
    plan.check_file()?;
    let mut run = Run {
        plan: &mut plan,
        state_path: &state_path,
        options,
        http: http::Http::new(options),
        started: Instant::now(),
        report: UploadReport {
            file: file.to_path_buf(),
            protocol: String::new(),
            size: 0,
            sha256_hex: String::new(),
            s3_composite_sha256: String::new(),
            sent_parts: Vec::new(),
            resumed_parts: Vec::new(),
            rejected_parts: Vec::new(),
            bytes_sent: 0,
            verified: Vec::new(),
            state_path: state_path.clone(),
        },
    };
    run.report.resumed_parts = run.plan.parts.iter().filter(|p| p.etag.is_some()).map(|p| p.index).collect();
    match target {
        Target::S3Presigned(parts) => {
            run.report.protocol = "s3-presigned".into();
            s3::upload(&mut run, parts)?;
        }
        Target::Tus(url) => {
            run.report.protocol = "tus".into();
            tus::upload(&mut run, url)?;
        }
    }
    let mut report = run.report;
    report.size = plan.size;
    report.sha256_hex = plan.sha256_hex.clone();
    report.s3_composite_sha256 = plan.s3_composite_sha256.clone();
    Ok(report)
}

/// The state file's plan if it describes this file; a new plan (saved at once) otherwise.
fn load_or_plan(file: &Path, state_path: &Path, part_size: Option<u64>) -> Result<UploadPlan> {
    if state_path.exists() {
        let plan = UploadPlan::load(state_path)?;
        let abs = std::fs::canonicalize(file).map_err(|e| Error::io_at(file, e))?;
        if plan.file != abs {
            return Err(Error::invalid(format!(
                "{} is the upload state of {}, not of {}",
                state_path.display(),
                plan.file.display(),
                abs.display()
            )));
        }
        let fresh = plan.completed_bytes() == 0 && plan.session.is_none();
        if fresh && part_size.is_some_and(|p| p != plan.part_size) {
            // Nothing sent yet (e.g. the plan export wrote): re-plan at the size asked for.
            return new_plan(file, state_path, part_size);
        }
        return Ok(plan);
    }
    new_plan(file, state_path, part_size)
}

fn new_plan(file: &Path, state_path: &Path, part_size: Option<u64>) -> Result<UploadPlan> {
    let plan = UploadPlan::new(file, part_size)?;
    plan.save(state_path)?;
    Ok(plan)
}

/// One uploader run: the plan being completed and what has been done so far.
pub(crate) struct Run<'a> {
    pub plan: &'a mut UploadPlan,
    pub state_path: &'a Path,
    pub options: &'a UploadOptions,
    pub http: http::Http,
    pub started: Instant,
    pub report: UploadReport,
}

impl Run<'_> {
    /// Fault injection (tests): flips the first byte of what `attempt` of part `index` sends.
    fn inject_fault(&self, index: u32, attempt: u32, body: &mut [u8]) {
        if attempt == 0 && self.options.corrupt_first_send_of == Some(index) && !body.is_empty() {
            body[0] ^= 0xff;
        }
    }

    /// Records part `index` as acknowledged and saves the state before the next part starts.
    fn done(&mut self, index: u32, ack: &str, sent: u64) -> Result<()> {
        self.plan.complete(index, ack)?;
        self.plan.save(self.state_path)?;
        self.report.sent_parts.push(index);
        self.report.bytes_sent += sent;
        self.throttle();
        Ok(())
    }

    fn rejected(&mut self, index: u32) {
        if !self.report.rejected_parts.contains(&index) {
            self.report.rejected_parts.push(index);
        }
    }

    fn save_session(&mut self, session: &str) -> Result<()> {
        self.plan.session = Some(session.to_string());
        self.plan.save(self.state_path)
    }

    /// Sleeps as long as needed to keep the average sending rate under `limit_rate`.
    fn throttle(&self) {
        if let Some(rate) = self.options.limit_rate.filter(|r| *r > 0) {
            let due = Duration::from_secs_f64(self.report.bytes_sent as f64 / rate as f64);
            if let Some(wait) = due.checked_sub(self.started.elapsed()) {
                std::thread::sleep(wait);
            }
        }
    }
}
