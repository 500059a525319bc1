//! Arbitrary bytes as an SBOM document (CycloneDX, SPDX or seatbelt JSON): reading ends in an
//! SBOM or an error, never a panic; what was read can be written in both formats.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seatbelt_sbom::format::{cyclonedx, read_any, spdx, FormatOptions};

fuzz_target!(|data: &[u8]| {
    if let Ok(sbom) = read_any(data, "fuzz") {
        let options = FormatOptions {
            timestamp: Some("2024-01-01T00:00:00Z".to_string()),
        };
        let _ = cyclonedx::to_json(&sbom, &options);
        let _ = spdx::to_json(&sbom, &options);
    }
});
