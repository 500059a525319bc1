//! One layer as a sequence of normalised entries, whiteouts and warnings, whether it is a tar
//! blob or a `dir:` root filesystem on disk. Shared by the walk and by extraction, so both read
//! every name the same way.

use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::PathBuf;

use super::path::{classify, normalise_into, Name};
use super::tar::{DataError, TarError, TarKind, TarReader};
use super::EntryKind;
use crate::decompress::decompress_buffered;
use crate::limits::MAX_PATH_BYTES;
use crate::read_ahead::ReadAhead;
use crate::{Image, ImageError, LayerSource};

/// At most this many warnings are kept per layer; a hostile layer could otherwise fill memory
/// with millions of them.
pub(crate) const MAX_WARNINGS_PER_LAYER: usize = 100;

/// The current entry of a [`LayerReader`]; its buffers are reused from entry to entry.
#[derive(Debug, Default)]
pub(crate) struct RawEntry {
    /// Normalised path (for whiteouts: the path deleted; for opaque markers: the directory).
    pub(crate) path: String,
    /// Kind (meaningful for [`Step::Entry`]).
    pub(crate) kind: Option<EntryKind>,
    pub(crate) mode: u32,
    pub(crate) uid: u64,
    pub(crate) gid: u64,
    pub(crate) size: u64,
    pub(crate) mtime: u64,
    /// Link target (valid when `kind` is a link): as written for symlinks, normalised for
    /// hardlinks.
    pub(crate) link_target: String,
    /// GNU/PAX sparse file: its content cannot be streamed as is.
    pub(crate) sparse: bool,
}

/// What the reader found next.
#[derive(Debug)]
pub(crate) enum Step {
    /// An entry, described by [`LayerReader::current`].
    Entry,
    /// A whiteout of [`RawEntry::path`].
    Whiteout,
    /// An opaque marker on the directory [`RawEntry::path`].
    Opaque,
    /// An entry that was skipped, and why.
    Skipped(String),
}

enum Inner {
    Tar(TarReader<Box<dyn Read + Send>>),
    Dir {
        root: PathBuf,
        iter: walkdir::IntoIter,
        current_file: PathBuf,
    },
}

/// Reads one layer.
pub(crate) struct LayerReader {
    inner: Inner,
    what: String,
    current: RawEntry,
    entries: u64,
    max_entries: u64,
}

impl LayerReader {
    /// Opens layer `index` of `image` (decompressed and digest-verified for blobs).
    pub(crate) fn open(image: &Image, index: usize) -> Result<LayerReader, ImageError> {
        let (inner, what) = match image.layers.get(index) {
            Some(LayerSource::Blob(desc)) => {
                let what = format!("layer {} ({}) of {}", index, desc.digest(), image.reference);
                // Reading and hashing the blob run beside the inflate, which alone is then the
                // layer's critical path.
                let ahead = ReadAhead::spawn(image.open_blob(desc)?, "seatbelt-blob")
                    .map_err(|e| ImageError::from_stream(what.clone(), e))?;
                let (_, stream) = decompress_buffered(
                    ahead,
                    &format!("layer {} of {}", desc.digest(), image.reference),
                    image.limits.max_decompressed_bytes,
                )?;
                (Inner::Tar(TarReader::new(stream)), what)
            }
            Some(LayerSource::Directory(root)) => {
                let iter = walkdir::WalkDir::new(root)
                    .follow_links(false)
                    .sort_by_file_name()
                    .min_depth(1)
                    .into_iter();
                (
                    Inner::Dir {
                        root: root.clone(),
                        iter,
                        current_file: PathBuf::new(),
                    },
                    format!("the root filesystem {}", root.display()),
                )
            }
            None => {
                return Err(ImageError::malformed(
                    image.reference.clone(),
                    format!("it has no layer {index}"),
                ))
            }
        };
        Ok(LayerReader {
            inner,
            what,
            current: RawEntry::default(),
            entries: 0,
            max_entries: image.limits.max_entries_per_layer,
        })
    }

    /// How messages name this layer.
    pub(crate) fn what(&self) -> &str {
        &self.what
    }

    /// The entry the last [`Step`] described.
    pub(crate) fn current(&self) -> &RawEntry {
        &self.current
    }

    /// Entries read so far.
    pub(crate) fn entries(&self) -> u64 {
        self.entries
    }

    /// The next step; `None` at the end of the layer.
    pub(crate) fn next(&mut self) -> Result<Option<Step>, ImageError> {
        let step = match &mut self.inner {
            Inner::Tar(_) => self.next_tar()?,
            Inner::Dir { .. } => self.next_dir()?,
        };
        if step.is_some() {
            self.entries += 1;
            if self.entries > self.max_entries {
                return Err(ImageError::LimitExceeded {
                    limit: "MAX_ENTRIES_PER_LAYER",
                    max: self.max_entries,
                    what: format!("the entry count of {}", self.what),
                });
            }
        }
        Ok(step)
    }

    fn next_tar(&mut self) -> Result<Option<Step>, ImageError> {
        let Inner::Tar(tar) = &mut self.inner else {
            return Ok(None);
        };
        loop {
            let header = match tar.next_header() {
                Ok(Some(h)) => h,
                Ok(None) => return Ok(None),
                Err(e) => return Err(tar_error(&self.what, e)),
            };
            let cur = &mut self.current;
            let Ok(name) = std::str::from_utf8(&header.name) else {
                return Ok(Some(skipped(&header.name, "its name is not valid UTF-8")));
            };
            match normalise_into(name, &mut cur.path) {
                Ok(true) => {}
                // The root directory itself: not an entry.
                Ok(false) => continue,
                Err(reason) => return Ok(Some(skipped(&header.name, reason))),
            }
            match classify(&mut cur.path) {
                Ok(Name::Plain) => {}
                Ok(Name::Whiteout) => return Ok(Some(Step::Whiteout)),
                Ok(Name::Opaque) => return Ok(Some(Step::Opaque)),
                Ok(Name::AufsMeta) => continue,
                Err(reason) => return Ok(Some(skipped(&header.name, reason))),
            }
            let kind = match header.kind {
                Some(TarKind::File) => EntryKind::File,
                Some(TarKind::Directory) => EntryKind::Directory,
                Some(TarKind::Symlink) => EntryKind::Symlink,
                Some(TarKind::Hardlink) => EntryKind::Hardlink,
                Some(TarKind::CharDevice) => EntryKind::CharDevice,
                Some(TarKind::BlockDevice) => EntryKind::BlockDevice,
                Some(TarKind::Fifo) => EntryKind::Fifo,
                Some(TarKind::Other(t)) => {
                    return Ok(Some(Step::Skipped(format!(
                        "skipped `{}`: tar entry type `{}` is not a file, link, directory or device",
                        cur.path,
                        char::from(t).escape_default()
                    ))));
                }
                None => continue,
            };
            cur.link_target.clear();
            match kind {
                EntryKind::Symlink => match std::str::from_utf8(&header.link) {
                    Ok(l) if l.len() > MAX_PATH_BYTES || l.contains('\0') => {
                        return Ok(Some(skipped(
                            &header.name,
                            "its symlink target is longer than MAX_PATH_BYTES or holds a NUL byte",
                        )))
                    }
                    Ok(l) => cur.link_target.push_str(l),
                    Err(_) => {
                        return Ok(Some(skipped(
                            &header.name,
                            "its symlink target is not valid UTF-8",
                        )))
                    }
                },
                EntryKind::Hardlink => {
                    let Ok(l) = std::str::from_utf8(&header.link) else {
                        return Ok(Some(skipped(
                            &header.name,
                            "its hardlink target is not valid UTF-8",
                        )));
                    };
                    match normalise_into(l, &mut cur.link_target) {
                        Ok(true) => {}
                        Ok(false) => {
                            return Ok(Some(skipped(
                                &header.name,
                                "it is a hardlink to the root directory",
                            )))
                        }
                        Err(_) => {
                            return Ok(Some(skipped(
                                &header.name,
                                "it is a hardlink whose target climbs out of the image root",
                            )))
                        }
                    }
                }
                _ => {}
            }
            cur.kind = Some(kind);
            cur.mode = header.mode;
            cur.uid = header.uid;
            cur.gid = header.gid;
            cur.size = header.size;
            cur.mtime = header.mtime;
            cur.sparse = header.sparse;
            return Ok(Some(Step::Entry));
        }
    }

    fn next_dir(&mut self) -> Result<Option<Step>, ImageError> {
        let Inner::Dir {
            root,
            iter,
            current_file,
        } = &mut self.inner
        else {
            return Ok(None);
        };
        let Some(next) = iter.next() else {
            return Ok(None);
        };
        let dent = match next {
            Ok(d) => d,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                return Ok(Some(Step::Skipped(format!("skipped `{path}`: {e}"))));
            }
        };
        let cur = &mut self.current;
        let rel = dent
            .path()
            .strip_prefix(root.as_path())
            .unwrap_or(dent.path());
        let Some(rel_str) = rel.to_str() else {
            return Ok(Some(skipped(
                rel.as_os_str().as_encoded_bytes(),
                "its name is not valid UTF-8",
            )));
        };
        match normalise_into(rel_str, &mut cur.path) {
            Ok(true) => {}
            Ok(false) => return Ok(Some(Step::Skipped("skipped the root itself".into()))),
            Err(reason) => return Ok(Some(skipped(rel_str.as_bytes(), reason))),
        }
        let meta = match dent.metadata() {
            Ok(m) => m,
            Err(e) => return Ok(Some(Step::Skipped(format!("skipped `{}`: {e}", cur.path)))),
        };
        let ft = meta.file_type();
        cur.link_target.clear();
        let kind = if ft.is_symlink() {
            match std::fs::read_link(dent.path()) {
                Ok(t) => match t.to_str() {
                    Some(t) => cur.link_target.push_str(t),
                    None => {
                        return Ok(Some(skipped(
                            rel_str.as_bytes(),
                            "its symlink target is not valid UTF-8",
                        )))
                    }
                },
                Err(e) => return Ok(Some(Step::Skipped(format!("skipped `{}`: {e}", cur.path)))),
            }
            EntryKind::Symlink
        } else if ft.is_dir() {
            EntryKind::Directory
        } else if ft.is_file() {
            EntryKind::File
        } else if ft.is_char_device() {
            EntryKind::CharDevice
        } else if ft.is_block_device() {
            EntryKind::BlockDevice
        } else if ft.is_fifo() {
            EntryKind::Fifo
        } else {
            return Ok(Some(Step::Skipped(format!(
                "skipped `{}`: sockets are not part of an image",
                cur.path
            ))));
        };
        cur.kind = Some(kind);
        cur.mode = meta.mode() & 0o7777;
        cur.uid = u64::from(meta.uid());
        cur.gid = u64::from(meta.gid());
        cur.size = if kind == EntryKind::File {
            meta.len()
        } else {
            0
        };
        cur.mtime = u64::try_from(meta.mtime()).unwrap_or(0);
        cur.sparse = false;
        current_file.clear();
        current_file.push(dent.path());
        Ok(Some(Step::Entry))
    }

    /// Streams up to `limit` bytes of the current regular file's content to `sink`.
    pub(crate) fn read_content<E: Into<ImageError>>(
        &mut self,
        limit: u64,
        mut sink: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<u64, ImageError> {
        match &mut self.inner {
            Inner::Tar(tar) => tar.read_data(limit, sink).map_err(|e| match e {
                DataError::Tar(t) => tar_error(&self.what, t),
                DataError::Sink(s) => s.into(),
            }),
            Inner::Dir { current_file, .. } => {
                let file = std::fs::File::open(&*current_file)
                    .map_err(|e| ImageError::io("cannot read", current_file.clone(), e))?;
                let mut limited = file.take(limit);
                let mut buf = vec![0u8; 64 * 1024];
                let mut total = 0u64;
                loop {
                    let n = match limited.read(&mut buf) {
                        Ok(0) => return Ok(total),
                        Ok(n) => n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => {
                            return Err(ImageError::io("cannot read", current_file.clone(), e))
                        }
                    };
                    sink(&buf[..n]).map_err(Into::into)?;
                    total += n as u64;
                }
            }
        }
    }

    /// Reads the layer to its very end (so the digest is checked) and returns the decompressed
    /// bytes it held.
    pub(crate) fn finish(self) -> Result<u64, ImageError> {
        match self.inner {
            Inner::Tar(tar) => {
                let read = tar.offset();
                let mut rest = tar.into_inner();
                let drained = io::copy(&mut rest, &mut io::sink())
                    .map_err(|e| ImageError::from_stream(self.what.clone(), e))?;
                Ok(read + drained)
            }
            Inner::Dir { .. } => Ok(0),
        }
    }
}

fn skipped(name: &[u8], reason: &str) -> Step {
    Step::Skipped(format!(
        "skipped `{}`: {reason}",
        String::from_utf8_lossy(&name[..name.len().min(512)]).escape_debug()
    ))
}

/// Turns a tar failure into the image error it is: the stream's own error when it carries one
/// (digest, size, decompression limit), otherwise a malformed-layer error.
pub(crate) fn tar_error(what: &str, err: TarError) -> ImageError {
    match err {
        TarError::Io(e) => ImageError::from_stream(what, e),
        TarError::Format(reason) => ImageError::malformed(what, reason),
    }
}

/// Reads the rest of a layer after a format error: if the bytes do not match their digest,
/// that is the real cause and the better message.
pub(crate) fn prefer_stream_error(reader: LayerReader, err: ImageError) -> ImageError {
    if !matches!(err, ImageError::Malformed { .. }) {
        return err;
    }
    match reader.finish() {
        Err(
            e @ (ImageError::DigestMismatch { .. }
            | ImageError::SizeMismatch { .. }
            | ImageError::LimitExceeded { .. }),
        ) => e,
        _ => err,
    }
}
