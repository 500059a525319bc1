//! Bundles whose content is a DSSE envelope (what `cosign attest --new-bundle-format` and
//! Sigstore attestations write): the envelope's one signature is over the DSSE PAE, the
//! artifact is the in-toto statement's subject, and Rekor logs the envelope as a `dsse` 0.0.1
//! or `intoto` 0.0.2 entry whose body must record this payload and signature.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Deserialize;
use sha2::{Digest as _, Sha256};

use super::TlogEntry;
use crate::blob::Artifact;
use crate::dsse::{pae, Envelope};
use crate::intoto::{Statement, PAYLOAD_TYPE};

/// A bundle's envelope, decoded; nothing in it is trusted yet.
#[derive(Debug, Clone)]
pub(crate) struct Dsse {
    pub(crate) payload_type: String,
    pub(crate) payload: Vec<u8>,
    /// The envelope's only signature.
    pub(crate) signature: Vec<u8>,
}

impl Dsse {
    /// Reads the bundle's `dsseEnvelope`; Sigstore bundles carry exactly one signature.
    pub(crate) fn open(value: &serde_json::Value) -> Result<Dsse, String> {
        let envelope: Envelope = serde_json::from_value(value.clone())
            .map_err(|e| format!("the bundle's `dsseEnvelope` is not a DSSE envelope: {e}"))?;
        let [signature] = envelope.signatures.as_slice() else {
            return Err(format!(
                "the envelope has {} signatures; a Sigstore bundle's has exactly one",
                envelope.signatures.len()
            ));
        };
        Ok(Dsse {
            payload: STANDARD
                .decode(&envelope.payload)
                .map_err(|e| format!("the envelope's payload is not base64: {e}"))?,
            signature: STANDARD
                .decode(&signature.sig)
                .map_err(|e| format!("the envelope's signature is not base64: {e}"))?,
            payload_type: envelope.payload_type,
        })
    }

    /// What the signature covers.
    pub(crate) fn pae(&self) -> Vec<u8> {
        pae(&self.payload_type, &self.payload)
    }

    /// The in-toto statement, when one of its subjects is `artifact` by SHA-256.
    pub(crate) fn statement_about(&self, artifact: &Artifact) -> Result<Statement, String> {
        if self.payload_type != PAYLOAD_TYPE {
            return Err(format!(
                "the envelope carries {:?}, not an in-toto statement ({PAYLOAD_TYPE})",
                self.payload_type
            ));
        }
        let statement =
            Statement::parse(&self.payload, "the envelope's payload").map_err(|e| e.to_string())?;
        let wanted = hex::encode(artifact.sha256);
        let about = statement.subject.iter().any(|s| {
            s.digest
                .get("sha256")
                .is_some_and(|d| d.eq_ignore_ascii_case(&wanted))
        });
        if !about {
            return Err(format!(
                "the attestation is not about {} (SHA-256 {wanted}): no statement subject has that digest",
                artifact.name
            ));
        }
        Ok(statement)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    api_version: String,
    kind: String,
    spec: serde_json::Value,
}

#[derive(Deserialize)]
struct Hash {
    algorithm: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DsseSpec {
    payload_hash: Hash,
    signatures: Vec<DsseSignature>,
}

#[derive(Deserialize)]
struct DsseSignature {
    signature: String,
    verifier: String,
}

#[derive(Deserialize)]
struct IntotoSpec {
    content: IntotoContent,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IntotoContent {
    envelope: IntotoEnvelope,
    payload_hash: Hash,
}

#[derive(Deserialize)]
struct IntotoEnvelope {
    signatures: Vec<IntotoSignature>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IntotoSignature {
    sig: String,
    public_key: String,
}

/// Checks that the logged body records this envelope's payload, its signature and the leaf
/// certificate. The bodies' envelope hashes are not compared: Rekor hashes the envelope as it
/// was submitted, which a bundle does not keep byte for byte; payload and signature pin it.
pub(crate) fn check_body(entry: &TlogEntry, dsse: &Dsse, leaf_der: &[u8]) -> Result<(), String> {
    let body: Body = serde_json::from_slice(&entry.body)
        .map_err(|e| format!("the log entry body is not a Rekor entry: {e}"))?;
    if !entry.kind.is_empty() && (entry.kind != body.kind || entry.version != body.api_version) {
        return Err(format!(
            "the bundle says the entry is {} {} but the body is {} {}",
            entry.kind, entry.version, body.kind, body.api_version
        ));
    }
    let malformed = |e: serde_json::Error| format!("the {} entry is malformed: {e}", body.kind);
    let (payload_hash, signature, verifier) = match (body.kind.as_str(), body.api_version.as_str())
    {
        ("dsse", "0.0.1") => {
            let spec: DsseSpec = serde_json::from_value(body.spec).map_err(malformed)?;
            let [one] = <[DsseSignature; 1]>::try_from(spec.signatures)
                .map_err(|s| format!("the entry records {} signatures, not one", s.len()))?;
            (spec.payload_hash, decode(&one.signature)?, one.verifier)
        }
        ("intoto", "0.0.2") => {
            let spec: IntotoSpec = serde_json::from_value(body.spec).map_err(malformed)?;
            let [one] = <[IntotoSignature; 1]>::try_from(spec.content.envelope.signatures)
                .map_err(|s| format!("the entry records {} signatures, not one", s.len()))?;
            // intoto 0.0.2 stores the envelope's base64 signature base64-encoded again.
            let inner = String::from_utf8(decode(&one.sig)?)
                .map_err(|_| "the entry's signature is not base64 text".to_string())?;
            (spec.content.payload_hash, decode(&inner)?, one.public_key)
        }
        (kind, version) => {
            return Err(format!(
            "the log entry is {kind} {version}; a DSSE bundle's must be dsse 0.0.1 or intoto 0.0.2"
        ))
        }
    };
    if payload_hash.algorithm != "sha256"
        || !payload_hash
            .value
            .eq_ignore_ascii_case(&hex::encode(Sha256::digest(&dsse.payload)))
    {
        return Err("the log entry is for another envelope payload".to_string());
    }
    if signature != dsse.signature {
        return Err("the log entry records another signature".to_string());
    }
    let pem_text = decode(&verifier)?;
    let (_, der) = x509_cert::der::pem::decode_vec(&pem_text)
        .map_err(|_| "the log entry's certificate is not PEM".to_string())?;
    if der != leaf_der {
        return Err("the log entry records another certificate".to_string());
    }
    Ok(())
}

fn decode(text: &str) -> Result<Vec<u8>, String> {
    STANDARD
        .decode(text)
        .map_err(|_| "a log entry field is not base64".to_string())
}
