//! Links the outputs show (a template's QR end card), listed for the app's redirect service in a
//! manifest beside each output, `<name>.links.json`, committed with the videos. clipforge never
//! calls the network: registering the short codes is the app's job.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Longest link accepted (what browsers and QR readers handle everywhere).
pub const MAX_URL_CHARS: usize = 2048;
/// Most links in one recipe.
pub const MAX_LINKS: usize = 32;
/// Version of the `<name>.links.json` format.
pub const MANIFEST_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    /// The short code the redirect service maps to `url`: 1–64 of `A–Z a–z 0–9 - _`.
    pub code: String,
    /// The full link with its tracking parameters (http or https).
    pub url: String,
    /// When the offer ends (ISO 8601, as the template's `date` slot was filled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Indices into `outputs` that show the link.
    pub outputs: Vec<usize>,
}

/// `url` as a link clipforge puts in front of viewers: http(s) with a host, at most
/// [`MAX_URL_CHARS`]. The message says what is wrong, without the slot or field name.
pub fn check_url(url: &str) -> std::result::Result<url::Url, String> {
    if url.chars().count() > MAX_URL_CHARS {
        return Err(format!("the link is {} characters; at most {MAX_URL_CHARS}", url.chars().count()));
    }
    let parsed = url::Url::parse(url.trim()).map_err(|e| format!("'{}' is not a link: {e}", crate::error::snippet(url)))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("a '{}:' link is not allowed; only http and https", crate::error::snippet(parsed.scheme())));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("'{}' has no host", crate::error::snippet(url)));
    }
    Ok(parsed)
}

/// The recipe's links, checked (before anything is encoded).
pub(crate) fn checked(recipe: &super::Recipe) -> Result<Vec<LinkSpec>> {
    let links = recipe.links.clone().unwrap_or_default();
    if links.len() > MAX_LINKS {
        return Err(Error::limit(format!("{} links; at most {MAX_LINKS}", links.len())));
    }
    for (i, l) in links.iter().enumerate() {
        let bad = |m: String| Error::invalid(format!("links[{i}]: {m}"));
        let ok_code = !l.code.is_empty() && l.code.len() <= 64 && l.code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok_code {
            return Err(bad(format!("code '{}' must be 1–64 of A–Z a–z 0–9 - _", crate::error::snippet(&l.code))));
        }
        check_url(&l.url).map_err(bad)?;
        if let Some(o) = l.outputs.iter().find(|&&o| o >= recipe.outputs.len()) {
            return Err(bad(format!("outputs names output {o}; the recipe has {}", recipe.outputs.len())));
        }
        if l.expires.as_ref().is_some_and(|e| e.len() > 64) {
            return Err(bad("expires is longer than 64 characters".into()));
        }
    }
    Ok(links)
}

/// `<name>.links.json` beside `file`.
pub fn manifest_path_for(file: &Path) -> PathBuf {
    let mut name = file.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".links.json");
    file.with_file_name(name)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub version: u32,
    /// The video file this manifest sits beside (its name).
    pub output: String,
    pub links: Vec<ManifestLink>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestLink {
    pub code: String,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// File names of the outputs that show the link.
    pub outputs: Vec<String>,
}

/// The manifest of output `index` (`None` when it shows no link); `names` are every output's file name.
pub(crate) fn manifest_for(links: &[LinkSpec], index: usize, names: &[String]) -> Option<Manifest> {
    let shown: Vec<ManifestLink> = links
        .iter()
        .filter(|l| l.outputs.contains(&index))
        .map(|l| ManifestLink {
            code: l.code.clone(),
            url: l.url.clone(),
            expires: l.expires.clone(),
            outputs: l.outputs.iter().filter_map(|&o| names.get(o).cloned()).collect(),
        })
        .collect();
    (!shown.is_empty()).then(|| Manifest { version: MANIFEST_VERSION, output: names.get(index).cloned().unwrap_or_default(), links: shown })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_links_with_a_host_pass() {
        assert!(check_url("https://shop.example/p?x=1#top").is_ok());
        for bad in ["javascript:alert(1)", "file:///etc/passwd", "ftp://x.example/", "data:text/html,hi", "https://", "shop.example"] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        let long = format!("https://x.example/{}", "a".repeat(5000));
        assert!(check_url(&long).unwrap_err().contains("at most 2048"));
    }
}
