//! The dpkg status/`status.d` stanza parser and the DEP-5 copyright reader on arbitrary bytes:
//! no panic, and every entry it returns has a name and a version.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seatbelt_sbom::fuzzing::{dpkg_copyright, dpkg_status};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = dpkg_status(&text);
    for entry in &parsed.entries {
        assert!(!entry.name.is_empty() && !entry.version.is_empty());
        let _ = entry.is_installed();
        let _ = entry.source();
    }
    assert!(parsed.problems.len() <= 20);
    let licenses = dpkg_copyright(&text);
    assert!(licenses.len() <= 64);
});
