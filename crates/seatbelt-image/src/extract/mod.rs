//! Safe extraction of an image's final filesystem into a directory: nothing is ever written
//! outside the target, whatever the layers contain.
//!
//! Layers are applied oldest first, streaming each file from the layer straight to disk (never
//! held in memory), with whiteouts and opaque markers deleting what lower layers wrote. The
//! result is the set of final entries the walk reports, minus what extraction refuses:
//! - entries that would be written through a symlink or a non-directory (any parent component
//!   that is a symlink is refused, whether the image planted it in this layer or an earlier one);
//! - hardlinks whose target is not a regular file already extracted (not through symlinks);
//! - device nodes, FIFOs and sparse files;
//! - everything the walk skips (escaping `..`, non-UTF-8 names, unknown tar types).
//!
//! Each refusal is a line in [`ExtractReport::skipped`]. Symlinks are created as written and never
//! followed. setuid/setgid bits are dropped unless asked for; owners are applied only when asked
//! and permitted (as root). Directory permissions and times are applied last, deepest first, so a
//! read-only directory does not block its own contents. If extraction fails part-way (a digest
//! mismatch is only known at a layer's end), the target holds a partial tree: remove it.

mod fs;

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::time::{Duration, SystemTime};

use self::fs::{Existing, Target};
use crate::walk::{prefer_stream_error, EntryKind, LayerReader, RawEntry, Step};
use crate::{Image, ImageError};

/// At most this many refusals are listed; a hostile layer could otherwise make millions.
const MAX_SKIPPED_NOTES: usize = 1000;
/// The longest file name (one path component) Linux filesystems store (NAME_MAX).
const MAX_NAME_BYTES: usize = 255;

/// How to extract.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// Keep setuid/setgid bits (dropped by default).
    pub preserve_setuid: bool,
    /// Keep owners (only possible as root; default: files belong to whoever extracts).
    pub preserve_ownership: bool,
}

/// What an extraction wrote and skipped.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ExtractReport {
    /// Regular files written.
    pub files: u64,
    /// Directories created.
    pub directories: u64,
    /// Symlinks created.
    pub symlinks: u64,
    /// Hardlinks created.
    pub hardlinks: u64,
    /// Bytes written.
    pub bytes: u64,
    /// Entries not extracted, each with the reason.
    pub skipped: Vec<String>,
}

/// Extracts `image`'s final filesystem into `target` (created if absent; must be empty).
pub fn extract(
    image: &Image,
    target: &Path,
    options: &ExtractOptions,
) -> Result<ExtractReport, ImageError> {
    let root = prepare_target(target)?;
    let mut ex = Extractor {
        target: Target::new(root),
        options: options.clone(),
        report: ExtractReport::default(),
        dirs: HashMap::new(),
        dropped_notes: 0,
        ownership_failed: false,
    };
    for index in 0..image.layers.len() {
        let reader = LayerReader::open(image, index)?;
        ex.apply_layer(reader)?;
    }
    ex.finish_directories();
    if ex.dropped_notes > 0 {
        let dropped = ex.dropped_notes;
        ex.report
            .skipped
            .push(format!("… and {dropped} more entries skipped"));
    }
    Ok(ex.report)
}

fn prepare_target(target: &Path) -> Result<std::path::PathBuf, ImageError> {
    let refuse = |reason: String| ImageError::Destination {
        destination: target.display().to_string(),
        reason,
    };
    match std::fs::metadata(target) {
        Ok(m) if m.is_dir() => {
            let mut entries =
                std::fs::read_dir(target).map_err(|e| ImageError::io("cannot read", target, e))?;
            if entries.next().is_some() {
                return Err(refuse(
                    "it exists and is not empty; extract into a new or empty directory".into(),
                ));
            }
        }
        Ok(_) => return Err(refuse("it exists and is not a directory".into())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(target)
                .map_err(|e| ImageError::io("cannot create", target, e))?;
        }
        Err(e) => return Err(ImageError::io("cannot inspect", target, e)),
    }
    std::fs::canonicalize(target).map_err(|e| ImageError::io("cannot resolve", target, e))
}

struct Extractor {
    target: Target,
    options: ExtractOptions,
    report: ExtractReport,
    /// Directory metadata to apply at the end: path → (mode, mtime, uid, gid).
    dirs: HashMap<String, (u32, u64, u64, u64)>,
    dropped_notes: u64,
    ownership_failed: bool,
}

impl Extractor {
    fn note(&mut self, text: String) {
        if self.report.skipped.len() < MAX_SKIPPED_NOTES {
            self.report.skipped.push(text);
        } else {
            self.dropped_notes += 1;
        }
    }

    fn apply_layer(&mut self, mut reader: LayerReader) -> Result<(), ImageError> {
        // Paths this layer wrote: its own whiteouts and opaque markers must not delete them.
        let mut written: BTreeSet<String> = BTreeSet::new();
        loop {
            let step = match reader.next() {
                Ok(Some(step)) => step,
                Ok(None) => break,
                Err(e) => return Err(prefer_stream_error(reader, e)),
            };
            match step {
                Step::Skipped(why) => {
                    let text = format!("{}: {why}", reader.what());
                    self.note(text);
                }
                Step::Whiteout | Step::Opaque => {
                    let path = reader.current().path.clone();
                    let opaque = matches!(step, Step::Opaque);
                    if let Err(why) = self.delete_lower(&path, opaque, &written) {
                        let text =
                            format!("{}: whiteout of `{path}` not applied: {why}", reader.what());
                        self.note(text);
                    }
                }
                Step::Entry => {
                    let path = reader.current().path.clone();
                    match self.write_entry(&mut reader) {
                        Ok(()) => {
                            written.insert(path);
                        }
                        Err(Outcome::Skip(why)) => {
                            let text = format!("{}: skipped `{path}`: {why}", reader.what());
                            self.note(text);
                        }
                        Err(Outcome::Fail(e)) => return Err(prefer_stream_error(reader, e)),
                    }
                }
            }
        }
        reader.finish()?;
        Ok(())
    }

    fn delete_lower(
        &mut self,
        path: &str,
        opaque: bool,
        written: &BTreeSet<String>,
    ) -> Result<(), String> {
        let mut created = 0;
        let whole = if opaque {
            format!("{path}/.")
        } else {
            path.to_string()
        };
        if !self.target.check_parents(&whole, false, &mut created)? {
            return Ok(());
        }
        let result = if opaque {
            match self.target.existing(path) {
                Ok(Existing::Directory) => self.target.clear_children_except(path, written),
                Ok(_) if path.is_empty() => self.target.clear_children_except(path, written),
                Ok(_) => Ok(()),
                Err(e) => Err(e),
            }
        } else {
            self.target.remove_except(path, written)
        };
        result.map_err(|e| e.to_string())
    }

    fn write_entry(&mut self, reader: &mut LayerReader) -> Result<(), Outcome> {
        let entry = reader.current();
        let Some(kind) = entry.kind else {
            return Ok(());
        };
        let rel = entry.path.clone();
        match kind {
            EntryKind::CharDevice | EntryKind::BlockDevice | EntryKind::Fifo => {
                return Err(Outcome::Skip(
                    "device nodes and FIFOs are never extracted".into(),
                ))
            }
            EntryKind::File if entry.sparse => {
                return Err(Outcome::Skip("sparse files are not extracted".into()))
            }
            _ => {}
        }
        // Linux refuses longer names with ENAMETOOLONG; refusing first keeps that a note about
        // one entry rather than a failed extraction.
        if rel.split('/').any(|c| c.len() > MAX_NAME_BYTES) {
            return Err(Outcome::Skip(format!(
                "a component of its name is longer than {MAX_NAME_BYTES} bytes"
            )));
        }
        if kind == EntryKind::Hardlink {
            // Checked before anything is replaced, so a refused link removes nothing.
            let source = &entry.link_target;
            let mut none = 0;
            let parents_ok = self
                .target
                .check_parents(source, false, &mut none)
                .map_err(|why| Outcome::Skip(format!("hardlink target `{source}`: {why}")))?;
            let source_kind = if parents_ok {
                self.target
                    .existing(source)
                    .map_err(|e| io_fail(&self.target, source, e))?
            } else {
                Existing::Nothing
            };
            if source_kind != Existing::File || *source == rel {
                return Err(Outcome::Skip(format!(
                    "its target `{source}` is not a regular file already extracted"
                )));
            }
        }
        let mut created = 0;
        self.target
            .check_parents(&rel, true, &mut created)
            .map_err(Outcome::Skip)?;
        self.report.directories += created;
        let existing = self
            .target
            .existing(&rel)
            .map_err(|e| io_fail(&self.target, &rel, e))?;
        let full = self.target.full(&rel);
        // Replace whatever is there, never write into it: a file may be a hardlink shared with
        // another path, and a symlink must not be followed.
        match (kind, existing) {
            (_, Existing::Nothing) | (EntryKind::Directory, Existing::Directory) => {}
            (_, Existing::Directory) => {
                std::fs::remove_dir_all(&full).map_err(|e| io_fail(&self.target, &rel, e))?;
            }
            _ => std::fs::remove_file(&full).map_err(|e| io_fail(&self.target, &rel, e))?,
        }
        let mode = self.mode(entry);
        match kind {
            EntryKind::Directory => {
                if existing != Existing::Directory {
                    std::fs::create_dir(&full).map_err(|e| io_fail(&self.target, &rel, e))?;
                    self.report.directories += 1;
                }
                self.dirs
                    .insert(rel, (mode, entry.mtime, entry.uid, entry.gid));
            }
            EntryKind::Symlink => {
                std::os::unix::fs::symlink(&entry.link_target, &full)
                    .map_err(|e| io_fail(&self.target, &rel, e))?;
                if self.options.preserve_ownership && !self.ownership_failed {
                    let r = std::os::unix::fs::lchown(
                        &full,
                        u32::try_from(entry.uid).ok(),
                        u32::try_from(entry.gid).ok(),
                    );
                    self.ownership_result(r);
                }
                self.report.symlinks += 1;
            }
            EntryKind::Hardlink => {
                std::fs::hard_link(self.target.full(&entry.link_target), &full)
                    .map_err(|e| io_fail(&self.target, &rel, e))?;
                self.report.hardlinks += 1;
            }
            EntryKind::File => self.write_file(reader, &rel, mode)?,
            EntryKind::CharDevice | EntryKind::BlockDevice | EntryKind::Fifo => {}
        }
        Ok(())
    }

    fn write_file(
        &mut self,
        reader: &mut LayerReader,
        rel: &str,
        mode: u32,
    ) -> Result<(), Outcome> {
        let full = self.target.full(rel);
        let (mtime, uid, gid) = {
            let e = reader.current();
            (e.mtime, e.uid, e.gid)
        };
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&full)
            .map_err(|e| io_fail(&self.target, rel, e))?;
        let written = reader
            .read_content(u64::MAX, |chunk| {
                file.write_all(chunk)
                    .map_err(|e| ImageError::io("cannot write", full.clone(), e))
            })
            .map_err(Outcome::Fail)?;
        // Owners before modes: Linux clears setuid/setgid on chown, even for root.
        if self.options.preserve_ownership && !self.ownership_failed {
            let r =
                std::os::unix::fs::fchown(&file, u32::try_from(uid).ok(), u32::try_from(gid).ok());
            self.ownership_result(r);
        }
        file.set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| io_fail(&self.target, rel, e))?;
        // Times are cosmetic: a filesystem that refuses them is not a reason to fail.
        let _ = file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(mtime));
        self.report.files += 1;
        self.report.bytes += written;
        Ok(())
    }

    fn mode(&self, entry: &RawEntry) -> u32 {
        if self.options.preserve_setuid {
            entry.mode & 0o7777
        } else {
            entry.mode & 0o1777
        }
    }

    fn ownership_result(&mut self, result: std::io::Result<()>) {
        if let Err(e) = result {
            self.ownership_failed = true;
            self.note(format!(
                "owners not applied (needs root): {e}; files belong to the extracting user"
            ));
        }
    }

    /// Applies directory modes, times and owners, deepest first, re-checking that each is still
    /// a real directory reached through real directories (a later layer may have replaced it or
    /// a parent with a symlink).
    fn finish_directories(&mut self) {
        let mut dirs: Vec<(String, (u32, u64, u64, u64))> = self.dirs.drain().collect();
        dirs.sort_by(|a, b| {
            let depth = |p: &str| p.bytes().filter(|&c| c == b'/').count();
            depth(&b.0).cmp(&depth(&a.0)).then_with(|| a.0.cmp(&b.0))
        });
        for (rel, (mode, mtime, uid, gid)) in dirs {
            let mut none = 0;
            if !matches!(self.target.check_parents(&rel, false, &mut none), Ok(true))
                || !matches!(self.target.existing(&rel), Ok(Existing::Directory))
            {
                continue;
            }
            let full = self.target.full(&rel);
            if self.options.preserve_ownership && !self.ownership_failed {
                let r = std::os::unix::fs::lchown(
                    &full,
                    u32::try_from(uid).ok(),
                    u32::try_from(gid).ok(),
                );
                self.ownership_result(r);
            }
            if let Ok(dir) = std::fs::File::open(&full) {
                let _ = dir.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(mtime));
            }
            if let Err(e) = std::fs::set_permissions(&full, std::fs::Permissions::from_mode(mode)) {
                self.note(format!("mode of directory `{rel}` not applied: {e}"));
            }
        }
    }
}

/// How one entry went wrong: refused (noted, extraction goes on) or fatal.
enum Outcome {
    Skip(String),
    Fail(ImageError),
}

fn io_fail(target: &Target, rel: &str, e: std::io::Error) -> Outcome {
    Outcome::Fail(ImageError::io("cannot write", target.full(rel), e))
}
