//! S3 multipart through presigned URLs from the app's backend: each part PUT with its
//! `x-amz-checksum-sha256` (S3 refuses a body that does not match with BadDigest), the ETags
//! recorded, then Complete with every part's checksum and the object's checksum checked.

use serde::{Deserialize, Serialize};

use super::http::{header, small_body, transient, transport, Attempt};
use super::{verify, Run};
use crate::error::{Error, Result};

/// The backend's answer for one upload (`--s3-presigned PARTS.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresignedParts {
    /// The multipart upload's id: ties the resume state to this upload.
    #[serde(default)]
    pub upload_id: Option<String>,
    /// One presigned `UploadPart` URL per part of the plan.
    pub parts: Vec<PresignedPart>,
    /// Presigned `CompleteMultipartUpload` (POST); without it the backend completes the upload.
    #[serde(default)]
    pub complete_url: Option<String>,
    /// Presigned `GetObject`: the object is read back and hashed against the plan.
    #[serde(default)]
    pub object_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresignedPart {
    /// S3's 1-based part number.
    pub number: u32,
    pub url: String,
}

impl PresignedParts {
    pub fn from_json(json: &str) -> Result<PresignedParts> {
        serde_json::from_str(json).map_err(|e| Error::invalid(format!("not a valid presigned-parts file: {e}")))
    }
}

pub(crate) fn upload(run: &mut Run, presigned: &PresignedParts) -> Result<()> {
    let count = run.plan.parts.len();
    if presigned.parts.len() != count || presigned.parts.iter().enumerate().any(|(i, p)| p.number as usize != i + 1) {
        return Err(Error::invalid(format!(
            "the presigned parts do not fit the plan: the plan has {count} parts of {} bytes, numbered 1–{count}; got {} URLs",
            run.plan.part_size,
            presigned.parts.len()
        )));
    }
    let session = presigned.upload_id.as_ref().map(|id| format!("s3:{id}"));
    match (&run.plan.session, &session) {
        (Some(old), Some(new)) if old != new => {
            return Err(Error::invalid(format!(
                "{} belongs to upload {old}, not {new}: remove it to start over",
                run.state_path.display()
            )))
        }
        (None, Some(new)) => run.save_session(new)?,
        _ => {}
    }
    for index in run.plan.pending() {
        let url = presigned.parts[index as usize].url.clone();
        let (etag, sent) = put_part(run, index, &url)?;
        run.done(index, &etag, sent)?;
    }
    if let Some(url) = &presigned.complete_url {
        let known = complete(run, url)?;
        if !known && presigned.object_url.is_none() {
            return Err(Error::io(
                "the server no longer knows this multipart upload (completed by an earlier run, or aborted); \
                 give object_url to check the stored object",
            ));
        }
    }
    if let Some(url) = &presigned.object_url {
        let checked = verify::object_matches(&run.http, url, run.plan, &[])?;
        run.report.verified.extend(checked);
    }
    Ok(())
}

fn put_part(run: &mut Run, index: u32, url: &str) -> Result<(String, u64)> {
    let part = run.plan.part_at(index)?.clone();
    let mut rejected = 0;
    let result = run.http.retry(
        &format!("part {index}"),
        |attempt| {
            let mut body = run.plan.part_bytes(index)?;
            run.inject_fault(index, attempt, &mut body);
            let sent = body.len() as u64;
            let resp = run
                .http
                .agent
                .put(url)
                .header("x-amz-checksum-sha256", &part.sha256_base64)
                .send(&body[..]);
            let mut resp = match resp {
                Ok(r) => r,
                Err(e) => return Ok(transport(e)),
            };
            let status = resp.status().as_u16();
            if status == 200 {
                let etag = header(&resp, "etag").ok_or_else(|| Error::io(format!("part {index}: the server sent no ETag")))?;
                return Ok(Attempt::Done((etag, sent)));
            }
            let text = small_body(&mut resp);
            let code = tag(&text, "Code").unwrap_or_default();
            if code == "BadDigest" || code == "InvalidDigest" || code.contains("ChecksumMismatch") {
                return Ok(Attempt::Rejected(format!("the server rejected the bytes: {code}")));
            }
            if transient(status) {
                return Ok(Attempt::Retry(format!("HTTP {status} {code}")));
            }
            Err(Error::io(format!("part {index}: HTTP {status} {code}: {}", tag(&text, "Message").unwrap_or_default())))
        },
        || rejected += 1,
    );
    if rejected > 0 {
        run.rejected(index);
    }
    result
}

/// CompleteMultipartUpload with each part's ETag and SHA-256; the answer's composite checksum, when
/// the server gives one, must be the plan's. False when the server no longer knows the upload.
fn complete(run: &mut Run, url: &str) -> Result<bool> {
    let mut xml = String::from(r#"<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#);
    for p in &run.plan.parts {
        let etag = p.etag.as_deref().unwrap_or_default();
        xml += &format!(
            "<Part><PartNumber>{}</PartNumber><ETag>{}</ETag><ChecksumSHA256>{}</ChecksumSHA256></Part>",
            p.number,
            escape(etag),
            p.sha256_base64
        );
    }
    xml += "</CompleteMultipartUpload>";
    let answer = run.http.retry(
        "completing the upload",
        |_| {
            let mut resp = match run.http.agent.post(url).header("content-type", "application/xml").send(xml.as_bytes()) {
                Ok(r) => r,
                Err(e) => return Ok(transport(e)),
            };
            let status = resp.status().as_u16();
            let text = small_body(&mut resp);
            // S3 can answer 200 and still put an <Error> in the body of a Complete.
            if status == 200 && !text.contains("<Error>") {
                return Ok(Attempt::Done(Some(text)));
            }
            let code = tag(&text, "Code").unwrap_or_default();
            if code == "NoSuchUpload" {
                // Completed by an earlier run that was stopped before it saved: the read-back decides.
                return Ok(Attempt::Done(None));
            }
            if transient(status) || code == "InternalError" {
                return Ok(Attempt::Retry(format!("HTTP {status} {code}")));
            }
            Err(Error::io(format!("completing the upload: HTTP {status} {code}: {}", tag(&text, "Message").unwrap_or_default())))
        },
        || {},
    )?;
    let Some(answer) = answer else { return Ok(false) };
    match tag(&answer, "ChecksumSHA256") {
        Some(sum) if sum != run.plan.s3_composite_sha256 => Err(Error::io(format!(
            "the server's checksum of the object is {sum}; the plan's is {}",
            run.plan.s3_composite_sha256
        ))),
        Some(sum) => {
            run.report.verified.push(format!("complete ChecksumSHA256: {sum}"));
            Ok(true)
        }
        None => Ok(true),
    }
}

/// The text of the first `<name>…</name>` in a small S3 XML answer.
fn tag(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    Some(xml[start..end].to_string())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn tags() {
        let x = "<Error><Code>BadDigest</Code><Message>m</Message></Error>";
        assert_eq!(super::tag(x, "Code").as_deref(), Some("BadDigest"));
        assert_eq!(super::tag(x, "Nope"), None);
    }
}
