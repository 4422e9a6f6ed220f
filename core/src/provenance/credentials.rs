//! The signing chain and key, checked before any encoding starts: PEM that parses, a chain (not a
//! lone self-signed certificate), an end-entity certificate C2PA accepts, and a key that belongs
//! to it (a probe signature verified against the certificate's public key).

use c2pa::crypto::cose::{check_end_entity_certificate_profile, CertificateTrustPolicy};
use c2pa::crypto::raw_signature::validator_for_signing_alg;
use c2pa::status_tracker::StatusTracker;
use c2pa::{BoxedSigner, SigningAlg};
use x509_parser::prelude::{FromDer, X509Certificate};

use super::spec::ProvenanceSpec;
use crate::error::{Error, Result};
use crate::recipe::Recipe;

/// A certificate chain or key file is a few kB; a chain of many intermediates stays far below this.
const MAX_PEM_BYTES: u64 = 1 << 20;

/// A signer ready for every output of an export.
pub(crate) fn signer(spec: &ProvenanceSpec, recipe: &Recipe) -> Result<BoxedSigner> {
    let (chain, key) = match (spec, spec.ephemeral) {
        (ProvenanceSpec { certificate_chain: None, private_key: None, certificate_chain_pem: None, private_key_pem: None, .. }, true) => {
            let s = c2pa::EphemeralSigner::new("clipforge.local")
                .map_err(|e| Error::internal(format!("provenance: cannot make an ephemeral signer: {e}")))?;
            return Ok(Box::new(s));
        }
        (ProvenanceSpec { certificate_chain: Some(c), private_key: Some(k), certificate_chain_pem: None, private_key_pem: None, .. }, false) => {
            // PEM files are small: capped reads of local regular files only (files.rs).
            let read = |p: &std::path::Path, what: &str| {
                crate::files::read_capped(&recipe.resolve(p), MAX_PEM_BYTES, what)
                    .map_err(|e| Error::invalid(format!("provenance.{}", e.message)))
            };
            (read(c, "certificate_chain")?, read(k, "private_key")?)
        }
        (ProvenanceSpec { certificate_chain: None, private_key: None, certificate_chain_pem: Some(c), private_key_pem: Some(k), .. }, false) => {
            (c.clone().into_bytes(), k.clone().into_bytes())
        }
        _ => {
            return Err(Error::invalid(
                "provenance: give certificate_chain + private_key (PEM files), certificate_chain_pem + private_key_pem, \
                 or ephemeral: true — exactly one of them",
            ))
        }
    };
    from_pem(&chain, &key)
}

/// A signer from a PEM chain (end-entity first) and a PKCS#8 PEM key, after every check.
pub(crate) fn from_pem(chain: &[u8], key: &[u8]) -> Result<BoxedSigner> {
    let bad = |m: String| Error::invalid(format!("provenance: {m}"));
    let certs: Vec<Vec<u8>> = pem::parse_many(chain)
        .map_err(|e| bad(format!("the certificate chain is not PEM: {e}")))?
        .into_iter()
        .filter(|p| p.tag() == "CERTIFICATE")
        .map(|p| p.into_contents())
        .collect();
    let Some(ee_der) = certs.first() else {
        return Err(bad("the certificate chain holds no CERTIFICATE".into()));
    };
    let (_, ee) = X509Certificate::from_der(ee_der).map_err(|e| bad(format!("the first certificate does not parse: {e}")))?;
    if certs.len() == 1 && ee.subject() == ee.issuer() {
        return Err(bad(
            "a lone self-signed certificate is refused by C2PA: give the end-entity certificate followed by its CA".into(),
        ));
    }
    let alg = signing_alg(&ee).ok_or_else(|| {
        bad(format!(
            "the certificate's key ({}) is not one clipforge signs with: use ES256 (P-256), ES384 or Ed25519",
            ee.public_key().algorithm.algorithm
        ))
    })?;
    let key_text = std::str::from_utf8(key).unwrap_or_default();
    if !key_text.contains("-----BEGIN PRIVATE KEY-----") {
        return Err(bad("the private key must be PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)".into()));
    }
    let mut log = StatusTracker::default();
    check_end_entity_certificate_profile(ee_der, &CertificateTrustPolicy::default(), &mut log, None)
        .map_err(|e| bad(format!("the end-entity certificate is not one C2PA accepts: {e}")))?;
    let signer = c2pa::create_signer::from_keys(chain, key, alg, None)
        .map_err(|e| bad(format!("the private key or chain cannot sign: {e}")))?;
    // A key that parses but belongs to another certificate would sign manifests nobody can verify.
    let probe = b"clipforge provenance key check";
    let sig = signer.sign(probe).map_err(|e| bad(format!("the private key cannot sign: {e}")))?;
    let validator = validator_for_signing_alg(alg).ok_or_else(|| bad(format!("no verifier for {alg}")))?;
    validator
        .validate(&sig, probe, ee.public_key().raw)
        .map_err(|_| bad("the private key does not belong to the end-entity certificate".into()))?;
    Ok(signer)
}

fn signing_alg(cert: &X509Certificate) -> Option<SigningAlg> {
    use x509_parser::oid_registry::{OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_SIG_ED25519};
    let alg = &cert.public_key().algorithm;
    if alg.algorithm == OID_SIG_ED25519 {
        return Some(SigningAlg::Ed25519);
    }
    if alg.algorithm != OID_KEY_TYPE_EC_PUBLIC_KEY {
        return None;
    }
    let curve = alg.parameters.as_ref()?.as_oid().ok()?;
    if curve == OID_EC_P256 {
        Some(SigningAlg::Es256)
    } else if curve == OID_NIST_EC_P384 {
        Some(SigningAlg::Es384)
    } else {
        None
    }
}
