//! What `docker save` writes.

use std::path::Path;

use crate::source::OpenOptions;
use crate::{Image, ImageError, ManifestSelector};

pub(crate) fn open(
    path: &Path,
    _selector: &ManifestSelector,
    _options: &OpenOptions,
) -> Result<Image, ImageError> {
    Err(ImageError::malformed(
        path.display().to_string(),
        "docker-archive is not implemented yet",
    ))
}
