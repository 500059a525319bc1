//! Arbitrary bytes as each rpm database format (SQLite, Berkeley DB hash, NDB); the first byte
//! picks the format.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let path = ["var/lib/rpm/rpmdb.sqlite", "var/lib/rpm/Packages", "var/lib/rpm/Packages.db"]
        [usize::from(*first) % 3];
    let _ = seatbelt_sbom::fuzzing::rpm_database(path, rest);
});
