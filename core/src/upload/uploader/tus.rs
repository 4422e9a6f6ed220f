//! tus 1.0: OPTIONS for the server's extensions, creation (POST), the offset (HEAD), then each
//! pending part as one PATCH carrying `Upload-Checksum: sha256 <base64>` when the server speaks
//! the checksum extension (a mismatch is answered 460 and the part is sent again).

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::http::{header, small_body, transient, transport, Attempt};
use super::{verify, Run};
use crate::error::{Error, Result};

const TUS: &str = "1.0.0";

pub(crate) fn upload(run: &mut Run, url: &str) -> Result<()> {
    let checksums = speaks_sha256(run, url)?;
    let location = match run.plan.session.as_deref().and_then(|s| s.strip_prefix("tus:")) {
        Some(loc) => loc.to_string(),
        None => {
            let loc = create(run, url)?;
            run.save_session(&format!("tus:{loc}"))?;
            loc
        }
    };
    let mut offset = head_offset(run, &location)?;
    loop {
        mark_stored(run, offset)?;
        if offset >= run.plan.size {
            break;
        }
        let index = run.plan.parts.iter().find(|p| offset < p.offset + p.length).map(|p| p.index).expect("offset < size");
        let (end, sent) = patch_part(run, &location, index, offset, checksums)?;
        run.done(index, &format!("tus-offset:{end}"), sent)?;
        offset = end;
    }
    if offset != run.plan.size {
        return Err(Error::io(format!("the server holds {offset} bytes; the file has {}", run.plan.size)));
    }
    run.report.verified.push(format!("Upload-Offset: {offset}"));
    if checksums {
        run.report.verified.push("every PATCH checked by the server: Upload-Checksum sha256".into());
    }
    // tus has no checksum of the whole upload: read it back where the server serves it.
    let head = [("tus-resumable", TUS)];
    match verify::object_matches(&run.http, &location, run.plan, &head) {
        Ok(checked) => run.report.verified.extend(checked),
        Err(e) if e.message.contains("HTTP 404") || e.message.contains("HTTP 405") || e.message.contains("HTTP 501") => {
            run.report.verified.push("stored object: not readable from this server (size checked by offset only)".into());
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// True when the server lists the checksum extension with sha256.
fn speaks_sha256(run: &Run, url: &str) -> Result<bool> {
    run.http.retry(
        "asking the tus server for its extensions",
        |_| {
            let resp = match run.http.agent.options(url).call() {
                Ok(r) => r,
                Err(e) => return Ok(transport(e)),
            };
            let status = resp.status().as_u16();
            if transient(status) {
                return Ok(Attempt::Retry(format!("HTTP {status}")));
            }
            let versions = header(&resp, "tus-version").unwrap_or_default();
            if !versions.split(',').any(|v| v.trim() == TUS) {
                return Err(Error::unsupported(format!("{url} is not a tus {TUS} server (Tus-Version: '{versions}')")));
            }
            let ext = header(&resp, "tus-extension").unwrap_or_default();
            let algos = header(&resp, "tus-checksum-algorithm").unwrap_or_default();
            let has = |list: &str, x: &str| list.split(',').any(|v| v.trim() == x);
            if !has(&ext, "creation") {
                return Err(Error::unsupported(format!("{url}: the tus server does not offer creation (Tus-Extension: '{ext}')")));
            }
            Ok(Attempt::Done(has(&ext, "checksum") && has(&algos, "sha256")))
        },
        || {},
    )
}

fn create(run: &Run, url: &str) -> Result<String> {
    let name = run.plan.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let metadata = format!("filename {},sha256 {}", B64.encode(name), B64.encode(&run.plan.sha256_hex));
    run.http.retry(
        "creating the tus upload",
        |_| {
            let resp = run
                .http
                .agent
                .post(url)
                .header("tus-resumable", TUS)
                .header("upload-length", run.plan.size.to_string())
                .header("upload-metadata", &metadata)
                .send_empty();
            let mut resp = match resp {
                Ok(r) => r,
                Err(e) => return Ok(transport(e)),
            };
            let status = resp.status().as_u16();
            if status == 201 {
                let loc = header(&resp, "location").ok_or_else(|| Error::io("the tus server created an upload without a Location"))?;
                return Ok(Attempt::Done(resolve(url, &loc)));
            }
            if transient(status) {
                return Ok(Attempt::Retry(format!("HTTP {status}")));
            }
            Err(Error::io(format!("creating the tus upload: HTTP {status}: {}", small_body(&mut resp))))
        },
        || {},
    )
}

fn head_offset(run: &Run, location: &str) -> Result<u64> {
    run.http.retry(
        "asking the tus server for the offset",
        |_| {
            let resp = match run.http.agent.head(location).header("tus-resumable", TUS).call() {
                Ok(r) => r,
                Err(e) => return Ok(transport(e)),
            };
            let status = resp.status().as_u16();
            if status == 200 || status == 204 {
                let offset = header(&resp, "upload-offset").and_then(|o| o.parse::<u64>().ok());
                return offset.map(Attempt::Done).ok_or_else(|| Error::io("the tus server sent no Upload-Offset"));
            }
            if status == 404 || status == 410 {
                return Err(Error::io(format!(
                    "the tus server no longer has the upload {location} (HTTP {status}): remove {} to start over",
                    run.state_path.display()
                )));
            }
            if transient(status) {
                return Ok(Attempt::Retry(format!("HTTP {status}")));
            }
            Err(Error::io(format!("HEAD {location}: HTTP {status}")))
        },
        || {},
    )
}

/// Parts wholly below the server's offset are stored, whatever the state file says (the process
/// may have been stopped between the server's answer and the save).
fn mark_stored(run: &mut Run, offset: u64) -> Result<()> {
    let stored: Vec<u32> =
        run.plan.parts.iter().filter(|p| p.etag.is_none() && p.offset + p.length <= offset).map(|p| p.index).collect();
    for i in &stored {
        run.plan.complete(*i, &format!("tus-offset:{offset}"))?;
        if !run.report.resumed_parts.contains(i) {
            run.report.resumed_parts.push(*i);
        }
    }
    if !stored.is_empty() {
        run.plan.save(run.state_path)?;
    }
    Ok(())
}

/// PATCHes part `index` from `offset` (inside the part when a stopped PATCH left half of it
/// stored); returns the new offset and the bytes sent in the attempt that succeeded.
fn patch_part(run: &mut Run, location: &str, index: u32, offset: u64, checksums: bool) -> Result<(u64, u64)> {
    let part = run.plan.part_at(index)?.clone();
    let end = part.offset + part.length;
    let mut from = offset;
    let mut rejected = 0;
    let result = run.http.retry(
        &format!("part {index}"),
        |attempt| {
            if attempt > 0 {
                // After a failure the server's offset is the truth (part of the body may be stored).
                from = head_offset(run, location)?;
                if from >= end {
                    return Ok(Attempt::Done((from, 0)));
                }
            }
            let mut body = run.plan.part_bytes(index)?.split_off((from - part.offset) as usize);
            // The checksum of what should arrive: an injected fault leaves it as it was.
            let digest = Sha256::digest(&body);
            run.inject_fault(index, attempt, &mut body);
            let mut req = run
                .http
                .agent
                .patch(location)
                .header("tus-resumable", TUS)
                .header("upload-offset", from.to_string())
                .header("content-type", "application/offset+octet-stream");
            if checksums {
                req = req.header("upload-checksum", format!("sha256 {}", B64.encode(digest)));
            }
            let mut resp = match req.send(&body[..]) {
                Ok(r) => r,
                Err(e) => return Ok(transport(e)),
            };
            let status = resp.status().as_u16();
            if status == 204 || status == 200 {
                let new = header(&resp, "upload-offset").and_then(|o| o.parse::<u64>().ok()).unwrap_or(from);
                return Ok(Attempt::Done((new, body.len() as u64)));
            }
            if status == 460 {
                return Ok(Attempt::Rejected(format!("checksum mismatch (460): {}", small_body(&mut resp))));
            }
            if status == 409 || transient(status) {
                return Ok(Attempt::Retry(format!("HTTP {status}")));
            }
            Err(Error::io(format!("part {index}: HTTP {status}: {}", small_body(&mut resp))))
        },
        || rejected += 1,
    );
    if rejected > 0 {
        run.rejected(index);
    }
    let (new, sent) = result?;
    if new < end {
        return Err(Error::io(format!("part {index}: the server stored up to {new}, not {end}")));
    }
    Ok((new, sent))
}

/// A Location header made absolute against the creation URL.
fn resolve(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    let origin_end = base.find("://").map(|s| s + 3).and_then(|s| base[s..].find('/').map(|p| p + s)).unwrap_or(base.len());
    if location.starts_with('/') {
        format!("{}{location}", &base[..origin_end])
    } else {
        format!("{}/{location}", base.trim_end_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn locations() {
        assert_eq!(super::resolve("http://127.0.0.1:1080/files/", "/files/abc"), "http://127.0.0.1:1080/files/abc");
        assert_eq!(super::resolve("http://h/files", "abc"), "http://h/files/abc");
        assert_eq!(super::resolve("http://h/files", "https://x/y"), "https://x/y");
    }
}
