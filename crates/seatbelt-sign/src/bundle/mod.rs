//! Sigstore bundles (protobuf-specs `Bundle`, JSON encoding) v0.1–v0.3, and cosign's own
//! `sign-blob --bundle` JSON, read into one validated model. Parsing decodes and bounds every
//! field; it trusts nothing — [`verify`] decides what the bundle proves.
//!
//! Format: sigstore/protobuf-specs `sigstore_bundle.proto`, `sigstore_rekor.proto`,
//! `sigstore_common.proto` (int64 fields are JSON strings, bytes are base64).

mod dsse_bundle;
#[cfg(test)]
mod dsse_tests;
pub mod keyless;
mod merkle;
mod raw;
mod rekor;
mod sct;
#[cfg(any(test, feature = "test-pki"))]
pub mod test_dsse;
#[cfg(any(test, feature = "test-pki"))]
pub mod test_pki;
#[cfg(any(test, feature = "test-pki"))]
pub mod test_tsa;
#[cfg(test)]
mod tests;
pub mod trusted_root;
pub mod tsa;
#[cfg(test)]
mod tsa_tests;
pub mod verify;
mod x509;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::limits::{MAX_BUNDLE_ENTRIES, MAX_CHAIN_CERTIFICATES, MAX_PROOF_HASHES};
use crate::SignError;

/// The media type of a v0.3 bundle (what cosign's `--new-bundle-format` writes).
pub const MEDIA_TYPE_V03: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

/// Which bundle format a file was in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Version {
    /// cosign's `{"base64Signature", "cert", "rekorBundle"}`.
    Cosign,
    /// Sigstore bundle v0.1: log entries must carry a signed entry timestamp.
    V01,
    /// v0.2: log entries must carry an inclusion proof with a checkpoint.
    V02,
    /// v0.3: like v0.2; the leaf certificate alone instead of a chain.
    V03,
}

/// What identifies the signer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Material {
    /// A public key known out of band, maybe with cosign's hint (base64 SHA-256 of its DER).
    PublicKeyHint(Option<String>),
    /// DER certificates, the leaf first.
    Certificates(Vec<Vec<u8>>),
}

/// What was signed.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// A signature over the artifact; with the artifact's SHA-256 when the bundle states it.
    MessageSignature {
        /// The digest the bundle claims (SHA-256).
        digest: Option<Vec<u8>>,
        /// The signature bytes.
        signature: Vec<u8>,
    },
    /// A DSSE envelope (an attestation), kept as JSON.
    Dsse(serde_json::Value),
}

/// A transparency log (Rekor) entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogEntry {
    /// The entry's index in the log.
    pub log_index: i64,
    /// The log's id: SHA-256 of its public key's DER.
    pub log_id: Vec<u8>,
    /// The entry kind and version (`hashedrekord` `0.0.1`), empty for cosign's bundle.
    pub kind: String,
    /// The kind's version.
    pub version: String,
    /// When the log says it took the entry (Unix seconds).
    pub integrated_time: i64,
    /// The signed entry timestamp (the log's promise to include the entry).
    pub signed_entry_timestamp: Option<Vec<u8>>,
    /// The proof that the entry is in the tree.
    pub inclusion_proof: Option<InclusionProof>,
    /// The entry body as the log stores it (canonical JSON).
    pub body: Vec<u8>,
}

/// An RFC 6962 inclusion proof with the checkpoint it proves against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionProof {
    /// The leaf's index in the tree.
    pub log_index: i64,
    /// The tree's root hash.
    pub root_hash: Vec<u8>,
    /// The tree's size.
    pub tree_size: i64,
    /// The audit path, leaf to root.
    pub hashes: Vec<Vec<u8>>,
    /// The signed note committing to the root (empty when absent).
    pub checkpoint: String,
}

/// A parsed bundle.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    /// The format it was in.
    pub version: Version,
    /// Who signed.
    pub material: Material,
    /// Transparency log entries.
    pub tlog_entries: Vec<TlogEntry>,
    /// RFC 3161 signed timestamps (DER `TimeStampResp` tokens).
    pub rfc3161_timestamps: Vec<Vec<u8>>,
    /// What was signed.
    pub content: Content,
}

pub(crate) fn b64(value: &str, what: &str, field: &str) -> Result<Vec<u8>, SignError> {
    STANDARD
        .decode(value.trim())
        .map_err(|e| SignError::malformed(what, format!("`{field}` is not base64: {e}")))
}

impl Bundle {
    /// Parses a bundle in any supported format.
    pub fn parse(bytes: &[u8], what: &str) -> Result<Bundle, SignError> {
        let value: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| SignError::malformed(what, format!("not JSON: {e}")))?;
        let object = value.as_object().ok_or_else(|| {
            SignError::malformed(
                what,
                "not a JSON object; not a bundle seatbelt or cosign wrote",
            )
        })?;
        if object.contains_key("mediaType") {
            raw::sigstore(value, what)
        } else if object.contains_key("base64Signature") {
            raw::cosign(value, what)
        } else {
            Err(SignError::malformed(
                what,
                "neither a Sigstore bundle (no `mediaType`) nor a cosign bundle (no `base64Signature`)",
            ))
        }
    }

    /// The leaf certificate, when the bundle is keyless.
    pub fn leaf_certificate(&self) -> Option<&[u8]> {
        match &self.material {
            Material::Certificates(chain) => chain.first().map(Vec::as_slice),
            Material::PublicKeyHint(_) => None,
        }
    }
}

pub(crate) fn check_counts(bundle: &Bundle, what: &str) -> Result<(), SignError> {
    let too_many = |thing: &str, count: usize, limit: usize| SignError::TooMany {
        what: format!("{what}: {thing}"),
        count,
        limit,
    };
    if let Material::Certificates(chain) = &bundle.material {
        if chain.len() > MAX_CHAIN_CERTIFICATES {
            return Err(too_many(
                "certificate chain",
                chain.len(),
                MAX_CHAIN_CERTIFICATES,
            ));
        }
    }
    if bundle.tlog_entries.len() > MAX_BUNDLE_ENTRIES {
        return Err(too_many(
            "tlogEntries",
            bundle.tlog_entries.len(),
            MAX_BUNDLE_ENTRIES,
        ));
    }
    if bundle.rfc3161_timestamps.len() > MAX_BUNDLE_ENTRIES {
        return Err(too_many(
            "rfc3161Timestamps",
            bundle.rfc3161_timestamps.len(),
            MAX_BUNDLE_ENTRIES,
        ));
    }
    for entry in &bundle.tlog_entries {
        if let Some(proof) = &entry.inclusion_proof {
            if proof.hashes.len() > MAX_PROOF_HASHES {
                return Err(too_many(
                    "inclusion proof hashes",
                    proof.hashes.len(),
                    MAX_PROOF_HASHES,
                ));
            }
        }
    }
    Ok(())
}
