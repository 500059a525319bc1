//! Arbitrary bytes as a blob signature bundle (cosign's JSON or a Sigstore bundle v0.1–v0.3)
//! and as a base64 signature file; a bundle that parses is then verified, with and without a
//! key, against an empty trusted root, which walks the certificate, log entry, checkpoint and
//! SCT decoding on hostile data. Each ends in a value or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seatbelt_sign::blob::{self, Artifact};
use seatbelt_sign::bundle::trusted_root::TrustedRoot;
use seatbelt_sign::bundle::verify::{verify, Policy};
use seatbelt_sign::bundle::Bundle;
use seatbelt_sign::PrivateKey;

const EMPTY_ROOT: &str = r#"{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}"#;

fuzz_target!(|data: &[u8]| {
    let _ = blob::parse_signature(data, "fuzz");
    let Ok(bundle) = Bundle::parse(data, "fuzz") else {
        return;
    };
    let artifact = Artifact::from_bytes("fuzz", b"artifact");
    let key = PrivateKey::EcdsaP256(p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).expect("key"));
    let _ = blob::verify_bundle_with_key(&key.public_key(), &artifact, &bundle);
    let root = TrustedRoot::parse(EMPTY_ROOT.as_bytes(), "root").expect("empty root");
    let policy = Policy {
        identity: "id".into(),
        issuer: "iss".into(),
    };
    let _ = verify(&bundle, &artifact, &root, &policy);
});
