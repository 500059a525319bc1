//! Independent tools the tests compare against, installed by `scripts/install-deps.sh`.

use std::path::PathBuf;

/// The Python in the venv `scripts/install-deps.sh` makes for the validators (same place:
/// `$SEATBELT_PYVENV`, else `$XDG_CACHE_HOME/seatbelt/pyvenv`, else `~/.cache/seatbelt/pyvenv`).
/// Panics with what to run when it is missing.
pub fn pyvenv_python() -> PathBuf {
    let python = cache_dir("SEATBELT_PYVENV", "pyvenv").join("bin/python");
    assert!(
        python.exists(),
        "the validators' Python venv is not installed ({} is missing): run scripts/install-deps.sh",
        python.display()
    );
    python
}

/// Where install-deps put a tool: `$override_var`, else under `$XDG_CACHE_HOME/seatbelt`, else
/// under `~/.cache/seatbelt`.
fn cache_dir(override_var: &str, name: &str) -> PathBuf {
    std::env::var_os(override_var)
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("seatbelt").join(name))
        })
        .or_else(|| {
            std::env::var_os("HOME").map(|d| PathBuf::from(d).join(".cache/seatbelt").join(name))
        })
        .unwrap_or_else(|| PathBuf::from("/root/.cache/seatbelt").join(name))
}

/// The cosign binary `scripts/install-deps.sh` unpacked from Debian's package (same place:
/// `$SEATBELT_COSIGN_DIR`, else `$XDG_CACHE_HOME/seatbelt/cosign`, else `~/.cache/seatbelt/cosign`).
/// Panics with what to run when it is missing.
pub fn cosign() -> PathBuf {
    let binary = cache_dir("SEATBELT_COSIGN_DIR", "cosign").join("root/usr/bin/cosign");
    assert!(
        binary.is_file(),
        "cosign is not installed at {}: run scripts/install-deps.sh (it unpacks Debian's cosign there)",
        binary.display()
    );
    binary
}
