//! Arbitrary text as a RUN script: splitting always ends, and every word offset lies inside the
//! script.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let script = seatbelt_lint::shell::split(text);
    for command in &script.commands {
        for word in command.words.iter().chain(&command.assignments) {
            assert!(word.offset <= text.len());
        }
        let _ = seatbelt_lint::shell::Tool::of(command).map(|call| call.packages());
    }
});
