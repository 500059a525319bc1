//! Audit findings before and after hardening, from `seatbelt-audit`'s image checks, so the
//! report shows what the rewrite fixed and what it left (and why, for a kept shell).
//!
//! Only the config and file checks run: the secret rules read every file's content, which
//! would double the cost of hardening, and hardening neither adds nor removes secrets.

use std::collections::BTreeMap;

use seatbelt_audit::{audit_image, AuditError, AuditOptions, Scanners};
use seatbelt_image::Image;

/// One finding, as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct AuditFinding {
    /// Rule id (`SB2010`).
    pub rule_id: String,
    /// Severity name.
    pub severity: String,
    /// What was found.
    pub message: String,
}

/// Findings of the source and of the hardened image.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct AuditComparison {
    /// Findings on the source image.
    pub before: Vec<AuditFinding>,
    /// Findings on the hardened image.
    pub after: Vec<AuditFinding>,
}

impl AuditComparison {
    /// Finding counts per rule id: (before, after).
    pub fn by_rule(&self) -> BTreeMap<&str, (usize, usize)> {
        let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for f in &self.before {
            counts.entry(f.rule_id.as_str()).or_default().0 += 1;
        }
        for f in &self.after {
            counts.entry(f.rule_id.as_str()).or_default().1 += 1;
        }
        counts
    }
}

fn findings(image: &Image, now_unix: i64) -> Result<Vec<AuditFinding>, AuditError> {
    let options = AuditOptions {
        scanners: Scanners {
            config: true,
            files: true,
            secret: false,
        },
        now_unix,
        ..AuditOptions::default()
    };
    let outcome = audit_image(image, &options, env!("CARGO_PKG_VERSION"))?;
    let mut out: Vec<AuditFinding> = outcome
        .report
        .findings
        .into_iter()
        .map(|f| AuditFinding {
            rule_id: f.rule_id,
            severity: f.severity.to_string(),
            message: f.message,
        })
        .collect();
    out.sort();
    Ok(out)
}

/// Audits `source` and `hardened`; `now_unix` dates the image-age check.
pub fn compare(
    source: &Image,
    hardened: &Image,
    now_unix: i64,
) -> Result<AuditComparison, AuditError> {
    Ok(AuditComparison {
        before: findings(source, now_unix)?,
        after: findings(hardened, now_unix)?,
    })
}
