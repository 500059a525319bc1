//! The VEX reader (OpenVEX and CycloneDX) on arbitrary bytes: no panic; every statement names
//! at least one vulnerability id.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(statements) = seatbelt_scan::vex::parse(data) {
        assert!(statements.iter().all(|s| !s.ids.is_empty()));
    }
});
