//! What can go wrong while handling keys, signatures and where they are stored.

use std::path::PathBuf;

/// An error from signing or verification. Each variant names what it is about and what to do.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// A key file could not be read or written.
    #[error("cannot access key file {path}: {source}")]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file could not be read or written.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Key material is not in a format seatbelt reads.
    #[error("{what}: {reason}")]
    KeyFormat {
        /// Which key (usually its path).
        what: String,
        /// What is wrong and what to do.
        reason: String,
    },
    /// The password does not decrypt the private key.
    #[error("{what}: the password does not decrypt this key (or the key file was altered); set SEATBELT_PASSWORD or COSIGN_PASSWORD to the password it was created with")]
    WrongPassword {
        /// Which key.
        what: String,
    },
    /// No password could be had.
    #[error("no password for {what}: {reason}")]
    Password {
        /// Which key.
        what: String,
        /// Why, and what to do.
        reason: String,
    },
    /// The registry refused or failed.
    #[error("{what}: {source}")]
    Registry {
        /// What was being done.
        what: String,
        /// The registry error.
        source: Box<seatbelt_registry::RegistryError>,
    },
    /// An OCI layout could not be read or written.
    #[error("OCI layout {path}: {reason}")]
    Layout {
        /// The layout's root.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Stored signature data is malformed.
    #[error("{what} is malformed: {reason}")]
    Malformed {
        /// Which object (a manifest tag, a layer digest).
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// A referrer listed for an image names another image as its subject.
    #[error("{what} is about another image: its subject is {named}, not this image ({subject}); a registry listed another image's {kind}")]
    ForeignSubject {
        /// Which referrer.
        what: String,
        /// The subject it names.
        named: String,
        /// The image it was listed for.
        subject: String,
        /// Its artifact type.
        kind: String,
    },
    /// Something is over a size limit.
    #[error("{what} is {size} bytes, over the limit of {limit} bytes; refusing to read it (a hostile or broken registry?)")]
    TooLarge {
        /// What.
        what: String,
        /// Its (claimed) size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Too many entries of some kind.
    #[error("{what} has {count} entries, over the limit of {limit}; refusing to verify them (a hostile or broken registry?)")]
    TooMany {
        /// What.
        what: String,
        /// How many.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A blob's content does not match its digest.
    #[error(
        "{what}: content digest is {actual}, expected {expected}; the store returned altered data"
    )]
    DigestMismatch {
        /// Which blob.
        what: String,
        /// The digest asked for.
        expected: String,
        /// The digest of what arrived.
        actual: String,
    },
    /// The image reference cannot be signed.
    #[error("cannot sign or verify {reference}: {reason}")]
    Unsupported {
        /// The reference.
        reference: String,
        /// Why, and what to use instead.
        reason: String,
    },
}

impl SignError {
    pub(crate) fn key_format(what: impl Into<String>, reason: impl Into<String>) -> SignError {
        SignError::KeyFormat {
            what: what.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn malformed(what: impl Into<String>, reason: impl Into<String>) -> SignError {
        SignError::Malformed {
            what: what.into(),
            reason: reason.into(),
        }
    }
}
