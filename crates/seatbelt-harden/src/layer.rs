//! Writing the one added layer: whiteouts, re-added entries with their new modes and owners,
//! and the new `/etc/passwd` and `/etc/group`, as a deterministic gzip tar in a temp file.

use std::io::{self, BufWriter, Write};

use seatbelt_types::{Algorithm, Digest, Hasher};

use crate::index::FsIndex;
use crate::plan::Plan;
use crate::users::UserPlan;
use crate::HardenError;

/// The written layer.
#[derive(Debug)]
pub struct BuiltLayer {
    /// The gzip blob.
    pub file: tempfile::NamedTempFile,
    /// Its digest.
    pub digest: Digest,
    /// Its size.
    pub size: u64,
    /// The uncompressed tar's digest.
    pub diff_id: Digest,
}

struct HashWriter<W> {
    inner: W,
    hasher: Hasher,
    count: u64,
}

impl<W: Write> Write for HashWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(buf.get(..n).unwrap_or_default());
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn hashing<W: Write>(inner: W) -> HashWriter<W> {
    HashWriter {
        inner,
        hasher: Hasher::new(Algorithm::Sha256),
        count: 0,
    }
}

enum Item<'a> {
    Whiteout,
    Entry(&'a crate::plan::Change),
    Replace(&'a [u8]),
}

/// Writes the layer for `plan`.
pub fn write(index: &FsIndex, plan: &Plan, user: &UserPlan) -> Result<BuiltLayer, HardenError> {
    let temp = tempfile::NamedTempFile::new().map_err(HardenError::Layer)?;
    let out = temp.reopen().map_err(HardenError::Layer)?;
    let gzip = flate2::write::GzEncoder::new(
        hashing(BufWriter::with_capacity(256 * 1024, out)),
        flate2::Compression::default(),
    );
    let mut builder = tar::Builder::new(hashing(gzip));
    let mut items: Vec<(String, Item<'_>)> = Vec::new();
    for path in &plan.whiteouts {
        let (dir, base) = path
            .rsplit_once('/')
            .map_or(("", path.as_str()), |(d, b)| (d, b));
        let name = if dir.is_empty() {
            format!(".wh.{base}")
        } else {
            format!("{dir}/.wh.{base}")
        };
        items.push((name, Item::Whiteout));
    }
    for change in &plan.changes {
        items.push((
            change.path.trim_start_matches('/').to_string(),
            Item::Entry(change),
        ));
    }
    if let Some(passwd) = &user.passwd {
        items.push(("etc/passwd".to_string(), Item::Replace(passwd)));
    }
    if let Some(group) = &user.group {
        items.push(("etc/group".to_string(), Item::Replace(group)));
    }
    items.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, item) in items {
        let mut header = tar::Header::new_gnu();
        header.set_size(0);
        header.set_mtime(0);
        match item {
            Item::Whiteout => {
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(0);
                builder
                    .append_data(&mut header, &name, io::empty())
                    .map_err(HardenError::Layer)?;
            }
            Item::Replace(bytes) => {
                let node = index.nodes.get(&name);
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(node.map_or(0o644, |n| n.mode & 0o7777));
                header.set_uid(node.map_or(0, |n| n.uid));
                header.set_gid(node.map_or(0, |n| n.gid));
                header.set_mtime(node.map_or(0, |n| n.mtime));
                header.set_size(bytes.len() as u64);
                builder
                    .append_data(&mut header, &name, bytes)
                    .map_err(HardenError::Layer)?;
            }
            Item::Entry(change) => {
                let node = index.nodes.get(&name);
                header.set_mode(change.mode_after);
                header.set_uid(change.uid);
                header.set_gid(change.gid);
                header.set_mtime(node.map_or(0, |n| n.mtime));
                let is_dir =
                    node.is_some_and(|n| n.kind == seatbelt_image::walk::EntryKind::Directory);
                if is_dir {
                    header.set_entry_type(tar::EntryType::Directory);
                    builder
                        .append_data(&mut header, &name, io::empty())
                        .map_err(HardenError::Layer)?;
                } else {
                    let source = index.held.get(&name).or_else(|| {
                        node.and_then(|n| n.link_target.as_ref())
                            .and_then(|t| index.held.get(t))
                    });
                    let Some(data) = source else {
                        return Err(HardenError::ContentUnavailable {
                            path: change.path.clone(),
                            why: "it was not held during the walk".to_string(),
                        });
                    };
                    header.set_entry_type(tar::EntryType::Regular);
                    header.set_size(data.len() as u64);
                    builder
                        .append_data(&mut header, &name, data.as_slice())
                        .map_err(HardenError::Layer)?;
                }
            }
        }
    }
    let tar_out = builder.into_inner().map_err(HardenError::Layer)?;
    let diff_id = tar_out.hasher.finish();
    let compressed = tar_out.inner.finish().map_err(HardenError::Layer)?;
    let size = compressed.count;
    let digest = compressed.hasher.finish();
    compressed
        .inner
        .into_inner()
        .map_err(|e| HardenError::Layer(e.into_error()))?;
    Ok(BuiltLayer {
        file: temp,
        digest,
        size,
        diff_id,
    })
}
