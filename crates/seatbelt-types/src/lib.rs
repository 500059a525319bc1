//! Plain data shared by every seatbelt crate. Nothing here does I/O, so the vulnerability DB and
//! the scanner can depend on it without pulling in tar or HTTP code.
#![deny(missing_docs)]

mod advisory;
mod cache_dir;
mod digest;
mod package;
mod purl;
mod purl_codec;
pub mod sarif;
mod severity;

pub use advisory::{AffectedRange, FixState, RangeEvent, RangeKind};
pub use cache_dir::{cache_dir, user_cache_dir};
pub use digest::{Algorithm, Digest, DigestError, Hasher};
pub use package::{
    Distro, Ecosystem, Location, Package, Relationship, RelationshipKind, Sbom, SbomSubject,
    SourcePackage, Unknown,
};
pub use purl::{Purl, PurlError};
pub use severity::{Severity, SeverityError};
