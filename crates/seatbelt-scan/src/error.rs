//! What can go wrong while scanning: each variant names the file or record it is about.

use std::path::PathBuf;

/// A scan error.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// A file given on the command line could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file is larger than seatbelt accepts for its kind.
    #[error("{path} is larger than {limit} bytes; {what} files this large are not plausible, check the path")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit.
        limit: u64,
        /// What kind of file.
        what: &'static str,
    },
    /// A VEX document that is neither OpenVEX nor CycloneDX VEX, or is malformed.
    #[error("{path}: not a valid VEX document: {reason}")]
    Vex {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A malformed ignore file.
    #[error("{path}: invalid ignore file: {reason} (expected `ignore: [{{id, package?, path?, reason, expires?}}]`)")]
    IgnoreFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A malformed `scan:` section in `seatbelt.yaml`.
    #[error("{path}: invalid `scan:` configuration: {reason}")]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The advisory source failed.
    #[error("advisory lookup for {package} failed: {reason}")]
    Source {
        /// The package or id being looked up.
        package: String,
        /// What the source said.
        reason: String,
    },
    /// Writing output failed.
    #[error("cannot write the report: {0}")]
    Write(#[from] std::io::Error),
}

/// Reads a whole file, refusing one over `limit` bytes (hostile or mistaken paths).
pub(crate) fn read_bounded(
    path: &std::path::Path,
    limit: u64,
    what: &'static str,
) -> Result<Vec<u8>, ScanError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|source| ScanError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| ScanError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(ScanError::TooLarge {
            path: path.to_path_buf(),
            limit,
            what,
        });
    }
    Ok(bytes)
}
