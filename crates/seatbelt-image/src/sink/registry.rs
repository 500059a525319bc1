//! Pushing to a registry repository: blobs are checked for (`HEAD`), mounted from another
//! repository of the same registry when possible, else streamed up while their digest is
//! verified; manifests are `PUT` under a tag or their digest.

use std::io::Read;

use oci_spec::image::Descriptor;
use seatbelt_registry::{Client, ClientOptions, Reference, RegistryError};
use seatbelt_types::{Digest, DigestError};

use crate::sink::BlobSink;
use crate::{ImageError, VerifyingReader};

/// Pushes blobs and manifests to a registry repository.
pub struct RegistrySink {
    client: Client,
    reference: Reference,
    mount_from: Option<Reference>,
}

impl std::fmt::Debug for RegistrySink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistrySink")
            .field("reference", &self.reference.to_string())
            .field(
                "mount_from",
                &self.mount_from.as_ref().map(ToString::to_string),
            )
            .finish_non_exhaustive()
    }
}

impl RegistrySink {
    /// A sink writing to `reference`'s repository. Its tag is not applied implicitly: pass it to
    /// [`BlobSink::put_manifest`] (see [`RegistrySink::reference`]).
    pub fn new(reference: &Reference, options: &ClientOptions) -> Result<RegistrySink, ImageError> {
        Ok(RegistrySink {
            client: Client::new(options.clone())?,
            reference: reference.clone(),
            mount_from: None,
        })
    }

    /// Mounts blobs from `from`'s repository instead of uploading them, when it is on the same
    /// registry (a registry cannot mount across hosts).
    pub fn with_mount_source(self, from: Option<Reference>) -> Self {
        let mount_from = from.filter(|f| {
            f.registry() == self.reference.registry()
                && f.repository() != self.reference.repository()
        });
        RegistrySink { mount_from, ..self }
    }

    /// The destination.
    pub fn reference(&self) -> &Reference {
        &self.reference
    }

    fn digest(&self, descriptor: &Descriptor) -> Result<Digest, ImageError> {
        descriptor
            .digest()
            .to_string()
            .parse()
            .map_err(|e: DigestError| {
                ImageError::malformed(
                    format!("a descriptor pushed to {}", self.reference),
                    e.to_string(),
                )
            })
    }
}

impl BlobSink for RegistrySink {
    fn has_blob(&mut self, descriptor: &Descriptor) -> Result<bool, ImageError> {
        let digest = self.digest(descriptor)?;
        Ok(self.client.blob_exists(&self.reference, &digest)?)
    }

    fn put_blob(&mut self, descriptor: &Descriptor, data: &mut dyn Read) -> Result<(), ImageError> {
        let digest = self.digest(descriptor)?;
        if let Some(from) = &self.mount_from {
            match self
                .client
                .mount_blob(&self.reference, &digest, from.repository())
            {
                Ok(true) => return Ok(()),
                Ok(false) => {}
                // A mount is an optimisation: any failure falls back to uploading.
                Err(e) => tracing::debug!(error = %e, "mount failed, uploading instead"),
            }
        }
        let what = format!("blob {digest} pushed to {}", self.reference);
        let mut verifying =
            VerifyingReader::new(data, what, digest.clone(), Some(descriptor.size()));
        match self
            .client
            .push_blob(&self.reference, &digest, descriptor.size(), &mut verifying)
        {
            Ok(()) => Ok(()),
            // Keep the digest or size mismatch the verifying reader found as what it is.
            Err(RegistryError::Source { what, source }) => {
                Err(ImageError::from_stream(what, source))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn put_manifest(
        &mut self,
        bytes: &[u8],
        media_type: &str,
        tag: Option<&str>,
    ) -> Result<Digest, ImageError> {
        let digest = Digest::sha256_of(bytes);
        let target = match tag {
            Some(t) => t.to_string(),
            None => digest.to_string(),
        };
        Ok(self
            .client
            .put_manifest(&self.reference, &target, media_type, bytes)?)
    }

    fn finish(self: Box<Self>) -> Result<(), ImageError> {
        // Every blob and manifest is committed by the registry as it is pushed.
        Ok(())
    }
}
