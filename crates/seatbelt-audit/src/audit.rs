//! `audit_image`: one walk with the enabled scanners, a report of everything they found.

use std::sync::Arc;

use seatbelt_findings::{fingerprint, Finding, FindingLocation, Report, RuleInfo};
use seatbelt_image::walk::{walk, Visitor, WalkReport};
use seatbelt_image::{Image, ImageError};

use crate::image::checks::{CONFIG_CHECKS, FILE_CHECKS};
use crate::image::{ConfigInput, FileCheckVisitor};
use crate::secrets::{engine::EngineError, Engine, SecretVisitor, RULES};

/// Which scanners run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scanners {
    /// Image-config checks (user, healthcheck, env/label/history secrets, tag, age).
    pub config: bool,
    /// File checks (modes, programs, credential files).
    pub files: bool,
    /// Secret rules over file contents.
    pub secret: bool,
}

impl Default for Scanners {
    fn default() -> Self {
        Scanners {
            config: true,
            files: true,
            secret: true,
        }
    }
}

/// Default age limit for images (days): a year-old image has missed a year of fixes.
pub const DEFAULT_MAX_IMAGE_AGE_DAYS: u64 = 365;

/// What to audit and how.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// Scanners to run.
    pub scanners: Scanners,
    /// The tag the image was referenced by, when the reference named one.
    pub tag: Option<String>,
    /// Age limit in days for SB2007.
    pub max_image_age_days: u64,
    /// Now, in seconds since the epoch (passed in so tests and reports are deterministic).
    pub now_unix: i64,
    /// Path prefixes never scanned for secrets.
    pub secret_allow_paths: Vec<String>,
    /// Values known not to be secrets.
    pub secret_allow_values: Vec<String>,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            scanners: Scanners::default(),
            tag: None,
            max_image_age_days: DEFAULT_MAX_IMAGE_AGE_DAYS,
            now_unix: 0,
            secret_allow_paths: Vec::new(),
            secret_allow_values: Vec::new(),
        }
    }
}

/// The audit's result.
#[derive(Debug)]
pub struct AuditOutcome {
    /// Findings and the rules that ran, sorted; not yet filtered by any config.
    pub report: Report,
    /// What the walk read (absent when no file scanner ran).
    pub walk: Option<WalkReport>,
    /// Files whose content the secret rules read.
    pub secret_files_scanned: u64,
    /// Bytes the secret rules read.
    pub secret_bytes_scanned: u64,
}

/// Why an audit could not finish.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// Reading the image's layers failed.
    #[error("cannot read the layers of {reference}")]
    Walk {
        /// The image.
        reference: String,
        /// Why.
        #[source]
        source: Box<ImageError>,
    },
    /// A secret rule does not compile (a seatbelt bug; please report it).
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// Every rule `audit` knows: image checks, then secrets.
pub fn all_rules() -> Vec<RuleInfo> {
    CONFIG_CHECKS
        .iter()
        .map(|c| c.info)
        .chain(FILE_CHECKS.iter().map(|c| c.info))
        .chain(RULES.iter().map(|r| r.info))
        .collect()
}

/// The rule with this id or alias.
pub fn find_rule(key: &str) -> Option<RuleInfo> {
    all_rules().into_iter().find(|r| r.is_named(key))
}

/// Audits `image`: config checks on its config, file checks and secret rules in one walk.
/// A `dir:` root filesystem (no manifest) has no real config: config checks are skipped and
/// findings carry no layer.
pub fn audit_image(
    image: &Image,
    options: &AuditOptions,
    tool_version: &str,
) -> Result<AuditOutcome, AuditError> {
    let engine = Arc::new(Engine::new(&options.secret_allow_values)?);
    let has_config = image.manifest.is_some();
    let with_layers = image.manifest.is_some();
    let mut rules = Vec::new();
    let mut findings = Vec::new();

    if options.scanners.config && has_config {
        let input = ConfigInput {
            config: &image.config,
            tag: options.tag.as_deref(),
            now_unix: options.now_unix,
            max_age_days: options.max_image_age_days,
            engine: &engine,
        };
        for check in CONFIG_CHECKS {
            rules.push(check.info);
            for hit in (check.run)(&input) {
                findings.push(Finding {
                    rule_id: check.info.id.to_string(),
                    severity: hit.severity.unwrap_or(check.info.severity),
                    message: hit.message,
                    location: FindingLocation::file(CONFIG_FILE),
                    fix: hit.fix,
                    fingerprint: fingerprint(&[check.info.id, CONFIG_FILE, &hit.key]),
                });
            }
        }
    }

    let mut file_visitor = options
        .scanners
        .files
        .then(|| FileCheckVisitor::new(FILE_CHECKS.to_vec(), with_layers));
    let mut secret_visitor = options.scanners.secret.then(|| {
        SecretVisitor::new(
            Arc::clone(&engine),
            &options.secret_allow_paths,
            with_layers,
        )
    });
    if file_visitor.is_some() {
        rules.extend(FILE_CHECKS.iter().map(|c| c.info));
    }
    if secret_visitor.is_some() {
        rules.extend(RULES.iter().map(|r| r.info));
    }
    let mut visitors: Vec<&mut dyn Visitor> = Vec::new();
    if let Some(v) = file_visitor.as_mut() {
        visitors.push(v);
    }
    if let Some(v) = secret_visitor.as_mut() {
        visitors.push(v);
    }
    let walk_report = if visitors.is_empty() {
        None
    } else {
        Some(
            walk(image, &mut visitors).map_err(|source| AuditError::Walk {
                reference: image.reference.clone(),
                source: Box::new(source),
            })?,
        )
    };
    let (mut files_scanned, mut bytes_scanned) = (0, 0);
    if let Some(v) = file_visitor {
        findings.extend(v.findings);
    }
    if let Some(v) = secret_visitor {
        files_scanned = v.files_scanned;
        bytes_scanned = v.bytes_scanned;
        findings.extend(v.findings);
    }
    let mut report = Report {
        tool_version: tool_version.to_string(),
        rules,
        findings,
    };
    report.sort();
    Ok(AuditOutcome {
        report,
        walk: walk_report,
        secret_files_scanned: files_scanned,
        secret_bytes_scanned: bytes_scanned,
    })
}

/// What config findings name as their file.
const CONFIG_FILE: &str = "config.json";
