//! Reading part i for sending: as bytes (checked before they are handed out) or as a reader
//! (checked as the last byte is read). Either way the file is first checked against the plan.

use std::io::{Read, Seek, SeekFrom, Take};

use sha2::{Digest, Sha256};

use super::plan::{hex, open_regular, UploadPlan};
use crate::error::{Error, Result};

/// Largest part handed out as one byte array; bigger parts go through [`PartReader`], so memory
/// stays bounded whatever part size the app chose (S3 allows 5 GiB).
pub const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;

impl UploadPlan {
    /// Part `index` as bytes, after checking they still hash to the plan's SHA-256.
    pub fn part_bytes(&self, index: u32) -> Result<Vec<u8>> {
        let part = self.part_at(index)?;
        if part.length > MAX_PART_BYTES {
            return Err(Error::limit(format!(
                "part {index} is {} bytes; parts over {MAX_PART_BYTES} bytes are read with part_reader",
                part.length
            )));
        }
        let mut reader = self.part_reader(index)?;
        let mut bytes = Vec::with_capacity(part.length as usize);
        reader.read_to_end(&mut bytes).map_err(|e| reader.error(e))?;
        Ok(bytes)
    }

    /// Part `index` as a stream of exactly its bytes. The file's size and modification time are
    /// checked now; the bytes are hashed as they are read and the last read fails (InvalidData) if
    /// they no longer match the plan.
    pub fn part_reader(&self, index: u32) -> Result<PartReader> {
        let part = self.part_at(index)?;
        self.check_file()?;
        let (mut file, _, _) = open_regular(&self.file)?;
        file.seek(SeekFrom::Start(part.offset)).map_err(|e| Error::io_at(&self.file, e))?;
        Ok(PartReader {
            inner: file.take(part.length),
            hasher: Sha256::new(),
            expected: part.sha256_hex.clone(),
            length: part.length,
            read: 0,
            index,
            file: self.file.clone(),
        })
    }
}

/// The bytes of one part, verified against the plan as they are read.
pub struct PartReader {
    inner: Take<std::fs::File>,
    hasher: Sha256,
    expected: String,
    length: u64,
    read: u64,
    index: u32,
    file: std::path::PathBuf,
}

impl PartReader {
    pub fn len(&self) -> u64 {
        self.length
    }
    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// The core error for an I/O error of this reader: a mismatch means the file changed.
    pub fn error(&self, e: std::io::Error) -> Error {
        if e.kind() == std::io::ErrorKind::InvalidData {
            Error::invalid(e.to_string())
        } else {
            Error::io_at(&self.file, e)
        }
    }
}

impl Read for PartReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.read += n as u64;
        if n == 0 && !buf.is_empty() {
            let actual = hex(&self.hasher.finalize_reset());
            if self.read != self.length || actual != self.expected {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "{}: part {} no longer matches its upload plan ({} of {} bytes, SHA-256 {actual}): make a new plan",
                        self.file.display(),
                        self.index,
                        self.read,
                        self.length
                    ),
                ));
            }
            // Report the end once; later reads see an empty, already-checked reader.
            self.expected = actual;
            self.read = self.length;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::fs::FileExt;

    #[test]
    fn parts_read_back_and_detect_a_changed_byte() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        let data: Vec<u8> = (0..(6 * 1024 * 1024)).map(|i| (i % 249) as u8).collect();
        f.write_all(&data).unwrap();
        let plan = UploadPlan::new(f.path(), Some(super::super::MIN_PART_SIZE)).unwrap();
        assert_eq!(plan.part_bytes(1).unwrap(), &data[5 * 1024 * 1024..]);
        let mut streamed = Vec::new();
        plan.part_reader(0).unwrap().read_to_end(&mut streamed).unwrap();
        assert_eq!(streamed, &data[..5 * 1024 * 1024]);

        // Same size, same modification time, one byte different: the re-hash catches it.
        let mtime = f.as_file().metadata().unwrap().modified().unwrap();
        f.as_file().write_at(&[data[10] ^ 0xff], 10).unwrap();
        f.as_file().set_modified(mtime).unwrap();
        plan.check_file().unwrap();
        let e = plan.part_bytes(0).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::InvalidRecipe);
        assert!(e.message.contains("part 0 no longer matches"), "{e}");
        assert!(plan.part_bytes(1).is_ok());
        assert_eq!(plan.part_bytes(2).unwrap_err().kind, crate::ErrorKind::InvalidRecipe);
    }
}
