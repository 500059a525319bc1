//! Arbitrary bytes as a Docker/OCI seccomp profile: a BPF program whose size is whole
//! instructions, or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(compiled) = seatbelt_harden::seccomp_bpf::compile(data) {
        assert_eq!(compiled.bytes.len(), compiled.instructions * 8);
    }
});
