//! Arbitrary bytes as an RFC 3161 timestamp from a Sigstore bundle (a `TimeStampResp` or a bare
//! CMS token): the DER walk down to the TSTInfo ends in a value or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seatbelt_sign::bundle::tsa;

fuzz_target!(|data: &[u8]| {
    if let Ok(token) = tsa::parse(data, "fuzz") {
        let _ = token.gen_time();
    }
});
