//! Version schemes and range evaluation: how dpkg, apk, rpm, SemVer (npm, cargo), Go, PEP 440,
//! Maven and RubyGems order versions and read their native ranges, and how OSV `affected` ranges
//! decide whether an installed version is vulnerable.
//!
//! Each scheme lives in its own module implementing [`VersionScheme`]-like parse/compare/satisfies
//! and carries its upstream project's own test vectors. This crate knows nothing of images or
//! databases: it turns strings into ordered values.
#![deny(missing_docs)]

mod apk;
mod cargo;
mod comparators;
mod digits;
mod dpkg;
mod error;
mod gem;
mod go;
mod maven;
mod npm;
mod osv;
mod pep440;
mod rpm;
mod scheme;
mod semver;

pub use error::VersionError;
pub use osv::{osv_affected, osv_affected_parsed, RangeVerdict};
pub use scheme::{Scheme, UnknownScheme, Version};

/// Longest version string accepted, in bytes.
///
/// Real versions are short (the longest Debian versions in the archive are under 100 bytes; Go
/// pseudo-versions are about 40). Every comparison is linear in the length, so the bound is
/// about keeping hostile advisories from making error messages and allocations arbitrarily
/// large, with ample room for legitimate long qualifiers.
pub const MAX_VERSION_LEN: usize = 1024;

/// Longest native range string accepted, in bytes (npm ranges can list many `||` alternatives).
pub const MAX_RANGE_LEN: usize = 16 * 1024;
