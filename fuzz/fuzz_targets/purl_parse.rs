//! Arbitrary text as a purl: parsing ends in a value or an error, and a parsed purl's
//! canonical form parses back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seatbelt_types::Purl;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(purl) = text.parse::<Purl>() {
        let canonical = purl.to_string();
        let again: Purl = canonical.parse().expect("a canonical purl parses");
        assert_eq!(again.to_string(), canonical);
    }
});
