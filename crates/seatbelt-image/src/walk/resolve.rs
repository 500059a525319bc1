//! Resolving a path through the image's own symlinks, the way a process inside the container
//! would see it, but never leaving the image root.

use super::EntryKind;
use crate::limits::MAX_SYMLINK_HOPS;
use crate::ImageError;

/// Resolves `path` inside the image root, following symlinks (also in the last component).
///
/// `lookup` answers, for a normalised path, the kind of its final entry and, for symlinks, the
/// target as written; a visitor builds it from the final entries it collected. Resolution is
/// clamped like a chroot: `..` at the root stays at the root, and absolute targets start again
/// at the image root, so no answer ever points outside the image. Components that do not exist
/// are kept as they are. Returns the normalised path (`""` for the root).
///
/// More than [`MAX_SYMLINK_HOPS`] links is refused as a loop.
pub fn resolve_in_root(
    path: &str,
    lookup: impl Fn(&str) -> Option<(EntryKind, Option<String>)>,
) -> Result<String, ImageError> {
    // Components still to walk, in reverse so the next one is at the end.
    let mut pending: Vec<String> = components_rev(path);
    let mut resolved = String::with_capacity(path.len());
    let mut hops = 0usize;
    while let Some(part) = pending.pop() {
        match part.as_str() {
            "" | "." => continue,
            ".." => {
                let cut = resolved.rfind('/').unwrap_or(0);
                resolved.truncate(cut);
                continue;
            }
            _ => {}
        }
        let parent_len = resolved.len();
        if !resolved.is_empty() {
            resolved.push('/');
        }
        resolved.push_str(&part);
        if let Some((EntryKind::Symlink, Some(target))) = lookup(&resolved) {
            hops += 1;
            if hops > MAX_SYMLINK_HOPS {
                return Err(ImageError::LimitExceeded {
                    limit: "MAX_SYMLINK_HOPS",
                    max: MAX_SYMLINK_HOPS as u64,
                    what: format!("resolving `{path}` inside the image (a symlink loop)"),
                });
            }
            if target.starts_with('/') {
                resolved.clear();
            } else {
                resolved.truncate(parent_len);
            }
            pending.extend(components_rev(&target));
        }
    }
    Ok(resolved)
}

fn components_rev(path: &str) -> Vec<String> {
    path.split('/').rev().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn fs(links: &[(&str, &str)]) -> HashMap<String, String> {
        links
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn resolve(map: &HashMap<String, String>, p: &str) -> Result<String, ImageError> {
        resolve_in_root(p, |q| {
            map.get(q)
                .map(|t| (EntryKind::Symlink, Some(t.clone())))
                .or(Some((EntryKind::Directory, None)))
        })
    }

    #[test]
    fn follows_relative_and_absolute_links_inside_the_root() {
        let m = fs(&[
            ("etc/os-release", "../usr/lib/os-release"),
            ("lib", "usr/lib"),
            ("abs", "/usr/share"),
        ]);
        assert_eq!(resolve(&m, "etc/os-release").unwrap(), "usr/lib/os-release");
        assert_eq!(resolve(&m, "/lib/x").unwrap(), "usr/lib/x");
        assert_eq!(resolve(&m, "abs/doc").unwrap(), "usr/share/doc");
    }

    #[test]
    fn clamps_escapes_at_the_root() {
        let m = fs(&[("a", "../../../../etc/passwd"), ("b", "/../../x")]);
        assert_eq!(resolve(&m, "a").unwrap(), "etc/passwd");
        assert_eq!(resolve(&m, "b").unwrap(), "x");
        assert_eq!(resolve(&m, "../../y").unwrap(), "y");
    }

    #[test]
    fn refuses_loops() {
        let m = fs(&[("a", "b"), ("b", "a")]);
        assert!(matches!(
            resolve(&m, "a"),
            Err(ImageError::LimitExceeded {
                limit: "MAX_SYMLINK_HOPS",
                ..
            })
        ));
    }
}
