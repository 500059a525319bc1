//! Image audit and secret detection for `seatbelt audit` (and `scan --scanners secret`).
//!
//! - [`secrets`]: the secret rules and engine (keyword prefilter, windowed regexes,
//!   allow-lists, redaction) and a walk visitor that scans every version of every file.
//! - Image checks (private module `image`): config checks (root user, healthcheck, secrets in
//!   env/labels/history, `latest`, age) and file checks (setuid, world-writable, shells,
//!   package managers, credential files in any layer), all fed by one pass of
//!   [`seatbelt_image::walk`].
//!
//! Rule ids: `SB2xxx` image checks, `SB3xxx` secrets (`SB1xxx` is the Dockerfile linter's).
#![deny(missing_docs)]

mod audit;
mod image;
mod secret_scan;
pub mod secrets;

pub use audit::{
    all_rules, audit_image, find_rule, AuditError, AuditOptions, AuditOutcome, Scanners,
    DEFAULT_MAX_IMAGE_AGE_DAYS,
};
pub use secret_scan::{
    merge_json, merge_sarif, scan_secrets, secrets_markdown, secrets_table, MergeError, SecretScan,
};
