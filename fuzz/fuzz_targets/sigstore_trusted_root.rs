//! Arbitrary bytes as a Sigstore `trusted_root.json`: keys, certificate chains and validity
//! times from an untrusted file end in a value or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seatbelt_sign::bundle::trusted_root::TrustedRoot;

fuzz_target!(|data: &[u8]| {
    if let Ok(root) = TrustedRoot::parse(data, "fuzz") {
        for ca in &root.certificate_authorities {
            let _ = ca.valid.contains(0);
        }
    }
});
