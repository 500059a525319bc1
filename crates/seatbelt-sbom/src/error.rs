//! Errors of SBOM generation and SBOM file reading.

/// An error producing or reading an SBOM.
#[derive(Debug, thiserror::Error)]
pub enum SbomError {
    /// Reading the image failed.
    #[error(transparent)]
    Image(#[from] seatbelt_image::ImageError),
    /// An SBOM document could not be read.
    #[error("{what} is not a valid {format} SBOM: {reason}")]
    InvalidDocument {
        /// The file.
        what: String,
        /// CycloneDX or SPDX.
        format: &'static str,
        /// What is wrong.
        reason: String,
    },
}
