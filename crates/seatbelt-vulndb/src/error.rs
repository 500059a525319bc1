//! The errors of the vulnerability DB: each names the file, source or record it is about and says
//! what to do.

use std::path::PathBuf;

/// Everything that can go wrong opening, querying, importing or updating the DB.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No DB at the path.
    #[error("no vulnerability DB at {path}; run `seatbelt db update` (online) or `seatbelt db import PATH…` (offline) first")]
    Missing {
        /// Where it was looked for.
        path: PathBuf,
    },
    /// The file is not a seatbelt DB, or is damaged.
    #[error("the vulnerability DB at {path} is corrupt or not a seatbelt DB ({reason}); delete it and run `seatbelt db update` or `seatbelt db import` again")]
    Corrupt {
        /// The DB file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Built by a newer seatbelt.
    #[error("the vulnerability DB at {path} has schema version {found}, newer than the {supported} this seatbelt reads; upgrade seatbelt, or rebuild the DB with this version (`seatbelt db update`)")]
    NewerSchema {
        /// The DB file.
        path: PathBuf,
        /// The DB's schema version.
        found: u32,
        /// What this build reads.
        supported: u32,
    },
    /// Built by an older seatbelt.
    #[error("the vulnerability DB at {path} has schema version {found}, older than the {supported} this seatbelt reads; rebuild it with `seatbelt db update` or `seatbelt db import`")]
    OlderSchema {
        /// The DB file.
        path: PathBuf,
        /// The DB's schema version.
        found: u32,
        /// What this build reads.
        supported: u32,
    },
    /// An SQLite call failed.
    #[error("vulnerability DB {path}: {what}: {source}")]
    Sqlite {
        /// The DB file.
        path: PathBuf,
        /// What was being done.
        what: String,
        /// The cause.
        source: rusqlite::Error,
    },
    /// A file could not be read or written.
    #[error("{path}: {what}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done.
        what: String,
        /// The cause.
        source: std::io::Error,
    },
    /// Another import or update holds the lock.
    #[error("another `seatbelt db` import or update is running on {path} (lock file {lock}); wait for it to finish")]
    Locked {
        /// The DB file.
        path: PathBuf,
        /// The lock file.
        lock: PathBuf,
    },
    /// An input file is not in any format the importer knows, or is unreadable as a whole.
    #[error("{path}: {reason}")]
    Input {
        /// The input file (or `archive!entry`).
        path: String,
        /// What is wrong and what to do.
        reason: String,
    },
    /// A download failed.
    #[error("downloading {url}: {reason}; the previous DB is unchanged")]
    Download {
        /// The URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// A download did not match its checksum.
    #[error("downloading {url}: checksum mismatch (expected sha256:{expected}, got sha256:{actual}); the mirror is corrupt or tampered with; the previous DB is unchanged")]
    Checksum {
        /// The URL.
        url: String,
        /// The hex digest expected.
        expected: String,
        /// The hex digest of what arrived.
        actual: String,
    },
    /// Moving the DB through a registry failed.
    #[error("{what}: {source}")]
    Registry {
        /// What was being done.
        what: String,
        /// The cause.
        source: Box<seatbelt_registry::RegistryError>,
    },
    /// A download's signature does not verify against the configured key.
    #[error("{source_url}: refused, its signature does not verify against the DB key: {reason}")]
    Unverified {
        /// The source.
        source_url: String,
        /// Why.
        reason: String,
    },
    /// A pulled DB artifact is not what seatbelt pushes.
    #[error("{reference}: {reason}")]
    Artifact {
        /// The reference pulled.
        reference: String,
        /// What is wrong.
        reason: String,
    },
}

impl DbError {
    pub(crate) fn sqlite<'a>(
        path: &'a std::path::Path,
        what: &'static str,
    ) -> impl FnOnce(rusqlite::Error) -> DbError + 'a {
        // Borrows until an error happens: lookups build this on every call, and copying the
        // path each time showed up in scan profiles.
        move |source| DbError::Sqlite {
            path: path.to_path_buf(),
            what: what.to_string(),
            source,
        }
    }

    pub(crate) fn io(path: &std::path::Path, what: &str) -> impl FnOnce(std::io::Error) -> DbError {
        let path = path.to_path_buf();
        let what = what.to_string();
        move |source| DbError::Io { path, what, source }
    }
}
