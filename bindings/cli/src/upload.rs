//! `clipforge upload-plan` and `clipforge upload`: arguments to `clipforge::upload` calls, results
//! to text or JSON.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use clipforge::upload::uploader::{self, PresignedParts, Target, UploadOptions};
use clipforge::{Error, UploadPlan};

#[derive(Args)]
pub struct PlanArgs {
    file: PathBuf,
    /// Bytes per part (S3: 5 MiB–5 GiB, at most 10,000 parts). Default 8 MiB.
    #[arg(long, value_name = "BYTES")]
    part_size: Option<u64>,
    /// Print the whole plan as JSON (every digest both as *_hex and *_base64).
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
#[command(group = clap::ArgGroup::new("target").required(true))]
pub struct UploadArgs {
    file: PathBuf,
    /// JSON from the app's backend: {"upload_id", "parts": [{"number", "url"}], "complete_url", "object_url"}.
    #[arg(long, value_name = "PARTS.json", group = "target")]
    s3_presigned: Option<PathBuf>,
    /// A tus 1.0 server's creation URL.
    #[arg(long, value_name = "URL", group = "target")]
    tus: Option<String>,
    /// Resume state (the plan with each part's acknowledgement). Default: FILE.upload.json.
    #[arg(long, value_name = "PATH")]
    state: Option<PathBuf>,
    /// Bytes per part for a new plan.
    #[arg(long, value_name = "BYTES")]
    part_size: Option<u64>,
    /// Retries per request (exponential backoff from 250 ms, at most 8 s apart).
    #[arg(long, default_value_t = 5)]
    retries: u32,
    /// Sending speed limit, bytes per second.
    #[arg(long, value_name = "BYTES_PER_SEC")]
    limit_rate: Option<u64>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Testing: flip a byte of this part's first send (its checksum header stays right).
    #[arg(long, hide = true, value_name = "INDEX")]
    test_corrupt_part: Option<u32>,
}

pub fn plan(args: PlanArgs) -> Result<(), Error> {
    let plan = UploadPlan::new(&args.file, args.part_size)?;
    if args.json {
        println!("{}", plan.to_json());
        return Ok(());
    }
    println!("{}: {} bytes, {} parts of {} bytes", plan.file.display(), plan.size, plan.parts.len(), plan.part_size);
    println!("  sha256 (hex)                 {}", plan.sha256_hex);
    println!("  sha256 (base64)              {}", plan.sha256_base64);
    println!("  crc64nvme (base64)           {}", plan.crc64nvme_base64);
    println!("  s3 composite sha256 (base64) {}", plan.s3_composite_sha256);
    for p in &plan.parts {
        println!("  part {:>5}  offset {:>12}  {:>10} bytes  sha256 (base64) {}", p.number, p.offset, p.length, p.sha256_base64);
    }
    Ok(())
}

pub fn upload(args: UploadArgs) -> Result<(), Error> {
    let target = match (&args.s3_presigned, &args.tus) {
        (Some(path), None) => {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io_at(path, e))?;
            Target::S3Presigned(PresignedParts::from_json(&text)?)
        }
        (None, Some(url)) => Target::Tus(url.clone()),
        _ => return Err(Error::invalid("give exactly one of --s3-presigned PARTS.json and --tus URL")),
    };
    let options = UploadOptions {
        state_path: args.state,
        part_size: args.part_size,
        retries: args.retries,
        backoff: Duration::from_millis(250),
        limit_rate: args.limit_rate,
        corrupt_first_send_of: args.test_corrupt_part,
        ..UploadOptions::default()
    };
    let report = uploader::upload(&args.file, &target, &options)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report).map_err(|e| Error::internal(e.to_string()))?);
        return Ok(());
    }
    println!(
        "{}: uploaded by {} ({} bytes sent; parts sent {:?}, already done {:?}, re-sent after a checksum rejection {:?})",
        report.file.display(),
        report.protocol,
        report.bytes_sent,
        report.sent_parts,
        report.resumed_parts,
        report.rejected_parts
    );
    for v in &report.verified {
        println!("  verified {v}");
    }
    Ok(())
}
