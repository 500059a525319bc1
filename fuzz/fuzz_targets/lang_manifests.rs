//! Arbitrary bytes as a Composer installed.json, a .NET deps.json and a gemspec.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = seatbelt_sbom::fuzzing::composer_installed(data);
    let _ = seatbelt_sbom::fuzzing::dotnet_deps_json(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = seatbelt_sbom::fuzzing::gem_gemspec(text);
    }
});
