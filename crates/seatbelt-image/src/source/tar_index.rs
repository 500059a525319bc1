//! An index of a tar archive's members (name → data offset and size) built in one pass, so blobs
//! are read straight out of an `oci-archive:` or `docker-archive:` file without extracting it.
//!
//! Member names are normalised (`./index.json` is `index.json`); names that would escape the
//! archive, duplicates (tools disagree on which copy wins, so an attacker could show each tool a
//! different image) and data past the end of the file are refused.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

use crate::limits::{MAX_PATH_BYTES, MAX_SYMLINK_HOPS};
use crate::{open_decompressed, Compression, ImageError, Limits};

/// The most members an archive may have. An OCI layout holds one file per blob and a legacy
/// `docker save` four per layer, so even 1000-layer images stay far below; 250 k names keep the
/// index to a few tens of MiB.
pub const MAX_ARCHIVE_MEMBERS: u64 = 250_000;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Member {
    File {
        offset: u64,
        size: u64,
    },
    /// A symlink or hardlink, by the normalised name of its target.
    Link(String),
}

/// Where each regular file of a tar archive lies in it.
#[derive(Debug, Clone, Default)]
pub struct ArchiveIndex {
    members: BTreeMap<String, Member>,
}

impl ArchiveIndex {
    /// Indexes the tar `reader` (of `length` bytes), named `what` in errors. Reads only headers.
    pub fn build<R: Read + Seek>(
        reader: R,
        length: u64,
        what: &str,
    ) -> Result<ArchiveIndex, ImageError> {
        let mut archive = tar::Archive::new(reader);
        let entries = archive
            .entries_with_seek()
            .map_err(|e| ImageError::from_stream(what.to_string(), e))?;
        let mut members = BTreeMap::new();
        for (n, entry) in entries.enumerate() {
            if n as u64 >= MAX_ARCHIVE_MEMBERS {
                return Err(ImageError::LimitExceeded {
                    limit: "MAX_ARCHIVE_MEMBERS",
                    max: MAX_ARCHIVE_MEMBERS,
                    what: format!("the member count of {what}"),
                });
            }
            let entry = entry.map_err(|e| {
                ImageError::malformed(
                    what.to_string(),
                    format!("tar member {n} cannot be read ({e}); the archive is truncated or not a tar file"),
                )
            })?;
            let raw_name = entry.path_bytes();
            let unsafe_path = |reason: &'static str| ImageError::UnsafePath {
                what: what.to_string(),
                path: String::from_utf8_lossy(&raw_name).into_owned(),
                reason,
            };
            let name = normalise_member_name(&raw_name).map_err(unsafe_path)?;
            let kind = entry.header().entry_type();
            let member = match kind {
                tar::EntryType::Directory | tar::EntryType::XGlobalHeader => continue,
                tar::EntryType::Regular | tar::EntryType::Continuous => {
                    let offset = entry.raw_file_position();
                    let size = entry.size();
                    if offset.checked_add(size).is_none_or(|end| end > length) {
                        return Err(ImageError::malformed(
                            what.to_string(),
                            format!(
                                "member `{name}` claims {size} bytes past the end of the file; the archive is truncated"
                            ),
                        ));
                    }
                    Member::File { offset, size }
                }
                tar::EntryType::Symlink => {
                    let target = entry.link_name_bytes().unwrap_or_default();
                    Member::Link(resolve_symlink(&name, &target).map_err(unsafe_path)?)
                }
                tar::EntryType::Link => {
                    let target = entry.link_name_bytes().unwrap_or_default();
                    Member::Link(normalise_member_name(&target).map_err(unsafe_path)?)
                }
                other => {
                    return Err(ImageError::malformed(
                        what.to_string(),
                        format!(
                        "member `{name}` is a {other:?} entry, which an image archive never holds"
                    ),
                    ))
                }
            };
            if name.is_empty() {
                return Err(unsafe_path("a file member must have a name"));
            }
            if members.insert(name.clone(), member).is_some() {
                return Err(ImageError::malformed(
                    what.to_string(),
                    format!("member `{name}` appears more than once; tools disagree on which copy counts, so the archive is refused"),
                ));
            }
        }
        Ok(ArchiveIndex { members })
    }

    /// Where `name`'s data lies (offset, size), following links inside the archive.
    pub fn find(&self, name: &str, what: &str) -> Result<Option<(u64, u64)>, ImageError> {
        let mut current = name;
        for _ in 0..=MAX_SYMLINK_HOPS {
            match self.members.get(current) {
                None => return Ok(None),
                Some(Member::File { offset, size }) => return Ok(Some((*offset, *size))),
                Some(Member::Link(target)) => current = target,
            }
        }
        Err(ImageError::malformed(
            what.to_string(),
            format!("member `{name}` is a chain of more than {MAX_SYMLINK_HOPS} links (a loop)"),
        ))
    }

    /// The names of every file and link member, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.members.keys().map(String::as_str)
    }
}

/// Normalises a member name: `.` components and empty ones (`./x`, `a//b`, `dir/`) go; `..` and
/// absolute names are refused because they would point outside the archive.
pub fn normalise_member_name(raw: &[u8]) -> Result<String, &'static str> {
    if raw.len() > MAX_PATH_BYTES {
        return Err("the name is longer than MAX_PATH_BYTES");
    }
    let text = std::str::from_utf8(raw).map_err(|_| "the name is not UTF-8")?;
    if text.starts_with('/') {
        return Err("an absolute name points outside the archive");
    }
    let mut parts = Vec::new();
    for part in text.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err("a `..` component points outside the archive"),
            other => parts.push(other),
        }
    }
    Ok(parts.join("/"))
}

/// The member a symlink at `member` pointing to `target` names (relative to the link's directory).
fn resolve_symlink(member: &str, target: &[u8]) -> Result<String, &'static str> {
    if target.len() > MAX_PATH_BYTES {
        return Err("the link target is longer than MAX_PATH_BYTES");
    }
    let text = std::str::from_utf8(target).map_err(|_| "the link target is not UTF-8")?;
    if text.starts_with('/') {
        return Err("an absolute link target points outside the archive");
    }
    let mut parts: Vec<&str> = member.split('/').collect();
    parts.pop();
    for part in text.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("the link target points outside the archive");
                }
            }
            other => parts.push(other),
        }
    }
    Ok(parts.join("/"))
}

/// An indexed archive file, read with positioned reads so any number of blob streams can be open
/// at once without sharing a file offset.
pub(crate) struct ArchiveFile {
    file: Arc<File>,
    index: ArchiveIndex,
    what: String,
}

impl ArchiveFile {
    /// Opens and indexes `path`. A compressed archive (`docker save | gzip`) cannot be read at
    /// random, so it is decompressed once into an unnamed temp file in `$TMPDIR` (the kernel
    /// removes it when the last handle closes), bounded by the decompression limit.
    pub(crate) fn open(
        path: &Path,
        what: String,
        limits: &Limits,
    ) -> Result<ArchiveFile, ImageError> {
        // An archive is read at random, so it must be a regular file (a FIFO would also block).
        let meta = std::fs::metadata(path).map_err(|e| ImageError::io("cannot open", path, e))?;
        if !meta.is_file() {
            return Err(ImageError::malformed(
                what,
                "it is not a regular file; save the archive to a file first",
            ));
        }
        let mut file = File::open(path).map_err(|e| ImageError::io("cannot open", path, e))?;
        let mut magic = [0u8; 4];
        let n = read_prefix(&mut file, &mut magic)
            .map_err(|e| ImageError::io("cannot read", path, e))?;
        file.rewind()
            .map_err(|e| ImageError::io("cannot read", path, e))?;
        let file = if Compression::sniff(&magic[..n]) == Compression::None {
            file
        } else {
            let (_, mut plain) = open_decompressed(file, &what, limits.max_decompressed_bytes)?;
            let mut temp = tempfile::tempfile().map_err(|e| {
                ImageError::io("cannot create a temp file in", std::env::temp_dir(), e)
            })?;
            io::copy(&mut plain, &mut temp)
                .map_err(|e| ImageError::from_stream(what.clone(), e))?;
            temp.flush()
                .map_err(|e| ImageError::io("cannot write", std::env::temp_dir(), e))?;
            temp.rewind()
                .map_err(|e| ImageError::io("cannot read", std::env::temp_dir(), e))?;
            temp
        };
        let length = file
            .metadata()
            .map_err(|e| ImageError::io("cannot read", path, e))?
            .len();
        let index = ArchiveIndex::build(BufReader::new(&file), length, &what)?;
        Ok(ArchiveFile {
            file: Arc::new(file),
            index,
            what,
        })
    }

    /// The archive, for messages.
    pub(crate) fn what(&self) -> &str {
        &self.what
    }

    /// The index.
    pub(crate) fn index(&self) -> &ArchiveIndex {
        &self.index
    }

    /// Opens a member, or `None` if there is none by that name.
    pub(crate) fn open_member(&self, name: &str) -> Result<Option<(RangeReader, u64)>, ImageError> {
        Ok(self.index.find(name, &self.what)?.map(|(offset, size)| {
            (
                RangeReader {
                    file: Arc::clone(&self.file),
                    pos: offset,
                    end: offset + size,
                },
                size,
            )
        }))
    }

    /// Reads a whole member of at most `max` bytes (`limit` names the limit in the error).
    pub(crate) fn read_member(
        &self,
        name: &str,
        max: u64,
        limit: &'static str,
    ) -> Result<Option<Vec<u8>>, ImageError> {
        let Some((mut reader, size)) = self.open_member(name)? else {
            return Ok(None);
        };
        if size > max {
            return Err(ImageError::LimitExceeded {
                limit,
                max,
                what: format!("`{name}` in {} ({size} bytes)", self.what),
            });
        }
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| ImageError::from_stream(format!("`{name}` in {}", self.what), e))?;
        Ok(Some(bytes))
    }
}

fn read_prefix(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// A byte range of a shared file.
pub(crate) struct RangeReader {
    file: Arc<File>,
    pos: u64,
    end: u64,
}

impl Read for RangeReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.end.saturating_sub(self.pos);
        if left == 0 {
            return Ok(0);
        }
        let want = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
        let n = self.file.read_at(&mut buf[..want], self.pos)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the archive ended early (it was truncated while being read)",
            ));
        }
        self.pos += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised_or_refused() {
        assert_eq!(
            normalise_member_name(b"./index.json").unwrap(),
            "index.json"
        );
        assert_eq!(
            normalise_member_name(b"blobs//sha256/").unwrap(),
            "blobs/sha256"
        );
        assert!(normalise_member_name(b"../x").is_err());
        assert!(normalise_member_name(b"a/../../x").is_err());
        assert!(normalise_member_name(b"/etc/passwd").is_err());
        assert!(normalise_member_name(b"\xff").is_err());
    }

    #[test]
    fn symlinks_resolve_inside_the_archive_only() {
        assert_eq!(
            resolve_symlink("a/layer.tar", b"../b/layer.tar").unwrap(),
            "b/layer.tar"
        );
        assert!(resolve_symlink("a/layer.tar", b"../../etc/passwd").is_err());
        assert!(resolve_symlink("a", b"/etc/passwd").is_err());
    }
}
