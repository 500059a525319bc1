//! Attesting an image: an in-toto statement about the resolved digest, signed in a DSSE
//! envelope, stored where cosign stores attestations ([`Storage`]): appended as a layer to the
//! `sha256-<hex>.att` manifest (layer media type [`dsse::MEDIA_TYPE`], an empty signature
//! annotation, the predicate type in the `predicateType` annotation), or as an OCI 1.1
//! referrer of the image — the envelope layer itself under the in-toto artifact type (cosign's
//! `--registry-referrers-mode=oci-1-1`), or wrapped in a Sigstore bundle v0.3 (cosign's
//! `--new-bundle-format`).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::blob::key_hint;
use crate::bundle::MEDIA_TYPE_V03;
use crate::dsse::{self, Envelope};
use crate::intoto::{ResourceDescriptor, Statement, PAYLOAD_TYPE};
use crate::limits::{MAX_ATTESTATION_BYTES, MAX_BUNDLE_BYTES};
use crate::manifest::{Descriptor, SIGNATURE_ANNOTATION};
use crate::referrers;
use crate::sign::append_layer;
use crate::{PrivateKey, SignError, Subject, Target};

/// The layer annotation cosign records the predicate type in. Unsigned: a hint for selecting
/// layers, never trusted for a verdict.
pub const PREDICATE_TYPE_ANNOTATION: &str = "predicateType";

/// The tag suffix of attestation manifests.
pub const SUFFIX: &str = "att";

/// The manifest annotation cosign's bundle referrers record the predicate type in (a hint, as
/// the layer annotation is).
pub const BUNDLE_PREDICATE_TYPE_ANNOTATION: &str = "dev.sigstore.bundle.predicateType";

/// The manifest annotation saying what a bundle referrer's bundle holds.
pub const BUNDLE_CONTENT_ANNOTATION: &str = "dev.sigstore.bundle.content";

/// Where an attestation is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Storage {
    /// A layer of the manifest at the `sha256-<hex>.att` tag (cosign's default).
    #[default]
    Tag,
    /// An OCI 1.1 referrer of the image whose layer is the envelope, artifact type
    /// `application/vnd.in-toto+json` (cosign's `attest --registry-referrers-mode=oci-1-1`).
    Referrer,
    /// An OCI 1.1 referrer whose layer is a Sigstore bundle v0.3 holding the envelope, artifact
    /// type the bundle media type (cosign's `attest --new-bundle-format`).
    Bundle,
}

/// What attesting wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Attested {
    /// The digest attested.
    pub digest: String,
    /// The statement's predicate type.
    pub predicate_type: String,
    /// The tag the attestation manifest is stored at.
    pub attestation_tag: String,
    /// The envelope layer's digest.
    pub envelope_digest: String,
    /// How many attestations the manifest now holds.
    pub attestations: usize,
    /// The referrer manifest's digest, when stored as an OCI 1.1 referrer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
}

/// The statement subject for an image: the repository as cosign names it (empty for layouts),
/// the digest, and signed annotations.
pub fn subject_descriptor(
    subject: &Subject,
    annotations: &BTreeMap<String, String>,
) -> ResourceDescriptor {
    let mut descriptor =
        ResourceDescriptor::for_digest(subject.identity.as_deref().unwrap_or(""), &subject.digest);
    descriptor.annotations = annotations
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    descriptor
}

/// What to attest: a predicate of a type, with annotations on the subject (signed).
#[derive(Debug, Clone)]
pub struct Attestation {
    /// The predicate type URI.
    pub predicate_type: String,
    /// The predicate.
    pub predicate: Value,
    /// `key=value` annotations on the statement's subject.
    pub annotations: BTreeMap<String, String>,
}

/// Attests the image `target` resolves to.
pub fn attest(
    target: &Target,
    key: &PrivateKey,
    attestation: Attestation,
) -> Result<Attested, SignError> {
    let subject = target.resolve()?;
    attest_subject(target, &subject, key, attestation, Storage::Tag)
}

/// Attests a subject the caller already knows the digest of — the image it just wrote or
/// just read — so the attestation is bound to exactly what the caller looked at, whatever a
/// tag points to by now.
pub fn attest_subject(
    target: &Target,
    subject: &Subject,
    key: &PrivateKey,
    attestation: Attestation,
    storage: Storage,
) -> Result<Attested, SignError> {
    let Attestation {
        predicate_type,
        predicate,
        annotations,
    } = attestation;
    let statement = Statement::new(
        subject_descriptor(subject, &annotations),
        &predicate_type,
        predicate,
    );
    let envelope = Envelope::sign(PAYLOAD_TYPE, &statement.to_bytes(), key).to_bytes();
    // Never write what verification would refuse to read.
    if envelope.len() as u64 > MAX_ATTESTATION_BYTES {
        return Err(SignError::TooLarge {
            what: "the attestation envelope (predicate too large)".to_string(),
            size: envelope.len() as u64,
            limit: MAX_ATTESTATION_BYTES,
        });
    }
    let envelope_digest = seatbelt_types::Digest::sha256_of(&envelope).to_string();
    let layer = Descriptor {
        media_type: dsse::MEDIA_TYPE.to_string(),
        size: envelope.len() as u64,
        digest: envelope_digest.clone(),
        annotations: Some(BTreeMap::from([
            (SIGNATURE_ANNOTATION.to_string(), String::new()),
            (
                PREDICATE_TYPE_ANNOTATION.to_string(),
                predicate_type.clone(),
            ),
        ])),
    };
    let (attestation_tag, attestations, referrer) = match storage {
        Storage::Tag => {
            let (tag, count) = append_layer(target, subject, SUFFIX, &envelope, layer)?;
            (tag, count, None)
        }
        Storage::Referrer => {
            // The layer as at the `.att` tag, annotations included (cosign copies them). cosign
            // also stamps the manifest with its creation time; seatbelt leaves it out, so the
            // same attestation stored twice is one referrer.
            let stored = store_referrer(
                target,
                subject,
                PAYLOAD_TYPE,
                &envelope,
                layer,
                BTreeMap::new(),
            )?;
            (stored.0, 1, Some(stored.1))
        }
        Storage::Bundle => {
            let bundle = bundle_json(&envelope, key)?;
            if bundle.len() as u64 > MAX_BUNDLE_BYTES {
                return Err(SignError::TooLarge {
                    what: "the attestation bundle (predicate too large)".to_string(),
                    size: bundle.len() as u64,
                    limit: MAX_BUNDLE_BYTES,
                });
            }
            let bundle_layer = Descriptor {
                media_type: MEDIA_TYPE_V03.to_string(),
                size: bundle.len() as u64,
                digest: seatbelt_types::Digest::sha256_of(&bundle).to_string(),
                annotations: None,
            };
            let annotations = BTreeMap::from([
                (
                    BUNDLE_CONTENT_ANNOTATION.to_string(),
                    "dsse-envelope".to_string(),
                ),
                (
                    BUNDLE_PREDICATE_TYPE_ANNOTATION.to_string(),
                    predicate_type.clone(),
                ),
            ]);
            let stored = store_referrer(
                target,
                subject,
                MEDIA_TYPE_V03,
                &bundle,
                bundle_layer,
                annotations,
            )?;
            (stored.0, 1, Some(stored.1))
        }
    };
    Ok(Attested {
        digest: subject.digest.to_string(),
        predicate_type,
        attestation_tag,
        envelope_digest,
        attestations,
        referrer,
    })
}

/// Stores `blob` as the one layer of a referrer of `subject` with `artifact_type`; returns
/// where it is listed and the referrer's digest.
fn store_referrer(
    target: &Target,
    subject: &Subject,
    artifact_type: &str,
    blob: &[u8],
    layer: Descriptor,
    annotations: BTreeMap<String, String>,
) -> Result<(String, String), SignError> {
    let described = target.subject_descriptor(subject)?;
    let built = referrers::build_artifact(artifact_type, &[layer], &annotations, &described);
    target.put_blob(blob)?;
    target.put_blob(&built.config)?;
    let listed = target.put_referrer(subject, &built)?;
    Ok((listed, built.entry.digest))
}

/// A Sigstore bundle v0.3 holding `envelope`, with cosign's hint of the signing key (no log
/// entry or timestamp: like `cosign attest --tlog-upload=false`).
fn bundle_json(envelope: &[u8], key: &PrivateKey) -> Result<Vec<u8>, SignError> {
    let envelope: Value = serde_json::from_slice(envelope)
        .map_err(|e| SignError::malformed("the attestation envelope", e.to_string()))?;
    let bundle = serde_json::json!({
        "mediaType": MEDIA_TYPE_V03,
        "verificationMaterial": { "publicKey": { "hint": key_hint(&key.public_key())? } },
        "dsseEnvelope": envelope,
    });
    serde_json::to_vec(&bundle).map_err(|e| SignError::malformed("the bundle", e.to_string()))
}
