//! Verifying an image: every signature stored for exactly the resolved digest is checked — the
//! signature over the payload bytes, the payload's digest and identity against the resolved
//! image, and the annotations asked for. Each gets a verdict; the caller decides what passes.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Serialize;
use serde_json::Value;

use crate::blob::Artifact;
use crate::bundle::trusted_root::TrustedRoot;
use crate::bundle::Bundle;
use crate::limits::{MAX_PAYLOAD_BYTES, MAX_SIGNATURES};
use crate::manifest::{tag_for, Descriptor, SignatureManifest, SIGNATURE_ANNOTATION};
use crate::payload::{SimpleSigning, MEDIA_TYPE};
use crate::referrers::SIGNATURE_ARTIFACT_TYPE;
use crate::{PublicKey, SignError, Target};

/// The layer annotation cosign puts a keyless signature's Fulcio certificate in (PEM).
pub const CERTIFICATE_ANNOTATION: &str = "dev.sigstore.cosign/certificate";
/// The layer annotation cosign puts the Rekor entry's signed timestamp and body in (JSON).
pub const BUNDLE_ANNOTATION: &str = "dev.sigstore.cosign/bundle";

/// What a signature must verify against.
#[derive(Clone, Copy)]
pub enum Verifier<'a> {
    /// A public key known out of band.
    Key(&'a PublicKey),
    /// Keyless (Fulcio certificate + Rekor entry), checked offline against a trusted root for
    /// exactly this identity and issuer.
    Keyless {
        /// The CAs, CT logs and transparency logs to trust.
        root: &'a TrustedRoot,
        /// The identity and issuer the certificate must name.
        policy: &'a crate::bundle::verify::Policy,
    },
}

/// The verdict on one stored signature.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureCheck {
    /// The payload layer's digest.
    pub payload_digest: String,
    /// Whether it verified.
    pub verified: bool,
    /// Why not, when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The payload's identity, when the payload could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docker_reference: Option<String>,
    /// The payload's annotations, when it verified.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, Value>,
}

/// Everything verification found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The digest verification was bound to.
    pub digest: String,
    /// The repository, for registry images.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// The tag signatures were looked for at.
    pub signature_tag: String,
    /// One verdict per stored signature.
    pub signatures: Vec<SignatureCheck>,
    /// The OCI 1.1 signature referrers of the digest that were read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub referrers: Vec<String>,
}

impl Report {
    /// How many signatures verified.
    pub fn verified(&self) -> usize {
        self.signatures.iter().filter(|s| s.verified).count()
    }
}

/// Verifies the signatures of the image `target` resolves to: those at its `.sig` tag and
/// those stored as OCI 1.1 referrers of its digest.
pub fn verify(
    target: &Target,
    key: &PublicKey,
    annotations: &BTreeMap<String, String>,
) -> Result<Report, SignError> {
    verify_with(target, Verifier::Key(key), annotations)
}

/// Verifies as [`verify`] does, with a key or keyless.
pub fn verify_with(
    target: &Target,
    verifier: Verifier<'_>,
    annotations: &BTreeMap<String, String>,
) -> Result<Report, SignError> {
    let subject = target.resolve()?;
    let tag = tag_for(&subject.digest, "sig");
    let mut report = Report {
        digest: subject.digest.to_string(),
        identity: subject.identity.clone(),
        signature_tag: tag.clone(),
        signatures: Vec::new(),
        referrers: Vec::new(),
    };
    let mut layers: Vec<Descriptor> = Vec::new();
    if let Some(bytes) = target.manifest_at(&tag)? {
        layers.extend(SignatureManifest::parse(&bytes, &tag)?.layers);
    }
    let found = target.find_referrers(&subject, &[SIGNATURE_ARTIFACT_TYPE], &[])?;
    // A broken listing fails its own entry; signatures found elsewhere still count.
    for (digest, e) in found.broken {
        report.signatures.push(SignatureCheck {
            payload_digest: digest,
            verified: false,
            reason: Some(e.to_string()),
            docker_reference: None,
            annotations: BTreeMap::new(),
        });
    }
    for referrer in found.referrers {
        report.referrers.push(referrer.digest);
        layers.extend(referrer.manifest.layers);
    }
    if layers.len() > MAX_SIGNATURES {
        return Err(SignError::TooMany {
            what: format!("the signatures of {}", subject.digest),
            count: layers.len(),
            limit: MAX_SIGNATURES,
        });
    }
    // The same signature may be both at the tag and in a referrer (cosign copies the tag's
    // signatures into the referrers it writes): check it once.
    let mut seen = std::collections::HashSet::new();
    layers.retain(|l| {
        seen.insert((
            l.digest.clone(),
            l.annotation(SIGNATURE_ANNOTATION).map(str::to_string),
        ))
    });
    for layer in &layers {
        let mut check = SignatureCheck {
            payload_digest: layer.digest.clone(),
            verified: false,
            reason: None,
            docker_reference: None,
            annotations: BTreeMap::new(),
        };
        match check_layer(target, verifier, layer, &subject, annotations, &mut check) {
            Ok(()) => check.verified = true,
            Err(reason) => check.reason = Some(reason),
        }
        report.signatures.push(check);
    }
    Ok(report)
}

fn check_layer(
    target: &Target,
    verifier: Verifier<'_>,
    layer: &Descriptor,
    subject: &crate::Subject,
    wanted: &BTreeMap<String, String>,
    check: &mut SignatureCheck,
) -> Result<(), String> {
    if layer.media_type != MEDIA_TYPE {
        return Err(format!(
            "layer media type is {}, not {MEDIA_TYPE}",
            layer.media_type
        ));
    }
    let signature = layer
        .annotation(SIGNATURE_ANNOTATION)
        .ok_or("the layer has no signature annotation")?;
    let signature_text = signature;
    let signature = STANDARD
        .decode(signature)
        .map_err(|e| format!("the signature is not base64: {e}"))?;
    // A failing size check here is an error for this signature, not for the whole run: other
    // signatures may still verify.
    let payload = target
        .blob(&layer.digest, layer.size, MAX_PAYLOAD_BYTES)
        .map_err(|e| e.to_string())?;
    match verifier {
        Verifier::Key(key) => {
            if !key.verify(&payload, &signature) {
                return Err("the signature does not match the payload under this key".to_string());
            }
        }
        Verifier::Keyless { root, policy } => {
            let bundle = keyless_bundle(layer, signature_text)?;
            let artifact = Artifact::from_bytes(&format!("payload {}", layer.digest), &payload);
            crate::bundle::verify::verify(&bundle, &artifact, root, policy)
                .map_err(|rejected| rejected.to_string())?;
        }
    }
    let parsed = SimpleSigning::parse(&payload, &layer.digest).map_err(|e| e.to_string())?;
    check.docker_reference = Some(parsed.critical.identity.docker_reference.clone());
    let signed_digest = &parsed.critical.image.docker_manifest_digest;
    if *signed_digest != subject.digest.to_string() {
        return Err(format!(
            "the payload signs {signed_digest}, not this image ({})",
            subject.digest
        ));
    }
    if let Some(identity) = &subject.identity {
        if parsed.critical.identity.docker_reference != *identity {
            return Err(format!(
                "the payload names repository {}, not {identity}",
                parsed.critical.identity.docker_reference
            ));
        }
    }
    if !parsed.has_annotations(wanted) {
        return Err("the payload lacks an annotation asked for with -a".to_string());
    }
    check.annotations = parsed.optional.unwrap_or_default();
    Ok(())
}

/// A keyless signature layer read as the cosign bundle it is: cosign stores the same three
/// things (signature, certificate, Rekor bundle) as annotations of the `.sig` layer.
fn keyless_bundle(layer: &Descriptor, signature: &str) -> Result<Bundle, String> {
    let certificate = layer
        .annotation(CERTIFICATE_ANNOTATION)
        .ok_or("the layer has no certificate: it was signed with a key, not keyless (use --key)")?;
    let rekor = layer.annotation(BUNDLE_ANNOTATION).ok_or(
        "the layer has no Rekor bundle: offline keyless verification needs the log's signed entry timestamp",
    )?;
    let rekor: Value = serde_json::from_str(rekor)
        .map_err(|e| format!("the Rekor bundle annotation is not JSON: {e}"))?;
    let cosign_bundle = serde_json::json!({
        "base64Signature": signature,
        "cert": STANDARD.encode(certificate),
        "rekorBundle": rekor,
    });
    Bundle::parse(
        cosign_bundle.to_string().as_bytes(),
        "the signature layer's annotations",
    )
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use seatbelt_image::ManifestSelector;
    use seatbelt_types::Digest;

    /// A minimal OCI layout with one (fake) image manifest tagged `t`.
    fn layout() -> (tempfile::TempDir, Target) {
        let dir = tempfile::tempdir().unwrap();
        let manifest = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}"#;
        let digest = seatbelt_types::Digest::sha256_of(manifest);
        let blobs = dir.path().join("blobs/sha256");
        std::fs::create_dir_all(&blobs).unwrap();
        std::fs::write(blobs.join(digest.hex()), manifest).unwrap();
        std::fs::write(
            dir.path().join("oci-layout"),
            r#"{"imageLayoutVersion":"1.0.0"}"#,
        )
        .unwrap();
        let index = serde_json::json!({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":digest.to_string(),"size":manifest.len(),"annotations":{"org.opencontainers.image.ref.name":"t"}}]});
        std::fs::write(dir.path().join("index.json"), index.to_string()).unwrap();
        let target = Target::Layout(crate::layout::Layout::new(
            dir.path().to_path_buf(),
            ManifestSelector::Tag("t".into()),
        ));
        (dir, target)
    }

    #[test]
    fn referrers_in_a_layout_are_found_and_bound_to_their_subject() {
        let (dir, target) = layout();
        let key = crate::PrivateKey::generate();
        let signed = crate::sign::sign_with(
            &target,
            &key,
            &BTreeMap::new(),
            crate::referrers::ReferrersMode::Oci11,
        )
        .unwrap();
        let referrer = signed.referrer.clone().unwrap();
        // No .sig tag: the signature is only reachable as a referrer.
        let index = std::fs::read_to_string(dir.path().join("index.json")).unwrap();
        assert!(!index.contains(".sig\""), "{index}");
        assert!(index.contains(crate::referrers::SIGNATURE_ARTIFACT_TYPE));
        let report = verify(&target, &key.public_key(), &BTreeMap::new()).unwrap();
        assert_eq!(report.verified(), 1, "{report:?}");
        assert_eq!(report.referrers, vec![referrer.clone()]);
        // The image is still the only image of the layout.
        let only = Target::Layout(crate::layout::Layout::new(
            dir.path().to_path_buf(),
            ManifestSelector::Only,
        ));
        assert_eq!(only.resolve().unwrap().digest.to_string(), report.digest);
        // A legacy signature too: both are checked, once each.
        crate::sign::sign(&target, &key, &BTreeMap::new()).unwrap();
        let report = verify(&target, &key.public_key(), &BTreeMap::new()).unwrap();
        assert_eq!((report.signatures.len(), report.verified()), (1, 1));
        crate::sign::sign(&target, &crate::PrivateKey::generate(), &BTreeMap::new()).unwrap();
        let report = verify(&target, &key.public_key(), &BTreeMap::new()).unwrap();
        assert_eq!((report.signatures.len(), report.verified()), (2, 1));

        // A referrer whose subject is another image, listed in the same index.json (which lists
        // the referrers of every image of the layout) and carrying this image's good signature:
        // not this image's, so not read. (In a registry, where the list is per image, it is
        // reported as rejected: tests/sign_cli.rs.)
        let other = crate::referrers::Subjected {
            media_type: crate::manifest::OCI_MANIFEST.to_string(),
            digest: seatbelt_types::Digest::sha256_of(b"another image").to_string(),
            size: 3,
        };
        let stored: serde_json::Value = serde_json::from_slice(
            &target
                .manifest_by_digest(&referrer.parse().unwrap(), &[crate::manifest::OCI_MANIFEST])
                .unwrap(),
        )
        .unwrap();
        let layers: Vec<crate::manifest::Descriptor> =
            serde_json::from_value(stored["layers"].clone()).unwrap();
        let foreign = crate::referrers::build(layers, &other);
        let subject = target.resolve().unwrap();
        target.put_blob(&foreign.config).unwrap();
        target.put_referrer(&subject, &foreign).unwrap();
        let report = verify(&target, &key.public_key(), &BTreeMap::new()).unwrap();
        assert_eq!(report.referrers, vec![referrer.clone()]);
        assert_eq!((report.signatures.len(), report.verified()), (2, 1));
        assert!(report
            .signatures
            .iter()
            .all(|c| c.payload_digest != foreign.entry.digest));
    }

    /// Stores a keyless signature of the image's payload the way cosign does: signature,
    /// Fulcio certificate (PEM) and Rekor bundle as annotations of the `.sig` layer.
    fn store_keyless(
        target: &Target,
        pki: &crate::bundle::test_pki::Pki,
        options: &crate::bundle::test_pki::Options,
        digest_override: Option<&str>,
    ) {
        let subject = target.resolve().unwrap();
        let digest = digest_override.map_or(subject.digest.to_string(), str::to_string);
        let payload = SimpleSigning::new("", &digest, &BTreeMap::new()).to_bytes();
        let signed = pki.sign(&payload, options);
        let bundle = signed.bundle(
            crate::bundle::test_pki::Format::Cosign,
            &pki.intermediate_der(),
        );
        let pem = STANDARD.decode(bundle["cert"].as_str().unwrap()).unwrap();
        let layer = Descriptor {
            media_type: MEDIA_TYPE.to_string(),
            size: payload.len() as u64,
            digest: Digest::sha256_of(&payload).to_string(),
            annotations: Some(BTreeMap::from([
                (
                    SIGNATURE_ANNOTATION.to_string(),
                    bundle["base64Signature"].as_str().unwrap().to_string(),
                ),
                (
                    CERTIFICATE_ANNOTATION.to_string(),
                    String::from_utf8(pem).unwrap(),
                ),
                (
                    BUNDLE_ANNOTATION.to_string(),
                    bundle["rekorBundle"].to_string(),
                ),
            ])),
        };
        crate::sign::append_layer(target, &subject, "sig", &payload, layer).unwrap();
    }

    #[test]
    fn keyless_signatures_verify_for_exactly_the_identity_and_issuer_asked_for() {
        use crate::bundle::test_pki::{Options, Pki, IDENTITY, ISSUER};
        use crate::bundle::verify::Policy;
        let (_dir, target) = layout();
        let pki = Pki::new();
        let root = TrustedRoot::parse(pki.trusted_root().as_bytes(), "root").unwrap();
        let policy = |identity: &str, issuer: &str| Policy {
            identity: identity.to_string(),
            issuer: issuer.to_string(),
        };
        let check = |policy: &Policy| {
            let verifier = Verifier::Keyless {
                root: &root,
                policy,
            };
            verify_with(&target, verifier, &BTreeMap::new()).unwrap()
        };
        store_keyless(&target, &pki, &Options::default(), None);
        let good = check(&policy(IDENTITY, ISSUER));
        assert_eq!(good.verified(), 1, "{good:?}");

        // Another identity, another issuer, or a key instead of the certificate: nothing verifies.
        let other = check(&policy(
            "https://github.com/evil/repo/.github/workflows/x.yml@refs/heads/main",
            ISSUER,
        ));
        assert_eq!(other.verified(), 0, "{other:?}");
        let other = check(&policy(IDENTITY, "https://accounts.google.com"));
        assert_eq!(other.verified(), 0, "{other:?}");
        let key = crate::PrivateKey::generate();
        let with_key = verify(&target, &key.public_key(), &BTreeMap::new()).unwrap();
        assert_eq!(with_key.verified(), 0);

        // A certificate whose SCT no CT log in the root signed, and a payload for another
        // digest stored at this image's tag: refused, while the good one still counts.
        let bad_sct = Options {
            bad_sct: true,
            ..Options::default()
        };
        store_keyless(&target, &pki, &bad_sct, None);
        let other_digest = format!("sha256:{}", "ab".repeat(32));
        store_keyless(&target, &pki, &Options::default(), Some(&other_digest));
        let report = check(&policy(IDENTITY, ISSUER));
        assert_eq!(
            (report.signatures.len(), report.verified()),
            (3, 1),
            "{report:?}"
        );
        assert!(report.signatures.iter().any(|s| s
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("not this image"))));

        // A key-signed layer checked keyless says what is missing.
        crate::sign::sign(&target, &key, &BTreeMap::new()).unwrap();
        let report = check(&policy(IDENTITY, ISSUER));
        assert!(report.signatures.iter().any(|s| s
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("signed with a key"))));
    }

    #[test]
    fn sign_then_verify_in_a_layout() {
        let (_dir, target) = layout();
        let key = crate::PrivateKey::generate();
        let annotations = BTreeMap::from([("env".to_string(), "prod".to_string())]);
        let signed = crate::sign::sign(&target, &key, &annotations).unwrap();
        assert_eq!(signed.signatures, 1);
        let report = verify(&target, &key.public_key(), &annotations).unwrap();
        assert_eq!(report.verified(), 1, "{report:?}");
        // A second signature appends; the first still verifies.
        crate::sign::sign(&target, &crate::PrivateKey::generate(), &BTreeMap::new()).unwrap();
        let report = verify(&target, &key.public_key(), &BTreeMap::new()).unwrap();
        assert_eq!((report.signatures.len(), report.verified()), (2, 1));
        // Asking for an annotation the payload lacks fails it.
        let other = BTreeMap::from([("env".to_string(), "dev".to_string())]);
        assert_eq!(
            verify(&target, &key.public_key(), &other)
                .unwrap()
                .verified(),
            0
        );
        // The wrong key verifies nothing.
        let stranger = crate::PrivateKey::generate().public_key();
        assert_eq!(
            verify(&target, &stranger, &BTreeMap::new())
                .unwrap()
                .verified(),
            0
        );
    }
}
