//! The two JSON shapes as they are on disk, and their conversion into [`Bundle`] with every
//! base64 field decoded and every version rule checked.

use serde::Deserialize;

use super::{b64, check_counts, Bundle, Content, InclusionProof, Material, TlogEntry, Version};
use crate::SignError;

/// protobuf's JSON mapping writes int64 as a string; some writers use numbers.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Int64 {
    Number(i64),
    Text(String),
}

impl Int64 {
    fn get(&self, what: &str, field: &str) -> Result<i64, SignError> {
        match self {
            Int64::Number(n) => Ok(*n),
            Int64::Text(t) => t.parse().map_err(|_| {
                SignError::malformed(what, format!("`{field}` is not an integer: {t:?}"))
            }),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawBundle {
    media_type: String,
    verification_material: Option<RawMaterial>,
    message_signature: Option<RawMessageSignature>,
    dsse_envelope: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMaterial {
    public_key: Option<RawHint>,
    x509_certificate_chain: Option<RawChain>,
    certificate: Option<RawBytes>,
    #[serde(default)]
    tlog_entries: Vec<RawTlogEntry>,
    timestamp_verification_data: Option<RawTimestamps>,
}

#[derive(Debug, Deserialize)]
struct RawHint {
    hint: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawChain {
    #[serde(default)]
    certificates: Vec<RawBytes>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawBytes {
    raw_bytes: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTimestamps {
    #[serde(default)]
    rfc3161_timestamps: Vec<RawTimestamp>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTimestamp {
    signed_timestamp: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTlogEntry {
    log_index: Int64,
    log_id: RawLogId,
    kind_version: Option<RawKindVersion>,
    integrated_time: Option<Int64>,
    inclusion_promise: Option<RawPromise>,
    inclusion_proof: Option<RawProof>,
    canonicalized_body: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLogId {
    key_id: String,
}

#[derive(Debug, Deserialize)]
struct RawKindVersion {
    kind: String,
    version: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPromise {
    signed_entry_timestamp: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProof {
    log_index: Int64,
    root_hash: String,
    tree_size: Int64,
    #[serde(default)]
    hashes: Vec<String>,
    checkpoint: Option<RawCheckpoint>,
}

#[derive(Debug, Deserialize)]
struct RawCheckpoint {
    envelope: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMessageSignature {
    message_digest: Option<RawDigest>,
    signature: String,
}

#[derive(Debug, Deserialize)]
struct RawDigest {
    algorithm: String,
    digest: String,
}

fn version_of(media_type: &str, what: &str) -> Result<Version, SignError> {
    match media_type {
        "application/vnd.dev.sigstore.bundle+json;version=0.1" => Ok(Version::V01),
        "application/vnd.dev.sigstore.bundle+json;version=0.2" => Ok(Version::V02),
        "application/vnd.dev.sigstore.bundle+json;version=0.3"
        | "application/vnd.dev.sigstore.bundle.v0.3+json" => Ok(Version::V03),
        other => Err(SignError::malformed(
            what,
            format!("media type {other:?} is not a Sigstore bundle v0.1–v0.3 seatbelt reads"),
        )),
    }
}

/// A Sigstore bundle.
pub(super) fn sigstore(value: serde_json::Value, what: &str) -> Result<Bundle, SignError> {
    let raw: RawBundle = serde_json::from_value(value)
        .map_err(|e| SignError::malformed(what, format!("not a Sigstore bundle: {e}")))?;
    let version = version_of(&raw.media_type, what)?;
    let raw_material = raw.verification_material.ok_or_else(|| {
        SignError::malformed(what, "no `verificationMaterial`: nothing says who signed")
    })?;
    let certificates = match (
        raw_material.x509_certificate_chain,
        raw_material.certificate,
    ) {
        (Some(chain), None) => Some(chain.certificates),
        (None, Some(leaf)) => Some(vec![leaf]),
        (None, None) => None,
        (Some(_), Some(_)) => {
            return Err(SignError::malformed(
                what,
                "both `x509CertificateChain` and `certificate`; a bundle has one",
            ))
        }
    };
    let material = match (certificates, raw_material.public_key) {
        (Some(certificates), None) => {
            if certificates.is_empty() {
                return Err(SignError::malformed(what, "an empty certificate chain"));
            }
            Material::Certificates(
                certificates
                    .iter()
                    .map(|c| b64(&c.raw_bytes, what, "rawBytes"))
                    .collect::<Result<_, _>>()?,
            )
        }
        (None, Some(key)) => Material::PublicKeyHint(key.hint),
        (None, None) => {
            return Err(SignError::malformed(
                what,
                "`verificationMaterial` has no certificate and no public key",
            ))
        }
        (Some(_), Some(_)) => {
            return Err(SignError::malformed(
                what,
                "both a certificate and a public key in `verificationMaterial`",
            ))
        }
    };
    let tlog_entries = raw_material
        .tlog_entries
        .iter()
        .map(|e| tlog_entry(e, what))
        .collect::<Result<Vec<_>, _>>()?;
    for entry in &tlog_entries {
        if version == Version::V01 && entry.signed_entry_timestamp.is_none() {
            return Err(SignError::malformed(
                what,
                "a v0.1 bundle's log entry must carry an `inclusionPromise`",
            ));
        }
        if version >= Version::V02
            && entry
                .inclusion_proof
                .as_ref()
                .is_none_or(|p| p.checkpoint.is_empty())
        {
            return Err(SignError::malformed(
                what,
                "a v0.2+ bundle's log entry must carry an `inclusionProof` with a checkpoint",
            ));
        }
    }
    let rfc3161_timestamps = raw_material
        .timestamp_verification_data
        .map(|t| t.rfc3161_timestamps)
        .unwrap_or_default()
        .iter()
        .map(|t| b64(&t.signed_timestamp, what, "signedTimestamp"))
        .collect::<Result<Vec<_>, _>>()?;
    let content = match (raw.message_signature, raw.dsse_envelope) {
        (Some(message), None) => {
            let digest = match message.message_digest {
                Some(d) if d.algorithm == "SHA2_256" => Some(b64(&d.digest, what, "digest")?),
                Some(d) => {
                    return Err(SignError::malformed(
                        what,
                        format!(
                        "message digest algorithm {:?} is not SHA2_256, the one seatbelt checks",
                        d.algorithm
                    ),
                    ))
                }
                None => None,
            };
            if digest.as_ref().is_some_and(|d| d.len() != 32) {
                return Err(SignError::malformed(
                    what,
                    "the SHA-256 digest is not 32 bytes",
                ));
            }
            Content::MessageSignature {
                digest,
                signature: b64(&message.signature, what, "signature")?,
            }
        }
        (None, Some(envelope)) => Content::Dsse(envelope),
        _ => {
            return Err(SignError::malformed(
                what,
                "a bundle holds exactly one of `messageSignature` and `dsseEnvelope`",
            ))
        }
    };
    let bundle = Bundle {
        version,
        material,
        tlog_entries,
        rfc3161_timestamps,
        content,
    };
    check_counts(&bundle, what)?;
    Ok(bundle)
}

fn tlog_entry(raw: &RawTlogEntry, what: &str) -> Result<TlogEntry, SignError> {
    let inclusion_proof = match &raw.inclusion_proof {
        Some(proof) => Some(InclusionProof {
            log_index: proof.log_index.get(what, "inclusionProof.logIndex")?,
            root_hash: b64(&proof.root_hash, what, "rootHash")?,
            tree_size: proof.tree_size.get(what, "treeSize")?,
            hashes: proof
                .hashes
                .iter()
                .map(|h| b64(h, what, "hashes"))
                .collect::<Result<_, _>>()?,
            checkpoint: proof
                .checkpoint
                .as_ref()
                .map(|c| c.envelope.clone())
                .unwrap_or_default(),
        }),
        None => None,
    };
    let (kind, version) = raw
        .kind_version
        .as_ref()
        .map(|k| (k.kind.clone(), k.version.clone()))
        .unwrap_or_default();
    Ok(TlogEntry {
        log_index: raw.log_index.get(what, "logIndex")?,
        log_id: b64(&raw.log_id.key_id, what, "logId.keyId")?,
        kind,
        version,
        integrated_time: match &raw.integrated_time {
            Some(t) => t.get(what, "integratedTime")?,
            None => 0,
        },
        signed_entry_timestamp: raw
            .inclusion_promise
            .as_ref()
            .map(|p| b64(&p.signed_entry_timestamp, what, "signedEntryTimestamp"))
            .transpose()?,
        inclusion_proof,
        body: b64(&raw.canonicalized_body, what, "canonicalizedBody")?,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCosign {
    base64_signature: String,
    cert: Option<String>,
    rekor_bundle: Option<RawRekorBundle>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawRekorBundle {
    signed_entry_timestamp: String,
    payload: RawRekorPayload,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRekorPayload {
    body: String,
    integrated_time: i64,
    log_index: i64,
    #[serde(rename = "logID")]
    log_id: String,
}

/// cosign's `sign-blob --bundle` JSON.
pub(super) fn cosign(value: serde_json::Value, what: &str) -> Result<Bundle, SignError> {
    let raw: RawCosign = serde_json::from_value(value)
        .map_err(|e| SignError::malformed(what, format!("not a cosign bundle: {e}")))?;
    let material = match raw.cert.as_deref().filter(|c| !c.is_empty()) {
        // cosign stores the certificate as base64 of its PEM.
        Some(cert) => {
            let pem_text = b64(cert, what, "cert")?;
            let (label, der) = x509_cert::der::pem::decode_vec(&pem_text).map_err(|e| {
                SignError::malformed(what, format!("`cert` is not a PEM certificate: {e}"))
            })?;
            if label != "CERTIFICATE" {
                return Err(SignError::malformed(
                    what,
                    format!("`cert` holds a PEM {label:?}, not a CERTIFICATE"),
                ));
            }
            Material::Certificates(vec![der])
        }
        None => Material::PublicKeyHint(None),
    };
    let tlog_entries = match raw.rekor_bundle {
        Some(rekor) => vec![TlogEntry {
            log_index: rekor.payload.log_index,
            log_id: hex::decode(&rekor.payload.log_id)
                .map_err(|e| SignError::malformed(what, format!("`logID` is not hex: {e}")))?,
            kind: String::new(),
            version: String::new(),
            integrated_time: rekor.payload.integrated_time,
            signed_entry_timestamp: Some(b64(
                &rekor.signed_entry_timestamp,
                what,
                "SignedEntryTimestamp",
            )?),
            inclusion_proof: None,
            body: b64(&rekor.payload.body, what, "body")?,
        }],
        None => Vec::new(),
    };
    Ok(Bundle {
        version: Version::Cosign,
        material,
        tlog_entries,
        rfc3161_timestamps: Vec::new(),
        content: Content::MessageSignature {
            digest: None,
            signature: b64(&raw.base64_signature, what, "base64Signature")?,
        },
    })
}
