//! Arbitrary bytes as a Go binary: the build info parser must end in a value, `None` or an
//! error, never a panic, and never read past the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seatbelt_sbom::fuzzing::parse_buildinfo;

fuzz_target!(|data: &[u8]| {
    let _ = parse_buildinfo(data);
    // Also with the magic in front, so the header and module-info paths are reached often.
    let mut blob = b"\xff Go buildinf:".to_vec();
    blob.extend_from_slice(data);
    let _ = parse_buildinfo(&blob);
});
