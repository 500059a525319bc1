//! Arbitrary bytes as a referrers list (the referrers API's answer, the `sha256-<hex>` fallback
//! tag's index) and as a referrer manifest: each ends in a value or an error, never a panic, and
//! a referrer accepted for a subject names exactly that subject.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seatbelt_sign::referrers::{parse_index, parse_referrer};
use seatbelt_types::Digest;

fuzz_target!(|data: &[u8]| {
    let _ = parse_index(data, "fuzz");
    let subject = Digest::sha256_of(b"subject");
    if let Ok(Some(referrer)) = parse_referrer(data, "sha256:00", &subject) {
        let value: serde_json::Value = serde_json::from_slice(data).expect("parsed before");
        assert_eq!(value["subject"]["digest"], subject.to_string());
        assert!(referrer.manifest.layers.len() <= seatbelt_sign::limits::MAX_SIGNATURES);
    }
});
