//! Normalising the paths layers write, and recognising whiteouts, in one place so the walk and
//! extraction agree on what every name means.

use crate::limits::MAX_PATH_BYTES;

/// What a layer's entry name stands for once whiteout conventions are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Name {
    /// An ordinary entry at the normalised path.
    Plain,
    /// `.wh.NAME`: deletes `NAME` (the path in the output buffer) from lower layers.
    Whiteout,
    /// `.wh..wh..opq`: hides every lower child of the directory in the output buffer (`""` is
    /// the root).
    Opaque,
    /// AUFS bookkeeping (`.wh..wh.plnk`, `.wh..wh.aufs`): never part of the filesystem.
    AufsMeta,
}

const WHITEOUT_PREFIX: &str = ".wh.";
const OPAQUE: &str = ".wh..wh..opq";
const AUFS_META_PREFIX: &str = ".wh..wh.";

/// Normalises `raw` into `out` (cleared first): strips leading `/` and `./`, collapses `//`,
/// drops `.`, and resolves `..` lexically. Returns `Ok(false)` for the root itself.
///
/// A `..` that would climb above the root is refused rather than clamped: the OCI layer spec
/// lets implementations reject such entries, and a layer that writes them is broken or hostile.
pub(crate) fn normalise_into(raw: &str, out: &mut String) -> Result<bool, &'static str> {
    out.clear();
    if raw.len() > MAX_PATH_BYTES {
        return Err("it is longer than MAX_PATH_BYTES (4096)");
    }
    // Only a PAX record can carry one; no filesystem can store it.
    if raw.contains('\0') {
        return Err("its name contains a NUL byte");
    }
    for part in raw.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.is_empty() {
                    return Err("its `..` components climb out of the image root");
                }
                let cut = out.rfind('/').unwrap_or(0);
                out.truncate(cut);
            }
            _ => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(part);
            }
        }
    }
    Ok(!out.is_empty())
}

/// Normalises a path into a new string; `None` for the root.
#[cfg(test)]
pub(crate) fn normalise(raw: &str) -> Result<Option<String>, &'static str> {
    let mut out = String::with_capacity(raw.len());
    Ok(normalise_into(raw, &mut out)?.then_some(out))
}

/// Recognises whiteout names in an already normalised path, rewriting `path` in place to the
/// path the whiteout acts on.
pub(crate) fn classify(path: &mut String) -> Result<Name, &'static str> {
    let base_start = path.rfind('/').map_or(0, |i| i + 1);
    // Entries under AUFS's hard-link directory (`.wh..wh.plnk/…`) are bookkeeping too.
    if base_start > 0
        && path[..base_start]
            .split('/')
            .any(|c| c.starts_with(AUFS_META_PREFIX))
    {
        return Ok(Name::AufsMeta);
    }
    let base = &path[base_start..];
    if !base.starts_with(WHITEOUT_PREFIX) {
        return Ok(Name::Plain);
    }
    let parent_len = base_start.saturating_sub(1);
    if base == OPAQUE {
        path.truncate(parent_len);
        return Ok(Name::Opaque);
    }
    if base.starts_with(AUFS_META_PREFIX) {
        return Ok(Name::AufsMeta);
    }
    let target = &base[WHITEOUT_PREFIX.len()..];
    if target.is_empty() || target == "." || target == ".." {
        return Err("it is a whiteout that names nothing");
    }
    path.replace_range(base_start..base_start + WHITEOUT_PREFIX.len(), "");
    Ok(Name::Whiteout)
}

/// The strict ancestors of a normalised path, shortest first, as prefixes of it
/// (`a/b/c` → `a`, `a/b`).
pub(crate) fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(raw: &str) -> Result<Option<String>, &'static str> {
        normalise(raw)
    }

    #[test]
    fn strips_leading_dots_slashes_and_collapses() {
        assert_eq!(
            n("./etc/os-release").unwrap().as_deref(),
            Some("etc/os-release")
        );
        assert_eq!(n("/etc//passwd").unwrap().as_deref(), Some("etc/passwd"));
        assert_eq!(n("usr/./lib/").unwrap().as_deref(), Some("usr/lib"));
        assert_eq!(n("a/b/../c").unwrap().as_deref(), Some("a/c"));
        assert_eq!(n("./").unwrap(), None);
        assert_eq!(n("/").unwrap(), None);
        assert_eq!(n("a/..").unwrap(), None);
    }

    #[test]
    fn refuses_escapes_and_overlong_paths() {
        assert!(n("../etc/passwd").is_err());
        assert!(n("a/../../b").is_err());
        assert!(n("/..").is_err());
        assert!(n(&"a/".repeat(3000)).is_err());
        assert!(n("a\0b").is_err());
    }

    #[test]
    fn classifies_whiteouts() {
        let mut p = "etc/.wh.passwd".to_string();
        assert_eq!(classify(&mut p), Ok(Name::Whiteout));
        assert_eq!(p, "etc/passwd");
        let mut p = ".wh.etc".to_string();
        assert_eq!(classify(&mut p), Ok(Name::Whiteout));
        assert_eq!(p, "etc");
        let mut p = "var/cache/.wh..wh..opq".to_string();
        assert_eq!(classify(&mut p), Ok(Name::Opaque));
        assert_eq!(p, "var/cache");
        let mut p = ".wh..wh..opq".to_string();
        assert_eq!(classify(&mut p), Ok(Name::Opaque));
        assert_eq!(p, "");
        let mut p = ".wh..wh.plnk/1.2".to_string();
        assert_eq!(classify(&mut p), Ok(Name::AufsMeta));
        let mut p = ".wh..wh.aufs".to_string();
        assert_eq!(classify(&mut p), Ok(Name::AufsMeta));
        let mut p = "a/.wh.".to_string();
        assert!(classify(&mut p).is_err());
        let mut p = "a/b.wh.c".to_string();
        assert_eq!(classify(&mut p), Ok(Name::Plain));
    }

    #[test]
    fn lists_ancestors() {
        assert_eq!(ancestors("a/b/c").collect::<Vec<_>>(), vec!["a", "a/b"]);
        assert_eq!(ancestors("a").count(), 0);
    }
}
