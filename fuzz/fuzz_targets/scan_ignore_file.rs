//! The `.seatbeltignore.yaml` parser (and the `scan:` deadline config) on arbitrary text: no
//! panic, no runaway alias expansion; every accepted entry has an id and a reason.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seatbelt_scan::deadline::DeadlinePolicy;
use seatbelt_scan::ignore::IgnoreFile;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let now = "2026-01-01T00:00:00Z".parse().expect("constant timestamp");
    if let Ok(file) = IgnoreFile::parse(&text, "fuzz", now) {
        assert!(file.expired.iter().all(|r| !r.id.trim().is_empty() && !r.reason.trim().is_empty()));
    }
    let _ = DeadlinePolicy::from_yaml(&text);
});
