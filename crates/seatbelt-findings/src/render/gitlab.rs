//! GitLab code-quality JSON: an array of issues with `description`, `check_name`,
//! `fingerprint`, `severity` and `location.path` / `location.lines.begin`.
//! Format: <https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>.

use std::io::Write;

use seatbelt_types::Severity;
use serde::Serialize;

use crate::Report;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: &'a str,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u64,
}

/// GitLab's five levels; `info` for findings seatbelt itself rates as not worth acting on.
fn gitlab_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Unknown | Severity::Negligible => "info",
        Severity::Low => "minor",
        Severity::Medium => "major",
        Severity::High => "critical",
        Severity::Critical => "blocker",
    }
}

pub(super) fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let issues: Vec<Issue<'_>> = report
        .findings
        .iter()
        .map(|f| {
            let layer = f
                .location
                .layer
                .as_ref()
                .map(|d| format!(" (layer {})", d.short()))
                .unwrap_or_default();
            Issue {
                description: format!("{}: {}{layer}", f.rule_id, f.message),
                check_name: &f.rule_id,
                fingerprint: &f.fingerprint,
                severity: gitlab_severity(f.severity),
                location: Location {
                    // GitLab paths are repository-relative; image paths lose their leading `/`.
                    path: f.location.file.trim_start_matches('/'),
                    // `begin` is required; a finding about a whole file points at its first line.
                    lines: Lines {
                        begin: f.location.line.unwrap_or(1),
                    },
                },
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixture::rendered;
    use crate::Format;

    #[test]
    fn gitlab_snapshot() {
        insta::assert_snapshot!(rendered(Format::Gitlab));
    }

    #[test]
    fn every_severity_maps_to_a_gitlab_level() {
        let levels: Vec<_> = Severity::ALL.into_iter().map(gitlab_severity).collect();
        assert_eq!(
            levels,
            ["info", "info", "minor", "major", "critical", "blocker"]
        );
    }
}
