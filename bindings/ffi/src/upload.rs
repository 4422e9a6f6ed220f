//! Upload plans for apps that upload with their own HTTP stack (OkHttp, URLSession): the plan as an
//! object (part bytes or a part stream, complete, JSON state for resume) over `clipforge::upload`.

use std::sync::{Arc, Mutex};

use crate::convert::{int, long, opt_u64, u32_of};
use crate::error::ClipforgeError;
use crate::guard::catch;

/// One part: where it lies in the file and its digests in hex and base64 (`x-amz-checksum-sha256`
/// takes `sha256_base64`; tus' `Upload-Checksum` takes `sha256 <sha256_base64>`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UploadPart {
    /// 0-based; what `part_bytes`, `part_stream` and `complete` take.
    pub index: i32,
    /// S3's 1-based part number.
    pub number: i32,
    pub offset: i64,
    pub length: i64,
    pub sha256_hex: String,
    pub sha256_base64: String,
    pub crc64nvme_hex: String,
    pub crc64nvme_base64: String,
    /// The server's acknowledgement (S3: the ETag); set means uploaded.
    pub etag: Option<String>,
}

/// The whole file's digests.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UploadDigests {
    pub size: i64,
    pub part_size: i64,
    pub sha256_hex: String,
    pub sha256_base64: String,
    pub crc64nvme_hex: String,
    pub crc64nvme_base64: String,
    /// `base64(sha256(d1‖…‖dN))-N`: what S3 reports for a COMPOSITE SHA-256 multipart object.
    pub s3_composite_sha256: String,
}

/// The recipe's `upload_plan`: write `<output>.upload.json` beside each output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct UploadPlanOptions {
    #[uniffi(default)]
    pub part_size: Option<i64>,
}

impl TryFrom<UploadPlanOptions> for clipforge::UploadPlanSpec {
    type Error = ClipforgeError;
    fn try_from(o: UploadPlanOptions) -> Result<Self, ClipforgeError> {
        Ok(clipforge::UploadPlanSpec { part_size: opt_u64(o.part_size, "upload_plan.part_size")? })
    }
}

/// A file's upload plan and, as parts are completed, its resume state (`to_json` / `from_json`).
#[derive(uniffi::Object)]
pub struct UploadPlan {
    inner: Mutex<clipforge::UploadPlan>,
}

impl UploadPlan {
    fn plan(&self) -> std::sync::MutexGuard<'_, clipforge::UploadPlan> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[uniffi::export]
impl UploadPlan {
    /// Reads the file once (streaming) and plans parts of `part_size` bytes (default 8 MiB; S3 rules).
    #[uniffi::constructor(default(part_size = None))]
    pub fn new(path: String, part_size: Option<i64>) -> Result<Arc<Self>, ClipforgeError> {
        catch(|| {
            let part_size = opt_u64(part_size, "part_size")?;
            Ok(Arc::new(UploadPlan { inner: Mutex::new(clipforge::UploadPlan::new(path.as_ref(), part_size)?) }))
        })
    }

    /// A plan saved with `to_json` (or written by an export beside its output).
    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<Arc<Self>, ClipforgeError> {
        catch(|| Ok(Arc::new(UploadPlan { inner: Mutex::new(clipforge::UploadPlan::from_json(&json)?) })))
    }

    pub fn to_json(&self) -> String {
        self.plan().to_json()
    }

    /// Writes the JSON state atomically: a kill while saving leaves the previous state.
    pub fn save(&self, path: String) -> Result<(), ClipforgeError> {
        catch(|| Ok(self.plan().save(path.as_ref())?))
    }

    pub fn file(&self) -> String {
        self.plan().file.to_string_lossy().into_owned()
    }

    pub fn digests(&self) -> UploadDigests {
        let p = self.plan();
        UploadDigests {
            size: long(p.size),
            part_size: long(p.part_size),
            sha256_hex: p.sha256_hex.clone(),
            sha256_base64: p.sha256_base64.clone(),
            crc64nvme_hex: p.crc64nvme_hex.clone(),
            crc64nvme_base64: p.crc64nvme_base64.clone(),
            s3_composite_sha256: p.s3_composite_sha256.clone(),
        }
    }

    pub fn parts(&self) -> Vec<UploadPart> {
        self.plan().parts.iter().map(part).collect()
    }

    /// Indices of the parts not yet completed.
    pub fn pending(&self) -> Vec<i32> {
        self.plan().pending().into_iter().map(int).collect()
    }

    pub fn is_complete(&self) -> bool {
        self.plan().is_complete()
    }

    /// Part `index`'s bytes, re-hashed against the plan (a changed file is refused: InvalidRecipe).
    pub fn part_bytes(&self, index: i32) -> Result<Vec<u8>, ClipforgeError> {
        catch(|| Ok(self.plan().part_bytes(u32_of(index, "index")?)?))
    }

    /// Part `index` as a stream (for parts too large for one array); checked as it is read.
    pub fn part_stream(&self, index: i32) -> Result<Arc<PartStream>, ClipforgeError> {
        catch(|| Ok(Arc::new(PartStream { inner: Mutex::new(self.plan().part_reader(u32_of(index, "index")?)?) })))
    }

    /// Records the server's answer for part `index` (S3: its ETag).
    pub fn complete(&self, index: i32, etag: String) -> Result<(), ClipforgeError> {
        catch(|| Ok(self.plan().complete(u32_of(index, "index")?, &etag)?))
    }

    /// Refuses (InvalidRecipe) when the file's size or modification time changed since the plan.
    pub fn check_file(&self) -> Result<(), ClipforgeError> {
        catch(|| Ok(self.plan().check_file()?))
    }

    /// The app's handle for the upload in progress (S3 upload id, tus URL), kept in the JSON state.
    pub fn session(&self) -> Option<String> {
        self.plan().session.clone()
    }

    pub fn set_session(&self, session: Option<String>) {
        self.plan().session = session;
    }
}

/// The bytes of one part, read in pieces.
#[derive(uniffi::Object)]
pub struct PartStream {
    inner: Mutex<clipforge::upload::PartReader>,
}

#[uniffi::export]
impl PartStream {
    /// Up to `max` bytes; empty at the end. The last read fails if the part no longer matches.
    pub fn read(&self, max: i32) -> Result<Vec<u8>, ClipforgeError> {
        catch(|| {
            use std::io::Read;
            let mut reader = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            let mut buf = vec![0u8; u32_of(max, "max")?.clamp(1, 16 << 20) as usize];
            let n = loop {
                match reader.read(&mut buf) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    other => break other.map_err(|e| reader.error(e))?,
                }
            };
            buf.truncate(n);
            Ok(buf)
        })
    }
}

fn part(p: &clipforge::PartPlan) -> UploadPart {
    UploadPart {
        index: int(p.index),
        number: int(p.number),
        offset: long(p.offset),
        length: long(p.length),
        sha256_hex: p.sha256_hex.clone(),
        sha256_base64: p.sha256_base64.clone(),
        crc64nvme_hex: p.crc64nvme_hex.clone(),
        crc64nvme_base64: p.crc64nvme_base64.clone(),
        etag: p.etag.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_state_round_trips_and_bad_index_is_typed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        std::fs::write(&path, vec![7u8; 6 * 1024 * 1024]).unwrap();
        let plan = UploadPlan::new(path.to_string_lossy().into(), Some(5 * 1024 * 1024)).unwrap();
        assert_eq!(plan.parts().len(), 2);
        plan.complete(0, "\"e0\"".into()).unwrap();
        assert!(matches!(plan.complete(9, "x".into()), Err(ClipforgeError::InvalidRecipe { .. })));
        assert!(matches!(plan.complete(-1, "x".into()), Err(ClipforgeError::InvalidRecipe { .. })));
        let back = UploadPlan::from_json(plan.to_json()).unwrap();
        assert_eq!(back.pending(), vec![1]);
        assert_eq!(back.part_bytes(1).unwrap().len(), 1024 * 1024);
        let stream = back.part_stream(1).unwrap();
        let mut total = 0;
        loop {
            let chunk = stream.read(100_000).unwrap();
            if chunk.is_empty() {
                break;
            }
            total += chunk.len();
        }
        assert_eq!(total, 1024 * 1024);
        assert!(matches!(UploadPlan::from_json("{".into()), Err(ClipforgeError::InvalidRecipe { .. })));
    }
}
