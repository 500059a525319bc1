//! The rewrite, decided: which paths the added layer whites out, which it re-adds with a new
//! mode or owner, and which user the image runs as.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use seatbelt_image::walk::EntryKind;

use crate::analysis::Needs;
use crate::index::FsIndex;
use crate::policy::{removable_dir, Policy, Reason};
use crate::users::UserPlan;
use crate::HardenError;

/// One removed path.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Removal {
    /// Path (absolute inside the image).
    pub path: String,
    /// Why.
    pub reason: Reason,
    /// Bytes it held (regular files).
    pub bytes: u64,
    /// The dpkg package that installed it, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
}

/// One path re-added with a new mode or owner.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Change {
    /// Path (absolute inside the image).
    pub path: String,
    /// Why (the first reason when several apply).
    pub reasons: Vec<Reason>,
    /// Mode before.
    pub mode_before: u32,
    /// Mode after.
    pub mode_after: u32,
    /// Owner after.
    pub uid: u64,
    /// Group after.
    pub gid: u64,
}

/// The decided rewrite.
#[derive(Debug, Default)]
pub struct Plan {
    /// Every removed file, link and directory entry (those under a whited-out directory too).
    pub removals: Vec<Removal>,
    /// Paths the layer whites out (a directory whose whole tree goes is one whiteout).
    pub whiteouts: Vec<String>,
    /// Re-added entries.
    pub changes: Vec<Change>,
}

/// The proper ancestors of a normalised path, nearest first (`a/b/c` → `a/b`, `a`).
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    let mut rest = path;
    std::iter::from_fn(move || {
        let (parent, _) = rest.rsplit_once('/')?;
        rest = parent;
        Some(parent)
    })
}

/// Whether `path` may keep world-writable permissions (sticky temp directories).
fn temp_dir(path: &str) -> bool {
    matches!(
        path,
        "tmp" | "var/tmp" | "dev/shm" | "run/lock" | "var/lock"
    )
}

/// Decides the rewrite. `shell_allowed` is false only when the strict profile refused a shell
/// already, so here a needed shell is always kept (analysis put it in `needs.keep`).
pub fn decide(
    index: &FsIndex,
    needs: &Needs,
    policy: &Policy,
    user: &UserPlan,
    writable: &[String],
) -> Result<Plan, HardenError> {
    let mut plan = Plan::default();
    let mut removed: BTreeMap<&str, Reason> = BTreeMap::new();
    for (path, node) in &index.nodes {
        if node.kind == EntryKind::Directory || needs.keep.contains_key(path.as_str()) {
            continue;
        }
        let Some(reason) = policy.removal(path, node.link_target.as_deref()) else {
            continue;
        };
        if needs.in_kept_tree(path) && reason != Reason::PythonCache {
            continue;
        }
        removed.insert(path, reason);
    }
    // Collapse directories whose whole tree goes into one whiteout each.
    let mut covered: HashSet<&str> = HashSet::new();
    let mut dir_whiteouts: BTreeSet<&str> = BTreeSet::new();
    for (path, node) in &index.nodes {
        if node.kind != EntryKind::Directory
            || ancestors(path).any(|a| covered.contains(a))
            || needs.is_kept(path)
        {
            continue;
        }
        let Some(reason) = removable_dir(path) else {
            continue;
        };
        let prefix = format!("{path}/");
        let all_gone = index
            .nodes
            .range(prefix.clone()..)
            .take_while(|(p, _)| p.starts_with(&prefix))
            .all(|(p, n)| n.kind == EntryKind::Directory || removed.contains_key(p.as_str()));
        if all_gone {
            covered.insert(path);
            dir_whiteouts.insert(path);
            plan.removals.push(Removal {
                path: format!("/{path}"),
                reason,
                bytes: 0,
                package: None,
            });
            for (p, n) in index
                .nodes
                .range(prefix.clone()..)
                .take_while(|(p, _)| p.starts_with(&prefix))
            {
                if n.kind == EntryKind::Directory {
                    plan.removals.push(Removal {
                        path: format!("/{p}"),
                        reason,
                        bytes: 0,
                        package: None,
                    });
                }
            }
        }
    }
    let is_covered = |p: &str| ancestors(p).any(|a| dir_whiteouts.contains(a));
    for (path, reason) in &removed {
        let node = index.nodes.get(*path);
        plan.removals.push(Removal {
            path: format!("/{path}"),
            reason: *reason,
            bytes: node
                .filter(|n| n.kind == EntryKind::File)
                .map_or(0, |n| n.size),
            package: index.owners.get(*path).cloned(),
        });
        if !is_covered(path) {
            plan.whiteouts.push((*path).to_string());
        }
    }
    plan.whiteouts
        .extend(dir_whiteouts.iter().map(|d| d.to_string()));
    plan.whiteouts.sort();
    plan.removals.sort_by(|a, b| a.path.cmp(&b.path));

    let writable: HashSet<&str> = writable.iter().map(String::as_str).collect();
    for (path, node) in &index.nodes {
        if removed.contains_key(path.as_str())
            || is_covered(path)
            || dir_whiteouts.contains(path.as_str())
        {
            continue;
        }
        if !matches!(
            node.kind,
            EntryKind::File | EntryKind::Directory | EntryKind::Hardlink
        ) {
            continue;
        }
        let mut mode = node.mode & 0o7777;
        let (mut uid, mut gid) = (node.uid, node.gid);
        let mut reasons = Vec::new();
        if mode & 0o6000 != 0 && !(node.kind == EntryKind::Directory && temp_dir(path)) {
            mode &= !0o6000;
            reasons.push(Reason::SetuidStripped);
        }
        if mode & 0o002 != 0 && !temp_dir(path) {
            mode &= !0o002;
            reasons.push(Reason::WorldWritableFixed);
        }
        if node.kind != EntryKind::Directory
            && needs.keep.contains_key(path.as_str())
            && mode & 0o004 == 0
            && node.uid != user.uid
        {
            mode |= 0o004 | if mode & 0o100 != 0 { 0o001 } else { 0 };
            reasons.push(Reason::MadeReadable);
        }
        if writable.contains(path.as_str()) {
            uid = user.uid;
            gid = user.gid;
            reasons.push(Reason::Writable);
        }
        if reasons.is_empty() {
            continue;
        }
        if node.kind != EntryKind::Directory && !index.held.contains_key(path.as_str()) {
            let source = node
                .link_target
                .as_deref()
                .filter(|_| node.kind == EntryKind::Hardlink);
            if !source.is_some_and(|s| index.held.contains_key(s)) {
                return Err(HardenError::ContentUnavailable {
                    path: format!("/{path}"),
                    why: if index.incomplete.contains(path) {
                        "it is larger than the in-memory limit".to_string()
                    } else {
                        "it was not held during the walk".to_string()
                    },
                });
            }
        }
        plan.changes.push(Change {
            path: format!("/{path}"),
            reasons,
            mode_before: node.mode & 0o7777,
            mode_after: mode,
            uid,
            gid,
        });
    }
    Ok(plan)
}
