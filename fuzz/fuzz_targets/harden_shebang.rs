//! Arbitrary bytes as a script's first line: an interpreter and argument or `None`, never a
//! panic, and the interpreter is never empty nor longer than the kernel reads.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(line) = seatbelt_harden::shebang::parse(data) {
        assert!(!line.interpreter.is_empty());
        assert!(line.interpreter.len() <= 256);
    }
});
