//! Provenance options for the typed recipe: the app's signing chain as PEM bytes, or an ephemeral
//! test chain; the creator recorded in the manifest.

/// Sign every output with a C2PA manifest: `certificate_chain_pem` + `private_key_pem` (PEM: the
/// end-entity certificate then its CA; a PKCS#8 ES256/ES384/Ed25519 key), or `ephemeral` (tests).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Provenance {
    #[uniffi(default)]
    pub certificate_chain_pem: Option<Vec<u8>>,
    #[uniffi(default)]
    pub private_key_pem: Option<Vec<u8>>,
    #[uniffi(default = false)]
    pub ephemeral: bool,
    #[uniffi(default)]
    pub creator: Option<Creator>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Creator {
    pub name: String,
    /// A URL or handle that identifies the creator.
    #[uniffi(default)]
    pub identifier: Option<String>,
}

impl From<Provenance> for clipforge::ProvenanceSpec {
    fn from(p: Provenance) -> Self {
        // PEM is ASCII; anything else fails the core's PEM check with a typed InvalidRecipe.
        let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
        clipforge::ProvenanceSpec {
            certificate_chain: None,
            private_key: None,
            certificate_chain_pem: p.certificate_chain_pem.map(text),
            private_key_pem: p.private_key_pem.map(text),
            ephemeral: p.ephemeral,
            creator: p.creator.map(|c| clipforge::Creator { name: c.name, identifier: c.identifier }),
        }
    }
}
