//! The OCI image layout (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`).
//! Spec: <https://github.com/opencontainers/image-spec/blob/main/image-layout.md>.

use std::path::Path;

use crate::source::OpenOptions;
use crate::{Image, ImageError, ManifestSelector, Platform};

pub(crate) fn open(
    path: &Path,
    _selector: &ManifestSelector,
    _platform: &Platform,
    _options: &OpenOptions,
) -> Result<Image, ImageError> {
    Err(ImageError::malformed(
        path.display().to_string(),
        "oci-dir is not implemented yet",
    ))
}
