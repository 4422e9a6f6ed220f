//! One streaming read of a file: whole-file SHA-256, and per part SHA-256 and CRC-64/NVME. The
//! whole-file CRC is combined from the parts' CRCs (as the AWS SDKs do), so each byte is CRC'd once.

use std::io::Read;

use crc_fast::{CrcAlgorithm, Digest as Crc};
use sha2::{Digest, Sha256};

/// Read buffer: large enough for the hashers' SIMD paths to run at full speed, small enough that
/// memory does not depend on the file or part size.
const BUFFER: usize = 1 << 20;

/// Raw digests of one part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartDigest {
    pub offset: u64,
    pub length: u64,
    pub sha256: [u8; 32],
    pub crc64: u64,
}

/// Raw digests of a whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDigest {
    pub size: u64,
    pub sha256: [u8; 32],
    pub crc64: u64,
    pub parts: Vec<PartDigest>,
}

/// Reads `reader` to its end once, cutting it into parts of `part_size` bytes (the last may be
/// shorter; an empty input has one empty part, which is what S3 and tus accept for empty objects).
pub fn digest_stream(reader: &mut dyn Read, part_size: u64) -> std::io::Result<FileDigest> {
    assert!(part_size > 0, "part size checked by part_size::choose");
    let mut buf = vec![0u8; BUFFER];
    let mut whole = Sha256::new();
    let mut parts = Vec::new();
    let mut part_sha = Sha256::new();
    let mut part_crc = Crc::new(CrcAlgorithm::Crc64Nvme);
    let (mut offset, mut in_part) = (0u64, 0u64);
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        whole.update(&buf[..n]);
        let mut chunk = &buf[..n];
        while !chunk.is_empty() {
            let take = chunk.len().min((part_size - in_part) as usize);
            part_sha.update(&chunk[..take]);
            part_crc.update(&chunk[..take]);
            in_part += take as u64;
            chunk = &chunk[take..];
            if in_part == part_size {
                parts.push(finish_part(&mut part_sha, &mut part_crc, offset, in_part));
                offset += in_part;
                in_part = 0;
            }
        }
    }
    if in_part > 0 || parts.is_empty() {
        parts.push(finish_part(&mut part_sha, &mut part_crc, offset, in_part));
        offset += in_part;
    }
    let mut combined = 0u64;
    for (i, p) in parts.iter().enumerate() {
        combined = if i == 0 { p.crc64 } else { crc_fast::checksum_combine(CrcAlgorithm::Crc64Nvme, combined, p.crc64, p.length) };
    }
    Ok(FileDigest { size: offset, sha256: whole.finalize().into(), crc64: combined, parts })
}

fn finish_part(sha: &mut Sha256, crc: &mut Crc, offset: u64, length: u64) -> PartDigest {
    let d = PartDigest { offset, length, sha256: sha.finalize_reset().into(), crc64: crc.finalize() };
    crc.reset();
    d
}

/// S3's checksum of a multipart object in COMPOSITE mode: the SHA-256 of the parts' raw SHA-256
/// digests, one after another, with the part count: `base64(sha256(d1‖…‖dN))-N`.
pub fn s3_composite_sha256(parts: &[PartDigest]) -> String {
    use base64::Engine;
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.sha256);
    }
    format!("{}-{}", base64::engine::general_purpose::STANDARD.encode(h.finalize()), parts.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn parts_and_whole_agree_with_one_shot_digests() {
        for (len, part) in [(0usize, 7u64), (1, 7), (7, 7), (8, 7), (3 * BUFFER + 5, (BUFFER as u64) / 3 + 1), (20, 1)] {
            let data = bytes(len);
            let d = digest_stream(&mut &data[..], part).unwrap();
            assert_eq!(d.size, len as u64);
            assert_eq!(d.sha256, <[u8; 32]>::from(Sha256::digest(&data)));
            assert_eq!(d.crc64, crc_fast::checksum(CrcAlgorithm::Crc64Nvme, &data), "len {len}");
            assert_eq!(d.parts.len(), (len as u64).div_ceil(part).max(1) as usize);
            for p in &d.parts {
                let slice = &data[p.offset as usize..(p.offset + p.length) as usize];
                assert_eq!(p.sha256, <[u8; 32]>::from(Sha256::digest(slice)));
                assert_eq!(p.crc64, crc_fast::checksum(CrcAlgorithm::Crc64Nvme, slice));
            }
        }
    }

    #[test]
    fn crc64_nvme_check_value() {
        // The catalogue's check value of CRC-64/NVME over "123456789".
        let d = digest_stream(&mut &b"123456789"[..], 100).unwrap();
        assert_eq!(d.crc64, 0xAE8B_1486_0A79_9888);
    }
}
