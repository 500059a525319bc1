//! TEMPORARY, formats branch only: the registry branch implements `RegistrySink::new` and
//! `with_mount_source` in `sink/registry.rs` with these signatures. Delete this file when
//! merging it (the duplicate definitions will not compile until it is gone).

use oci_spec::image::Descriptor;
use seatbelt_registry::{ClientOptions, Reference};
use seatbelt_types::Digest;

use crate::sink::{BlobSink, RegistrySink};
use crate::ImageError;

impl RegistrySink {
    /// Prepares to push to `reference`.
    pub fn new(
        reference: &Reference,
        _options: &ClientOptions,
    ) -> Result<RegistrySink, ImageError> {
        Err(ImageError::Destination {
            destination: reference.to_string(),
            reason: "pushing to registries is not in this build yet".to_string(),
        })
    }

    /// Mounts blobs from `source` (same registry) instead of uploading them.
    pub fn with_mount_source(self, _source: Option<Reference>) -> RegistrySink {
        self
    }
}

impl BlobSink for RegistrySink {
    fn has_blob(&mut self, _descriptor: &Descriptor) -> Result<bool, ImageError> {
        Ok(false)
    }

    fn put_blob(
        &mut self,
        _descriptor: &Descriptor,
        _data: &mut dyn std::io::Read,
    ) -> Result<(), ImageError> {
        Err(ImageError::Destination {
            destination: "registry".to_string(),
            reason: "pushing to registries is not in this build yet".to_string(),
        })
    }

    fn put_manifest(
        &mut self,
        _bytes: &[u8],
        _media_type: &str,
        _tag: Option<&str>,
    ) -> Result<Digest, ImageError> {
        Err(ImageError::Destination {
            destination: "registry".to_string(),
            reason: "pushing to registries is not in this build yet".to_string(),
        })
    }

    fn finish(self: Box<Self>) -> Result<(), ImageError> {
        Ok(())
    }
}
