//! Part sizes that S3's multipart upload accepts (tus takes any).

use crate::error::{Error, Result};

const MIB: u64 = 1024 * 1024;
/// Smallest part S3 accepts (all parts but the last).
pub const MIN_PART_SIZE: u64 = 5 * MIB;
/// Largest part S3 accepts.
pub const MAX_PART_SIZE: u64 = 5 * 1024 * MIB;
/// Most parts in one S3 multipart upload.
pub const MAX_PARTS: u64 = 10_000;
/// What the AWS CLI uses: few requests for a short clip, little to re-send after a failure.
pub const DEFAULT_PART_SIZE: u64 = 8 * MIB;

/// The part size for a file of `size` bytes: `requested` checked against S3's rules, or the default
/// grown (in whole MiB) until 10,000 parts hold the file.
pub fn choose(size: u64, requested: Option<u64>) -> Result<u64> {
    let max_file = MAX_PART_SIZE * MAX_PARTS;
    if size > max_file {
        return Err(Error::limit(format!("the file is {size} bytes; an S3 multipart upload holds at most {max_file}")));
    }
    let Some(part) = requested else {
        let needed = size.div_ceil(MAX_PARTS).div_ceil(MIB) * MIB;
        return Ok(needed.max(DEFAULT_PART_SIZE));
    };
    if !(MIN_PART_SIZE..=MAX_PART_SIZE).contains(&part) {
        return Err(Error::invalid(format!(
            "part size {part} bytes is outside S3's {MIN_PART_SIZE}–{MAX_PART_SIZE} bytes (5 MiB–5 GiB)"
        )));
    }
    if size.div_ceil(part) > MAX_PARTS {
        let least = size.div_ceil(MAX_PARTS);
        return Err(Error::invalid(format!(
            "part size {part} would need {} parts for {size} bytes; S3 allows {MAX_PARTS}: use at least {least} bytes",
            size.div_ceil(part)
        )));
    }
    Ok(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert_eq!(choose(1, None).unwrap(), DEFAULT_PART_SIZE);
        assert_eq!(choose(0, None).unwrap(), DEFAULT_PART_SIZE);
        // 200 GB needs parts of at least 20 MB: rounded up to whole MiB.
        let p = choose(200_000_000_000, None).unwrap();
        assert_eq!(p % MIB, 0);
        assert!(200_000_000_000u64.div_ceil(p) <= MAX_PARTS && (20_000_000..20_000_000 + MIB).contains(&p));
        assert_eq!(choose(100, Some(MIN_PART_SIZE)).unwrap(), MIN_PART_SIZE);
        assert_eq!(choose(100, Some(MIN_PART_SIZE - 1)).unwrap_err().kind, crate::ErrorKind::InvalidRecipe);
        assert_eq!(choose(100, Some(MAX_PART_SIZE + 1)).unwrap_err().kind, crate::ErrorKind::InvalidRecipe);
        let e = choose(MIN_PART_SIZE * MAX_PARTS + 1, Some(MIN_PART_SIZE)).unwrap_err();
        assert!(e.message.contains("at least"), "{e}");
        assert_eq!(choose(MAX_PART_SIZE * MAX_PARTS + 1, None).unwrap_err().kind, crate::ErrorKind::LimitExceeded);
    }
}
