//! Writing images, blob by blob, to destinations that store OCI blobs as they are (an OCI layout
//! directory or archive, a registry). Writers for destinations that force a conversion
//! (`docker-archive:`, `dir:`) live in [`crate::copy`] and build on the same pieces.
//!
//! This is the API hardening, signing and the image builder write through: put every blob the
//! manifest names, then the manifest bytes, then `finish`.

use std::io::Read;

use oci_spec::image::Descriptor;
use seatbelt_types::Digest;

use crate::ImageError;

mod oci_layout;
mod registry;
pub(crate) mod tar_writer;

pub use oci_layout::{OciArchiveSink, OciLayoutSink};
pub use registry::RegistrySink;

pub(crate) use oci_layout::{output_temp_file, parent_dir};

/// A destination that stores blobs and manifests unchanged.
pub trait BlobSink {
    /// Whether the destination already has this blob (so copying it can be skipped).
    fn has_blob(&mut self, descriptor: &Descriptor) -> Result<bool, ImageError>;

    /// Stores a blob read from `data`. Implementations verify the digest and size while writing
    /// and leave nothing behind (no partial file, no half upload) when they do not match.
    fn put_blob(&mut self, descriptor: &Descriptor, data: &mut dyn Read) -> Result<(), ImageError>;

    /// Stores a manifest (or index) exactly as `bytes`, under `tag` if given; returns its digest.
    fn put_manifest(
        &mut self,
        bytes: &[u8],
        media_type: &str,
        tag: Option<&str>,
    ) -> Result<Digest, ImageError>;

    /// Completes the write (for an archive: writes the tar). Nothing is visible at the
    /// destination as a finished image before this returns.
    fn finish(self: Box<Self>) -> Result<(), ImageError>;
}

/// Told about the bytes moved, to drive a progress bar. All methods default to doing nothing.
pub trait Progress: Sync {
    /// A blob of `size` bytes starts.
    fn blob_started(&self, _digest: &Digest, _size: u64) {}
    /// `bytes` more were moved.
    fn advanced(&self, _bytes: u64) {}
    /// A blob was skipped because the destination had it.
    fn blob_skipped(&self, _digest: &Digest, _size: u64) {}
    /// Whether the copy should end now (asked before every read; default never).
    fn stopped(&self) -> bool {
        false
    }
}

/// A [`Progress`] that reports nothing.
pub struct NoProgress;

impl Progress for NoProgress {}
