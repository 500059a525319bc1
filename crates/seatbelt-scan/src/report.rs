//! The scan report: one [`Finding`] per (package, vulnerability), everything a renderer shows.

use seatbelt_types::{Distro, Ecosystem, FixState, Location, Purl, SbomSubject, Severity};
use serde::{Deserialize, Serialize};

/// Everything one scan found, fed unchanged to every renderer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The seatbelt version.
    pub tool_version: String,
    /// When the scan ran (RFC 3339, UTC); deadlines count from here.
    pub scanned_at: String,
    /// The image (or SBOM subject) scanned.
    pub subject: SbomSubject,
    /// Its OS release.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub distro: Option<Distro>,
    /// How many packages were looked up.
    pub packages_scanned: usize,
    /// Findings, in the order the user asked for (`--sort-by`). Suppressed ones are kept, marked.
    pub findings: Vec<Finding>,
    /// Ignore-file entries whose `expires` date has passed: they no longer suppress anything.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub expired_ignores: Vec<crate::ignore::IgnoreRule>,
    /// Problems in the data that did not stop the scan (invalid versions, unknown ecosystems).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub warnings: Vec<String>,
}

impl Report {
    /// Findings not suppressed by VEX or the ignore file: the ones that count for `--fail-on`.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppression.is_none())
    }

    /// Findings a VEX statement or an ignore rule suppressed.
    pub fn suppressed(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppression.is_some())
    }

    /// Whether any active finding is at least `threshold`.
    pub fn fails(&self, threshold: Severity) -> bool {
        self.active().any(|f| f.severity >= threshold)
    }
}

/// The package a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingPackage {
    /// The SBOM's package id (CycloneDX `bom-ref`).
    pub id: String,
    /// Name as installed (the binary package for OS packages).
    pub name: String,
    /// Version as installed.
    pub version: String,
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Package URL.
    pub purl: Purl,
    /// Where it was found (path and layer).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub locations: Vec<Location>,
    /// What was looked up: OSV ecosystem (`Debian:12`), name (the source package for OS
    /// packages) and version (the source version), so a user can see why it matched.
    pub matched_as: MatchKey,
}

/// The key an advisory lookup used.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MatchKey {
    /// OSV ecosystem with release (`Debian:12`, `PyPI`).
    pub ecosystem: String,
    /// Normalised name (source package, PEP 503 name, Go module path…).
    pub name: String,
    /// The version compared.
    pub version: String,
}

/// Where a finding's severity came from, so a reviewer can check it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SeverityOrigin {
    /// Computed from a CVSS base vector.
    Cvss {
        /// `3.0`, `3.1` or `4.0`.
        version: String,
        /// The vector.
        vector: String,
        /// The advisory (the finding's id or an alias) that carried it.
        advisory: String,
    },
    /// The rating a database or vendor gave (GHSA `HIGH`, Debian urgency).
    Vendor {
        /// The rating as written.
        rating: String,
        /// Who gave it (the advisory id, or the source name).
        source: String,
    },
    /// Nothing rated it.
    Unknown,
}

/// Known exploited (CISA KEV).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kev {
    /// The CVE listed.
    pub cve: String,
    /// When CISA added it.
    pub date_added: String,
    /// CISA's remediation due date for federal agencies.
    pub due_date: String,
}

/// Exploit prediction (FIRST EPSS), the highest over the finding's CVEs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Epss {
    /// Probability of exploitation in the next 30 days (0–1).
    pub score: f64,
    /// Percentile among all scored CVEs (0–1).
    pub percentile: f64,
}

/// Which line of the deadline policy applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeadlineClass {
    /// Known exploited.
    Kev,
    /// Critical severity.
    Critical,
    /// High severity.
    High,
    /// Medium severity.
    Medium,
    /// Low severity.
    Low,
    /// Negligible or unknown: no deadline unless configured.
    Other,
}

/// When a finding must be fixed by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remediation {
    /// The policy line.
    pub class: DeadlineClass,
    /// The policy as written (`24h`, `7d`, `maintenance-window`, `none`).
    pub policy: String,
    /// The due time (RFC 3339, UTC), absent when the policy sets none.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub due: Option<String>,
}

/// What suppressed a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuppressionKind {
    /// A VEX statement.
    Vex,
    /// An ignore-file entry.
    Ignore,
}

/// A suppression: by what, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// VEX or ignore file.
    pub kind: SuppressionKind,
    /// The file that said so.
    pub source: String,
    /// The VEX status (`not_affected`, `fixed`) or `ignored`.
    pub status: String,
    /// The justification or reason, as written.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub justification: Option<String>,
}

/// One vulnerability in one package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The id the finding is reported under (see the matcher for the rule).
    pub id: String,
    /// Every other id of the same vulnerability (GHSA, DSA, PYSEC…), sorted.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub aliases: Vec<String>,
    /// One line from the advisory.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub summary: Option<String>,
    /// The package.
    pub package: FindingPackage,
    /// Severity.
    pub severity: Severity,
    /// Where the severity came from.
    pub severity_origin: SeverityOrigin,
    /// CVSS base score, when computed.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cvss_score: Option<f64>,
    /// The version that fixes it, when one exists.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub fixed_version: Option<String>,
    /// What the vendor says about fixing it.
    pub fix_state: FixState,
    /// Known exploited.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub kev: Option<Kev>,
    /// Exploit prediction.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub epss: Option<Epss>,
    /// The deadline policy's verdict.
    pub remediation: Remediation,
    /// Set when VEX or the ignore file suppressed it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub suppression: Option<Suppression>,
    /// Advisory sources that contributed (`osv`, `debian-tracker`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub data_sources: Vec<String>,
    /// Reference URLs from the advisories.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub references: Vec<String>,
}

impl Finding {
    /// The id and all aliases.
    pub fn all_ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// The CVE ids among the id and aliases.
    pub fn cves(&self) -> impl Iterator<Item = &str> {
        self.all_ids().filter(|id| id.starts_with("CVE-"))
    }
}
