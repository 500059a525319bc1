//! Affected-version data as advisories state it, in the OSV model: the vulnerability DB stores it,
//! the version crate evaluates it, the scanner reports it. Plain data; no version arithmetic here.

use serde::{Deserialize, Serialize};

/// How the events of a range are ordered (OSV `ranges[].type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RangeKind {
    /// Versions compare by the ecosystem's own scheme (dpkg, PEP 440, Maven…).
    Ecosystem,
    /// Versions compare as SemVer 2.0 (with OSV's leniency for a missing minor/patch).
    Semver,
    /// Commit hashes: cannot be evaluated against an installed version string.
    Git,
}

/// One event of an OSV range. Events are evaluated in version order, not in the order given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RangeEvent {
    /// Versions from here on are affected (`"0"` means from the beginning).
    Introduced(String),
    /// This version and later are not affected.
    Fixed(String),
    /// Versions after this one are not affected (no fixed version known).
    LastAffected(String),
    /// An upper bound on the range that is not a fix (branches).
    Limit(String),
}

/// One range of affected versions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AffectedRange {
    /// How to order the events.
    pub kind: RangeKind,
    /// The events, as the advisory lists them.
    pub events: Vec<RangeEvent>,
}

/// What the vendor says of a package in a release, beyond the affected versions.
///
/// Distribution trackers (Debian's, Alpine's) keep vulnerabilities they have not fixed, and say
/// why; scanners must keep these states so users can filter them rather than never see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixState {
    /// A fixed version exists (in the ranges).
    Fixed,
    /// Affected, and no fix is available yet.
    Unfixed,
    /// The vendor decided not to fix it (Debian `<no-dsa>`/`<ignored>`, Red Hat "will not fix").
    WillNotFix,
    /// The release is out of support; no fix will come.
    EndOfLife,
    /// The vendor says this release is not affected.
    NotAffected,
}
