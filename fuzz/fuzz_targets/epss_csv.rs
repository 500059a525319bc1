//! EPSS CSV: any bytes give scores in [0, 1] or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = seatbelt_vulndb::import::parsers::epss_csv(data) {
        for row in parsed.items {
            assert!((0.0..=1.0).contains(&row.score));
        }
    }
});
