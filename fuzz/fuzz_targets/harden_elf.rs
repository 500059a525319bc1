//! Arbitrary bytes as the start of an image file, through the ELF loader-facts parser (program
//! headers, `PT_INTERP`, the dynamic section's `DT_NEEDED`/`DT_RUNPATH`/`DT_RPATH`): facts or
//! `None`, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Force the ELF path most of the time: the magic alone is what the fuzzer takes longest
    // to find, and everything interesting is behind it.
    let mut input = b"\x7fELF".to_vec();
    input.extend_from_slice(data);
    let _ = seatbelt_harden::elf::parse(&input);
    let _ = seatbelt_harden::elf::parse(data);
});
