//! The recipe's `provenance` field: who signs, and what the manifest says about the creator.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Sign every output with a C2PA manifest. One way to give the signing chain: PEM files
/// (`certificate_chain` + `private_key`, relative to the recipe), PEM text (`*_pem`, what the
/// bindings pass from bytes), or `ephemeral` (a throw-away CA and certificate made in-process: for
/// tests; no verifier trusts it).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvenanceSpec {
    /// PEM: the end-entity certificate, then its CA (a lone self-signed certificate is refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_chain: Option<PathBuf>,
    /// PEM, PKCS#8 (`BEGIN PRIVATE KEY`): ES256 (P-256), ES384 or Ed25519.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_chain_pem: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key_pem: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ephemeral: bool,
    /// The creator, recorded as a schema.org CreativeWork author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<Creator>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Creator {
    pub name: String,
    /// A URL or handle that identifies the creator (profile page, account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
}
