//! Arbitrary bytes as an rpm header blob: a package or an error, never a panic or an
//! allocation larger than the input allows.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = seatbelt_sbom::fuzzing::rpm_header(data) {
        assert!(!p.name.is_empty());
    }
});
