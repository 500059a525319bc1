//! Arbitrary bytes as a `METADATA` / `PKG-INFO` file: a value or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seatbelt_sbom::fuzzing::parse_python_metadata;

fuzz_target!(|data: &[u8]| {
    let _ = parse_python_metadata(data);
});
