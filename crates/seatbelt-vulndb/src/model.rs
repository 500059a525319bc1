//! What the DB stores and returns: advisories, per-package affected records, KEV and EPSS entries.

use seatbelt_types::{AffectedRange, FixState};
use serde::{Deserialize, Serialize};

/// Where a record came from, as stored in the `source` columns.
pub mod source {
    /// OSV records (osv.dev exports, vendor OSV feeds).
    pub const OSV: &str = "osv";
    /// The Debian security tracker JSON.
    pub const DEBIAN_TRACKER: &str = "debian-tracker";
    /// Alpine secdb.
    pub const ALPINE_SECDB: &str = "alpine-secdb";
    /// The Node.js security WG's npm advisories.
    pub const NODEJS_WG: &str = "nodejs-security-wg";
    /// CISA Known Exploited Vulnerabilities.
    pub const KEV: &str = "kev";
    /// FIRST EPSS scores.
    pub const EPSS: &str = "epss";
}

/// One package's exposure to one advisory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Affected {
    /// The advisory this comes from.
    pub advisory_id: String,
    /// OSV ecosystem name with release ("Debian:12", "Alpine:v3.19", "PyPI").
    pub ecosystem: String,
    /// Normalised package name (see [`crate::normalize_package`]).
    pub package: String,
    /// Affected version ranges.
    pub ranges: Vec<AffectedRange>,
    /// Affected versions listed one by one.
    pub versions: Vec<String>,
    /// What the vendor says of this package.
    pub state: FixState,
    /// The vendor's own rating (Debian urgency, OSV `ecosystem_specific.severity`).
    pub vendor_severity: Option<String>,
    /// "osv", "debian-tracker", "alpine-secdb"…
    pub source: String,
}

/// One advisory.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Advisory {
    /// Its id (GHSA-…, PYSEC-…, DSA-…, CVE-…).
    pub id: String,
    /// Where it came from.
    pub source: String,
    /// One line.
    pub summary: Option<String>,
    /// Longer text.
    pub details: Option<String>,
    /// Other ids of the same vulnerability.
    pub aliases: Vec<String>,
    /// Ids this advisory is derived from (Debian DSAs list their CVEs here).
    pub upstream: Vec<String>,
    /// Related but not identical vulnerabilities.
    pub related: Vec<String>,
    /// RFC 3339.
    pub published: Option<String>,
    /// RFC 3339.
    pub modified: Option<String>,
    /// RFC 3339; set when the advisory was withdrawn (scanners ignore it).
    pub withdrawn: Option<String>,
    /// Scores with their vectors.
    pub severity: Vec<SeverityScore>,
    /// `database_specific.severity` (GHSA "HIGH").
    pub database_severity: Option<String>,
    /// Reference URLs.
    pub references: Vec<String>,
}

/// One severity score of an advisory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityScore {
    /// "CVSS_V2", "CVSS_V3", "CVSS_V4", "Ubuntu"…
    pub kind: String,
    /// The vector or rating.
    pub score: String,
}

/// An entry of CISA's Known Exploited Vulnerabilities catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KevEntry {
    /// The CVE.
    pub cve: String,
    /// `vendorProject`.
    pub vendor: String,
    /// `product`.
    pub product: String,
    /// `vulnerabilityName`.
    pub name: String,
    /// `dateAdded` (YYYY-MM-DD).
    pub date_added: String,
    /// `dueDate` (YYYY-MM-DD).
    pub due_date: String,
    /// `knownRansomwareCampaignUse` ("Known", "Unknown").
    pub known_ransomware: Option<String>,
    /// `requiredAction`.
    pub required_action: String,
}

/// A CVE's EPSS score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Epss {
    /// The CVE.
    pub cve: String,
    /// Probability of exploitation in the next 30 days (0–1).
    pub score: f64,
    /// Percentile among all scored CVEs (0–1).
    pub percentile: f64,
    /// The score date from the file's header.
    pub date: Option<String>,
}

/// An advisory with the packages it affects: what parsers produce and the store writes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AdvisoryRecord {
    /// The advisory.
    pub advisory: Advisory,
    /// Its affected packages.
    pub affected: Vec<Affected>,
}

/// Counts of one source in the DB.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceStatus {
    /// "osv", "kev"…
    pub source: String,
    /// Advisories (or KEV/EPSS entries).
    pub records: u64,
    /// Affected-package rows.
    pub affected: u64,
    /// The newest `modified` (or KEV `dateAdded`, EPSS score date) of the source.
    pub newest: Option<String>,
}

/// What `seatbelt db status` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbStatus {
    /// The DB file.
    pub path: std::path::PathBuf,
    /// Its schema version.
    pub schema_version: u32,
    /// When it was built (RFC 3339).
    pub built_at: String,
    /// What was imported into it (paths or URLs).
    pub origins: Vec<String>,
    /// Per-source counts.
    pub sources: Vec<SourceStatus>,
    /// The newest record over all sources.
    pub newest: Option<String>,
    /// Bytes on disk.
    pub size: u64,
}
