//! A tar of an OCI image layout.

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
        "oci-archive is not implemented yet",
    ))
}
