//! Arbitrary bytes as a `Cargo.lock` and as a binary with a cargo-auditable `.dep-v0`
//! section: a value or an error, never a panic, and bounded inflation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seatbelt_sbom::fuzzing::{parse_auditable_binary, parse_cargo_lock};

fuzz_target!(|data: &[u8]| {
    let _ = parse_cargo_lock(data);
    let _ = parse_auditable_binary(data);
});
