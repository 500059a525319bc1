//! What the dynamic loader needs to start an ELF file: its interpreter (`PT_INTERP`), the
//! libraries it names (`DT_NEEDED`) and where it asks for them to be searched
//! (`DT_RUNPATH`/`DT_RPATH`). Parsed with the `object` crate; anything malformed yields `None`,
//! never a panic.

use object::elf;
use object::read::elf::{ElfFile, FileHeader, ProgramHeader};
use object::Endianness;

/// The loader facts of one ELF file.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ElfFacts {
    /// `PT_INTERP`, e.g. `/lib64/ld-linux-x86-64.so.2`.
    pub interpreter: Option<String>,
    /// `DT_NEEDED` names, in order.
    pub needed: Vec<String>,
    /// `DT_RUNPATH` and `DT_RPATH` directories (`:`-separated entries split), in order.
    pub search: Vec<String>,
}

/// Parses `data` (the start of a file) as ELF; `None` if it is not one or cannot be read.
pub fn parse(data: &[u8]) -> Option<ElfFacts> {
    if !data.starts_with(b"\x7fELF") {
        return None;
    }
    // e_ident[EI_CLASS]: 1 = 32-bit, 2 = 64-bit.
    match data.get(4) {
        Some(2) => facts::<elf::FileHeader64<Endianness>>(data),
        Some(1) => facts::<elf::FileHeader32<Endianness>>(data),
        _ => None,
    }
}

fn facts<'d, H: FileHeader<Endian = Endianness>>(data: &'d [u8]) -> Option<ElfFacts> {
    let file = ElfFile::<H, &'d [u8]>::parse(data).ok()?;
    let endian = file.endian();
    let mut out = ElfFacts::default();
    for header in file.elf_program_headers() {
        if let Ok(Some(interp)) = header.interpreter(endian, data) {
            out.interpreter = Some(String::from_utf8_lossy(interp).into_owned());
        }
    }
    // Static binaries have no dynamic table; an unreadable one leaves the facts we have.
    if let Ok(table) = file.elf_dynamic_table() {
        for d in table.iter() {
            let Ok(value) = table.string(d) else { continue };
            let value = String::from_utf8_lossy(value).into_owned();
            if d.tag == elf::DT_NEEDED {
                out.needed.push(value);
            } else if d.tag == elf::DT_RUNPATH || d.tag == elf::DT_RPATH {
                out.search
                    .extend(value.split(':').filter(|s| !s.is_empty()).map(String::from));
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_elf_is_none() {
        assert_eq!(parse(b"#!/bin/sh\n"), None);
        assert_eq!(parse(b"\x7fELF"), None);
        assert_eq!(parse(b"\x7fELF\x02\x01\x01garbage"), None);
    }

    #[test]
    fn reads_the_test_binary_itself() {
        // The test executable is a real dynamically linked ELF built on this machine.
        let exe = std::env::current_exe().unwrap();
        let data = std::fs::read(exe).unwrap();
        let facts = parse(&data).unwrap();
        assert!(facts.interpreter.unwrap().contains("ld-"));
        assert!(facts.needed.iter().any(|n| n.starts_with("libc.so")));
    }
}
