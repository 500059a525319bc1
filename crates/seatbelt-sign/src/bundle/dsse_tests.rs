//! Keyless DSSE bundles (attestations): the statement's subject is the artifact, the
//! signature is over the PAE, and the log entry (`dsse` or `intoto`) must record this envelope.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest as _, Sha256};

use super::test_dsse::{statement, DsseKind};
use super::test_pki::{Format, Options, Pki, SIGNED_AT};
use super::tests::{edit, rejected_by, verify_json, ARTIFACT};
use super::verify::Check;

fn about_artifact() -> Vec<u8> {
    statement(
        &Sha256::digest(ARTIFACT),
        serde_json::json!({ "builder": "ci" }),
    )
}

#[test]
fn dsse_bundles_verify() {
    let pki = Pki::new();
    for kind in [DsseKind::Dsse, DsseKind::Intoto] {
        let signed = pki.sign_dsse(&about_artifact(), kind, &Options::default());
        for format in [Format::V01, Format::V02, Format::V03] {
            let json = signed.bundle(format, &pki.intermediate_der());
            let verified = verify_json(&pki, &json, ARTIFACT)
                .unwrap_or_else(|e| panic!("{kind:?} {format:?}: {e}"));
            assert_eq!(verified.signed_at, SIGNED_AT);
            assert_eq!(
                verified.predicate_type.as_deref(),
                Some("https://slsa.dev/provenance/v1")
            );
        }
    }
}

#[test]
fn dsse_bundle_with_only_a_timestamp_verifies() {
    let pki = Pki::new();
    let signed = pki.sign_dsse(&about_artifact(), DsseKind::Dsse, &Options::default());
    let mut json = signed.bundle(Format::V03ProofOnly, &pki.intermediate_der());
    // The TSA stamps the envelope's signature.
    let der = pki.tsa.stamp(&signed.signature, SIGNED_AT + 1);
    json["verificationMaterial"]["timestampVerificationData"] = serde_json::json!({
        "rfc3161Timestamps": [{ "signedTimestamp": STANDARD.encode(&der) }]
    });
    assert_eq!(
        verify_json(&pki, &json, ARTIFACT).unwrap().signed_at,
        SIGNED_AT + 1
    );
    // A timestamp over the payload instead is for other bytes.
    let payload = about_artifact();
    let der = pki.tsa.stamp(&payload, SIGNED_AT + 1);
    json["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"][0]
        ["signedTimestamp"] = serde_json::json!(STANDARD.encode(der));
    rejected_by(verify_json(&pki, &json, ARTIFACT), Check::Time);
}

#[test]
fn tampered_payload_is_refused() {
    let pki = Pki::new();
    for kind in [DsseKind::Dsse, DsseKind::Intoto] {
        let signed = pki.sign_dsse(&about_artifact(), kind, &Options::default());
        let mut json = signed.bundle(Format::V03, &pki.intermediate_der());
        // Same subject, another predicate: the log entry's payload hash no longer matches.
        let forged = statement(
            &Sha256::digest(ARTIFACT),
            serde_json::json!({ "builder": "evil" }),
        );
        edit(&mut json, "/dsseEnvelope/payload", |v| {
            *v = serde_json::json!(STANDARD.encode(&forged));
        });
        rejected_by(verify_json(&pki, &json, ARTIFACT), Check::Tlog);
    }
    // A log entry that matches the envelope, but a signature over another payload: the
    // signature check itself refuses it.
    let mut other = about_artifact();
    other.push(b' ');
    let signed = pki.sign_dsse_over(
        &about_artifact(),
        &other,
        DsseKind::Dsse,
        &Options::default(),
    );
    let json = signed.bundle(Format::V03, &pki.intermediate_der());
    rejected_by(verify_json(&pki, &json, ARTIFACT), Check::Signature);
}

#[test]
fn wrong_subject_digest_is_refused() {
    let pki = Pki::new();
    let payload = statement(&Sha256::digest(b"another artifact"), serde_json::json!({}));
    let signed = pki.sign_dsse(&payload, DsseKind::Intoto, &Options::default());
    let json = signed.bundle(Format::V03, &pki.intermediate_der());
    rejected_by(verify_json(&pki, &json, ARTIFACT), Check::Digest);
}

#[test]
fn log_entry_for_another_envelope_is_refused() {
    let pki = Pki::new();
    for kind in [DsseKind::Dsse, DsseKind::Intoto] {
        let signed = pki.sign_dsse(&about_artifact(), kind, &Options::default());
        let other = pki.sign_dsse(&about_artifact(), kind, &Options::default());
        let mut json = signed.bundle(Format::V01, &pki.intermediate_der());
        let theirs = other.bundle(Format::V01, &pki.intermediate_der());
        json["verificationMaterial"]["tlogEntries"] =
            theirs["verificationMaterial"]["tlogEntries"].clone();
        rejected_by(verify_json(&pki, &json, ARTIFACT), Check::Tlog);
    }
    // A hashedrekord entry cannot vouch for an envelope.
    let signed = pki.sign_dsse(&about_artifact(), DsseKind::Dsse, &Options::default());
    let blob = pki.sign(ARTIFACT, &Options::default());
    let mut json = signed.bundle(Format::V01, &pki.intermediate_der());
    let theirs = blob.bundle(Format::V01, &pki.intermediate_der());
    json["verificationMaterial"]["tlogEntries"] =
        theirs["verificationMaterial"]["tlogEntries"].clone();
    rejected_by(verify_json(&pki, &json, ARTIFACT), Check::Tlog);
}

#[test]
fn envelopes_sigstore_does_not_write_are_refused() {
    let pki = Pki::new();
    let signed = pki.sign_dsse(&about_artifact(), DsseKind::Dsse, &Options::default());
    let mut json = signed.bundle(Format::V03, &pki.intermediate_der());
    edit(&mut json, "/dsseEnvelope/signatures", |v| {
        let one = v[0].clone();
        *v = serde_json::json!([one.clone(), one]);
    });
    rejected_by(verify_json(&pki, &json, ARTIFACT), Check::Bundle);
    let mut json = signed.bundle(Format::V03, &pki.intermediate_der());
    edit(&mut json, "/dsseEnvelope", |v| *v = serde_json::json!({}));
    rejected_by(verify_json(&pki, &json, ARTIFACT), Check::Bundle);
    // Not an in-toto statement: there is no subject to match the artifact against.
    let mut json = signed.bundle(Format::V03, &pki.intermediate_der());
    edit(&mut json, "/dsseEnvelope/payloadType", |v| {
        *v = serde_json::json!("text/plain");
    });
    rejected_by(verify_json(&pki, &json, ARTIFACT), Check::Digest);
}
