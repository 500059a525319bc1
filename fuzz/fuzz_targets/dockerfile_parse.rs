//! Arbitrary text as a Dockerfile: parsing ends in a tree or an error with a position; a parsed
//! tree prints to text that parses back to the same tree; linting it never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(file) = seatbelt_lint::parse(text) else {
        return;
    };
    let printed = seatbelt_lint::print(&file);
    let again = seatbelt_lint::parse(&printed).expect("printed Dockerfiles parse");
    assert_eq!(file.without_positions(), again.without_positions());
    let _ = seatbelt_lint::check(&file, &seatbelt_lint::LintOptions::default(), true);
});
