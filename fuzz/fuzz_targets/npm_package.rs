//! Arbitrary bytes as an installed `package.json` and as a `package-lock.json` (v1–v3):
//! a value or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seatbelt_sbom::fuzzing::{parse_npm_lock, parse_npm_manifest};

fuzz_target!(|data: &[u8]| {
    let _ = parse_npm_manifest(data);
    let _ = parse_npm_lock(data);
});
