//! The Debian security tracker JSON: malformed entries are counted, never fatal or panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = seatbelt_vulndb::import::parsers::debian_tracker(data);
});
