//! Verifying an image's attestations: every layer of the `.att` manifest stored for exactly the
//! resolved digest is checked — the DSSE signature first (nothing unsigned is believed), then
//! that the statement's subject is that digest, that its predicate type is the one asked for,
//! and the policy, if any. The `predicateType` layer annotation only saves fetching layers that
//! claim another type; a layer that lies about its type is still judged by its signed content.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::attest::{PREDICATE_TYPE_ANNOTATION, SUFFIX};
use crate::dsse::{self, Envelope};
use crate::intoto::{Statement, PAYLOAD_TYPE};
use crate::limits::MAX_ATTESTATION_BYTES;
use crate::manifest::{tag_for, Descriptor, SignatureManifest};
use crate::policy::Policy;
use crate::predicate::PredicateType;
use crate::{PublicKey, SignError, Subject, Target};

/// The verdict on one stored attestation.
#[derive(Debug, Clone, Serialize)]
pub struct AttestationCheck {
    /// The envelope layer's digest.
    pub envelope_digest: String,
    /// Whether it verified.
    pub verified: bool,
    /// Why not, when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The signed statement's predicate type, once the signature verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicate_type: Option<String>,
    /// The verified predicate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicate: Option<Value>,
}

/// Everything verification found.
#[derive(Debug, Clone, Serialize)]
pub struct AttestationReport {
    /// The digest verification was bound to.
    pub digest: String,
    /// The repository, for registry images.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// The tag attestations were looked for at.
    pub attestation_tag: String,
    /// The predicate type URIs accepted.
    pub predicate_types: Vec<String>,
    /// One verdict per stored attestation.
    pub attestations: Vec<AttestationCheck>,
}

impl AttestationReport {
    /// How many attestations verified.
    pub fn verified(&self) -> usize {
        self.attestations.iter().filter(|a| a.verified).count()
    }
}

/// What a verified attestation must hold besides a good signature and the right subject.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The predicate type.
    pub predicate_type: &'a PredicateType,
    /// A policy on the predicate.
    pub policy: Option<&'a Policy>,
    /// Annotations the subject must carry.
    pub annotations: &'a BTreeMap<String, String>,
}

/// Verifies the attestations of the image `target` resolves to against `expected`.
pub fn verify_attestations(
    target: &Target,
    key: &PublicKey,
    expected: Expected<'_>,
) -> Result<AttestationReport, SignError> {
    let subject = target.resolve()?;
    let tag = tag_for(&subject.digest, SUFFIX);
    let wanted = expected.predicate_type.uris();
    let mut report = AttestationReport {
        digest: subject.digest.to_string(),
        identity: subject.identity.clone(),
        attestation_tag: tag.clone(),
        predicate_types: wanted.iter().map(|s| s.to_string()).collect(),
        attestations: Vec::new(),
    };
    let Some(bytes) = target.manifest_at(&tag)? else {
        return Ok(report);
    };
    let manifest = SignatureManifest::parse(&bytes, &tag)?;
    for layer in &manifest.layers {
        let mut check = AttestationCheck {
            envelope_digest: layer.digest.clone(),
            verified: false,
            reason: None,
            predicate_type: None,
            predicate: None,
        };
        let judged = Judge {
            target,
            key,
            subject: &subject,
            wanted: &wanted,
            expected,
        }
        .layer(layer, &mut check);
        match judged {
            Ok(()) => check.verified = true,
            Err(reason) => check.reason = Some(reason),
        }
        report.attestations.push(check);
    }
    Ok(report)
}

struct Judge<'a> {
    target: &'a Target,
    key: &'a PublicKey,
    subject: &'a Subject,
    wanted: &'a [&'a str],
    expected: Expected<'a>,
}

impl Judge<'_> {
    fn layer(&self, layer: &Descriptor, check: &mut AttestationCheck) -> Result<(), String> {
        if layer.media_type != dsse::MEDIA_TYPE {
            return Err(format!(
                "layer media type is {}, not {}",
                layer.media_type,
                dsse::MEDIA_TYPE
            ));
        }
        if let Some(claimed) = layer.annotation(PREDICATE_TYPE_ANNOTATION) {
            if !self.wanted.contains(&claimed) {
                return Err(format!(
                    "annotated as predicate type {claimed}, not asked for (not fetched)"
                ));
            }
        }
        // Over-large envelopes fail this attestation, not the run: others may still verify.
        let bytes = self
            .target
            .blob(&layer.digest, layer.size, MAX_ATTESTATION_BYTES)
            .map_err(|e| e.to_string())?;
        let envelope = Envelope::parse(&bytes, &layer.digest).map_err(|e| e.to_string())?;
        if envelope.payload_type != PAYLOAD_TYPE {
            return Err(format!(
                "the envelope's payload type is {}, not {PAYLOAD_TYPE}",
                envelope.payload_type
            ));
        }
        let payload = envelope.verify(self.key)?;
        let statement = Statement::parse(&payload, &layer.digest).map_err(|e| e.to_string())?;
        check.predicate_type = Some(statement.predicate_type.clone());
        let Some(about) = statement
            .subject
            .iter()
            .find(|s| s.matches(&self.subject.digest))
        else {
            let named: Vec<String> = statement
                .subject
                .iter()
                .flat_map(|s| s.digest.iter().map(|(alg, hex)| format!("{alg}:{hex}")))
                .take(4)
                .collect();
            return Err(format!(
                "the statement is about {}, not this image ({})",
                named.join(", "),
                self.subject.digest
            ));
        };
        if !about.has_annotations(self.expected.annotations) {
            return Err(
                "the statement's subject lacks an annotation asked for with -a".to_string(),
            );
        }
        if !self.wanted.contains(&statement.predicate_type.as_str()) {
            return Err(format!(
                "the signed predicate type is {}, not {}",
                statement.predicate_type,
                self.wanted.join(" or ")
            ));
        }
        if let Some(policy) = self.expected.policy {
            let failures = policy.check(&statement.predicate);
            if !failures.is_empty() {
                return Err(format!("policy: {}", failures.join("; ")));
            }
        }
        check.predicate = Some(statement.predicate);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::predicate;
    use seatbelt_image::ManifestSelector;
    use serde_json::json;

    /// A minimal OCI layout holding two (fake) image manifests tagged `a` and `b`.
    fn layout() -> (tempfile::TempDir, Target, Target) {
        let dir = tempfile::tempdir().unwrap();
        let blobs = dir.path().join("blobs/sha256");
        std::fs::create_dir_all(&blobs).unwrap();
        let mut entries = Vec::new();
        for tag in ["a", "b"] {
            let manifest = format!(
                r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"}},"layers":[],"annotations":{{"t":"{tag}"}}}}"#
            );
            let digest = seatbelt_types::Digest::sha256_of(manifest.as_bytes());
            std::fs::write(blobs.join(digest.hex()), &manifest).unwrap();
            entries.push(json!({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":digest.to_string(),"size":manifest.len(),"annotations":{"org.opencontainers.image.ref.name":tag}}));
        }
        std::fs::write(
            dir.path().join("oci-layout"),
            r#"{"imageLayoutVersion":"1.0.0"}"#,
        )
        .unwrap();
        let index = json!({"schemaVersion":2,"manifests":entries});
        std::fs::write(dir.path().join("index.json"), index.to_string()).unwrap();
        let open = |tag: &str| {
            Target::Layout(crate::layout::Layout::new(
                dir.path().to_path_buf(),
                ManifestSelector::Tag(tag.into()),
            ))
        };
        let (a, b) = (open("a"), open("b"));
        (dir, a, b)
    }

    fn cyclonedx() -> PredicateType {
        PredicateType::parse("cyclonedx").unwrap()
    }

    const NONE: &BTreeMap<String, String> = &BTreeMap::new();

    fn expect<'a>(predicate_type: &'a PredicateType, policy: Option<&'a Policy>) -> Expected<'a> {
        Expected {
            predicate_type,
            policy,
            annotations: NONE,
        }
    }

    fn attestation(predicate_type: &str, predicate: Value) -> crate::attest::Attestation {
        crate::attest::Attestation {
            predicate_type: predicate_type.to_string(),
            predicate,
            annotations: BTreeMap::from([("env".to_string(), "prod".to_string())]),
        }
    }

    #[test]
    fn attest_then_verify_in_a_layout() {
        let (_dir, a, _b) = layout();
        let key = crate::PrivateKey::generate();
        let bom = json!({"bomFormat": "CycloneDX", "specVersion": "1.6"});
        let written =
            crate::attest::attest(&a, &key, attestation(predicate::CYCLONEDX, bom.clone()))
                .unwrap();
        assert_eq!(written.attestations, 1);
        let report =
            verify_attestations(&a, &key.public_key(), expect(&cyclonedx(), None)).unwrap();
        assert_eq!(report.verified(), 1, "{report:?}");
        assert_eq!(report.attestations[0].predicate.as_ref(), Some(&bom));
        // `sbom` accepts CycloneDX; `vuln` does not (not even fetched).
        let sbom =
            verify_attestations(&a, &key.public_key(), expect(&PredicateType::Sbom, None)).unwrap();
        assert_eq!(sbom.verified(), 1);
        let vuln = PredicateType::parse("vuln").unwrap();
        let report = verify_attestations(&a, &key.public_key(), expect(&vuln, None)).unwrap();
        assert_eq!(report.verified(), 0);
        // A second attestation appends.
        crate::attest::attest(
            &a,
            &key,
            attestation(predicate::VULN, json!({"scanner": {}, "metadata": {}})),
        )
        .unwrap();
        let report = verify_attestations(&a, &key.public_key(), expect(&vuln, None)).unwrap();
        assert_eq!((report.attestations.len(), report.verified()), (2, 1));
        // Policies see the predicate.
        let policy = Policy::parse(
            br#"{"rules":[{"path":"/specVersion","equals":"1.5"}]}"#,
            "p",
        )
        .unwrap();
        let report =
            verify_attestations(&a, &key.public_key(), expect(&cyclonedx(), Some(&policy)))
                .unwrap();
        assert_eq!(report.verified(), 0);
        assert!(report.attestations[0]
            .reason
            .as_deref()
            .unwrap()
            .contains("/specVersion"));
        // Signed subject annotations can be required.
        let env = BTreeMap::from([("env".to_string(), "prod".to_string())]);
        let dev = BTreeMap::from([("env".to_string(), "dev".to_string())]);
        let with = |annotations| Expected {
            predicate_type: &PredicateType::Sbom,
            policy: None,
            annotations,
        };
        let report = verify_attestations(&a, &key.public_key(), with(&env)).unwrap();
        assert_eq!(report.verified(), 1);
        let report = verify_attestations(&a, &key.public_key(), with(&dev)).unwrap();
        assert_eq!(report.verified(), 0);
        // The wrong key verifies nothing.
        let stranger = crate::PrivateKey::generate().public_key();
        assert_eq!(
            verify_attestations(&a, &stranger, expect(&cyclonedx(), None))
                .unwrap()
                .verified(),
            0
        );
    }

    #[test]
    fn a_statement_about_another_image_is_rejected() {
        let (_dir, a, b) = layout();
        let key = crate::PrivateKey::generate();
        let b_subject = b.resolve().unwrap();
        // A valid attestation of b, stored under a's .att tag.
        let a_subject = a.resolve().unwrap();
        let statement = Statement::new(
            crate::attest::subject_descriptor(&b_subject, NONE),
            predicate::CYCLONEDX,
            json!({}),
        );
        let envelope = Envelope::sign(PAYLOAD_TYPE, &statement.to_bytes(), &key).to_bytes();
        let layer = Descriptor {
            media_type: dsse::MEDIA_TYPE.into(),
            size: envelope.len() as u64,
            digest: seatbelt_types::Digest::sha256_of(&envelope).to_string(),
            annotations: None,
        };
        crate::sign::append_layer(&a, &a_subject, SUFFIX, &envelope, layer).unwrap();
        let report =
            verify_attestations(&a, &key.public_key(), expect(&cyclonedx(), None)).unwrap();
        assert_eq!(report.verified(), 0);
        assert!(report.attestations[0]
            .reason
            .as_deref()
            .unwrap()
            .contains("not this image"));
    }
}
