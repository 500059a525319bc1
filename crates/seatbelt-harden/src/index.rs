//! The final filesystem as hardening needs it, gathered in the one streaming pass: every path's
//! metadata, the loader facts of every ELF file and the `#!` line of every script (parsed as
//! they stream by, so content is not kept), the content of the few files the rewrite changes,
//! and which dpkg package owns each path.
//!
//! What is kept of a file's content is its [`ContentFacts`], made on the walk's worker threads
//! and remembered per layer ([`FsIndex::memo`]), so hardening another image that shares a
//! layer (or the same image again, with other options) does not inflate that layer again.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use seatbelt_image::walk::memo::{Memo, MemoStore};
use seatbelt_image::walk::{
    resolve_in_root, ContentFilter, Entry, EntryKind, Interest, PathFilter, Visitor,
};
use seatbelt_image::ImageError;
use serde::{Deserialize, Serialize};

use crate::elf::{self, ElfFacts};
use crate::limits::MAX_HELD_BYTES;
use crate::shebang::{self, Shebang};

/// One path of the final filesystem.
#[derive(Debug, Clone)]
pub struct Node {
    /// Kind.
    pub kind: EntryKind,
    /// Permission bits incl. setuid/setgid/sticky.
    pub mode: u32,
    /// Owner.
    pub uid: u64,
    /// Group.
    pub gid: u64,
    /// Size (regular files).
    pub size: u64,
    /// Modification time.
    pub mtime: u64,
    /// Link target as written.
    pub link_target: Option<String>,
}

/// The final filesystem, indexed.
#[derive(Debug, Default)]
pub struct FsIndex {
    /// Every final path.
    pub nodes: BTreeMap<String, Node>,
    /// ELF facts by path.
    pub elf: HashMap<String, ElfFacts>,
    /// `#!` lines by path.
    pub shebangs: HashMap<String, Shebang>,
    /// Content held for files the rewrite may change.
    pub held: HashMap<String, Vec<u8>>,
    /// Owning dpkg package by path, as the package lists write it (before symlink resolution).
    owners_raw: Vec<(String, String)>,
    /// Owning dpkg package by canonical path (filled by [`FsIndex::finish`]).
    pub owners: HashMap<String, String>,
    /// Paths whose content was wanted but incomplete (over the walk's in-memory limit).
    pub incomplete: Vec<String>,
    held_bytes: u64,
    extra_held: Vec<String>,
}

impl FsIndex {
    /// An index that also holds the content of `extra` paths (e.g. `--writable` files).
    pub fn new(extra: Vec<String>) -> FsIndex {
        FsIndex {
            extra_held: extra,
            ..FsIndex::default()
        }
    }

    /// Resolves `path` through the image's symlinks, never leaving its root.
    pub fn resolve(&self, path: &str) -> Result<String, ImageError> {
        resolve_in_root(path, |p| {
            self.nodes.get(p).map(|n| (n.kind, n.link_target.clone()))
        })
    }

    /// Like [`FsIndex::resolve`], also returning every symlink met on the way (they must be
    /// kept for the path to keep working).
    pub fn resolve_tracing(&self, path: &str) -> Result<(String, Vec<String>), ImageError> {
        let met = std::cell::RefCell::new(Vec::new());
        let resolved = resolve_in_root(path, |p| {
            let node = self.nodes.get(p)?;
            if node.kind == EntryKind::Symlink {
                met.borrow_mut().push(p.to_string());
            }
            Some((node.kind, node.link_target.clone()))
        })?;
        Ok((resolved, met.into_inner()))
    }

    /// Maps the package lists' paths to canonical paths, once the walk is done.
    pub fn finish(&mut self) {
        let raw = std::mem::take(&mut self.owners_raw);
        // Lists name tens of thousands of paths in a few hundred directories: each directory
        // is resolved once, and only a last component that is itself a symlink is followed.
        let mut dirs: HashMap<String, Option<String>> = HashMap::new();
        for (path, package) in raw {
            let canonical = match path.rsplit_once('/') {
                Some((parent, base)) => {
                    let dir = dirs
                        .entry(parent.to_string())
                        .or_insert_with(|| self.resolve(parent).ok());
                    match dir {
                        Some(dir) => {
                            let joined = if dir.is_empty() {
                                base.to_string()
                            } else {
                                format!("{dir}/{base}")
                            };
                            let is_link = self
                                .nodes
                                .get(&joined)
                                .is_some_and(|n| n.kind == EntryKind::Symlink);
                            if is_link {
                                self.resolve(&joined).ok()
                            } else {
                                Some(joined)
                            }
                        }
                        None => None,
                    }
                }
                None => self.resolve(&path).ok(),
            };
            self.owners
                .entry(canonical.unwrap_or(path))
                .or_insert(package);
        }
    }

    /// How a walk gives this index its [`ContentFacts`], remembering them per layer in
    /// `store`. Walk the index only with `seatbelt_image::walk::walk_memoised` and this memo.
    pub fn memo(&self, store: Arc<dyn MemoStore>) -> Memo {
        let mut extra = self.extra_held.clone();
        extra.sort();
        // Everything the filters and summaries depend on: the crate version (so a release that
        // changes `ContentFacts`, `summarise`, the ELF or `#!` parsers never reads an older
        // release's facts), bumped within a release when those change, and the held paths.
        let key = format!(
            "seatbelt-harden {} fs-index v1\0{}",
            env!("CARGO_PKG_VERSION"),
            extra.join("\0")
        );
        let held = self.extra_held.clone();
        Memo {
            key,
            summarise: Arc::new(
                move |path: &str, mode: u32, content: &[u8], complete: bool| {
                    summarise(path, mode, content, complete, &held)
                },
            ),
            store,
        }
    }
}

/// What hardening keeps of one regular file's content.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ContentFacts {
    /// Its loader facts, if it is ELF.
    pub elf: Option<ElfFacts>,
    /// Its `#!` line, if it is a script.
    pub shebang: Option<Shebang>,
    /// For a dpkg file list, the paths it lists (normalised).
    pub listed: Vec<String>,
    /// The content itself, for files the rewrite may change (whole files only).
    pub held: Option<Vec<u8>>,
    /// The content was wanted but is over the in-memory limit.
    pub incomplete: bool,
}

/// Makes the [`ContentFacts`] of the file at `path` with `mode` (postcard-encoded).
fn summarise(path: &str, mode: u32, content: &[u8], complete: bool, extra: &[String]) -> Vec<u8> {
    let mut facts = ContentFacts::default();
    if let Some(elf) = elf::parse(content) {
        facts.elf = Some(elf);
    } else {
        facts.shebang = shebang::parse(content);
    }
    if path.starts_with("var/lib/dpkg/info/") && path.ends_with(".list") {
        facts.listed = String::from_utf8_lossy(content)
            .lines()
            .map(normalise)
            .filter(|p| !p.is_empty())
            .collect();
    }
    if held_by_rule(path, mode) || extra.iter().any(|p| p == path) {
        if complete {
            facts.held = Some(content.to_vec());
        } else {
            facts.incomplete = true;
        }
    }
    // Encoding plain owned data into a Vec cannot fail; an empty summary decodes as an error.
    postcard::to_allocvec(&facts).unwrap_or_default()
}

/// Files whose content the rewrite may change: mode bits it strips or files it edits.
fn held_by_rule(path: &str, mode: u32) -> bool {
    mode & 0o6000 != 0
        || mode & 0o002 != 0
        || mode & 0o004 == 0
        || matches!(path, "etc/passwd" | "etc/group" | "etc/ld.so.conf")
        || path.starts_with("etc/ld.so.conf.d/")
}

/// Whether the content of the file at `path` with `mode` can matter: what the loader or the
/// kernel may run (anything executable, and shared objects, which Debian installs 0644), the
/// dpkg file lists, and what [`held_by_rule`] holds. Documentation, Python sources and data
/// are about half the bytes of an image and are never run, so they are not buffered.
pub(crate) fn content_matters(path: &str, mode: u32, extra_held: &[String]) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    mode & 0o111 != 0
        || name.ends_with(".so")
        || name.contains(".so.")
        || (path.starts_with("var/lib/dpkg/info/") && name.ends_with(".list"))
        || held_by_rule(path, mode)
        || extra_held.iter().any(|p| p == path)
}

/// Strips a path as written in an image or package list to the walk's normalised form.
pub(crate) fn normalise(path: &str) -> String {
    path.split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect::<Vec<_>>()
        .join("/")
}

impl Visitor for FsIndex {
    fn filter(&self) -> PathFilter {
        // Content of regular files streams past the ELF and `#!` sniffers (narrowed by
        // `content_filter`); only facts and the few files the rewrite changes are kept.
        Arc::new(|_path: &str, kind: EntryKind| match kind {
            EntryKind::File | EntryKind::Hardlink => Interest::Content,
            _ => Interest::Metadata,
        })
    }

    fn content_filter(&self) -> Option<ContentFilter> {
        let extra = self.extra_held.clone();
        Some(Arc::new(move |path: &str, mode: u32| {
            content_matters(path, mode, &extra)
        }))
    }

    /// `content` is always a [`ContentFacts`] summary (see [`FsIndex::memo`]).
    fn visit(
        &mut self,
        entry: &Entry,
        content: Option<&[u8]>,
        _complete: bool,
    ) -> Result<(), ImageError> {
        let node = Node {
            kind: entry.kind,
            mode: entry.mode,
            uid: entry.uid,
            gid: entry.gid,
            size: entry.size,
            mtime: entry.mtime,
            link_target: entry.link_target.clone(),
        };
        if let Some(summary) = content {
            let facts: ContentFacts = postcard::from_bytes(summary).map_err(|e| {
                ImageError::malformed(
                    format!("the remembered analysis of `{}`", entry.path),
                    format!("{e}; remove the layer cache (seatbelt harden --no-cache) to redo it"),
                )
            })?;
            if let Some(elf) = facts.elf {
                self.elf.insert(entry.path.clone(), elf);
            } else if let Some(line) = facts.shebang {
                self.shebangs.insert(entry.path.clone(), line);
            }
            if let Some(package) = entry
                .path
                .strip_prefix("var/lib/dpkg/info/")
                .and_then(|n| n.strip_suffix(".list"))
            {
                let package = package.split(':').next().unwrap_or(package);
                for path in facts.listed {
                    self.owners_raw.push((path, package.to_string()));
                }
            }
            if entry.kind == EntryKind::File {
                if let Some(held) = facts.held {
                    self.held_bytes += held.len() as u64;
                    if self.held_bytes > MAX_HELD_BYTES {
                        return Err(ImageError::LimitExceeded {
                            limit: "MAX_HELD_BYTES",
                            max: MAX_HELD_BYTES,
                            what: "the content of files whose modes change".to_string(),
                        });
                    }
                    self.held.insert(entry.path.clone(), held);
                } else if facts.incomplete {
                    self.incomplete.push(entry.path.clone());
                }
            }
        }
        self.nodes.insert(entry.path.clone(), node);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::content_matters;

    #[test]
    fn content_is_read_where_the_loader_kernel_or_rewrite_may_need_it() {
        let none: &[String] = &[];
        assert!(content_matters("usr/bin/python3.11", 0o755, none));
        assert!(content_matters("app/run.sh", 0o700, none));
        // Shared objects are installed 0644 and still loaded.
        assert!(content_matters(
            "usr/lib/x86_64-linux-gnu/libssl.so.3",
            0o644,
            none
        ));
        assert!(content_matters(
            "usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so",
            0o644,
            none
        ));
        assert!(content_matters("var/lib/dpkg/info/bash.list", 0o644, none));
        assert!(content_matters("etc/passwd", 0o644, none));
        assert!(
            content_matters("etc/shadow", 0o640, none),
            "unreadable: its mode changes"
        );
        assert!(
            content_matters("srv/drop", 0o666, none),
            "world-writable: its mode changes"
        );
        assert!(content_matters(
            "srv/data.json",
            0o644,
            &["srv/data.json".to_string()]
        ));
        // Never run, never rewritten: metadata is enough.
        assert!(!content_matters("usr/share/doc/bash/README", 0o644, none));
        assert!(!content_matters(
            "usr/lib/python3.11/json/decoder.py",
            0o644,
            none
        ));
        assert!(!content_matters("usr/share/soap.txt", 0o644, none));
    }
}
