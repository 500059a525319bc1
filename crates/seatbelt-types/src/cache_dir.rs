//! Where seatbelt keeps what it can rebuild (the vulnerability DB, layer memos).

use std::path::PathBuf;

/// `$SEATBELT_CACHE_DIR`, else `$XDG_CACHE_HOME/seatbelt`, else `~/.cache/seatbelt`, else
/// `seatbelt` in the temp directory.
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SEATBELT_CACHE_DIR").filter(|p| !p.is_empty()) {
        return PathBuf::from(dir);
    }
    std::env::var_os("XDG_CACHE_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|p| !p.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        })
        .unwrap_or_else(std::env::temp_dir)
        .join("seatbelt")
}
