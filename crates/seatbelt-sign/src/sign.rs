//! Signing an image: the simple-signing payload for the resolved digest, signed, appended as a
//! layer to the `sha256-<hex>.sig` manifest (created if absent), exactly as cosign stores it.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Serialize;

use crate::limits::MAX_PAYLOAD_BYTES;
use crate::manifest::{tag_for, Descriptor, SignatureManifest, SIGNATURE_ANNOTATION};
use crate::payload::{SimpleSigning, MEDIA_TYPE};
use crate::referrers::{self, ReferrersMode};
use crate::{PrivateKey, SignError, Subject, Target};

/// What signing wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Signed {
    /// The digest signed.
    pub digest: String,
    /// The identity written into the payload.
    pub docker_reference: String,
    /// The tag the signature manifest is stored at.
    pub signature_tag: String,
    /// The payload layer's digest.
    pub payload_digest: String,
    /// How many signatures the manifest now holds.
    pub signatures: usize,
    /// The referrer manifest's digest, when stored as an OCI 1.1 referrer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
}

/// A layer to append to a cosign-style manifest at `sha256-<hex>.<suffix>`.
pub(crate) fn append_layer(
    target: &Target,
    subject: &Subject,
    suffix: &str,
    payload: &[u8],
    layer: Descriptor,
) -> Result<(String, usize), SignError> {
    let tag = tag_for(&subject.digest, suffix);
    let mut layers = match target.manifest_at(&tag)? {
        Some(bytes) => SignatureManifest::parse(&bytes, &tag)?.layers,
        None => Vec::new(),
    };
    // Signing the same payload with the same signature twice adds nothing.
    if !layers.contains(&layer) {
        layers.push(layer);
    }
    let count = layers.len();
    let built = SignatureManifest::build(layers);
    target.put_blob(payload)?;
    target.put_blob(&built.config)?;
    target.put_manifest(&tag, &built.manifest)?;
    Ok((tag, count))
}

/// Signs the image `target` resolves to, with `annotations` in the payload's `optional`, at
/// the `sha256-<hex>.sig` tag.
pub fn sign(
    target: &Target,
    key: &PrivateKey,
    annotations: &BTreeMap<String, String>,
) -> Result<Signed, SignError> {
    sign_with(target, key, annotations, ReferrersMode::Legacy)
}

/// Signs as [`sign`] does, storing the signature as `mode` says: at the `.sig` tag, or as an
/// OCI 1.1 referrer manifest of its own (one per signing, as cosign does).
pub fn sign_with(
    target: &Target,
    key: &PrivateKey,
    annotations: &BTreeMap<String, String>,
    mode: ReferrersMode,
) -> Result<Signed, SignError> {
    let subject = target.resolve()?;
    let docker_reference = subject.identity.clone().unwrap_or_default();
    let payload =
        SimpleSigning::new(&docker_reference, &subject.digest.to_string(), annotations).to_bytes();
    if payload.len() as u64 > MAX_PAYLOAD_BYTES {
        return Err(SignError::TooLarge {
            what: "the signature payload (annotations too large)".to_string(),
            size: payload.len() as u64,
            limit: MAX_PAYLOAD_BYTES,
        });
    }
    let signature = STANDARD.encode(key.sign(&payload));
    let payload_digest = seatbelt_types::Digest::sha256_of(&payload).to_string();
    let layer = Descriptor {
        media_type: MEDIA_TYPE.to_string(),
        size: payload.len() as u64,
        digest: payload_digest.clone(),
        annotations: Some(BTreeMap::from([(
            SIGNATURE_ANNOTATION.to_string(),
            signature,
        )])),
    };
    if mode == ReferrersMode::Oci11 {
        let described = target.subject_descriptor(&subject)?;
        let built = referrers::build(vec![layer], &described);
        target.put_blob(&payload)?;
        target.put_blob(&built.config)?;
        let stored = target.put_referrer(&subject, &built)?;
        return Ok(Signed {
            digest: subject.digest.to_string(),
            docker_reference,
            signature_tag: stored,
            payload_digest,
            signatures: 1,
            referrer: Some(built.entry.digest),
        });
    }
    let (signature_tag, signatures) = append_layer(target, &subject, "sig", &payload, layer)?;
    Ok(Signed {
        digest: subject.digest.to_string(),
        docker_reference,
        signature_tag,
        payload_digest,
        signatures,
        referrer: None,
    })
}
