//! seatbelt's vulnerability DB: imports OSV records, distribution trackers (Debian, Alpine), CISA
//! KEV and EPSS into one SQLite file, built beside the live one and swapped in atomically, and
//! answers the scanner's per-package lookups.
//!
//! Read with [`VulnDb`]; build with [`import()`], [`update()`] or [`oci::pull`]; keep fresh with
//! [`ensure_fresh`].
#![deny(missing_docs)]

mod build;
mod error;
pub mod import;
mod model;
mod normalize;
pub mod oci;
mod read;
mod schema;
mod store;
mod update;

pub use build::{import, ImportOptions};
pub use error::DbError;
pub use import::{ImportReport, InputReport};
pub use model::{
    source, Advisory, AdvisoryRecord, Affected, DbStatus, Epss, KevEntry, SeverityScore,
    SourceStatus,
};
pub use normalize::normalize_package;
pub use read::{is_exposed, VulnDb, BATCH};
pub use schema::SCHEMA_VERSION;
pub use update::{
    default_sources, ensure_fresh, update, SourceVerifier, UpdateOptions, UpdateReport,
    DEFAULT_EPSS_URL, DEFAULT_KEV_URL, DEFAULT_OSV_ECOSYSTEMS, MAX_DOWNLOAD_BYTES,
};
