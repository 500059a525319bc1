//! Arbitrary bytes as every untrusted input of seatbelt-sign: private and public key PEM, the
//! encrypted key envelope, the simple-signing payload and the signature manifest. Each ends in a
//! value or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seatbelt_sign::manifest::SignatureManifest;
use seatbelt_sign::payload::SimpleSigning;
use seatbelt_sign::{encrypted, PrivateKey, PublicKey};

fuzz_target!(|data: &[u8]| {
    let _ = PublicKey::from_pem(data, "fuzz");
    // A fixed password: the fuzzer explores the envelope's structure, and scrypt's cost is
    // bounded by the parser before any work is done.
    let _ = PrivateKey::from_pem(data, "fuzz", &|| Ok("pw".to_string().into()));
    let _ = encrypted::decrypt(data, b"pw", "fuzz");
    if let Ok(payload) = SimpleSigning::parse(data, "fuzz") {
        let again = SimpleSigning::parse(&payload.to_bytes(), "again").expect("round trip");
        assert_eq!(again, payload);
    }
    let _ = SignatureManifest::parse(data, "fuzz");
});
