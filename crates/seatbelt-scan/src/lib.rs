//! Vulnerability scanning on an SBOM: matching packages to advisories, severity from CVSS,
//! remediation deadlines, VEX and ignore-file suppression, and the report with its renderers.
//!
//! Nothing here reads images: an SBOM file scans exactly like an image, and the CLI wires
//! image → SBOM → scan.
#![deny(missing_docs)]

pub mod cvss;
pub mod deadline;
mod error;
pub mod filter;
pub mod ignore;
pub mod matcher;
pub mod render;
mod report;
pub mod source;
pub mod vex;

pub use error::ScanError;
pub use matcher::{scan, ScanOptions};
pub use report::{
    DeadlineClass, Epss, Finding, FindingPackage, Kev, MatchKey, Remediation, Report,
    SeverityOrigin, Suppression, SuppressionKind,
};
