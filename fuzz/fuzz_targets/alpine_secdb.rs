//! Alpine secdb JSON, and the KEV catalog (same shape of problem: a list of small entries).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = seatbelt_vulndb::import::parsers::alpine_secdb(data);
    let _ = seatbelt_vulndb::import::parsers::kev_catalog(data);
});
