//! OSV records: hostile JSON must give a record or an error, never a panic or an unbounded list.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(record) = seatbelt_vulndb::import::parsers::osv_record(data) {
        assert!(record.affected.len() <= seatbelt_vulndb::import::parsers::MAX_AFFECTED_PER_RECORD);
    }
    let _ = seatbelt_vulndb::import::parsers::nodejs_wg(data);
});
