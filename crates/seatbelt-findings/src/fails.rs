//! The `--fail-on` decision.

use seatbelt_types::Severity;

use crate::Report;

/// Whether any finding is at least as severe as `fail_on` (the command then exits 1).
pub fn fails(report: &Report, fail_on: Severity) -> bool {
    report.findings.iter().any(|f| f.severity >= fail_on)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Finding, FindingLocation};

    fn report(severities: &[Severity]) -> Report {
        Report {
            tool_version: "0".into(),
            rules: vec![],
            findings: severities
                .iter()
                .map(|&severity| Finding {
                    rule_id: "SB1".into(),
                    severity,
                    message: "m".into(),
                    location: FindingLocation::file("f"),
                    fix: None,
                    fingerprint: "x".into(),
                })
                .collect(),
        }
    }

    #[test]
    fn fails_at_or_above_the_threshold_only() {
        assert!(fails(
            &report(&[Severity::Low, Severity::High]),
            Severity::High
        ));
        assert!(fails(&report(&[Severity::Medium]), Severity::Medium));
        assert!(!fails(
            &report(&[Severity::Low, Severity::Medium]),
            Severity::High
        ));
        assert!(!fails(&report(&[]), Severity::Unknown));
    }
}
