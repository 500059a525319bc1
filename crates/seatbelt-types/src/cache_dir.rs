//! Where seatbelt keeps what it can rebuild (the vulnerability DB, layer memos).

use std::path::PathBuf;

/// `$SEATBELT_CACHE_DIR`, else `$XDG_CACHE_HOME/seatbelt`, else `~/.cache/seatbelt`, else
/// `seatbelt` in the temp directory.
pub fn cache_dir() -> PathBuf {
    user_cache_dir().unwrap_or_else(|| std::env::temp_dir().join("seatbelt"))
}

/// [`cache_dir`] when the environment names a directory of the user's own: `None` instead of
/// the shared temp directory.
pub fn user_cache_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|p| !p.is_empty());
    var("SEATBELT_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| var("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("seatbelt")))
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".cache").join("seatbelt")))
}
