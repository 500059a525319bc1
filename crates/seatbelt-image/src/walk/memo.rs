//! Remembering what one visitor made of each layer, so that a later walk of any image sharing
//! the layer replays that instead of reading the layer again (what Trivy's layer cache does).
//!
//! A layer's memo is the exact sequence the walk read from it — every entry's metadata, every
//! whiteout, opaque marker and warning — with, in place of file content, the short *summary*
//! the visitor's [`Summariser`] made of it on the worker thread. Replaying a memo feeds the
//! walk's ordinary machinery (coverage, versions, filters, budgets), so a visitor cannot tell a
//! replayed layer from a read one, except that it receives summaries instead of content in
//! both cases. Memos are named by the layer's digest, the visitor's key (what it summarises
//! and how) and the in-memory content limit, and saved only once the layer was read to its end
//! and its digest verified.
//!
//! The store is a cache, so everything read from it is checked before use: a magic line, a
//! SHA-256 over the rest (torn or corrupted files), the name's inputs repeated inside, and every
//! path in the form the layer reader itself produces. A memo that fails any check is ignored
//! and the layer is read again. Whoever can write the cache directory can still make a walk
//! see a different filesystem, exactly as with Trivy's cache: the directory is created private
//! to the user, and the blobs themselves are verified again by whatever copies the image.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use seatbelt_types::{Algorithm, Digest, Hasher};
use serde::{Deserialize, Serialize};

use super::layer_reader::MAX_WARNINGS_PER_LAYER;
use super::path::{classify, normalise_into, Name};
use super::EntryKind;
use crate::limits::MAX_PATH_BYTES;

/// Makes a visitor's summary of one regular file's content: `(path, mode, content, complete)`.
/// Runs on the walk's worker threads, so it must not block. A hardlink whose content the walk
/// delivers gets its target's summary (made with the target's path and mode).
pub type Summariser = Arc<dyn Fn(&str, u32, &[u8], bool) -> Vec<u8> + Send + Sync>;

/// Where memos are kept. Failing to load is a miss; failing to save only loses the speed-up.
pub trait MemoStore: Send + Sync {
    /// The memo saved under `name`, if any (at most [`MAX_MEMO_BYTES`]).
    fn load(&self, name: &str) -> Option<Vec<u8>>;
    /// Saves `bytes` under `name`, replacing what was there.
    fn save(&self, name: &str, bytes: &[u8]);
    /// Whether saving keeps anything (if not, the walk records nothing).
    fn keeps(&self) -> bool {
        true
    }
}

/// How a walk remembers layers for one visitor.
#[derive(Clone)]
pub struct Memo {
    /// Names the visitor, its summary format and every option its filters or summaries depend
    /// on: memos of one key are only ever replayed to visitors with the same key.
    pub key: String,
    /// What the visitor keeps of a file's content.
    pub summarise: Summariser,
    /// Where memos live.
    pub store: Arc<dyn MemoStore>,
}

/// A layer whose memo would be larger than this is not remembered (it bounds the memory a
/// recording layer holds; a layer of 200,000 files fits).
pub const MAX_MEMO_BYTES: u64 = 64 * 1024 * 1024;

/// The longest warning a memo may carry.
const MAX_WARNING_BYTES: usize = 8 * 1024;

const MAGIC: &[u8] = b"seatbelt layer memo\n";
/// Bumped whenever [`MemoFile`] or what the walk records changes. Public for the fuzz target.
#[doc(hidden)]
pub const FORMAT: u32 = 2;

/// One recorded step of a layer, in stream order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) enum LoggedStep {
    /// A warning the reader gave (an entry skipped, content not read), without the layer's
    /// name: a replay names the layer of the image it walks.
    Warning(String),
    /// A whiteout of the path.
    Whiteout(String),
    /// An opaque marker on the directory (`""` for the root).
    Opaque(String),
    /// An entry.
    Entry(LoggedEntry),
}

/// One recorded entry: its metadata and, when its content was read, the visitor's summary.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct LoggedEntry {
    pub(crate) path: String,
    pub(crate) kind: EntryKind,
    pub(crate) mode: u32,
    pub(crate) uid: u64,
    pub(crate) gid: u64,
    pub(crate) size: u64,
    pub(crate) mtime: u64,
    pub(crate) link_target: Option<String>,
    pub(crate) summary: Option<Vec<u8>>,
    pub(crate) complete: bool,
}

/// What a memo file says about itself, before its steps.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct MemoHeader {
    pub(crate) format: u32,
    pub(crate) key: String,
    pub(crate) layer: String,
    pub(crate) content_limit: u64,
    /// Tar entries and decompressed bytes the layer held (for the walk's report).
    pub(crate) entries: u64,
    pub(crate) bytes: u64,
    /// Warnings beyond the per-layer maximum, only counted.
    pub(crate) dropped_warnings: u64,
}

/// A whole layer's memo. On disk: the magic line, the header, then each step (postcard, one
/// after another, so they are decoded and charged one at a time), then the checksum.
#[derive(Debug, PartialEq)]
pub(crate) struct MemoFile {
    pub(crate) header: MemoHeader,
    pub(crate) steps: Vec<LoggedStep>,
}

/// The store name of the memo of `layer` for `key` under `content_limit`.
pub(crate) fn name(key: &str, layer: &Digest, content_limit: u64) -> String {
    let mut hasher = Hasher::new(Algorithm::Sha256);
    for part in [
        &FORMAT.to_le_bytes()[..],
        // What the walk records may change between releases without anyone bumping FORMAT.
        env!("CARGO_PKG_VERSION").as_bytes(),
        &[0],
        key.as_bytes(),
        &[0],
        layer.to_string().as_bytes(),
        &[0],
        &content_limit.to_le_bytes(),
    ] {
        hasher.update(part);
    }
    hasher.finish().hex().to_string()
}

/// Collects a layer's steps while it is read; gives up (records nothing) past
/// [`MAX_MEMO_BYTES`].
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    steps: Vec<LoggedStep>,
    bytes: u64,
    overflowed: bool,
}

impl Recorder {
    pub(crate) fn push(&mut self, step: LoggedStep) {
        if self.overflowed {
            return;
        }
        self.bytes += cost(&step);
        if self.bytes > MAX_MEMO_BYTES {
            self.overflowed = true;
            self.steps = Vec::new();
            return;
        }
        self.steps.push(step);
    }

    /// The memo file's bytes, unless the layer was too large to remember.
    pub(crate) fn finish(
        self,
        key: &str,
        layer: &Digest,
        content_limit: u64,
        (entries, bytes, dropped_warnings): (u64, u64, u64),
    ) -> Option<Vec<u8>> {
        if self.overflowed {
            return None;
        }
        encode(&MemoFile {
            header: MemoHeader {
                format: FORMAT,
                key: key.to_string(),
                layer: layer.to_string(),
                content_limit,
                entries,
                bytes,
                dropped_warnings,
            },
            steps: self.steps,
        })
    }
}

/// What a step costs in memory, roughly: its heap bytes and the enum itself. Recording and
/// decoding both stop once the steps cost [`MAX_MEMO_BYTES`].
fn cost(step: &LoggedStep) -> u64 {
    let heap = match step {
        LoggedStep::Warning(s) | LoggedStep::Whiteout(s) | LoggedStep::Opaque(s) => s.len(),
        LoggedStep::Entry(e) => {
            e.path.len()
                + e.link_target.as_ref().map_or(0, String::len)
                + e.summary.as_ref().map_or(0, Vec::len)
                + 128
        }
    };
    heap as u64 + 32
}

fn encode(file: &MemoFile) -> Option<Vec<u8>> {
    let mut body = postcard::to_allocvec(&file.header).ok()?;
    for step in &file.steps {
        body = postcard::to_extend(step, body).ok()?;
    }
    let out = seal(&body);
    (out.len() as u64 <= MAX_MEMO_BYTES).then_some(out)
}

/// Whether `bytes` begin like a memo file (how the cache commands tell memos from anything
/// else someone keeps in the directory).
pub(crate) fn looks_like_memo(start: &[u8]) -> bool {
    start.starts_with(MAGIC)
}

/// Wraps an encoded memo body as a memo file: the magic line, the body and the checksum. For
/// the fuzz target, which must get past the checksum to reach the structural checks.
#[doc(hidden)]
pub fn seal(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(MAGIC.len() + body.len() + 32);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(body);
    let sum = hex_bytes(Digest::sha256_of(&out).hex()).unwrap_or_default();
    out.extend_from_slice(&sum);
    out
}

fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Reads a memo, or `None` if it is not exactly the memo of `layer` for `key` under `limits`,
/// intact and well-formed. Steps are decoded one at a time and charged like a recording, so a
/// crafted memo never takes more memory than [`MAX_MEMO_BYTES`] of steps.
pub(crate) fn decode(
    bytes: &[u8],
    key: &str,
    layer: &Digest,
    limits: &crate::Limits,
) -> Option<MemoFile> {
    if bytes.len() as u64 > MAX_MEMO_BYTES {
        return None;
    }
    let body_end = bytes.len().checked_sub(32)?;
    let (body, sum) = bytes.split_at(body_end);
    let payload = body.strip_prefix(MAGIC)?;
    if hex_bytes(Digest::sha256_of(body).hex())?.as_slice() != sum {
        return None;
    }
    let content_limit = limits.max_file_bytes_in_memory;
    let max_entries = limits.max_entries_per_layer;
    let (header, mut rest): (MemoHeader, _) = postcard::take_from_bytes(payload).ok()?;
    let header_ok = header.format == FORMAT
        && header.key == key
        && header.layer == layer.to_string()
        && header.content_limit == content_limit
        && header.entries <= max_entries
        && header.bytes <= limits.max_decompressed_bytes
        && header.dropped_warnings <= max_entries;
    if !header_ok {
        return None;
    }
    let (mut steps, mut spent, mut warnings) = (Vec::new(), 0u64, 0usize);
    while !rest.is_empty() {
        let (step, after): (LoggedStep, _) = postcard::take_from_bytes(rest).ok()?;
        rest = after;
        spent += cost(&step);
        if matches!(step, LoggedStep::Warning(_)) {
            warnings += 1;
        }
        let within = spent <= MAX_MEMO_BYTES
            && warnings <= MAX_WARNINGS_PER_LAYER
            && (steps.len() + 1 - warnings) as u64 <= max_entries;
        if !within || !well_formed(&step, content_limit) {
            return None;
        }
        steps.push(step);
    }
    Some(MemoFile { header, steps })
}

/// Whether `step` is something the layer reader could have produced.
fn well_formed(step: &LoggedStep, content_limit: u64) -> bool {
    match step {
        LoggedStep::Warning(text) => text.len() <= MAX_WARNING_BYTES,
        LoggedStep::Whiteout(path) => plain(path),
        LoggedStep::Opaque(path) => path.is_empty() || plain(path),
        LoggedStep::Entry(e) => {
            let target_ok = match (e.kind, &e.link_target) {
                (EntryKind::Symlink, Some(t)) => t.len() <= MAX_PATH_BYTES && !t.contains('\0'),
                (EntryKind::Hardlink, Some(t)) => plain(t),
                (EntryKind::Symlink | EntryKind::Hardlink, None) => false,
                (_, target) => target.is_none(),
            };
            let summary_ok = e.summary.as_ref().is_none_or(|s| {
                matches!(e.kind, EntryKind::File | EntryKind::Hardlink)
                    && s.len() as u64 <= content_limit.saturating_mul(4).saturating_add(64 * 1024)
            });
            plain(&e.path) && e.mode <= 0o7777 && target_ok && summary_ok
        }
    }
}

/// Whether `path` is what the reader presents: not the root, already in the walk's normal form
/// (so it cannot climb out of the root), and no whiteout or AUFS name.
fn plain(path: &str) -> bool {
    let mut out = String::with_capacity(path.len());
    if normalise_into(path, &mut out) != Ok(true) || out != path {
        return false;
    }
    classify(&mut out) == Ok(Name::Plain)
}

/// Memos as files in one directory, created private to the user, the least recently used
/// removed past a size budget.
#[derive(Debug, Clone)]
pub struct DirMemoStore {
    dir: PathBuf,
    budget: u64,
}

/// The layer cache's default size: the memos of a few hundred base layers (a Debian base
/// layer's is about 1.6 MB; an app layer's a few KB).
pub const DEFAULT_CACHE_BYTES: u64 = 1024 * 1024 * 1024;

/// One memo file on disk.
struct StoredMemo {
    path: PathBuf,
    size: u64,
    /// Last saved or loaded.
    used: std::time::SystemTime,
}

impl DirMemoStore {
    /// A store in `dir` (created when the first memo is saved).
    pub fn new(dir: impl Into<PathBuf>) -> DirMemoStore {
        DirMemoStore {
            dir: dir.into(),
            budget: DEFAULT_CACHE_BYTES,
        }
    }

    /// `$SEATBELT_CACHE_DIR/layers`, else `$XDG_CACHE_HOME/seatbelt/layers`, else
    /// `~/.cache/seatbelt/layers`; `None` without any of those variables (never a shared temp
    /// directory, where another user could have made the directory first).
    pub fn default_dir() -> Option<PathBuf> {
        seatbelt_types::user_cache_dir().map(|d| d.join("layers"))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// How many memos the store holds and their bytes (none when the directory is absent).
    pub fn usage(&self) -> std::io::Result<(usize, u64)> {
        let memos = self.memos()?;
        Ok((memos.len(), memos.iter().map(|m| m.size).sum()))
    }

    /// Removes every memo (and memo temp file a crashed save left) — files named and begun
    /// like memos only, whatever else the directory holds; returns how many memos and bytes
    /// went. Refuses a directory others can write.
    pub fn clear(&self) -> std::io::Result<(usize, u64)> {
        if self.dir.exists() && !self.dir_is_private() {
            return Err(std::io::Error::other(
                "it is not a directory only this user can write; remove it by hand",
            ));
        }
        let memos = self.memos()?;
        for memo in memos
            .iter()
            .chain(&self.files(|name| name.starts_with(".tmp"))?)
        {
            remove_if_there(&memo.path)?;
        }
        Ok((memos.len(), memos.iter().map(|m| m.size).sum()))
    }

    /// Keeps at most `bytes` of memos: past that, each save removes the least recently used
    /// (default [`DEFAULT_CACHE_BYTES`]).
    pub fn with_budget(mut self, bytes: u64) -> DirMemoStore {
        self.budget = bytes;
        self
    }

    /// Past the budget, removes the least recently used memos (a load counts as a use) until
    /// a quarter of the budget is free again, never `keep`.
    fn evict(&self, keep: &str) -> std::io::Result<()> {
        let mut memos = self.memos()?;
        let mut total: u64 = memos.iter().map(|m| m.size).sum();
        if total <= self.budget {
            return Ok(());
        }
        memos.sort_by_key(|m| m.used);
        let target = self.budget - self.budget / 4;
        for memo in memos {
            if total <= target {
                break;
            }
            if memo.path.file_name().is_some_and(|n| n == keep) {
                continue;
            }
            remove_if_there(&memo.path)?;
            total = total.saturating_sub(memo.size);
        }
        Ok(())
    }

    fn memos(&self) -> std::io::Result<Vec<StoredMemo>> {
        self.files(|name| name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit()))
    }

    /// The regular files of the directory whose names `wanted` accepts and that begin like a
    /// memo (none when it is absent; files another process removes meanwhile are skipped).
    fn files(&self, wanted: impl Fn(&str) -> bool) -> std::io::Result<Vec<StoredMemo>> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry?;
            if !wanted(&entry.file_name().to_string_lossy()) {
                continue;
            }
            let meta = match entry.metadata() {
                Ok(meta) => meta,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            if !meta.is_file() || !begins_like_memo(&entry.path()) {
                continue;
            }
            out.push(StoredMemo {
                path: entry.path(),
                size: meta.len(),
                used: meta.modified().unwrap_or(std::time::UNIX_EPOCH),
            });
        }
        Ok(out)
    }

    fn create_dir(&self) -> std::io::Result<()> {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)
    }
}

fn begins_like_memo(path: &Path) -> bool {
    let mut start = [0u8; MAGIC.len()];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut start))
        .is_ok_and(|()| looks_like_memo(&start))
}

fn remove_if_there(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Whether `meta` (the cache directory or a memo in it) can only have been written by this
/// user: owned by the effective uid and writable by no one else. A directory another user
/// planted (say under a shared temp directory, the last fallback) is never trusted.
fn private(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.uid() == rustix::process::geteuid().as_raw() && meta.mode() & 0o022 == 0
}

impl DirMemoStore {
    fn dir_is_private(&self) -> bool {
        std::fs::symlink_metadata(&self.dir).is_ok_and(|m| m.is_dir() && private(&m))
    }
}

impl MemoStore for DirMemoStore {
    fn load(&self, name: &str) -> Option<Vec<u8>> {
        let path = self.dir.join(name);
        let meta = std::fs::symlink_metadata(&path).ok()?;
        if !self.dir_is_private() || !meta.is_file() {
            return None;
        }
        let file = std::fs::File::open(path).ok()?;
        // Checked again on what was opened, in case the path changed in between.
        if !file.metadata().is_ok_and(|m| m.is_file() && private(&m)) {
            return None;
        }
        // A use, for the least-recently-used eviction.
        let _ = file.set_modified(std::time::SystemTime::now());
        let mut bytes = Vec::new();
        file.take(MAX_MEMO_BYTES + 1).read_to_end(&mut bytes).ok()?;
        Some(bytes)
    }

    fn save(&self, name: &str, bytes: &[u8]) {
        use std::io::Write;
        // A temp file renamed into place: a concurrent reader sees the old memo or the new
        // one, never half of one.
        let saved = self.create_dir().and_then(|()| {
            if !self.dir_is_private() {
                return Err(std::io::Error::other(
                    "it is not a directory only this user can write",
                ));
            }
            let mut temp = tempfile::NamedTempFile::new_in(&self.dir)?;
            temp.write_all(bytes)?;
            temp.persist(self.dir.join(name)).map_err(|e| e.error)?;
            self.evict(name)
        });
        if let Err(e) = saved {
            tracing::debug!("layer memo not saved in {}: {e}", self.dir.display());
        }
    }
}

/// A store that remembers nothing: every walk reads every layer.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoMemoStore;

impl MemoStore for NoMemoStore {
    fn load(&self, _name: &str) -> Option<Vec<u8>> {
        None
    }

    fn save(&self, _name: &str, _bytes: &[u8]) {}

    fn keeps(&self) -> bool {
        false
    }
}

#[cfg(test)]
#[path = "memo_tests.rs"]
mod tests;
