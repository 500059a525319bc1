//! File-system operations confined to the extraction target.
//!
//! Every path handed in here is already normalised (relative, no `.`/`..`, see `walk::path`), so
//! joining it to the target can only name something under the target *lexically*. What remains
//! is symlinks: before any path is written, removed or chmod-ed, each of its parent components is
//! checked with `symlink_metadata` (lstat, which never follows) and refused if it is a symlink or
//! not a directory; the final component is removed first if it exists, and files are created with
//! `create_new` (`O_CREAT|O_EXCL`, which refuses to follow a symlink at the last component).
//!
//! Why lstat checks rather than `openat2(RESOLVE_BENEATH)`/`cap-std`: the target is a directory
//! seatbelt created (or found empty) and is the only writer to while extracting, so nothing can
//! swap a checked component for a symlink between the check and the use; the checks catch every
//! symlink the image itself plants, which is the threat here, without `unsafe` or a new
//! dependency. Someone who can write into the target while seatbelt extracts already has the
//! access the check protects.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::walk::path::ancestors;

/// Why a path was refused.
pub(super) type Refusal = String;

/// The target directory and the checks that keep every operation inside it.
pub(super) struct Target {
    root: PathBuf,
}

/// What is at a path, without following a symlink there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Existing {
    Nothing,
    Directory,
    Symlink,
    File,
    Other,
}

impl Target {
    pub(super) fn new(root: PathBuf) -> Target {
        Target { root }
    }

    /// The on-disk path of a normalised image path.
    pub(super) fn full(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// What is at `rel` now (its parents are not checked).
    pub(super) fn existing(&self, rel: &str) -> io::Result<Existing> {
        match fs::symlink_metadata(self.full(rel)) {
            Ok(m) => {
                let ft = m.file_type();
                Ok(if ft.is_symlink() {
                    Existing::Symlink
                } else if ft.is_dir() {
                    Existing::Directory
                } else if ft.is_file() {
                    Existing::File
                } else {
                    Existing::Other
                })
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Existing::Nothing),
            Err(e) => Err(e),
        }
    }

    /// Checks that every parent of `rel` is a real directory; with `create`, creates missing
    /// ones (mode 0755; their metadata comes later if the image has entries for them).
    /// `Ok(false)` when a parent is missing and `create` is off.
    pub(super) fn check_parents(
        &self,
        rel: &str,
        create: bool,
        created: &mut u64,
    ) -> Result<bool, Refusal> {
        for parent in ancestors(rel) {
            match self.existing(parent) {
                Ok(Existing::Directory) => {}
                Ok(Existing::Nothing) if create => {
                    fs::create_dir(self.full(parent)).map_err(|e| {
                        format!("cannot create its parent directory `{parent}`: {e}")
                    })?;
                    *created += 1;
                }
                Ok(Existing::Nothing) => return Ok(false),
                Ok(Existing::Symlink) => {
                    return Err(format!(
                        "its parent `{parent}` is a symlink, and writing through it could leave the target"
                    ))
                }
                Ok(_) => return Err(format!("its parent `{parent}` is not a directory")),
                Err(e) => return Err(format!("cannot inspect its parent `{parent}`: {e}")),
            }
        }
        Ok(true)
    }

    /// Removes whatever is at `rel` (a symlink itself, never its target), except paths in
    /// `keep` and what lies on the way to them. Parents must have been checked.
    pub(super) fn remove_except(&self, rel: &str, keep: &BTreeSet<String>) -> io::Result<()> {
        if keep.contains(rel) {
            return Ok(());
        }
        let kind = self.existing(rel)?;
        match kind {
            Existing::Nothing => Ok(()),
            Existing::Directory => {
                let prefix = format!("{rel}/");
                let keeps_inside = keep
                    .range(prefix.clone()..)
                    .next()
                    .is_some_and(|k| k.starts_with(&prefix));
                if !keeps_inside {
                    // std's remove_dir_all does not follow symlinks inside the tree.
                    return fs::remove_dir_all(self.full(rel));
                }
                for child in fs::read_dir(self.full(rel))? {
                    let child = child?;
                    let name = child.file_name();
                    let Some(name) = name.to_str() else {
                        // seatbelt only ever creates UTF-8 names; anything else is not ours.
                        continue;
                    };
                    self.remove_except(&format!("{rel}/{name}"), keep)?;
                }
                Ok(())
            }
            _ => fs::remove_file(self.full(rel)),
        }
    }

    /// Removes every child of the directory `rel` (`""` for the root) except `keep`.
    pub(super) fn clear_children_except(
        &self,
        rel: &str,
        keep: &BTreeSet<String>,
    ) -> io::Result<()> {
        let dir: &Path = &self.full(rel);
        for child in fs::read_dir(dir)? {
            let child = child?;
            let name = child.file_name();
            let Some(name) = name.to_str() else {
                continue;
            };
            let child_rel = if rel.is_empty() {
                name.to_string()
            } else {
                format!("{rel}/{name}")
            };
            self.remove_except(&child_rel, keep)?;
        }
        Ok(())
    }
}
