//! RFC 3161 timestamps as the trusted signing time: a bundle whose log entry has only an
//! inclusion proof (no SET) verifies with a timestamp from the trusted TSA, and each way the
//! timestamp can be wrong refuses it.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::test_pki::{Format, Options, Pki, Signed, SIGNED_AT};
use super::test_tsa::{Eku, Tsa};
use super::tests::{rejected_by, verify_json, ARTIFACT};
use super::tsa;
use super::verify::{Check, Rejected, Verified};

/// A v0.3 bundle without a SET, so its only trusted time is the timestamp `der`.
fn stamped(pki: &Pki, signed: &Signed, der: &[u8]) -> serde_json::Value {
    let mut json = signed.bundle(Format::V03ProofOnly, &pki.intermediate_der());
    json["verificationMaterial"]["timestampVerificationData"] = serde_json::json!({
        "rfc3161Timestamps": [{ "signedTimestamp": STANDARD.encode(der) }]
    });
    json
}

fn verify_with_root(
    json: &serde_json::Value,
    root: &serde_json::Value,
) -> Result<Verified, Rejected> {
    let bundle = super::Bundle::parse(json.to_string().as_bytes(), "bundle").unwrap();
    let root =
        super::trusted_root::TrustedRoot::parse(root.to_string().as_bytes(), "root").unwrap();
    super::verify::verify(
        &bundle,
        &crate::blob::Artifact::from_bytes("a", ARTIFACT),
        &root,
        &super::tests::policy(),
    )
}

fn reason_of(result: Result<Verified, Rejected>) -> String {
    match result {
        Ok(v) => panic!("verified: {v:?}"),
        Err(r) => {
            assert_eq!(r.check, Check::Time, "{r}");
            r.reason
        }
    }
}

#[test]
fn timestamp_alone_gives_the_signing_time() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    let when = SIGNED_AT + 30;
    for der in [
        pki.tsa.stamp(&signed.signature, when),
        pki.tsa.token(&signed.signature, when),
    ] {
        let verified = verify_json(&pki, &stamped(&pki, &signed, &der), ARTIFACT).unwrap();
        assert_eq!(verified.signed_at, when);
        assert_eq!(verified.timestamps, [format!("https://tsa.test at {when}")]);
    }
}

#[test]
fn timestamp_and_set_both_count() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    let mut json = signed.bundle(Format::V03, &pki.intermediate_der());
    let der = pki.tsa.stamp(&signed.signature, SIGNED_AT + 5);
    json["verificationMaterial"]["timestampVerificationData"] = serde_json::json!({
        "rfc3161Timestamps": [{ "signedTimestamp": STANDARD.encode(&der) }]
    });
    let verified = verify_json(&pki, &json, ARTIFACT).unwrap();
    assert_eq!(verified.signed_at, SIGNED_AT);
    assert_eq!(verified.timestamps.len(), 1);
    // A failing timestamp refuses the bundle even when the SET alone would have sufficed.
    let bad = pki.tsa.stamp(b"another signature", SIGNED_AT + 5);
    json["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"][0]
        ["signedTimestamp"] = serde_json::json!(STANDARD.encode(bad));
    rejected_by(verify_json(&pki, &json, ARTIFACT), Check::Time);
}

#[test]
fn timestamp_over_other_bytes_is_refused() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    let der = pki.tsa.stamp(&signed.sha256, SIGNED_AT);
    let reason = reason_of(verify_json(&pki, &stamped(&pki, &signed, &der), ARTIFACT));
    assert!(reason.contains("other bytes"), "{reason}");
}

#[test]
fn timestamp_from_an_untrusted_tsa_is_refused() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    let stranger = Tsa::new(Eku::Critical);
    let der = stranger.stamp(&signed.signature, SIGNED_AT);
    let reason = reason_of(verify_json(&pki, &stamped(&pki, &signed, &der), ARTIFACT));
    assert!(
        reason.contains("not from a trusted timestamp authority"),
        "{reason}"
    );
    // A trusted root without timestamp authorities cannot vouch for any timestamp.
    let der = pki.tsa.stamp(&signed.signature, SIGNED_AT);
    let mut root: serde_json::Value = serde_json::from_str(&pki.trusted_root()).unwrap();
    root["timestampAuthorities"] = serde_json::json!([]);
    let reason = reason_of(verify_with_root(&stamped(&pki, &signed, &der), &root));
    assert!(reason.contains("no timestamp authority"), "{reason}");
}

#[test]
fn tsa_certificate_without_critical_time_stamping_is_refused() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    for eku in [Eku::Missing, Eku::NotCritical] {
        let tsa = Tsa::new(eku);
        let mut root: serde_json::Value = serde_json::from_str(&pki.trusted_root()).unwrap();
        root["timestampAuthorities"] = serde_json::json!([tsa.authority()]);
        let der = tsa.stamp(&signed.signature, SIGNED_AT);
        let reason = reason_of(verify_with_root(&stamped(&pki, &signed, &der), &root));
        assert!(
            reason.contains("not a TSA certificate"),
            "{eku:?}: {reason}"
        );
    }
    // The same root with a proper TSA verifies: only the EKU differed.
    let tsa = Tsa::new(Eku::Critical);
    let mut root: serde_json::Value = serde_json::from_str(&pki.trusted_root()).unwrap();
    root["timestampAuthorities"] = serde_json::json!([tsa.authority()]);
    let der = tsa.stamp(&signed.signature, SIGNED_AT);
    verify_with_root(&stamped(&pki, &signed, &der), &root).unwrap();
}

#[test]
fn gen_time_outside_the_certificate_validity_is_refused() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    // The Fulcio certificate lives ten minutes; the TSA's a year.
    for when in [SIGNED_AT - 3600, SIGNED_AT + 3600] {
        let der = pki.tsa.stamp(&signed.signature, when);
        let reason = reason_of(verify_json(&pki, &stamped(&pki, &signed, &der), ARTIFACT));
        assert!(reason.contains("not valid at signing time"), "{reason}");
    }
    // Outside the TSA certificate's own validity (two years on).
    let der = pki
        .tsa
        .stamp(&signed.signature, SIGNED_AT + 2 * 365 * 24 * 3600);
    let reason = reason_of(verify_json(&pki, &stamped(&pki, &signed, &der), ARTIFACT));
    assert!(reason.contains("TSA certificate's validity"), "{reason}");
}

#[test]
fn gen_time_outside_the_authority_valid_for_is_refused() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    let der = pki.tsa.stamp(&signed.signature, SIGNED_AT);
    let mut root: serde_json::Value = serde_json::from_str(&pki.trusted_root()).unwrap();
    // The authority was only trusted from the day after.
    root["timestampAuthorities"][0]["validFor"] =
        serde_json::json!({ "start": "2023-11-15T22:13:20Z" });
    let reason = reason_of(verify_with_root(&stamped(&pki, &signed, &der), &root));
    assert!(
        reason.contains("outside the authority's validity"),
        "{reason}"
    );
    root["timestampAuthorities"][0]["validFor"] =
        serde_json::json!({ "start": "2020-01-01T00:00:00Z", "end": "2023-11-14T00:00:00Z" });
    let reason = reason_of(verify_with_root(&stamped(&pki, &signed, &der), &root));
    assert!(
        reason.contains("outside the authority's validity"),
        "{reason}"
    );
}

#[test]
fn tampered_timestamp_is_refused() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    let der = pki.tsa.stamp(&signed.signature, SIGNED_AT);
    // The last bytes are the ECDSA signature's `s`.
    let mut altered = der.clone();
    let last = altered.len() - 1;
    altered[last] ^= 1;
    let reason = reason_of(verify_json(
        &pki,
        &stamped(&pki, &signed, &altered),
        ARTIFACT,
    ));
    assert!(reason.contains("does not verify"), "{reason}");
    // genTime moved inside the TSTInfo: the signed message digest no longer matches.
    let text = b"20231114221320Z";
    let at = der
        .windows(text.len())
        .position(|w| w == text)
        .expect("genTime in the token");
    let mut moved = der.clone();
    moved[at + 11] = b'5';
    let reason = reason_of(verify_json(&pki, &stamped(&pki, &signed, &moved), ARTIFACT));
    assert!(reason.contains("message digest"), "{reason}");
}

#[test]
fn truncated_or_garbage_timestamps_are_clear_errors() {
    let pki = Pki::new();
    let signed = pki.sign(ARTIFACT, &Options::default());
    let der = pki.tsa.stamp(&signed.signature, SIGNED_AT);
    for cut in [0, 1, 2, 10, der.len() / 2, der.len() - 1] {
        let err = tsa::parse(&der[..cut], "ts").unwrap_err().to_string();
        assert!(err.contains("ts"), "{err}");
        let reason = reason_of(verify_json(
            &pki,
            &stamped(&pki, &signed, &der[..cut]),
            ARTIFACT,
        ));
        assert!(reason.starts_with("RFC 3161 timestamp 1:"), "{reason}");
    }
    for garbage in [
        &b"\x30\x80"[..],
        b"\xff\xff\xff\xff",
        b"\x30\x03\x02\x01\x02",
    ] {
        assert!(tsa::parse(garbage, "ts").is_err());
    }
    // A refused request (status 2) carries no token.
    let err = tsa::parse(b"\x30\x05\x30\x03\x02\x01\x02", "ts").unwrap_err();
    assert!(err.to_string().contains("refused"), "{err}");
    let huge = vec![0u8; crate::limits::MAX_TIMESTAMP_BYTES + 1];
    assert!(matches!(
        tsa::parse(&huge, "ts"),
        Err(crate::SignError::TooLarge { .. })
    ));
}

#[test]
fn a_timestamp_openssl_wrote_verifies() {
    // P-384 TSA, SHA-384 imprint and signature, ESS cert id, nonce, accuracy, TSA name: see
    // testdata/README.md.
    let der = include_bytes!("testdata/openssl-ts.tsr");
    let chain = [
        &include_bytes!("testdata/openssl-tsa.der")[..],
        &include_bytes!("testdata/openssl-tsa-root.der")[..],
    ];
    let root = serde_json::json!({
        "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
        "timestampAuthorities": [{
            "uri": "https://openssl.test",
            "certChain": { "certificates": chain
                .iter()
                .map(|c| serde_json::json!({ "rawBytes": STANDARD.encode(c) }))
                .collect::<Vec<_>>() },
            "validFor": { "start": "2020-01-01T00:00:00Z" }
        }]
    });
    let root =
        super::trusted_root::TrustedRoot::parse(root.to_string().as_bytes(), "root").unwrap();
    let message = b"signature bytes from a bundle";
    let stamped = tsa::verify(der, message, &root).unwrap();
    assert_eq!(stamped.authority, "https://openssl.test");
    assert_eq!(stamped.time, tsa::parse(der, "ts").unwrap().gen_time());
    assert!(stamped.time > SIGNED_AT, "{}", stamped.time);
    let reason = tsa::verify(der, b"other bytes", &root).unwrap_err();
    assert!(reason.contains("other bytes"), "{reason}");
    // Only the root trusted, the TSA leaf taken from the token: still the same signer.
    let mut only_root = root.clone();
    only_root.timestamp_authorities[0].chain.remove(0);
    tsa::verify(der, message, &only_root).unwrap();
}
