//! Upload-ready files: a checksummed plan of parts (S3 multipart rules, tus chunks), read in one
//! streaming pass, whose JSON state lets an upload resume after the app is killed.
//!
//! ```text
//! part_size.rs   S3 rules: 5 MiB–5 GiB parts, at most 10,000, the last may be smaller
//! digest.rs      one read of the file: whole SHA-256, per-part SHA-256 + CRC-64/NVME, the whole
//!                CRC combined from the parts' (bounded buffer, independent of the file size)
//! plan.rs        UploadPlan: digests in hex and base64, S3 composite, complete(i, etag), JSON
//! part.rs        part(i) as bytes or a reader; the file is checked against the plan before reading
//! uploader/      (feature `uploader`) the reference uploader: S3 presigned parts, tus 1.0
//! ```
//! No HTTP here: apps upload with their own stack; the core only says what to send and checks it.

mod digest;
mod part;
mod part_size;
mod plan;
#[cfg(feature = "uploader")]
pub mod uploader;

pub use part::PartReader;
pub use part_size::{DEFAULT_PART_SIZE, MAX_PARTS, MAX_PART_SIZE, MIN_PART_SIZE};
#[cfg(any(feature = "uploader", feature = "provenance"))]
pub(crate) use plan::hex;

/// `<file>.upload.json`: where `export` writes a file's plan and where the uploader keeps its
/// resume state, so an exported plan is picked up by `clipforge upload` as it is.
pub fn plan_path_for(file: &std::path::Path) -> std::path::PathBuf {
    let mut name = file.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".upload.json");
    file.with_file_name(name)
}
pub use plan::{PartPlan, UploadPlan, UploadPlanSpec, PLAN_VERSION};
