//! An unpacked root filesystem (`dir:`).

use std::path::Path;

use crate::source::OpenOptions;
use crate::{Image, ImageError};

pub(crate) fn open(path: &Path, _options: &OpenOptions) -> Result<Image, ImageError> {
    Err(ImageError::malformed(
        path.display().to_string(),
        "dir is not implemented yet",
    ))
}
