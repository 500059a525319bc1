//! An image in a registry.

use seatbelt_registry::Reference;

use crate::source::OpenOptions;
use crate::{Image, ImageError, Platform};

pub(crate) fn open(
    reference: &Reference,
    _platform: &Platform,
    _options: &OpenOptions,
) -> Result<Image, ImageError> {
    Err(ImageError::malformed(
        reference.to_string(),
        "registry sources are not implemented yet",
    ))
}
