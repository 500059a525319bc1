//! Independent tools the tests compare against, installed by `scripts/install-deps.sh`.

use std::path::PathBuf;

/// The cosign binary `scripts/install-deps.sh` unpacked from Debian's package (same place:
/// `$SEATBELT_COSIGN_DIR`, else `$XDG_CACHE_HOME/seatbelt/cosign`, else `~/.cache/seatbelt/cosign`).
/// Panics with what to run when it is missing.
pub fn cosign() -> PathBuf {
    let dir = std::env::var_os("SEATBELT_COSIGN_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("seatbelt/cosign"))
        })
        .or_else(|| {
            std::env::var_os("HOME").map(|d| PathBuf::from(d).join(".cache/seatbelt/cosign"))
        })
        .unwrap_or_else(|| PathBuf::from("/root/.cache/seatbelt/cosign"));
    let binary = dir.join("root/usr/bin/cosign");
    assert!(
        binary.is_file(),
        "cosign is not installed at {}: run scripts/install-deps.sh (it unpacks Debian's cosign there)",
        binary.display()
    );
    binary
}
