//! Arbitrary bytes through the secret engine: it returns matches or none, never panics, and
//! every match is redacted (ends in `****`) and points inside the input.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use seatbelt_audit::secrets::Engine;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(&[]).expect("the rules compile"))
}

fuzz_target!(|data: &[u8]| {
    let lines = data.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    for m in engine().scan(data) {
        assert!(m.redacted.ends_with("****"));
        assert!(m.line >= 1 && m.line <= lines);
        assert!(m.column >= 1);
    }
});
