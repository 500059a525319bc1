//! Keyless verification against a PKI built in the test: every bundle format verifies, and
//! each way a bundle can be wrong is refused by the check that should refuse it.

use super::test_pki::{Format, Options, Pki, Signed, IDENTITY, ISSUER};
use super::trusted_root::TrustedRoot;
use super::verify::{verify, Check, Policy, Rejected, Verified};
use super::Bundle;
use crate::blob::Artifact;

pub(super) const ARTIFACT: &[u8] = b"seatbelt-1.0.0-x86_64-linux.tar.gz contents";

pub(super) fn policy() -> Policy {
    Policy {
        identity: IDENTITY.to_string(),
        issuer: ISSUER.to_string(),
    }
}

fn check(
    pki: &Pki,
    signed: &Signed,
    format: Format,
    artifact: &[u8],
    root: &str,
    policy: &Policy,
) -> Result<Verified, Rejected> {
    let json = signed.bundle(format, &pki.intermediate_der()).to_string();
    let bundle = Bundle::parse(json.as_bytes(), "bundle").unwrap();
    let root = TrustedRoot::parse(root.as_bytes(), "root").unwrap();
    verify(
        &bundle,
        &Artifact::from_bytes("artifact", artifact),
        &root,
        policy,
    )
}

/// [`check`] of the test artifact against the test PKI's trusted root and the default policy.
fn check_signed(pki: &Pki, signed: &Signed, format: Format) -> Result<Verified, Rejected> {
    check(
        pki,
        signed,
        format,
        ARTIFACT,
        &pki.trusted_root(),
        &policy(),
    )
}

pub(super) fn rejected_by(result: Result<Verified, Rejected>, expected: Check) {
    match result {
        Ok(v) => panic!("verified, expected a {expected:?} rejection: {v:?}"),
        Err(r) => assert_eq!(r.check, expected, "{r}"),
    }
}

pub(super) fn edit(
    value: &mut serde_json::Value,
    pointer: &str,
    f: impl FnOnce(&mut serde_json::Value),
) {
    f(value
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer}")));
}

pub(super) fn flip_b64(value: &mut serde_json::Value) {
    use base64::Engine;
    let engine = base64::engine::general_purpose::STANDARD;
    let mut bytes = engine.decode(value.as_str().unwrap()).unwrap();
    let last = bytes.len() - 1;
    bytes[last / 2] ^= 1;
    *value = serde_json::Value::String(engine.encode(bytes));
}

pub(super) fn verify_json(
    pki: &Pki,
    json: &serde_json::Value,
    artifact: &[u8],
) -> Result<Verified, Rejected> {
    let bundle = Bundle::parse(json.to_string().as_bytes(), "bundle").unwrap();
    let root = TrustedRoot::parse(pki.trusted_root().as_bytes(), "root").unwrap();
    verify(
        &bundle,
        &Artifact::from_bytes("a", artifact),
        &root,
        &policy(),
    )
}

#[test]
fn every_bundle_version_verifies() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    for format in [Format::Cosign, Format::V01, Format::V02, Format::V03] {
        let verified =
            check_signed(&pki, &signed, format).unwrap_or_else(|e| panic!("{format:?}: {e}"));
        assert_eq!(verified.signed_at, super::test_pki::SIGNED_AT);
        assert_eq!(verified.identity, IDENTITY);
        let how = &verified.log_entries[0];
        assert!(how.contains("signed entry timestamp"), "{how}");
        assert_eq!(
            how.contains("inclusion proof"),
            matches!(format, Format::V02 | Format::V03),
            "{how}"
        );
    }
}

#[test]
fn wrong_identity_is_refused() {
    let pki = Pki::new();
    let signed = pki.sign(
        ARTIFACT,
        &Options {
            identity: "https://github.com/evil/app/.github/workflows/release.yml@refs/heads/main"
                .into(),
            ..Options::default()
        },
    );
    rejected_by(check_signed(&pki, &signed, Format::V03), Check::Identity);
}

#[test]
fn identity_is_matched_exactly_not_as_a_prefix() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    let mut policy = policy();
    policy.identity = IDENTITY.trim_end_matches("main").to_string();
    rejected_by(
        check(
            &pki,
            &signed,
            Format::V03,
            ARTIFACT,
            &pki.trusted_root(),
            &policy,
        ),
        Check::Identity,
    );
}

#[test]
fn wrong_issuer_is_refused() {
    let pki = Pki::new();
    let signed = pki.sign(
        ARTIFACT,
        &Options {
            issuer: "https://accounts.example.com".into(),
            ..Options::default()
        },
    );
    rejected_by(check_signed(&pki, &signed, Format::V02), Check::Issuer);
}

#[test]
fn untrusted_ca_is_refused() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    // Another PKI's root, with this PKI's logs, so only the CA differs.
    let other = Pki::new();
    let mut root: serde_json::Value = serde_json::from_str(&pki.trusted_root()).unwrap();
    let theirs: serde_json::Value = serde_json::from_str(&other.trusted_root()).unwrap();
    root["certificateAuthorities"] = theirs["certificateAuthorities"].clone();
    rejected_by(
        check(
            &pki,
            &signed,
            Format::V01,
            ARTIFACT,
            &root.to_string(),
            &policy(),
        ),
        Check::Chain,
    );
}

#[test]
fn certificate_expired_at_integrated_time_is_refused() {
    let pki = Pki::new();
    // The log took the entry an hour after the ten-minute certificate expired.
    let signed = pki.sign(
        ARTIFACT,
        &Options {
            integrated_time: super::test_pki::SIGNED_AT + 3600,
            ..Options::default()
        },
    );
    rejected_by(check_signed(&pki, &signed, Format::V03), Check::Time);
}

#[test]
fn bad_or_missing_sct_is_refused() {
    let pki = Pki::new();
    for options in [
        Options {
            bad_sct: true,
            ..Options::default()
        },
        Options {
            no_sct: true,
            ..Options::default()
        },
    ] {
        let signed = pki.sign(ARTIFACT, &options);
        rejected_by(check_signed(&pki, &signed, Format::V03), Check::Sct);
    }
}

#[test]
fn tampered_set_is_refused() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    let mut json = signed.bundle(Format::V01, &pki.intermediate_der());
    edit(
        &mut json,
        "/verificationMaterial/tlogEntries/0/inclusionPromise/signedEntryTimestamp",
        flip_b64,
    );
    rejected_by(verify_json(&pki, &json, ARTIFACT), Check::Tlog);
    // The SET covers the integrated time: moving it breaks the SET.
    let mut json = signed.bundle(Format::V01, &pki.intermediate_der());
    edit(
        &mut json,
        "/verificationMaterial/tlogEntries/0/integratedTime",
        |v| *v = serde_json::json!("1700000100"),
    );
    rejected_by(verify_json(&pki, &json, ARTIFACT), Check::Tlog);
}

#[test]
fn wrong_inclusion_proof_is_refused() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    for pointer in [
        "/verificationMaterial/tlogEntries/0/inclusionProof/hashes/0",
        "/verificationMaterial/tlogEntries/0/inclusionProof/rootHash",
    ] {
        let mut json = signed.bundle(Format::V03, &pki.intermediate_der());
        edit(&mut json, pointer, flip_b64);
        rejected_by(verify_json(&pki, &json, ARTIFACT), Check::Tlog);
    }
    let mut json = signed.bundle(Format::V03, &pki.intermediate_der());
    edit(
        &mut json,
        "/verificationMaterial/tlogEntries/0/inclusionProof/logIndex",
        |v| *v = serde_json::json!("4"),
    );
    rejected_by(verify_json(&pki, &json, ARTIFACT), Check::Tlog);
}

#[test]
fn checkpoint_signed_by_another_key_is_refused() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    let other = Pki::new().sign(ARTIFACT, &Options::default());
    let mut json = signed.bundle(Format::V03, &pki.intermediate_der());
    // Same tree shape, but the other log's checkpoint: wrong root and wrong key.
    edit(
        &mut json,
        "/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint/envelope",
        |v| *v = serde_json::json!(other.checkpoint),
    );
    rejected_by(verify_json(&pki, &json, ARTIFACT), Check::Tlog);
}

#[test]
fn proof_without_set_gives_no_trusted_time() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    rejected_by(
        check_signed(&pki, &signed, Format::V03ProofOnly),
        Check::Time,
    );
}

#[test]
fn tampered_artifact_is_refused() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    // The cosign format states no digest, so the signature check is what refuses it; the
    // Sigstore formats state the digest, which refuses it first.
    rejected_by(
        check(
            &pki,
            &signed,
            Format::Cosign,
            b"tampered",
            &pki.trusted_root(),
            &policy(),
        ),
        Check::Tlog,
    );
    rejected_by(
        check(
            &pki,
            &signed,
            Format::V03,
            b"tampered",
            &pki.trusted_root(),
            &policy(),
        ),
        Check::Digest,
    );
}

#[test]
fn bundle_for_another_artifact_is_refused() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    let other = pki.sign(b"another artifact", &Options::default());
    // The other artifact's signature with this bundle's digest: the signature check refuses.
    let mut json = other.bundle(Format::V03, &pki.intermediate_der());
    edit(&mut json, "/messageSignature/messageDigest/digest", |v| {
        use base64::Engine;
        *v = serde_json::json!(base64::engine::general_purpose::STANDARD.encode(signed.sha256));
    });
    rejected_by(verify_json(&pki, &json, ARTIFACT), Check::Tlog);
    // Its log entry grafted onto this bundle: the body records another signature.
    let mut json = signed.bundle(Format::V01, &pki.intermediate_der());
    let theirs = other.bundle(Format::V01, &pki.intermediate_der());
    json["verificationMaterial"]["tlogEntries"] =
        theirs["verificationMaterial"]["tlogEntries"].clone();
    rejected_by(verify_json(&pki, &json, ARTIFACT), Check::Tlog);
}

#[test]
fn tampered_signature_is_refused() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    let mut json = signed.bundle(Format::V03, &pki.intermediate_der());
    edit(&mut json, "/messageSignature/signature", flip_b64);
    // The logged body no longer matches the signature.
    rejected_by(verify_json(&pki, &json, ARTIFACT), Check::Tlog);
}

#[test]
fn unknown_log_is_refused() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    let mut root: serde_json::Value = serde_json::from_str(&pki.trusted_root()).unwrap();
    root["tlogs"] = serde_json::json!([]);
    rejected_by(
        check(
            &pki,
            &signed,
            Format::V02,
            ARTIFACT,
            &root.to_string(),
            &policy(),
        ),
        Check::Tlog,
    );
}

#[test]
fn version_rules_and_garbage_are_parse_errors() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    // v0.2 requires an inclusion proof.
    let mut json = signed.bundle(Format::V01, &pki.intermediate_der());
    json["mediaType"] = serde_json::json!("application/vnd.dev.sigstore.bundle+json;version=0.2");
    assert!(Bundle::parse(json.to_string().as_bytes(), "b").is_err());
    // v0.1 requires a SET.
    let mut json = signed.bundle(Format::V03ProofOnly, &pki.intermediate_der());
    json["mediaType"] = serde_json::json!("application/vnd.dev.sigstore.bundle+json;version=0.1");
    assert!(Bundle::parse(json.to_string().as_bytes(), "b").is_err());
    let full = signed
        .bundle(Format::V03, &pki.intermediate_der())
        .to_string();
    for cut in [0, 1, full.len() / 3, full.len() / 2, full.len() - 1] {
        assert!(
            Bundle::parse(&full.as_bytes()[..cut], "b").is_err(),
            "cut {cut}"
        );
    }
    for garbage in [
        &b"[]"[..],
        b"null",
        b"{}",
        b"{\"mediaType\":1}",
        b"\xff\xfe",
    ] {
        assert!(Bundle::parse(garbage, "b").is_err());
    }
}
