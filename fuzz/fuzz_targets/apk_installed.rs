//! The apk installed-database parser on arbitrary bytes: no panic, entries have a name and a
//! version, no installed path is absolute.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seatbelt_sbom::fuzzing::apk_installed;

fuzz_target!(|data: &[u8]| {
    let parsed = apk_installed(&String::from_utf8_lossy(data));
    for entry in &parsed.entries {
        assert!(!entry.name.is_empty() && !entry.version.is_empty());
        assert!(entry.files.iter().all(|f| !f.starts_with('/')));
    }
    assert!(parsed.problems.len() <= 20);
});
