//! The stored object read back (streaming) and hashed: the independent end of the upload.

use std::io::Read;

use sha2::{Digest, Sha256};

use super::http::{header, small_body, Http};
use crate::error::{Error, Result};
use crate::upload::plan::hex;
use crate::upload::UploadPlan;

/// GETs `url` and checks the body's size and SHA-256 against the plan; returns what was checked.
pub(crate) fn object_matches(http: &Http, url: &str, plan: &UploadPlan, extra: &[(&str, &str)]) -> Result<Vec<String>> {
    let mut req = http.agent.get(url);
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    let mut resp = req.call().map_err(|e| Error::io(format!("reading the stored object back failed: {e}")))?;
    if resp.status() != 200 {
        let status = resp.status();
        return Err(Error::io(format!("reading the stored object back: HTTP {status}: {}", small_body(&mut resp))));
    }
    let mut checked = Vec::new();
    if let Some(sum) = header(&resp, "x-amz-checksum-sha256") {
        if sum != plan.s3_composite_sha256 && sum != plan.sha256_base64 {
            return Err(Error::io(format!(
                "the server's x-amz-checksum-sha256 {sum} is not the plan's {}",
                plan.s3_composite_sha256
            )));
        }
        checked.push(format!("x-amz-checksum-sha256: {sum}"));
    }
    let mut reader = resp.body_mut().with_config().limit(plan.size + 1).reader();
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = reader.read(&mut buf).map_err(|e| Error::io(format!("reading the stored object back failed: {e}")))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    let sha = hex(&hasher.finalize());
    if size != plan.size || sha != plan.sha256_hex {
        return Err(Error::io(format!(
            "the stored object ({size} bytes, SHA-256 {sha}) is not the file ({} bytes, SHA-256 {})",
            plan.size, plan.sha256_hex
        )));
    }
    checked.push(format!("stored object sha256: {sha}"));
    Ok(checked)
}
