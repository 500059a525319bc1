//! Turning a `dir:` root filesystem into an image: one deterministic gzip layer (sorted entries,
//! owners and modes kept, symlinks as symlinks, hardlinks as hardlinks), a config naming its
//! diff_id and an OCI manifest, staged in `$TMPDIR` for as long as the converted image lives.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;
use std::sync::Arc;

use oci_spec::image::ImageManifest;
use seatbelt_types::{Algorithm, Digest, Hasher};
use serde_json::Value;

use crate::media_types::{OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST};
use crate::sink::tar_writer::ExactReader;
use crate::source::BlobSource;
use crate::{Image, ImageError, LayerSource, RawConfig, RawManifest};

/// Counts and hashes what passes through to `inner`.
pub(crate) struct HashWriter<W> {
    pub(crate) inner: W,
    hasher: Hasher,
    pub(crate) count: u64,
}

impl<W: Write> HashWriter<W> {
    pub(crate) fn new(inner: W) -> Self {
        HashWriter {
            inner,
            hasher: Hasher::new(Algorithm::Sha256),
            count: 0,
        }
    }

    pub(crate) fn digest(&self) -> Digest {
        self.hasher.clone().finish()
    }
}

impl<W: Write> Write for HashWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The single layer built from a directory.
struct BuiltLayer {
    file: tempfile::NamedTempFile,
    digest: Digest,
    size: u64,
    diff_id: Digest,
    skipped: Vec<String>,
}

/// `SOURCE_DATE_EPOCH`, when set, caps every mtime so rebuilds of the same tree give the same
/// layer (<https://reproducible-builds.org/specs/source-date-epoch/>).
fn source_date_epoch() -> Option<u64> {
    std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()
}

/// Linux's encoding of device numbers (glibc `gnu_dev_major`/`gnu_dev_minor`).
fn device_numbers(rdev: u64) -> (u32, u32) {
    let major = ((rdev >> 8) & 0xfff) | ((rdev >> 32) & !0xfff);
    let minor = (rdev & 0xff) | ((rdev >> 12) & !0xff);
    (
        u32::try_from(major).unwrap_or(u32::MAX),
        u32::try_from(minor).unwrap_or(u32::MAX),
    )
}

fn build_layer(root: &Path) -> Result<BuiltLayer, ImageError> {
    let temp = tempfile::NamedTempFile::new()
        .map_err(|e| ImageError::io("cannot create a temp file in", std::env::temp_dir(), e))?;
    let out = temp
        .reopen()
        .map_err(|e| ImageError::io("cannot write", temp.path().to_path_buf(), e))?;
    let compressed = HashWriter::new(BufWriter::with_capacity(256 * 1024, out));
    let gzip = flate2::write::GzEncoder::new(compressed, flate2::Compression::default());
    let mut builder = tar::Builder::new(HashWriter::new(gzip));
    let epoch = source_date_epoch();
    let mut first_paths: HashMap<(u64, u64), std::path::PathBuf> = HashMap::new();
    let mut skipped = Vec::new();
    let write_err = |e: io::Error| ImageError::io("cannot write", temp.path().to_path_buf(), e);

    // Not crossing into other filesystems keeps `/proc` and friends out when PATH is a live root.
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .same_file_system(true)
        .sort_by_file_name()
        .min_depth(1);
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(root).to_path_buf();
            ImageError::io(
                "cannot read",
                path,
                e.into_io_error()
                    .unwrap_or_else(|| io::Error::other("a directory loop")),
            )
        })?;
        let path = entry.path();
        let relative = path.strip_prefix(root).unwrap_or(path);
        let meta = entry
            .metadata()
            .map_err(|e| ImageError::io("cannot read", path, e.into()))?;
        let mut header = tar::Header::new_gnu();
        header.set_mode(meta.mode() & 0o7777);
        header.set_uid(u64::from(meta.uid()));
        header.set_gid(u64::from(meta.gid()));
        let mtime = u64::try_from(meta.mtime()).unwrap_or(0);
        header.set_mtime(epoch.map_or(mtime, |e| mtime.min(e)));
        header.set_size(0);
        let file_type = meta.file_type();
        if file_type.is_dir() {
            header.set_entry_type(tar::EntryType::Directory);
            builder
                .append_data(&mut header, relative, io::empty())
                .map_err(write_err)?;
        } else if file_type.is_symlink() {
            let target =
                std::fs::read_link(path).map_err(|e| ImageError::io("cannot read", path, e))?;
            header.set_entry_type(tar::EntryType::Symlink);
            builder
                .append_link(&mut header, relative, target)
                .map_err(write_err)?;
        } else if file_type.is_file() {
            let key = (meta.dev(), meta.ino());
            if meta.nlink() > 1 {
                if let Some(first) = first_paths.get(&key) {
                    header.set_entry_type(tar::EntryType::Link);
                    builder
                        .append_link(&mut header, relative, first)
                        .map_err(write_err)?;
                    continue;
                }
                first_paths.insert(key, relative.to_path_buf());
            }
            let file = File::open(path).map_err(|e| ImageError::io("cannot read", path, e))?;
            header.set_entry_type(tar::EntryType::Regular);
            header.set_size(meta.len());
            let mut exact = ExactReader {
                inner: file,
                remaining: meta.len(),
            };
            builder
                .append_data(&mut header, relative, &mut exact)
                .and_then(|()| exact.check_end())
                .map_err(|e| ImageError::io("cannot read", path, e))?;
        } else if file_type.is_char_device() || file_type.is_block_device() {
            header.set_entry_type(if file_type.is_char_device() {
                tar::EntryType::Char
            } else {
                tar::EntryType::Block
            });
            let (major, minor) = device_numbers(meta.rdev());
            header.set_device_major(major).map_err(write_err)?;
            header.set_device_minor(minor).map_err(write_err)?;
            builder
                .append_data(&mut header, relative, io::empty())
                .map_err(write_err)?;
        } else if file_type.is_fifo() {
            header.set_entry_type(tar::EntryType::Fifo);
            builder
                .append_data(&mut header, relative, io::empty())
                .map_err(write_err)?;
        } else {
            skipped.push(format!(
                "{}: a socket cannot be stored in a layer",
                relative.display()
            ));
        }
    }
    let uncompressed = builder.into_inner().map_err(write_err)?;
    let diff_id = uncompressed.digest();
    let compressed = uncompressed.inner.finish().map_err(write_err)?;
    let digest = compressed.digest();
    let size = compressed.count;
    compressed
        .inner
        .into_inner()
        .map_err(|e| write_err(e.into_error()))?;
    Ok(BuiltLayer {
        file: temp,
        digest,
        size,
        diff_id,
        skipped,
    })
}

/// Blobs held in memory or staged in temp files, for an image built here.
pub(crate) struct StagedBlobs {
    bytes: HashMap<Digest, Vec<u8>>,
    files: HashMap<Digest, tempfile::NamedTempFile>,
}

impl BlobSource for StagedBlobs {
    fn open_raw(
        &self,
        digest: &Digest,
        _size: Option<u64>,
    ) -> Result<Box<dyn Read + Send>, ImageError> {
        if let Some(bytes) = self.bytes.get(digest) {
            return Ok(Box::new(io::Cursor::new(bytes.clone())));
        }
        if let Some(file) = self.files.get(digest) {
            // A fresh handle per stream, so concurrent readers do not share an offset.
            let handle = file
                .reopen()
                .map_err(|e| ImageError::io("cannot read", file.path().to_path_buf(), e))?;
            return Ok(Box::new(handle));
        }
        Err(ImageError::malformed(
            "a converted image",
            format!("it has no blob {digest}"),
        ))
    }
}

fn descriptor_json(media_type: &str, digest: &Digest, size: u64) -> Value {
    serde_json::json!({"mediaType": media_type, "digest": digest.to_string(), "size": size})
}

/// Builds an OCI image (one layer) from the `dir:` image `image` rooted at `root`; returns it
/// with a note of what the conversion could not keep.
pub(crate) fn image_from_rootfs(image: &Image, root: &Path) -> Result<(Image, String), ImageError> {
    let layer = build_layer(root)?;
    let mut config = image.config.value.clone();
    if let Some(map) = config.as_object_mut() {
        map.insert(
            "rootfs".to_string(),
            serde_json::json!({"type": "layers", "diff_ids": [layer.diff_id.to_string()]}),
        );
    }
    let config_bytes = serde_json::to_vec(&config)
        .map_err(|e| ImageError::malformed(image.reference.clone(), e.to_string()))?;
    let config_digest = Digest::sha256_of(&config_bytes);
    let manifest_bytes = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": descriptor_json(OCI_CONFIG, &config_digest, config_bytes.len() as u64),
        "layers": [descriptor_json(OCI_LAYER_GZIP, &layer.digest, layer.size)],
    }))
    .map_err(|e| ImageError::malformed(image.reference.clone(), e.to_string()))?;
    let parsed: ImageManifest = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| ImageError::malformed(image.reference.clone(), e.to_string()))?;
    let layers = parsed
        .layers()
        .iter()
        .cloned()
        .map(LayerSource::Blob)
        .collect();
    let manifest = RawManifest {
        digest: Digest::sha256_of(&manifest_bytes),
        bytes: manifest_bytes,
        media_type: OCI_MANIFEST.to_string(),
        parsed,
    };
    let mut note = format!(
        "a directory is not an image: built one gzip layer ({}, diff_id {}), a config and an OCI manifest; extended attributes (file capabilities) are not kept",
        layer.digest, layer.diff_id
    );
    if !layer.skipped.is_empty() {
        note.push_str(&format!("; skipped: {}", layer.skipped.join(", ")));
    }
    let blobs = StagedBlobs {
        bytes: HashMap::from([(config_digest.clone(), config_bytes.clone())]),
        files: HashMap::from([(layer.digest, layer.file)]),
    };
    let config = RawConfig::from_verified_bytes(config_bytes, config_digest)?;
    let converted = Image::new(
        image.reference.clone(),
        Some(manifest),
        config,
        layers,
        image.limits,
        Arc::new(blobs),
    )?;
    Ok((converted, note))
}
