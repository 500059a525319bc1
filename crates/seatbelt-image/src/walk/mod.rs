//! The one streaming pass over an image's layers that every consumer shares.
//!
//! Layers are read newest first, so the first version of a path met is its final one; whiteouts
//! (`.wh.NAME`) and opaque directories (`.wh..wh..opq`) hide what lies below them. Each consumer
//! ([`Visitor`]) declares up front, with a cheap [`PathFilter`], which paths it wants and whether it
//! wants their content; only those are read into memory (bounded by
//! [`crate::limits::MAX_FILE_BYTES_IN_MEMORY`]). Consumers that ask for history (secret scanning)
//! also get every shadowed and deleted version, with the layer it came from. Nothing is written
//! to disk, except the layer memos of a memoised walk. Layers decompress in parallel while the pass proceeds in order.
//!
//! Decisions a consumer may rely on:
//! - A lower version hidden by a whiteout of its path or of an ancestor, by an opaque ancestor, or
//!   by a non-directory a newer layer put at an ancestor is [`Version::Deleted`]; one replaced by
//!   an entry at the same path is [`Version::Shadowed`]. When several newer layers touch a path,
//!   the nearest one decides (and when one layer does both, it shadows).
//! - A path that occurs twice in one layer is presented twice, in stream order, both times with
//!   the version the layers above give it: the walk cannot take back the first presentation
//!   without holding the whole layer. The later one is the one tar extraction keeps, so a
//!   consumer that keys entries by path and overwrites ends up with the right one.
//! - Entries whose names are not UTF-8, whose `..` climbs out of the root, that are longer than
//!   [`crate::limits::MAX_PATH_BYTES`], whose tar type is not a file, link, directory or device
//!   node, or that are hardlinks to paths outside the root, are skipped with a warning in
//!   [`WalkReport::warnings`] (at most 100 per layer, then a count). Whiteout files themselves
//!   and AUFS bookkeeping (`.wh..wh.*`) are never presented. Device nodes and FIFOs are presented
//!   with their kinds and never read.
//! - A hardlink's content is delivered when its target is an earlier file of the same layer whose
//!   content the walk read for some visitor (and kept, up to 4 MiB per layer); otherwise it is
//!   `None`, and a visitor that needs it can look the target up itself. Sparse files are
//!   presented without content (with a warning).
//! - Every layer is read to its end, so a digest mismatch, truncation, decompression bomb or
//!   malformed tar ends the walk with its [`ImageError`], even when no visitor wanted anything.
//! - Memory: at most one in-memory file limit of content for the layer being delivered plus
//!   16 MiB for layers waiting behind it, bounded queues, and about 100 bytes per distinct path.
//!   A memoised walk ([`walk_memoised`]) also holds, per worker, one layer's memo being
//!   recorded or replayed, at most [`memo::MAX_MEMO_BYTES`] of decoded steps each.
//! - A layer replayed from its memo is not read again: the memo was recorded from bytes that
//!   matched the layer's digest. Whoever then writes the image moves or verifies its blobs
//!   (`copy` hashes every blob it writes; `copy::put_layers` verifies those the destination
//!   already has).

mod layer_reader;
pub mod memo;
pub(crate) mod path;
mod pipeline;
mod resolve;
mod tar;
mod tree;

use std::sync::Arc;

use seatbelt_types::Digest;

use crate::{Image, ImageError};

/// What kind of file an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Directory,
    /// A symbolic link.
    Symlink,
    /// A hard link to another path of the image.
    Hardlink,
    /// A character device.
    CharDevice,
    /// A block device.
    BlockDevice,
    /// A named pipe.
    Fifo,
}

/// Which version of a path an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Version {
    /// What a container started from the image sees.
    Final,
    /// Replaced by the same path in a newer layer.
    Shadowed,
    /// Removed by a whiteout or opaque directory in a newer layer (still in every pull).
    Deleted,
}

/// One file of one layer, as the walk presents it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    /// The path inside the image, normalised: relative to the root, no `.`, `..` or `//`
    /// (`etc/os-release`; the root itself is never an entry).
    pub path: String,
    /// The kind of file.
    pub kind: EntryKind,
    /// Permission bits, including setuid/setgid/sticky.
    pub mode: u32,
    /// Owner.
    pub uid: u64,
    /// Group.
    pub gid: u64,
    /// Size in bytes (regular files).
    pub size: u64,
    /// Modification time, seconds since the epoch.
    pub mtime: u64,
    /// For links: the target as written (a symlink's may be relative or absolute; a hardlink's is
    /// normalised like `path`).
    pub link_target: Option<String>,
    /// Index of the layer in the manifest, 0 = oldest.
    pub layer_index: usize,
    /// The layer's digest (absent for a `dir:` root filesystem).
    pub layer_digest: Option<Digest>,
    /// Final, shadowed or deleted.
    pub version: Version,
}

/// How much of a path a consumer wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Interest {
    /// Nothing.
    Skip,
    /// The entry's metadata only.
    Metadata,
    /// Metadata and content.
    Content,
}

/// Decides, from a path and kind alone, what a consumer wants. Called on the decompression
/// threads for every entry, so it must be cheap and do no I/O.
pub type PathFilter = Arc<dyn Fn(&str, EntryKind) -> Interest + Send + Sync>;

/// Narrows [`Interest::Content`] by the entry's permission bits (`path`, `mode`): `false` keeps
/// only the metadata. For consumers that want the content of executables, say, which a path
/// alone cannot tell; runs where [`PathFilter`]s run, under the same rules.
pub type ContentFilter = Arc<dyn Fn(&str, u32) -> bool + Send + Sync>;

/// A consumer of the walk.
pub trait Visitor: Send {
    /// What this consumer wants; asked once, before the walk starts.
    fn filter(&self) -> PathFilter;

    /// Of the entries [`Visitor::filter`] wants the content of, those whose content it really
    /// wants, by mode (default: all of them); asked once, before the walk starts.
    fn content_filter(&self) -> Option<ContentFilter> {
        None
    }

    /// Whether to be shown shadowed and deleted versions too (default: final versions only).
    fn wants_history(&self) -> bool {
        false
    }

    /// One wanted entry. `content` is present when [`Interest::Content`] was asked for a regular
    /// file (or a hardlink whose target's content the walk holds); it holds at most the
    /// in-memory limit, and `content_complete` says whether that was all of it.
    fn visit(
        &mut self,
        entry: &Entry,
        content: Option<&[u8]>,
        content_complete: bool,
    ) -> Result<(), ImageError>;
}

/// What a walk saw.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct WalkReport {
    /// Layers read.
    pub layers: usize,
    /// Tar entries read, all layers together.
    pub entries: u64,
    /// Decompressed bytes read.
    pub bytes: u64,
    /// Entries skipped, each with the reason (device nodes, bad names…).
    pub warnings: Vec<String>,
    /// Layers replayed from their memo instead of read ([`walk_memoised`]).
    pub replayed_layers: usize,
}

pub use resolve::resolve_in_root;

pub(crate) use layer_reader::{prefer_stream_error, LayerReader, RawEntry, Step};

/// Walks every layer of `image` once, newest first, offering each entry to the visitors.
///
/// Layers are decompressed on up to [`std::thread::available_parallelism`] worker threads (that
/// many layers in flight at once); the [`PathFilter`]s run there, and [`Visitor::visit`] runs on
/// the calling thread, strictly newest layer to oldest and in stream order within a layer.
pub fn walk(image: &Image, visitors: &mut [&mut dyn Visitor]) -> Result<WalkReport, ImageError> {
    pipeline::run(image, visitors, None)
}

/// Walks like [`walk`] for one visitor that takes summaries instead of content: wherever the
/// visitor would get a file's content it gets `memo.summarise` of it instead, and each layer
/// with a digest is replayed from `memo.store` when a memo of it for `memo.key` is there, or
/// else read and remembered there (see [`memo`]).
pub fn walk_memoised(
    image: &Image,
    visitor: &mut dyn Visitor,
    memo: &memo::Memo,
) -> Result<WalkReport, ImageError> {
    pipeline::run(image, &mut [visitor], Some(memo))
}
