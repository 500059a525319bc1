//! Hard limits on what an image may make seatbelt read. Every one is named, so an error can say
//! which was hit and how to raise it, and every one bounds memory or time against a hostile image.

/// The largest manifest or index accepted: the distribution spec says registries should accept
/// at least 4 MiB manifests, and nothing legitimate comes near it.
pub const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;
/// The largest image config accepted (same reasoning as manifests; configs hold history and env).
pub const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;
/// The most layers an image may have. Docker's overlay2 driver refuses more than 125; 1000 leaves
/// room for other runtimes while stopping a manifest that lists a million layers.
pub const MAX_LAYERS: usize = 1000;
/// The most bytes of one file a consumer may hold in memory (a 64 MiB dpkg status file would
/// already be absurd).
pub const MAX_FILE_BYTES_IN_MEMORY: u64 = 64 * 1024 * 1024;
/// The most decompressed bytes one image may expand to: far above any real image, far below
/// what a decompression bomb produces.
pub const MAX_DECOMPRESSED_BYTES: u64 = 64 * 1024 * 1024 * 1024;
/// The most tar entries one layer may hold (a Debian image with every package has ~100 k files).
pub const MAX_ENTRIES_PER_LAYER: u64 = 5_000_000;
/// The longest path inside an image accepted (PATH_MAX on Linux).
pub const MAX_PATH_BYTES: usize = 4096;
/// How many links a path resolution may follow before it is refused as a loop (Linux's limit).
pub const MAX_SYMLINK_HOPS: usize = 40;

/// The limits in force for one operation; `Limits::default()` is the constants above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// See [`MAX_MANIFEST_BYTES`].
    pub max_manifest_bytes: u64,
    /// See [`MAX_CONFIG_BYTES`].
    pub max_config_bytes: u64,
    /// See [`MAX_LAYERS`].
    pub max_layers: usize,
    /// See [`MAX_FILE_BYTES_IN_MEMORY`].
    pub max_file_bytes_in_memory: u64,
    /// See [`MAX_DECOMPRESSED_BYTES`].
    pub max_decompressed_bytes: u64,
    /// See [`MAX_ENTRIES_PER_LAYER`].
    pub max_entries_per_layer: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_manifest_bytes: MAX_MANIFEST_BYTES,
            max_config_bytes: MAX_CONFIG_BYTES,
            max_layers: MAX_LAYERS,
            max_file_bytes_in_memory: MAX_FILE_BYTES_IN_MEMORY,
            max_decompressed_bytes: MAX_DECOMPRESSED_BYTES,
            max_entries_per_layer: MAX_ENTRIES_PER_LAYER,
        }
    }
}
