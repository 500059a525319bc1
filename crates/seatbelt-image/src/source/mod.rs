//! Opening an image from any source the reference grammar names. Each source resolves the
//! reference to one manifest (choosing a platform from an index), verifies manifest and config
//! against their digests, and serves blobs as streams that [`crate::Image::open_blob`] verifies.

use std::io::Read;

use seatbelt_registry::ClientOptions;
use seatbelt_types::Digest;

use crate::{Image, ImageError, ImageRef, Limits, Platform};

pub(crate) mod docker_archive;
pub(crate) mod layout;
mod oci_archive;
pub(crate) mod oci_layout;
mod registry;
pub(crate) mod rootfs;
mod tar_index;

pub use docker_archive::{parse_docker_manifest, DockerArchiveEntry};
pub use tar_index::{normalise_member_name, ArchiveIndex, MAX_ARCHIVE_MEMBERS};

/// Raw access to an image's blobs. Implementations only find and open bytes; verification is
/// the caller's ([`crate::Image::open_blob`]), so no source can skip it.
pub trait BlobSource: Send + Sync {
    /// Opens the blob named `digest`; `size` is the descriptor's size when known.
    fn open_raw(
        &self,
        digest: &Digest,
        size: Option<u64>,
    ) -> Result<Box<dyn Read + Send>, ImageError>;
}

/// How to open an image.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// The platform to choose from an index (default: the host's).
    pub platform: Option<Platform>,
    /// Limits for manifests, configs and layers.
    pub limits: Limits,
    /// Registry connection and credentials.
    pub registry: ClientOptions,
}

/// Opens the image `reference` names.
pub fn open(reference: &ImageRef, options: &OpenOptions) -> Result<Image, ImageError> {
    let platform = options.platform.clone().unwrap_or_else(Platform::host);
    match reference {
        ImageRef::OciDir { path, selector } => oci_layout::open(path, selector, &platform, options),
        ImageRef::OciArchive { path, selector } => {
            oci_archive::open(path, selector, &platform, options)
        }
        ImageRef::DockerArchive { path, selector } => docker_archive::open(path, selector, options),
        ImageRef::Dir { path } => rootfs::open(path, options),
        ImageRef::Registry(r) => registry::open(r, &platform, options),
    }
}
