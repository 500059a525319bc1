//! What can go wrong reading or writing an image. Each variant names the thing it is about
//! (reference, path, digest) so the CLI can say what happened and what to do.

use std::path::PathBuf;

use seatbelt_types::Digest;

/// An error from reading, walking, extracting or writing an image.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The reference does not follow the grammar.
    #[error("`{reference}` is not an image reference: {reason}")]
    InvalidReference {
        /// The text as given.
        reference: String,
        /// What is wrong, and the accepted forms.
        reason: String,
    },
    /// Reading or writing a local file failed.
    #[error("{action} `{path}`: {source}")]
    Io {
        /// What seatbelt was doing ("cannot read", "cannot create").
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A stream failed part-way (network, decompression, a truncated file).
    #[error("reading {what} failed: {source}")]
    Stream {
        /// What was being read (a blob, a layer).
        what: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The registry client failed.
    #[error(transparent)]
    Registry(#[from] seatbelt_registry::RegistryError),
    /// Content does not hash to the digest that names it: the source is corrupt or lying.
    #[error("{what} does not match its digest: expected {expected}, got {actual}; the source is corrupt or has been tampered with")]
    DigestMismatch {
        /// The blob or manifest.
        what: String,
        /// The digest the manifest or reference names.
        expected: Digest,
        /// The digest of what was actually read.
        actual: Digest,
    },
    /// Content is not the size its descriptor declares.
    #[error("{what} is {actual} bytes but its descriptor says {expected}; the source is corrupt or has been tampered with")]
    SizeMismatch {
        /// The blob or manifest.
        what: String,
        /// The declared size.
        expected: u64,
        /// The size actually read (or at least this many).
        actual: u64,
    },
    /// A named limit was hit (see [`crate::limits`]).
    #[error("{what} exceeds the limit {limit} ({max}); this image is malformed or hostile")]
    LimitExceeded {
        /// Which limit, by its constant's name.
        limit: &'static str,
        /// The limit's value.
        max: u64,
        /// What exceeded it.
        what: String,
    },
    /// A manifest, config or layer has a media type seatbelt does not handle.
    #[error("{what} has media type `{media_type}`, which seatbelt does not handle")]
    UnsupportedMediaType {
        /// The blob or manifest.
        what: String,
        /// Its media type.
        media_type: String,
    },
    /// Docker's schema 1 manifests cannot be digest-verified and are long deprecated.
    #[error("{reference} uses Docker image manifest schema 1, which is deprecated and cannot be verified; rebuild or re-push it with a current tool")]
    Schema1 {
        /// The image.
        reference: String,
    },
    /// An index has no manifest for the wanted platform.
    #[error("{reference} has no image for platform {wanted}; it has: {}; choose one with --platform", available.join(", "))]
    NoMatchingPlatform {
        /// The image.
        reference: String,
        /// The platform asked for.
        wanted: String,
        /// What the index offers.
        available: Vec<String>,
    },
    /// A layout or archive holds several images and the reference did not say which.
    #[error("{reference} {problem}; it has: {}; name one with `:TAG` or `@sha256:…`", available.join(", "))]
    ManifestSelection {
        /// The layout or archive.
        reference: String,
        /// What went wrong ("holds several images", "has no image tagged `x`").
        problem: String,
        /// Tags or digests present.
        available: Vec<String>,
    },
    /// A manifest, config, index or archive is structurally wrong.
    #[error("{what} is malformed: {reason}")]
    Malformed {
        /// The thing.
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// A path inside an image or archive was refused (traversal, link escape).
    #[error("refused path `{path}` in {what}: {reason}")]
    UnsafePath {
        /// The layer or archive.
        what: String,
        /// The path as written (lossily decoded).
        path: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A destination that cannot be written in the way asked.
    #[error("cannot write to {destination}: {reason}")]
    Destination {
        /// The destination.
        destination: String,
        /// Why.
        reason: String,
    },
}

impl ImageError {
    /// An [`ImageError::Io`] for `path`.
    pub fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> ImageError {
        ImageError::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// An [`ImageError::Malformed`].
    pub fn malformed(what: impl Into<String>, reason: impl Into<String>) -> ImageError {
        ImageError::Malformed {
            what: what.into(),
            reason: reason.into(),
        }
    }

    /// Turns an I/O error from a stream back into the image error it carries, if it carries one
    /// (verifying readers report digest mismatches through `std::io::Error`).
    pub fn from_stream(what: impl Into<String>, err: std::io::Error) -> ImageError {
        if err.get_ref().is_some_and(|inner| inner.is::<ImageError>()) {
            let kind = err.kind();
            return match err.into_inner().map(|inner| inner.downcast::<ImageError>()) {
                Some(Ok(image_err)) => *image_err,
                // Not reachable after the check above; kept total rather than panicking.
                _ => ImageError::Stream {
                    what: what.into(),
                    source: std::io::Error::from(kind),
                },
            };
        }
        ImageError::Stream {
            what: what.into(),
            source: err,
        }
    }
}
