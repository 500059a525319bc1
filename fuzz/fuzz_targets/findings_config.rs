//! Arbitrary text as a `.seatbelt.yaml` / `.hadolint.yaml`: parsing ends in a config or an
//! error naming the file, never a panic or unbounded expansion (alias bombs included).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use seatbelt_findings::Config;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(err) = Config::parse(text, Path::new(".seatbelt.yaml")) {
        assert!(err.to_string().contains(".seatbelt.yaml"));
    }
});
