//! Writing what `docker load` reads. The layout is Docker 25+'s: every file under
//! `blobs/sha256/`, `manifest.json` for `docker load` and older readers, and `index.json` +
//! `oci-layout` so the archive is an OCI layout too. `docker load` (any version) and
//! `skopeo inspect docker-archive:` only follow the paths in `manifest.json`, so both accept it.
//!
//! Layers must be stored uncompressed (their sha256 is the config's diff_id, which `docker load`
//! checks), so the registry manifest cannot be kept: a new OCI manifest describing the
//! uncompressed layers is written, and the report says the digest changed.

use std::collections::{BTreeSet, HashMap};
use std::io::{self, BufWriter, Read, Seek, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use seatbelt_registry::Reference;
use seatbelt_types::Digest;

use crate::copy::rootfs_layer::HashWriter;
use crate::copy::{CopyOptions, CopyReport};
use crate::media_types::{OCI_CONFIG, OCI_INDEX, OCI_LAYER_TAR, OCI_MANIFEST};
use crate::sink::tar_writer::DeterministicTar;
use crate::sink::{output_temp_file, parent_dir};
use crate::source::docker_archive::split_name_from_path;
use crate::source::layout::{blob_name, descriptor_digest, CONTAINERD_NAME, REF_NAME};
use crate::{open_decompressed, Destination, Image, ImageError, LayerSource};

/// Counts the bytes read through it, for a progress report from another owner's stream.
struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// `name[:tag]` as given, checked, with `:latest` added when no tag was given.
fn repo_tag(text: &str, destination: &str) -> Result<(String, Reference), ImageError> {
    let invalid = |reason: String| ImageError::InvalidReference {
        reference: destination.to_string(),
        reason,
    };
    let reference: Reference = text
        .parse()
        .map_err(|e| invalid(format!("`{text}` is not an image name: {e}")))?;
    if reference.digest().is_some() {
        return Err(invalid(
            "a docker-archive tag is `name:tag`, not a digest".to_string(),
        ));
    }
    let familiar = if reference.tag().is_some() {
        text.to_string()
    } else {
        format!("{text}:latest")
    };
    Ok((familiar, reference))
}

pub(crate) fn write(
    image: &Image,
    path: &Path,
    tag: Option<&str>,
    options: &CopyOptions<'_>,
) -> Result<CopyReport, ImageError> {
    let (path, name) = split_name_from_path(path, tag, false);
    let destination = Destination::DockerArchive {
        path: path.clone(),
        tag: name.clone(),
    }
    .to_string();
    let tagged = name
        .as_deref()
        .map(|n| repo_tag(n, &destination))
        .transpose()?;
    if path.is_dir() {
        return Err(ImageError::Destination {
            destination,
            reason: "it is a directory; docker-archive: writes a tar file".to_string(),
        });
    }
    let diff_ids = image.config.diff_ids()?;
    if diff_ids.len() != image.layers.len() {
        return Err(ImageError::malformed(
            format!(
                "image config {} of {}",
                image.config.digest, image.reference
            ),
            format!(
                "rootfs.diff_ids lists {} layers but the manifest {}",
                diff_ids.len(),
                image.layers.len()
            ),
        ));
    }
    let parent = parent_dir(&path);
    let temp = output_temp_file(&parent)?;
    let write_err = |e: io::Error| ImageError::io("cannot write", &path, e);
    let mut tar = DeterministicTar::new(BufWriter::with_capacity(256 * 1024, temp));
    let mut report = CopyReport {
        destination: destination.clone(),
        ..CopyReport::default()
    };

    let algorithms: BTreeSet<&str> = diff_ids
        .iter()
        .chain([&image.config.digest])
        .map(|d| d.algorithm().name())
        .collect();
    tar.dir("blobs").map_err(write_err)?;
    for algorithm in &algorithms {
        tar.dir(&format!("blobs/{algorithm}")).map_err(write_err)?;
    }

    // A fixed order rather than a sorted one: layers as the manifest lists them, then the small
    // files (whose content needs the layer sizes). Sorting would need every layer staged at once.
    let mut sizes: HashMap<Digest, u64> = HashMap::new();
    for (index, (layer, diff_id)) in image.layers.iter().zip(&diff_ids).enumerate() {
        if sizes.contains_key(diff_id) {
            continue;
        }
        let LayerSource::Blob(descriptor) = layer else {
            return Err(ImageError::Destination {
                destination,
                reason: "a directory layer cannot be written as is (convert it first)".to_string(),
            });
        };
        let what = format!(
            "layer {index} ({}) of {}",
            descriptor.digest(),
            image.reference
        );
        // Progress counts the blob's (compressed) bytes, which is the size announced; the
        // decompressor owns that stream, so a shared counter reports it.
        options
            .progress
            .blob_started(&descriptor_digest(descriptor, &what)?, descriptor.size());
        let counted = Arc::new(AtomicU64::new(0));
        let (_, mut reader) = open_decompressed(
            CountingReader {
                inner: image.open_blob(descriptor)?,
                count: Arc::clone(&counted),
            },
            &what,
            image.limits.max_decompressed_bytes,
        )?;
        let mut reported = 0;
        // Staged beside the destination because the tar header needs the size first.
        let staged = tempfile::tempfile_in(&parent)
            .map_err(|e| ImageError::io("cannot create a temp file in", &parent, e))?;
        let mut out = HashWriter::new(BufWriter::with_capacity(256 * 1024, staged));
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ImageError::from_stream(what, e)),
            };
            out.write_all(&buf[..n])
                .map_err(|e| ImageError::io("cannot write", &parent, e))?;
            let now = counted.load(Ordering::Relaxed);
            options.progress.advanced(now - reported);
            reported = now;
        }
        options
            .progress
            .advanced(counted.load(Ordering::Relaxed) - reported);
        let actual = out.digest();
        let size = out.count;
        if actual != *diff_id {
            return Err(ImageError::DigestMismatch {
                what: format!("{what}, decompressed (its diff_id in the config)"),
                expected: diff_id.clone(),
                actual,
            });
        }
        let mut staged = out
            .inner
            .into_inner()
            .map_err(|e| ImageError::io("cannot write", &parent, e.into_error()))?;
        staged
            .rewind()
            .map_err(|e| ImageError::io("cannot read", &parent, e))?;
        tar.file(&blob_name(diff_id), size, staged)
            .map_err(write_err)?;
        sizes.insert(diff_id.clone(), size);
        report.blobs_copied += 1;
        report.bytes_copied += size;
    }

    let config = &image.config;
    tar.bytes(&blob_name(&config.digest), &config.bytes)
        .map_err(write_err)?;
    report.blobs_copied += 1;
    report.bytes_copied += config.bytes.len() as u64;

    let layer_descriptors: Vec<serde_json::Value> = diff_ids
        .iter()
        .map(|d| {
            serde_json::json!({
                "mediaType": OCI_LAYER_TAR,
                "digest": d.to_string(),
                "size": sizes.get(d).copied().unwrap_or(0),
            })
        })
        .collect();
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {
            "mediaType": OCI_CONFIG,
            "digest": config.digest.to_string(),
            "size": config.bytes.len(),
        },
        "layers": layer_descriptors,
    }))
    .map_err(|e| ImageError::malformed(image.reference.clone(), e.to_string()))?;
    let manifest_digest = Digest::sha256_of(&manifest);
    tar.bytes(&blob_name(&manifest_digest), &manifest)
        .map_err(write_err)?;

    let mut index_entry = serde_json::json!({
        "mediaType": OCI_MANIFEST,
        "digest": manifest_digest.to_string(),
        "size": manifest.len(),
    });
    if let Some((_, reference)) = &tagged {
        index_entry["annotations"] = serde_json::json!({
            CONTAINERD_NAME: reference.to_string(),
            REF_NAME: reference.tag().unwrap_or("latest"),
        });
    }
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [index_entry],
    });
    tar.bytes("index.json", index.to_string().as_bytes())
        .map_err(write_err)?;

    let docker_manifest = serde_json::json!([{
        "Config": blob_name(&config.digest),
        "RepoTags": tagged.as_ref().map(|(t, _)| vec![t.clone()]),
        "Layers": diff_ids.iter().map(blob_name).collect::<Vec<_>>(),
    }]);
    tar.bytes("manifest.json", docker_manifest.to_string().as_bytes())
        .map_err(write_err)?;
    tar.bytes("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#)
        .map_err(write_err)?;
    // The pre-1.10 tag file; `docker load` reads manifest.json, but old tools still look here.
    if let (Some((familiar, _)), Some(top)) = (&tagged, diff_ids.last()) {
        if let Some((repo, tag)) = familiar.rsplit_once(':') {
            let repositories = serde_json::json!({ repo: { tag: top.hex() } });
            tar.bytes("repositories", repositories.to_string().as_bytes())
                .map_err(write_err)?;
        }
    }

    let temp = tar
        .finish()
        .and_then(|w| w.into_inner().map_err(|e| e.into_error()))
        .map_err(write_err)?;
    temp.persist(&path)
        .map_err(|e| ImageError::io("cannot write", &path, e.error))?;

    report.manifest_digest = Some(manifest_digest.clone());
    report.conversion = Some(match image.digest() {
        Some(original) if *original != manifest_digest => format!(
            "docker-archive stores uncompressed layers and no registry manifest: the manifest digest changes from {original} to {manifest_digest}"
        ),
        Some(_) => "docker-archive stores uncompressed layers; the manifest was already the uncompressed one, so its digest is unchanged".to_string(),
        None => format!("docker-archive stores uncompressed layers: the manifest digest is {manifest_digest}"),
    });
    Ok(report)
}
