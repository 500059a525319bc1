//! Which files may be executables worth opening (Go and cargo-auditable binaries). The path
//! filter cannot see modes, so it goes by where images put programs.

/// Directories whose direct children are programs, whatever their names.
const BIN_DIRS: &[&str] = &[
    "bin/",
    "sbin/",
    "usr/bin/",
    "usr/sbin/",
    "usr/local/bin/",
    "usr/local/sbin/",
    "root/.cargo/bin/",
];

/// Trees where programs live among other files: only extensionless names are read there, so
/// libraries, scripts and data (`.so`, `.py`, `.json`) are not.
const TREES: &[&str] = &["opt/", "app/", "usr/libexec/", "usr/local/bin/", "usr/bin/"];

/// Whether a path may be an executable binary.
pub(crate) fn is_candidate(path: &str) -> bool {
    if BIN_DIRS
        .iter()
        .any(|d| path.strip_prefix(d).is_some_and(|rest| !rest.contains('/')))
    {
        return true;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    TREES.iter().any(|t| path.starts_with(t)) && !name.contains('.')
}

/// Whether content starts like an ELF file.
pub(crate) fn is_elf(content: &[u8]) -> bool {
    content.starts_with(b"\x7fELF")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_locations() {
        assert!(is_candidate("usr/bin/docker-registry"));
        assert!(is_candidate("usr/bin/python3.11"));
        assert!(is_candidate("root/.cargo/bin/cargo-audit"));
        assert!(is_candidate("opt/venv/bin/pip"));
        assert!(is_candidate("usr/libexec/docker/cli-plugins/docker-buildx"));
        assert!(!is_candidate(
            "opt/venv/lib/python3.11/site-packages/yaml/__init__.py"
        ));
        assert!(!is_candidate("usr/lib/x86_64-linux-gnu/libc.so.6"));
        assert!(!is_candidate("usr/share/doc/bash/copyright"));
        assert!(!is_candidate("usr/bin/x/y.so"));
    }
}
