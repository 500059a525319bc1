//! Bounds on what hardening holds in memory.

/// Content of files that are rewritten in the added layer (mode or owner changes) is held until
/// the layer is written. Real images hold a few setuid binaries and `/etc/shadow`; 256 MiB
/// leaves room for odd images while keeping a hostile one from exhausting memory.
pub const MAX_HELD_BYTES: u64 = 256 * 1024 * 1024;

/// Executables, libraries and interpreters followed from the entrypoint. A real closure is a
/// few hundred files; the bound stops a crafted dependency web from looping forever.
pub const MAX_CLOSURE_FILES: usize = 100_000;

/// `/etc/passwd` and `/etc/group` are parsed and rewritten in memory. Real ones are a few KiB;
/// even a directory export with tens of thousands of accounts stays under 8 MiB.
pub const MAX_ACCOUNT_FILE_BYTES: u64 = 8 * 1024 * 1024;
