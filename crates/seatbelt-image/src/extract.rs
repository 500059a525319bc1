//! Safe extraction of an image's final filesystem into a directory: nothing is ever written
//! outside the target, whatever the layers contain.

use std::path::Path;

use crate::{Image, ImageError};

/// How to extract.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// Keep setuid/setgid bits (dropped by default).
    pub preserve_setuid: bool,
    /// Keep owners (only possible as root; default: files belong to whoever extracts).
    pub preserve_ownership: bool,
}

/// What an extraction wrote and skipped.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ExtractReport {
    /// Regular files written.
    pub files: u64,
    /// Directories created.
    pub directories: u64,
    /// Symlinks created.
    pub symlinks: u64,
    /// Hardlinks created.
    pub hardlinks: u64,
    /// Bytes written.
    pub bytes: u64,
    /// Entries not extracted, each with the reason.
    pub skipped: Vec<String>,
}

/// Extracts `image`'s final filesystem into `target` (created if absent; must be empty).
pub fn extract(
    image: &Image,
    target: &Path,
    options: &ExtractOptions,
) -> Result<ExtractReport, ImageError> {
    let _ = options;
    Err(ImageError::Destination {
        destination: target.display().to_string(),
        reason: format!("extracting {} is not implemented yet", image.reference),
    })
}
