//! Arbitrary bytes as a Java archive: packages and problems, never a panic, bounded work.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = seatbelt_sbom::fuzzing::java_archive(data, "fuzz-1.0.jar");
});
