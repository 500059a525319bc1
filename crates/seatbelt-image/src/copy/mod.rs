//! `copy`: write an opened image to any [`Destination`]. Between OCI destinations the manifest
//! is kept byte for byte, so the digest does not change; `docker-archive:` and `dir:` force a
//! conversion, and the report says so. A `dir:` source is first turned into a one-layer image.

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};

use seatbelt_types::Digest;

use crate::extract::{extract, ExtractOptions};
use crate::sink::{BlobSink, OciArchiveSink, OciLayoutSink, Progress, RegistrySink};
use crate::source::layout::descriptor_digest;
use crate::{Destination, Image, ImageError, ImageRef, LayerSource};

mod docker_archive;
mod rootfs_layer;

/// How to copy.
pub struct CopyOptions<'a> {
    /// Told about bytes moved.
    pub progress: &'a dyn Progress,
    /// For `dir:` destinations: keep setuid/setgid bits (dropped by default).
    pub preserve_setuid: bool,
    /// Registry connection and credentials for registry destinations.
    pub registry: seatbelt_registry::ClientOptions,
}

/// What a copy did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CopyReport {
    /// Where it went.
    pub destination: String,
    /// The manifest digest at the destination (absent for `dir:`).
    pub manifest_digest: Option<Digest>,
    /// Blobs written.
    pub blobs_copied: usize,
    /// Blobs the destination already had.
    pub blobs_skipped: usize,
    /// Bytes written.
    pub bytes_copied: u64,
    /// Set when the destination format forced a conversion, saying what changed.
    pub conversion: Option<String>,
}

/// Tells a [`Progress`] about every byte read through it.
pub(crate) struct ProgressReader<'a, R> {
    pub(crate) inner: R,
    pub(crate) progress: &'a dyn Progress,
}

impl<R: Read> Read for ProgressReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.progress.stopped() {
            // Not `Interrupted`: readers retry that.
            return Err(std::io::Error::other("the copy was stopped"));
        }
        let n = self.inner.read(buf)?;
        self.progress.advanced(n as u64);
        Ok(n)
    }
}

/// Copies `image` to `destination`.
pub fn copy(
    image: &Image,
    destination: &Destination,
    options: &CopyOptions<'_>,
) -> Result<CopyReport, ImageError> {
    if let Destination::Dir { path } = destination {
        let extracted = extract(
            image,
            path,
            &ExtractOptions {
                preserve_setuid: options.preserve_setuid,
                ..ExtractOptions::default()
            },
        )?;
        let mut conversion = "dir: holds only the final filesystem: the manifest, config and layer boundaries are not kept".to_string();
        if !extracted.skipped.is_empty() {
            conversion.push_str(&format!(
                "; {} entries were not extracted: {}",
                extracted.skipped.len(),
                extracted.skipped.join(", ")
            ));
        }
        return Ok(CopyReport {
            destination: destination.to_string(),
            manifest_digest: None,
            blobs_copied: 0,
            blobs_skipped: 0,
            bytes_copied: extracted.bytes,
            conversion: Some(conversion),
        });
    }

    let converted = match (&image.manifest, image.layers.as_slice()) {
        (None, [LayerSource::Directory(root)]) => {
            Some(rootfs_layer::image_from_rootfs(image, root)?)
        }
        (None, _) => {
            return Err(ImageError::Destination {
                destination: destination.to_string(),
                reason: format!(
                    "{} has no manifest and is not a single directory",
                    image.reference
                ),
            })
        }
        (Some(_), _) => None,
    };
    let (image, note) = match &converted {
        Some((converted, note)) => (converted, Some(note.clone())),
        None => (image, None),
    };

    let mut report = match destination {
        Destination::OciDir { path, tag } => copy_blobs(
            image,
            Box::new(OciLayoutSink::open(path)?),
            tag.as_deref(),
            destination,
            options,
        )?,
        Destination::OciArchive { path, tag } => copy_blobs(
            image,
            Box::new(OciArchiveSink::create(path)?),
            tag.as_deref(),
            destination,
            options,
        )?,
        Destination::Registry(reference) => {
            if let (Some(pinned), Some(actual)) = (reference.digest(), image.digest()) {
                if pinned != actual {
                    return Err(ImageError::Destination {
                        destination: destination.to_string(),
                        reason: format!("it pins digest {pinned}, but the image's manifest is {actual}; name a tag instead"),
                    });
                }
            }
            let sink = registry_sink(image, reference, options)?;
            copy_blobs(image, Box::new(sink), reference.tag(), destination, options)?
        }
        Destination::DockerArchive { path, tag } => {
            docker_archive::write(image, path, tag.as_deref(), options)?
        }
        Destination::Dir { .. } => unreachable_dir(),
    };
    if let Some(note) = note {
        report.conversion = Some(match report.conversion.take() {
            Some(more) => format!("{note}; {more}"),
            None => note,
        });
    }
    Ok(report)
}

/// A sink pushing to `reference`, mounting blobs instead of uploading them when `image` came
/// from the same registry (the image only knows where it came from as text, so parse that).
fn registry_sink(
    image: &Image,
    reference: &seatbelt_registry::Reference,
    options: &CopyOptions<'_>,
) -> Result<RegistrySink, ImageError> {
    let mount_source = match image.reference.parse::<ImageRef>() {
        Ok(ImageRef::Registry(source)) if source.registry() == reference.registry() => Some(source),
        _ => None,
    };
    Ok(RegistrySink::new(reference, &options.registry)?.with_mount_source(mount_source))
}

/// Writes the layers of `image` that `destination` lacks, and nothing else, so that a later
/// [`copy`] of an image that reuses them (the hardened image, while it is still being worked
/// out) finds them there. Layers the destination already has are read from the source and
/// verified instead: a caller that did not read them itself (a memoised walk replays layers
/// without reading them) still learns of a blob that no longer matches its digest. Only OCI
/// layouts and registries keep blobs apart from manifests; other destinations are left alone.
/// Returns the number of layers written. Setting `stop` makes it give up soon after, mid-blob
/// (a partial blob is never kept).
pub fn put_layers(
    image: &Image,
    destination: &Destination,
    options: &CopyOptions<'_>,
    stop: &AtomicBool,
) -> Result<usize, ImageError> {
    let mut sink: Box<dyn BlobSink + '_> = match destination {
        Destination::OciDir { path, .. } => Box::new(OciLayoutSink::open(path)?),
        Destination::Registry(reference) => Box::new(registry_sink(image, reference, options)?),
        _ => return Ok(0),
    };
    let mut report = CopyReport::default();
    let layers: Vec<_> = image
        .layers
        .iter()
        .filter_map(|l| match l {
            LayerSource::Blob(d) => Some(d.clone()),
            LayerSource::Directory(_) => None,
        })
        .collect();
    let stoppable = Stoppable {
        inner: options.progress,
        stop,
    };
    let options = CopyOptions {
        progress: &stoppable,
        preserve_setuid: options.preserve_setuid,
        registry: options.registry.clone(),
    };
    put_missing(image, sink.as_mut(), &layers, &mut report, &options, true)?;
    Ok(report.blobs_copied)
}

/// A progress that also ends the copy when `stop` is set: [`ProgressReader`] asks it after
/// every read.
struct Stoppable<'a> {
    inner: &'a dyn Progress,
    stop: &'a AtomicBool,
}

impl Progress for Stoppable<'_> {
    fn blob_started(&self, digest: &Digest, size: u64) {
        self.inner.blob_started(digest, size);
    }

    fn advanced(&self, bytes: u64) {
        self.inner.advanced(bytes);
    }

    fn blob_skipped(&self, digest: &Digest, size: u64) {
        self.inner.blob_skipped(digest, size);
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed) || self.inner.stopped()
    }
}

/// Puts each of `descriptors` (once) that `sink` lacks, counting in `report`; with
/// `verify_present`, reads and verifies from the source the ones it has.
fn put_missing(
    image: &Image,
    sink: &mut dyn BlobSink,
    descriptors: &[oci_spec::image::Descriptor],
    report: &mut CopyReport,
    options: &CopyOptions<'_>,
    verify_present: bool,
) -> Result<(), ImageError> {
    let mut seen = std::collections::HashSet::new();
    for descriptor in descriptors {
        let digest = descriptor_digest(descriptor, &image.reference)?;
        if !seen.insert(digest.clone()) {
            continue;
        }
        if sink.has_blob(descriptor)? {
            if verify_present {
                let mut verified = ProgressReader {
                    inner: image.open_blob(descriptor)?,
                    progress: options.progress,
                };
                std::io::copy(&mut verified, &mut std::io::sink())
                    .map_err(|e| ImageError::from_stream(format!("blob {digest}"), e))?;
            }
            options.progress.blob_skipped(&digest, descriptor.size());
            report.blobs_skipped += 1;
            continue;
        }
        options.progress.blob_started(&digest, descriptor.size());
        // Raw bytes, not `open_blob`: every sink verifies digest and size as it writes and
        // keeps nothing that does not match (the `BlobSink` contract), so hashing here too
        // would only hash each blob twice.
        let mut reader = ProgressReader {
            inner: image.blobs.open_raw(&digest, Some(descriptor.size()))?,
            progress: options.progress,
        };
        sink.put_blob(descriptor, &mut reader)?;
        report.blobs_copied += 1;
        report.bytes_copied += descriptor.size();
    }
    Ok(())
}

/// `Dir` returned early above; a total fallback keeps this function panic-free.
fn unreachable_dir() -> CopyReport {
    CopyReport::default()
}

/// Copies every blob the destination lacks, then the manifest bytes unchanged.
fn copy_blobs(
    image: &Image,
    mut sink: Box<dyn BlobSink + '_>,
    tag: Option<&str>,
    destination: &Destination,
    options: &CopyOptions<'_>,
) -> Result<CopyReport, ImageError> {
    let Some(manifest) = &image.manifest else {
        return Err(ImageError::Destination {
            destination: destination.to_string(),
            reason: format!("{} has no manifest to copy", image.reference),
        });
    };
    let mut report = CopyReport {
        destination: destination.to_string(),
        ..CopyReport::default()
    };
    let mut descriptors = vec![manifest.parsed.config().clone()];
    for layer in &image.layers {
        match layer {
            LayerSource::Blob(d) => descriptors.push(d.clone()),
            LayerSource::Directory(_) => {
                return Err(ImageError::Destination {
                    destination: destination.to_string(),
                    reason: "a directory layer cannot be copied as a blob".to_string(),
                })
            }
        }
    }
    put_missing(
        image,
        sink.as_mut(),
        &descriptors,
        &mut report,
        options,
        false,
    )?;
    let written = sink.put_manifest(&manifest.bytes, &manifest.media_type, tag)?;
    if written != manifest.digest {
        return Err(ImageError::DigestMismatch {
            what: format!("the manifest written to {destination}"),
            expected: manifest.digest.clone(),
            actual: written,
        });
    }
    sink.finish()?;
    report.manifest_digest = Some(written);
    Ok(report)
}
