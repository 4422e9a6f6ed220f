//! The upload plan: what to send (parts with their digests in the encodings the protocols use) and,
//! as the upload goes, what the server has acknowledged. Serialised as JSON, it is the resume state.

use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::digest::{digest_stream, s3_composite_sha256, PartDigest};
use super::part_size;
use crate::error::{Error, Result};

/// Version of the plan's JSON; a state file of another version is refused rather than guessed at.
pub const PLAN_VERSION: u32 = 1;

/// The recipe's `upload_plan`: write `<output>.upload.json` beside every output, committed with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadPlanSpec {
    /// Bytes per part (S3 rules); default 8 MiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_size: Option<u64>,
}

/// A file cut into parts, every digest in hex and in base64 (what `x-amz-checksum-sha256`,
/// `x-amz-checksum-crc64nvme` and tus' `Upload-Checksum` carry), and each part's completion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadPlan {
    pub version: u32,
    /// Absolute path of the file the plan describes.
    pub file: PathBuf,
    pub size: u64,
    /// Modification time when planned, nanoseconds since the Unix epoch: with `size`, the cheap
    /// check that the file is still the one planned (each part is also re-hashed as it is read).
    pub modified_unix_ns: i64,
    pub part_size: u64,
    pub sha256_hex: String,
    pub sha256_base64: String,
    /// CRC-64/NVME of the whole file: S3's FULL_OBJECT checksum (`x-amz-checksum-crc64nvme`).
    pub crc64nvme_hex: String,
    pub crc64nvme_base64: String,
    /// S3's COMPOSITE checksum of the multipart object: `base64(sha256(d1‖…‖dN))-N`.
    pub s3_composite_sha256: String,
    pub parts: Vec<PartPlan>,
    /// The protocol's handle for the upload in progress (a tus upload URL, an S3 upload id):
    /// whatever the uploader needs to resume. The core never reads it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartPlan {
    /// 0-based position in `parts`; the API's `part(i)` and `complete(i, …)` take this.
    pub index: u32,
    /// S3's 1-based part number (`partNumber=`).
    pub number: u32,
    pub offset: u64,
    pub length: u64,
    pub sha256_hex: String,
    pub sha256_base64: String,
    pub crc64nvme_hex: String,
    pub crc64nvme_base64: String,
    /// The server's acknowledgement (S3: the part's ETag); set means the part is uploaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
}

impl UploadPlan {
    /// Reads `path` once (streaming, bounded memory) and plans its upload in parts of `part_size`
    /// bytes (default: 8 MiB, grown for very large files; checked against S3's rules).
    pub fn new(path: &Path, part_size: Option<u64>) -> Result<UploadPlan> {
        let (mut file, abs, meta) = open_regular(path)?;
        let part_size = part_size::choose(meta.len(), part_size)?;
        let d = digest_stream(&mut file, part_size).map_err(|e| Error::io_at(path, e))?;
        // The file changed while it was read: the digests describe no version of it.
        let after = std::fs::metadata(&abs).map_err(|e| Error::io_at(path, e))?;
        if after.len() != d.size || modified_ns(&after) != modified_ns(&meta) {
            return Err(Error::io(format!("{} changed while its upload plan was computed", path.display())));
        }
        let crc = d.crc64.to_be_bytes();
        Ok(UploadPlan {
            version: PLAN_VERSION,
            file: abs,
            size: d.size,
            modified_unix_ns: modified_ns(&meta),
            part_size,
            sha256_hex: hex(&d.sha256),
            sha256_base64: B64.encode(d.sha256),
            crc64nvme_hex: hex(&crc),
            crc64nvme_base64: B64.encode(crc),
            s3_composite_sha256: s3_composite_sha256(&d.parts),
            parts: d.parts.iter().enumerate().map(|(i, p)| part_plan(i, p)).collect(),
            session: None,
        })
    }

    /// A plan (or resume state) from its JSON, checked for consistency.
    pub fn from_json(json: &str) -> Result<UploadPlan> {
        let plan: UploadPlan =
            serde_json::from_str(json).map_err(|e| Error::invalid(format!("not a valid upload plan: {e}")))?;
        plan.validate()?;
        Ok(plan)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a plan always serialises")
    }

    /// Reads a plan saved by [`UploadPlan::save`].
    pub fn load(path: &Path) -> Result<UploadPlan> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io_at(path, e))?;
        Self::from_json(&text).map_err(|e| Error::new(e.kind, format!("{}: {}", path.display(), e.message)))
    }

    /// Writes the plan to `path` atomically (temporary file, fsync, rename): a process killed while
    /// saving leaves the previous state, never half of one.
    pub fn save(&self, path: &Path) -> Result<()> {
        use std::io::Write;
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut tmp = tempfile::Builder::new()
            .prefix(".upload-state.")
            .tempfile_in(dir)
            .map_err(|e| Error::io(format!("cannot write in {}: {e}", dir.display())))?;
        tmp.write_all(self.to_json().as_bytes())
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(|e| Error::io_at(path, e))?;
        tmp.persist(path).map_err(|e| Error::io_at(path, e.error))?;
        Ok(())
    }

    /// Records the server's answer for part `index` (S3: its ETag): that part will not be sent again.
    pub fn complete(&mut self, index: u32, etag: &str) -> Result<()> {
        let count = self.parts.len();
        let part = self
            .parts
            .get_mut(index as usize)
            .ok_or_else(|| Error::invalid(format!("part {index} does not exist (the plan has {count} parts, 0-based)")))?;
        part.etag = Some(etag.to_string());
        Ok(())
    }

    /// Indices of the parts not yet acknowledged, in order.
    pub fn pending(&self) -> Vec<u32> {
        self.parts.iter().filter(|p| p.etag.is_none()).map(|p| p.index).collect()
    }

    pub fn is_complete(&self) -> bool {
        self.parts.iter().all(|p| p.etag.is_some())
    }

    pub fn completed_bytes(&self) -> u64 {
        self.parts.iter().filter(|p| p.etag.is_some()).map(|p| p.length).sum()
    }

    /// Refuses when the file is no longer the one planned (size or modification time differ).
    /// Reading a part also re-hashes it, which catches a change that kept both.
    pub fn check_file(&self) -> Result<()> {
        let (_, _, meta) = open_regular(&self.file)?;
        if meta.len() != self.size || modified_ns(&meta) != self.modified_unix_ns {
            return Err(Error::invalid(format!(
                "{} no longer matches its upload plan (now {} bytes, modified {} ns; planned {} bytes, {} ns): make a new plan",
                self.file.display(),
                meta.len(),
                modified_ns(&meta),
                self.size,
                self.modified_unix_ns
            )));
        }
        Ok(())
    }

    pub(crate) fn part_at(&self, index: u32) -> Result<&PartPlan> {
        self.parts
            .get(index as usize)
            .ok_or_else(|| Error::invalid(format!("part {index} does not exist (the plan has {} parts, 0-based)", self.parts.len())))
    }

    fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::invalid(format!("inconsistent upload plan: {m}")));
        if self.version != PLAN_VERSION {
            return bad(format!("version {} (this build reads {PLAN_VERSION})", self.version));
        }
        if self.parts.is_empty() || self.part_size == 0 {
            return bad("no parts".into());
        }
        let mut offset = 0u64;
        for (i, p) in self.parts.iter().enumerate() {
            let last = i + 1 == self.parts.len();
            if p.index as usize != i || p.number as usize != i + 1 || p.offset != offset {
                return bad(format!("part {i} is out of place"));
            }
            if p.length > self.part_size || (!last && p.length != self.part_size) {
                return bad(format!("part {i} has {} bytes with part size {}", p.length, self.part_size));
            }
            if p.sha256_hex.len() != 64 || B64.decode(&p.sha256_base64).map(|d| hex(&d)).ok().as_deref() != Some(&p.sha256_hex) {
                return bad(format!("part {i}'s SHA-256 encodings disagree"));
            }
            offset += p.length;
        }
        if offset != self.size {
            return bad(format!("the parts hold {offset} bytes, the file {}", self.size));
        }
        Ok(())
    }
}

fn part_plan(i: usize, p: &PartDigest) -> PartPlan {
    let crc = p.crc64.to_be_bytes();
    PartPlan {
        index: i as u32,
        number: i as u32 + 1,
        offset: p.offset,
        length: p.length,
        sha256_hex: hex(&p.sha256),
        sha256_base64: B64.encode(p.sha256),
        crc64nvme_hex: hex(&crc),
        crc64nvme_base64: B64.encode(crc),
        etag: None,
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn modified_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

/// Opens `path` for reading if it is a local regular file (no devices, FIFOs or folders: a plan of
/// a stream that never ends would never finish).
pub(crate) fn open_regular(path: &Path) -> Result<(std::fs::File, PathBuf, std::fs::Metadata)> {
    // Checked on the opened handle, without blocking on a FIFO (files.rs).
    let file = crate::files::open_regular(path, "upload").map_err(|e| match e.kind {
        crate::ErrorKind::UnsupportedInput => Error::unsupported(format!("{}: only regular files can be uploaded", path.display())),
        _ => e,
    })?;
    let abs = std::fs::canonicalize(path).map_err(|e| Error::io_at(path, e))?;
    let meta = file.metadata().map_err(|e| Error::io_at(path, e))?;
    Ok((file, abs, meta))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_of(len: usize) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        let data: Vec<u8> = (0..len).map(|i| (i * 7 % 253) as u8).collect();
        f.write_all(&data).unwrap();
        f
    }

    #[test]
    fn plan_round_trips_and_resumes() {
        let f = file_of(11 * 1024 * 1024 + 3);
        let mut plan = UploadPlan::new(f.path(), Some(part_size::MIN_PART_SIZE)).unwrap();
        assert_eq!(plan.parts.len(), 3);
        assert_eq!(plan.parts[2].length, 1024 * 1024 + 3);
        assert!(plan.s3_composite_sha256.ends_with("-3"));
        assert_eq!(plan.pending(), vec![0, 1, 2]);
        plan.complete(1, "\"etag-1\"").unwrap();
        assert_eq!(plan.complete(3, "x").unwrap_err().kind, crate::ErrorKind::InvalidRecipe);
        let back = UploadPlan::from_json(&plan.to_json()).unwrap();
        assert_eq!(back, plan);
        assert_eq!(back.pending(), vec![0, 2]);
        assert_eq!(back.completed_bytes(), part_size::MIN_PART_SIZE);
        plan.check_file().unwrap();
    }

    #[test]
    fn inconsistent_state_is_refused() {
        let f = file_of(100);
        let plan = UploadPlan::new(f.path(), None).unwrap();
        let mut v: serde_json::Value = serde_json::from_str(&plan.to_json()).unwrap();
        v["size"] = 101.into();
        let e = UploadPlan::from_json(&v.to_string()).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::InvalidRecipe);
        assert!(e.message.contains("hold 100 bytes"), "{e}");
        assert!(UploadPlan::from_json("{}").is_err());
    }

    #[test]
    fn changed_file_is_refused() {
        let mut f = file_of(100);
        let plan = UploadPlan::new(f.path(), None).unwrap();
        f.write_all(b"more").unwrap();
        f.flush().unwrap();
        let e = plan.check_file().unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::InvalidRecipe);
        assert!(e.message.contains("no longer matches"), "{e}");
    }

    #[test]
    fn only_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(UploadPlan::new(dir.path(), None).unwrap_err().kind, crate::ErrorKind::UnsupportedInput);
        assert_eq!(UploadPlan::new(&dir.path().join("missing"), None).unwrap_err().kind, crate::ErrorKind::Io);
    }
}
