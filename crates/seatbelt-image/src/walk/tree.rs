//! What the newer layers did to each path, so an entry of an older layer can be classed as
//! final, shadowed or deleted the moment it arrives.
//!
//! Each worker records its layer's [`Coverage`] (every path it wrote, whited out or made
//! opaque) in one flat buffer; once the walk has delivered that layer, the coverage is merged
//! into the [`Upper`] map, which always describes exactly the layers above the one being
//! delivered. Memory is proportional to the number of distinct paths in the image (about 100
//! bytes each), which the per-layer entry limit bounds.

use std::collections::HashMap;

use super::path::ancestors;
use super::{EntryKind, Version};

const ENTRY: u8 = 1;
const NON_DIR: u8 = 2;
const WHITEOUT: u8 = 4;
const OPAQUE: u8 = 8;

/// One layer's effects on paths, recorded in stream order.
#[derive(Debug, Default)]
pub(crate) struct Coverage {
    paths: String,
    records: Vec<(usize, u8)>,
}

impl Coverage {
    /// An entry of `kind` at `path`.
    pub(crate) fn entry(&mut self, path: &str, kind: EntryKind) {
        let flags = if kind == EntryKind::Directory {
            ENTRY
        } else {
            ENTRY | NON_DIR
        };
        self.push(path, flags);
    }

    /// A whiteout deleting `path`.
    pub(crate) fn whiteout(&mut self, path: &str) {
        self.push(path, WHITEOUT);
    }

    /// An opaque marker on the directory `path` (`""` for the root).
    pub(crate) fn opaque(&mut self, path: &str) {
        self.push(path, OPAQUE);
    }

    fn push(&mut self, path: &str, flags: u8) {
        self.paths.push_str(path);
        self.records.push((self.paths.len(), flags));
    }

    fn iter(&self) -> impl Iterator<Item = (&str, u8)> {
        let mut start = 0;
        self.records.iter().map(move |&(end, flags)| {
            let path = &self.paths[start..end];
            start = end;
            (path, flags)
        })
    }
}

/// The nearest newer layer (smallest index above the one delivered) that did each thing to a
/// path; `u32::MAX` for never.
#[derive(Debug, Clone, Copy)]
struct Effects {
    entry: u32,
    non_dir: u32,
    whiteout: u32,
    opaque: u32,
}

const NEVER: u32 = u32::MAX;

impl Default for Effects {
    fn default() -> Self {
        Effects {
            entry: NEVER,
            non_dir: NEVER,
            whiteout: NEVER,
            opaque: NEVER,
        }
    }
}

/// What all layers above the current one did, path by path.
#[derive(Debug, Default)]
pub(crate) struct Upper {
    paths: HashMap<Box<str>, Effects>,
}

impl Upper {
    /// Adds layer `layer`'s coverage. Layers must be merged newest first, so each merge records
    /// the nearest layer for every effect it touches.
    pub(crate) fn merge(&mut self, layer: usize, coverage: &Coverage) {
        let layer = u32::try_from(layer).unwrap_or(NEVER - 1);
        for (path, flags) in coverage.iter() {
            let effects = match self.paths.get_mut(path) {
                Some(e) => e,
                None => self.paths.entry(path.into()).or_default(),
            };
            if flags & ENTRY != 0 {
                effects.entry = layer;
            }
            if flags & NON_DIR != 0 {
                effects.non_dir = layer;
            }
            if flags & WHITEOUT != 0 {
                effects.whiteout = layer;
            }
            if flags & OPAQUE != 0 {
                effects.opaque = layer;
            }
        }
    }

    /// Classes an entry at `path` of a layer below everything merged so far.
    ///
    /// The nearest newer layer that touched the path decides: if it has an entry at the path
    /// itself, the version is [`Version::Shadowed`]; if it hid the path (a whiteout of the path or
    /// an ancestor, an opaque ancestor, or a non-directory at an ancestor), it is
    /// [`Version::Deleted`]. When one layer does both, its own entry wins: shadowed.
    pub(crate) fn classify(&self, path: &str) -> Version {
        if self.paths.is_empty() {
            return Version::Final;
        }
        let mut hidden = NEVER;
        if let Some(root) = self.paths.get("") {
            hidden = hidden.min(root.opaque);
        }
        for ancestor in ancestors(path) {
            if let Some(e) = self.paths.get(ancestor) {
                hidden = hidden.min(e.whiteout).min(e.opaque).min(e.non_dir);
            }
        }
        let mut shadowed = NEVER;
        if let Some(e) = self.paths.get(path) {
            hidden = hidden.min(e.whiteout);
            shadowed = e.entry;
        }
        if shadowed == NEVER && hidden == NEVER {
            Version::Final
        } else if shadowed <= hidden {
            Version::Shadowed
        } else {
            Version::Deleted
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_layer_decides() {
        let mut up = Upper::default();
        // Layer 3: whiteout of `a`. Layer 2: a new `a/x`.
        let mut l3 = Coverage::default();
        l3.whiteout("a");
        l3.entry("b", EntryKind::Symlink);
        up.merge(3, &l3);
        assert_eq!(up.classify("a/x"), Version::Deleted);
        assert_eq!(up.classify("b/c"), Version::Deleted);
        assert_eq!(up.classify("b"), Version::Shadowed);
        assert_eq!(up.classify("c"), Version::Final);
        let mut l2 = Coverage::default();
        l2.entry("a", EntryKind::Directory);
        l2.entry("a/x", EntryKind::File);
        l2.opaque("d");
        up.merge(2, &l2);
        assert_eq!(up.classify("a/x"), Version::Shadowed);
        assert_eq!(up.classify("a/y"), Version::Deleted);
        assert_eq!(up.classify("d"), Version::Final);
        assert_eq!(up.classify("d/e"), Version::Deleted);
    }

    #[test]
    fn root_opaque_hides_everything_below() {
        let mut up = Upper::default();
        let mut l = Coverage::default();
        l.opaque("");
        up.merge(1, &l);
        assert_eq!(up.classify("etc"), Version::Deleted);
    }
}
