//! Attesting an image: an in-toto statement about the resolved digest, signed in a DSSE
//! envelope, appended as a layer to the `sha256-<hex>.att` manifest — where and how cosign
//! stores attestations (layer media type [`dsse::MEDIA_TYPE`], an empty signature annotation,
//! the predicate type in the `predicateType` annotation).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::dsse::{self, Envelope};
use crate::intoto::{ResourceDescriptor, Statement, PAYLOAD_TYPE};
use crate::limits::MAX_ATTESTATION_BYTES;
use crate::manifest::{Descriptor, SIGNATURE_ANNOTATION};
use crate::sign::append_layer;
use crate::{PrivateKey, SignError, Subject, Target};

/// The layer annotation cosign records the predicate type in. Unsigned: a hint for selecting
/// layers, never trusted for a verdict.
pub const PREDICATE_TYPE_ANNOTATION: &str = "predicateType";

/// The tag suffix of attestation manifests.
pub const SUFFIX: &str = "att";

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
    attest_subject(target, &subject, key, attestation)
}

/// Attests a subject the caller already knows the digest of — the image it just wrote or
/// just read — so the attestation is bound to exactly what the caller looked at, whatever a
/// tag points to by now.
pub fn attest_subject(
    target: &Target,
    subject: &Subject,
    key: &PrivateKey,
    attestation: Attestation,
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
    let (attestation_tag, attestations) = append_layer(target, subject, SUFFIX, &envelope, layer)?;
    Ok(Attested {
        digest: subject.digest.to_string(),
        predicate_type,
        attestation_tag,
        envelope_digest,
        attestations,
    })
}
