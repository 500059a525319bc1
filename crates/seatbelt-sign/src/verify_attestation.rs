//! Verifying an image's attestations: every layer of the `.att` manifest stored for exactly the
//! resolved digest, and of every OCI 1.1 attestation referrer whose `subject` is that digest
//! (envelope layers, or Sigstore bundles holding one), is checked — the DSSE signature first
//! (nothing unsigned is believed), then that the statement's subject is that digest, that its
//! predicate type is the one asked for, and the policy, if any. The predicate type annotations
//! only save fetching layers that claim another type; a layer that lies about its type is
//! still judged by its signed content.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::attest::{BUNDLE_PREDICATE_TYPE_ANNOTATION, PREDICATE_TYPE_ANNOTATION, SUFFIX};
use crate::bundle::{Bundle, Content, MEDIA_TYPE_V03};
use crate::dsse::{self, Envelope};
use crate::intoto::{Statement, PAYLOAD_TYPE};
use crate::limits::{MAX_ATTESTATION_BYTES, MAX_BUNDLE_BYTES, MAX_SIGNATURES};
use crate::manifest::{tag_for, Descriptor, SignatureManifest};
use crate::policy::Policy;
use crate::predicate::PredicateType;
use crate::referrers::EMPTY_CONFIG;
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
    /// The OCI 1.1 attestation referrers of the digest that were read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub referrers: Vec<String>,
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
        referrers: Vec::new(),
    };
    // Each layer with its predicate type hint: the layer's annotation, or for bundle
    // referrers the manifest's.
    let mut layers: Vec<(Descriptor, Option<String>)> = Vec::new();
    if let Some(bytes) = target.manifest_at(&tag)? {
        let manifest = SignatureManifest::parse(&bytes, &tag)?;
        layers.extend(manifest.layers.into_iter().map(|l| (l, None)));
    }
    // Writers that list the config media type list cosign's attestation referrers as empty.
    let found =
        target.find_referrers(&subject, &[PAYLOAD_TYPE, MEDIA_TYPE_V03], &[EMPTY_CONFIG])?;
    for (digest, e) in found.broken {
        report.attestations.push(rejected(digest, e.to_string()));
    }
    for referrer in found.referrers {
        let hint = referrer
            .annotations
            .get(BUNDLE_PREDICATE_TYPE_ANNOTATION)
            .cloned();
        report.referrers.push(referrer.digest);
        layers.extend(
            referrer
                .manifest
                .layers
                .into_iter()
                .map(|l| (l, hint.clone())),
        );
    }
    // cosign copies the `.att` tag's envelopes into the referrers it writes: check each once.
    let mut seen = std::collections::HashSet::new();
    layers.retain(|(l, _)| seen.insert((l.digest.clone(), l.size, l.media_type.clone())));
    if layers.len() > MAX_SIGNATURES {
        return Err(SignError::TooMany {
            what: format!("the attestations of {}", subject.digest),
            count: layers.len(),
            limit: MAX_SIGNATURES,
        });
    }
    for (layer, hint) in &layers {
        let mut check = rejected(layer.digest.clone(), String::new());
        let judged = Judge {
            target,
            key,
            subject: &subject,
            wanted: &wanted,
            expected,
        }
        .layer(layer, hint.as_deref(), &mut check);
        match judged {
            Ok(()) => {
                check.verified = true;
                check.reason = None;
            }
            Err(reason) => check.reason = Some(reason),
        }
        report.attestations.push(check);
    }
    Ok(report)
}

fn rejected(digest: String, reason: String) -> AttestationCheck {
    AttestationCheck {
        envelope_digest: digest,
        verified: false,
        reason: Some(reason),
        predicate_type: None,
        predicate: None,
    }
}

struct Judge<'a> {
    target: &'a Target,
    key: &'a PublicKey,
    subject: &'a Subject,
    wanted: &'a [&'a str],
    expected: Expected<'a>,
}

impl Judge<'_> {
    /// The envelope a layer holds: the layer itself, or the `dsseEnvelope` of a bundle.
    /// Over-large envelopes fail this attestation, not the run: others may still verify.
    fn envelope(&self, layer: &Descriptor) -> Result<Envelope, SignError> {
        if layer.media_type == dsse::MEDIA_TYPE {
            let bytes = self
                .target
                .blob(&layer.digest, layer.size, MAX_ATTESTATION_BYTES)?;
            return Envelope::parse(&bytes, &layer.digest);
        }
        let bytes = self
            .target
            .blob(&layer.digest, layer.size, MAX_BUNDLE_BYTES)?;
        let bundle = Bundle::parse(&bytes, &layer.digest)?;
        let Content::Dsse(envelope) = bundle.content else {
            return Err(SignError::malformed(
                &layer.digest,
                "the bundle holds a message signature, not an attestation",
            ));
        };
        // The parsed JSON of a bounded blob: re-encoding cannot fail or grow it much.
        let bytes = serde_json::to_vec(&envelope).unwrap_or_default();
        Envelope::parse(&bytes, &layer.digest)
    }

    fn layer(
        &self,
        layer: &Descriptor,
        hint: Option<&str>,
        check: &mut AttestationCheck,
    ) -> Result<(), String> {
        if layer.media_type != dsse::MEDIA_TYPE && layer.media_type != MEDIA_TYPE_V03 {
            return Err(format!(
                "layer media type is {}, not {} or {MEDIA_TYPE_V03}",
                layer.media_type,
                dsse::MEDIA_TYPE
            ));
        }
        if let Some(claimed) = layer.annotation(PREDICATE_TYPE_ANNOTATION).or(hint) {
            if !self.wanted.contains(&claimed) {
                return Err(format!(
                    "annotated as predicate type {claimed}, not asked for (not fetched)"
                ));
            }
        }
        let envelope = self.envelope(layer).map_err(|e| e.to_string())?;
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

    #[test]
    fn referrer_attestations_in_a_layout_both_shapes() {
        use crate::attest::{attest_subject, Storage};
        let (dir, a, b) = layout();
        let key = crate::PrivateKey::generate();
        let subject = a.resolve().unwrap();
        let bom = json!({"bomFormat": "CycloneDX"});
        let mut referrers = Vec::new();
        for (storage, artifact_type, layer_type) in [
            (Storage::Referrer, PAYLOAD_TYPE, dsse::MEDIA_TYPE),
            (Storage::Bundle, MEDIA_TYPE_V03, MEDIA_TYPE_V03),
        ] {
            let written = attest_subject(
                &a,
                &subject,
                &key,
                attestation(predicate::CYCLONEDX, bom.clone()),
                storage,
            )
            .unwrap();
            let referrer = written.referrer.clone().unwrap();
            // cosign's shape: empty config, the artifact type on config and manifest, the
            // image as subject, one layer.
            let stored: Value = serde_json::from_slice(
                &a.manifest_by_digest(&referrer.parse().unwrap(), &[crate::manifest::OCI_MANIFEST])
                    .unwrap(),
            )
            .unwrap();
            assert_eq!(stored["artifactType"], artifact_type, "{stored}");
            assert_eq!(stored["config"]["mediaType"], EMPTY_CONFIG);
            assert_eq!(stored["config"]["artifactType"], artifact_type);
            assert_eq!(stored["subject"]["digest"], subject.digest.to_string());
            assert_eq!(stored["layers"][0]["mediaType"], layer_type);
            referrers.push(referrer);
        }
        assert_eq!(
            referrers.len(),
            2,
            "the same attestation in two shapes is two referrers"
        );
        let index = std::fs::read_to_string(dir.path().join("index.json")).unwrap();
        assert!(!index.contains(".att\""), "{index}");
        let report =
            verify_attestations(&a, &key.public_key(), expect(&cyclonedx(), None)).unwrap();
        assert_eq!(report.referrers, referrers);
        assert_eq!((report.attestations.len(), report.verified()), (2, 2));
        assert_eq!(report.attestations[1].predicate.as_ref(), Some(&bom));
        // Neither is b's.
        let report =
            verify_attestations(&b, &key.public_key(), expect(&cyclonedx(), None)).unwrap();
        assert_eq!(report.attestations.len(), 0, "{report:?}");
        // Another key: found, refused.
        let stranger = crate::PrivateKey::generate().public_key();
        let report = verify_attestations(&a, &stranger, expect(&cyclonedx(), None)).unwrap();
        assert_eq!((report.attestations.len(), report.verified()), (2, 0));
        // The wrong predicate type: refused (the bundle's by its manifest annotation).
        let vuln = PredicateType::parse("vuln").unwrap();
        let report = verify_attestations(&a, &key.public_key(), expect(&vuln, None)).unwrap();
        assert_eq!(report.verified(), 0);
        for check in &report.attestations {
            assert!(
                check.reason.as_deref().unwrap().contains("not asked for"),
                "{check:?}"
            );
        }
    }

    #[test]
    fn a_referrer_of_another_image_listed_here_is_not_counted() {
        use crate::attest::{attest_subject, Storage};
        let (_dir, a, b) = layout();
        let key = crate::PrivateKey::generate();
        let b_subject = b.resolve().unwrap();
        let a_subject = a.resolve().unwrap();
        for storage in [Storage::Referrer, Storage::Bundle] {
            // Attested for b, then listed among a's referrers.
            let written = attest_subject(
                &b,
                &b_subject,
                &key,
                attestation(predicate::CYCLONEDX, json!({})),
                storage,
            )
            .unwrap();
            let digest = written.referrer.unwrap();
            let bytes = b
                .manifest_by_digest(&digest.parse().unwrap(), &[crate::manifest::OCI_MANIFEST])
                .unwrap();
            let crate::Target::Layout(layout) = &a else {
                unreachable!()
            };
            let entry = json!({"mediaType": crate::manifest::OCI_MANIFEST, "digest": digest, "size": bytes.len(), "artifactType": PAYLOAD_TYPE});
            layout.put_untagged(&bytes, entry).unwrap();
            // index.json lists every image's referrers: b's are simply not a's.
            let report =
                verify_attestations(&a, &key.public_key(), expect(&cyclonedx(), None)).unwrap();
            assert_eq!(report.verified(), 0, "{report:?}");
            assert!(report.referrers.is_empty());
            assert!(report.attestations.is_empty(), "{report:?}");
        }
        // b's own are still b's.
        let report =
            verify_attestations(&b, &key.public_key(), expect(&cyclonedx(), None)).unwrap();
        assert_eq!(report.verified(), 2);
        assert_ne!(a_subject.digest, b_subject.digest);
    }

    #[test]
    fn envelopes_copied_into_referrers_count_once_and_layers_are_bounded() {
        let (_dir, a, _b) = layout();
        let key = crate::PrivateKey::generate();
        let subject = a.resolve().unwrap();
        crate::attest::attest(&a, &key, attestation(predicate::CYCLONEDX, json!({}))).unwrap();
        let tag = tag_for(&subject.digest, SUFFIX);
        let att = SignatureManifest::parse(&a.manifest_at(&tag).unwrap().unwrap(), &tag).unwrap();
        let described = a.subject_descriptor(&subject).unwrap();
        let store = |layers: &[Descriptor]| {
            let built = crate::referrers::build_artifact(
                PAYLOAD_TYPE,
                layers,
                &BTreeMap::new(),
                &described,
            );
            a.put_blob(&built.config).unwrap();
            a.put_referrer(&subject, &built).unwrap();
        };
        // cosign's referrer writer copies the `.att` envelopes it finds: one check, not two.
        store(&att.layers);
        let report =
            verify_attestations(&a, &key.public_key(), expect(&cyclonedx(), None)).unwrap();
        assert_eq!(report.referrers.len(), 1);
        assert_eq!((report.attestations.len(), report.verified()), (1, 1));
        // Referrers holding more layers than a `.att` manifest may: refused before fetching.
        store(&vec![att.layers[0].clone(); MAX_SIGNATURES]);
        let err =
            verify_attestations(&a, &key.public_key(), expect(&cyclonedx(), None)).unwrap_err();
        assert!(matches!(err, SignError::TooMany { .. }), "{err}");
    }
}
