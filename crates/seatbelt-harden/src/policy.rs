//! What hardening removes and why, decided per path of the final filesystem. Package databases
//! (`var/lib/dpkg`, `lib/apk/db`, `var/lib/rpm`) are never removed: the SBOM and later scans
//! read them.

use crate::analysis::SHELLS;

/// Why a path is removed (or changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// A shell.
    Shell,
    /// A link to busybox (an applet).
    BusyboxApplet,
    /// A package manager or its tooling.
    PackageManager,
    /// A privilege-changing tool (su, sudo…).
    PrivilegeTool,
    /// A compiler or build tool.
    Compiler,
    /// A download tool (curl, wget).
    NetworkTool,
    /// Documentation.
    Docs,
    /// Man pages.
    ManPages,
    /// Info pages.
    InfoPages,
    /// Message translations.
    Locale,
    /// Package manager caches and index lists.
    PackageCache,
    /// Python bytecode caches (Python runs without them).
    PythonCache,
    /// The setuid/setgid bit was stripped.
    SetuidStripped,
    /// World-writable permission was removed.
    WorldWritableFixed,
    /// Made readable to the new user because the entrypoint needs it.
    MadeReadable,
    /// Owned by the new user so the app can write there.
    Writable,
}

impl Reason {
    /// A short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Reason::Shell => "shell",
            Reason::BusyboxApplet => "busybox applet",
            Reason::PackageManager => "package manager",
            Reason::PrivilegeTool => "privilege tool",
            Reason::Compiler => "compiler/build tool",
            Reason::NetworkTool => "download tool",
            Reason::Docs => "docs",
            Reason::ManPages => "man pages",
            Reason::InfoPages => "info pages",
            Reason::Locale => "translations",
            Reason::PackageCache => "package cache/lists",
            Reason::PythonCache => "python bytecode cache",
            Reason::SetuidStripped => "setuid/setgid stripped",
            Reason::WorldWritableFixed => "world-writable removed",
            Reason::MadeReadable => "made readable",
            Reason::Writable => "owned by the app user",
        }
    }
}

/// Directories whose programs are tools (not libraries).
const BIN_DIRS: &[&str] = &[
    "bin",
    "sbin",
    "usr/bin",
    "usr/sbin",
    "usr/local/bin",
    "usr/local/sbin",
];

const PACKAGE_MANAGERS: &[&str] = &[
    "apt",
    "apt-get",
    "apt-cache",
    "apt-config",
    "apt-key",
    "apt-mark",
    "apt-cdrom",
    "apt-extracttemplates",
    "apt-ftparchive",
    "apt-sortpkgs",
    "aptitude",
    "dpkg",
    "apk",
    "rpm",
    "rpm2cpio",
    "rpmdb",
    "rpmkeys",
    "rpmquery",
    "rpmverify",
    "dnf",
    "dnf-3",
    "microdnf",
    "yum",
    "zypper",
    "tdnf",
    "pip",
    "pip3",
    "npm",
    "npx",
    "yarn",
    "pnpm",
    "corepack",
    "debconf",
    "update-alternatives",
    "easy_install",
];

const PRIVILEGE_TOOLS: &[&str] = &[
    "su", "sudo", "sudoedit", "doas", "pkexec", "newgrp", "sg", "chsh", "chfn", "gpasswd", "chage",
    "expiry",
];

const COMPILERS: &[&str] = &[
    "gcc", "cc", "c++", "g++", "cpp", "clang", "clang++", "make", "gmake", "ld", "ld.bfd",
    "ld.gold", "as", "tcc", "go", "rustc", "cargo", "javac",
];

const NETWORK_TOOLS: &[&str] = &["curl", "wget"];

/// Whether `dir` (normalised, no leading `/`) is one of the directories programs live in.
pub fn is_bin_dir(dir: &str) -> bool {
    BIN_DIRS.contains(&dir)
}

/// What the policy may remove, given the options.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Tool names the user asked to keep (`--keep-tool`).
    pub keep_tools: Vec<String>,
}

impl Policy {
    /// Why `path` (a final, non-directory entry; `link_target` for links) is removed, if it is.
    pub fn removal(&self, path: &str, link_target: Option<&str>) -> Option<Reason> {
        if is_package_database(path) {
            return None;
        }
        let (dir, base) = path.rsplit_once('/').unwrap_or(("", path));
        if BIN_DIRS.contains(&dir) {
            if let Some(reason) = self.tool(base, link_target) {
                return Some(reason);
            }
        }
        if path.starts_with("usr/lib/apt/")
            || path.starts_with("var/cache/apt/")
            || path.starts_with("var/lib/apt/lists/")
            || path.starts_with("var/cache/debconf/")
            || path.starts_with("var/cache/ldconfig/")
        {
            return Some(if path.starts_with("usr/lib/apt/") {
                Reason::PackageManager
            } else {
                Reason::PackageCache
            });
        }
        if let Some(rest) = path.strip_prefix("usr/share/doc/") {
            // Copyright files are the licenses: kept, as distroless keeps them.
            return (!rest.ends_with("/copyright")).then_some(Reason::Docs);
        }
        if path.starts_with("usr/share/man/") || path.starts_with("usr/local/share/man/") {
            return Some(Reason::ManPages);
        }
        if path.starts_with("usr/share/info/") {
            return Some(Reason::InfoPages);
        }
        if let Some(rest) = path.strip_prefix("usr/share/locale/") {
            // Message catalogues only: programs fall back to their built-in English. The
            // alias file and compiled locales (usr/lib/locale) are left alone.
            return (rest.ends_with(".mo") && !rest.starts_with("en")).then_some(Reason::Locale);
        }
        if path.contains("/__pycache__/") || path.ends_with(".pyc") || path.ends_with(".pyo") {
            return Some(Reason::PythonCache);
        }
        None
    }

    fn tool(&self, base: &str, link_target: Option<&str>) -> Option<Reason> {
        if self.keep_tools.iter().any(|t| t == base) {
            return None;
        }
        let target_base = link_target.map(|t| t.rsplit('/').next().unwrap_or(t));
        if SHELLS.contains(&base) {
            return Some(Reason::Shell);
        }
        if target_base == Some("busybox") {
            return Some(Reason::BusyboxApplet);
        }
        let versioned = |list: &[&str]| {
            list.iter().any(|name| {
                base == *name
                    || base.strip_prefix(name).is_some_and(|rest| {
                        rest.starts_with('-')
                            && rest[1..].bytes().all(|b| b.is_ascii_digit() || b == b'.')
                    })
                    || base.strip_prefix(name).is_some_and(|rest| {
                        rest.starts_with('.')
                            && rest[1..].bytes().all(|b| b.is_ascii_digit() || b == b'.')
                    })
            })
        };
        if versioned(PACKAGE_MANAGERS) || base.starts_with("dpkg-") || base.starts_with("apt-") {
            return Some(Reason::PackageManager);
        }
        if PRIVILEGE_TOOLS.contains(&base) {
            return Some(Reason::PrivilegeTool);
        }
        if versioned(COMPILERS)
            || base.ends_with("-linux-gnu-gcc")
            || base.contains("-linux-gnu-gcc-")
            || base.ends_with("-linux-gnu-g++")
            || base.contains("-linux-gnu-g++-")
        {
            return Some(Reason::Compiler);
        }
        if NETWORK_TOOLS.contains(&base) {
            return Some(Reason::NetworkTool);
        }
        None
    }
}

/// A directory hardening empties by rule removes itself too (one whiteout for the tree).
pub fn removable_dir(path: &str) -> Option<Reason> {
    if path.ends_with("/__pycache__") || path == "__pycache__" {
        return Some(Reason::PythonCache);
    }
    if path.starts_with("usr/share/man") {
        return Some(Reason::ManPages);
    }
    if path.starts_with("usr/share/info") {
        return Some(Reason::InfoPages);
    }
    if path.starts_with("var/lib/apt/lists/") || path.starts_with("var/cache/apt/") {
        return Some(Reason::PackageCache);
    }
    if path.starts_with("usr/lib/apt") {
        return Some(Reason::PackageManager);
    }
    None
}

/// Package databases are what SBOMs and scanners read; they stay.
pub fn is_package_database(path: &str) -> bool {
    [
        "var/lib/dpkg",
        "lib/apk/db",
        "var/lib/rpm",
        "usr/lib/sysimage/rpm",
        "var/lib/apk",
    ]
    .iter()
    .any(|db| path == *db || path.starts_with(&format!("{db}/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        let p = Policy::default();
        assert_eq!(p.removal("usr/bin/bash", None), Some(Reason::Shell));
        assert_eq!(
            p.removal("usr/bin/apt-get", None),
            Some(Reason::PackageManager)
        );
        assert_eq!(
            p.removal("usr/bin/dpkg-query", None),
            Some(Reason::PackageManager)
        );
        assert_eq!(
            p.removal("usr/bin/pip3.11", None),
            Some(Reason::PackageManager)
        );
        assert_eq!(p.removal("usr/bin/gcc-12", None), Some(Reason::Compiler));
        assert_eq!(
            p.removal("usr/bin/ls", Some("/bin/busybox")),
            Some(Reason::BusyboxApplet)
        );
        assert_eq!(p.removal("usr/bin/su", None), Some(Reason::PrivilegeTool));
        assert_eq!(p.removal("usr/bin/python3.11", None), None);
        assert_eq!(p.removal("var/lib/dpkg/status", None), None);
        assert_eq!(p.removal("var/lib/dpkg/info/bash.list", None), None);
        assert_eq!(p.removal("usr/share/doc/bash/copyright", None), None);
        assert_eq!(
            p.removal("usr/share/doc/bash/NEWS.gz", None),
            Some(Reason::Docs)
        );
        assert_eq!(
            p.removal("usr/share/locale/de/LC_MESSAGES/x.mo", None),
            Some(Reason::Locale)
        );
        assert_eq!(p.removal("usr/share/locale/locale.alias", None), None);
        assert_eq!(
            p.removal("usr/lib/python3.11/__pycache__/os.cpython-311.pyc", None),
            Some(Reason::PythonCache)
        );
        let keep = Policy {
            keep_tools: vec!["curl".into()],
        };
        assert_eq!(keep.removal("usr/bin/curl", None), None);
        assert_eq!(p.removal("usr/bin/curl", None), Some(Reason::NetworkTool));
        assert_eq!(
            p.removal("usr/lib/x86_64-linux-gnu/libapt-pkg.so.6.0", None),
            None
        );
    }
}
