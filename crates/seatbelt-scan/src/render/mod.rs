//! Renderers: one file per output format, all fed the same [`Report`].

mod cyclonedx;
mod json;
mod markdown;
mod sarif;
mod table;

use std::io::Write;
use std::str::FromStr;

use seatbelt_types::Severity;

use crate::report::{DeadlineClass, Finding, Report};

/// Output formats of `seatbelt scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people: grouped by deadline.
    Table,
    /// The report model as JSON.
    Json,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
    /// A CycloneDX 1.6 vulnerability disclosure report with VEX analysis.
    CyclonedxJson,
    /// Markdown, for pull-request comments.
    Markdown,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            "cyclonedx-json" => Ok(Format::CyclonedxJson),
            "markdown" => Ok(Format::Markdown),
            other => Err(format!(
                "unknown format {other:?}: expected table, json, sarif, cyclonedx-json or markdown"
            )),
        }
    }
}

/// Writes `report` as `format`.
pub fn render(report: &Report, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Table => table::render(report, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::CyclonedxJson => cyclonedx::render(report, out),
        Format::Markdown => markdown::render(report, out),
    }
}

/// The heading of a deadline group.
fn deadline_heading(class: DeadlineClass, policy: &str) -> String {
    let what = match class {
        DeadlineClass::Kev => "known exploited",
        DeadlineClass::Critical => "critical",
        DeadlineClass::High => "high",
        DeadlineClass::Medium => "medium",
        DeadlineClass::Low => "low",
        DeadlineClass::Other => "negligible or unrated",
    };
    match policy {
        "none" => format!("No deadline: {what}"),
        "maintenance-window" => format!("Next maintenance window: {what}"),
        within => format!("Fix within {within}: {what}"),
    }
}

/// Active findings grouped by deadline class, most urgent first, keeping the report's order
/// within a group.
fn by_deadline(report: &Report) -> Vec<(DeadlineClass, Vec<&Finding>)> {
    let mut groups: Vec<(DeadlineClass, Vec<&Finding>)> = Vec::new();
    for finding in report.active() {
        let class = finding.remediation.class;
        match groups.iter_mut().find(|(c, _)| *c == class) {
            Some((_, list)) => list.push(finding),
            None => groups.push((class, vec![finding])),
        }
    }
    groups.sort_by_key(|(class, _)| *class);
    groups
}

/// `critical: 1, high: 2, …` over active findings, most severe first, zero counts left out.
fn summary(report: &Report) -> String {
    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|s| {
            let n = report.active().filter(|f| f.severity == *s).count();
            (n > 0).then(|| format!("{s}: {n}"))
        })
        .collect();
    let suppressed = report.suppressed().count();
    let mut text = format!(
        "{} vulnerabilit{} in {} package{} scanned",
        report.active().count(),
        if report.active().count() == 1 {
            "y"
        } else {
            "ies"
        },
        report.packages_scanned,
        if report.packages_scanned == 1 {
            ""
        } else {
            "s"
        },
    );
    if !counts.is_empty() {
        text.push_str(&format!(" ({})", counts.join(", ")));
    }
    if suppressed > 0 {
        text.push_str(&format!("; {suppressed} suppressed"));
    }
    text
}

/// The installed version, with the version matched when they differ (source version of a
/// binary package).
fn installed(finding: &Finding) -> String {
    let package = &finding.package;
    if package.matched_as.version == package.version {
        package.version.clone()
    } else {
        format!(
            "{} (source {})",
            package.version, package.matched_as.version
        )
    }
}

/// The fixed column: the version, or why there is none.
fn fixed(finding: &Finding) -> String {
    use seatbelt_types::FixState;
    match (&finding.fixed_version, finding.fix_state) {
        (Some(v), _) => v.clone(),
        (None, FixState::WillNotFix) => "(will not fix)".into(),
        (None, FixState::EndOfLife) => "(end of life)".into(),
        (None, _) => "(no fix yet)".into(),
    }
}

/// Shown package name: the binary name, with the source name when it differs.
fn package_name(finding: &Finding) -> String {
    let package = &finding.package;
    if package.matched_as.name == package.name {
        package.name.clone()
    } else {
        format!("{} ({})", package.name, package.matched_as.name)
    }
}

#[cfg(test)]
pub(crate) mod sample;

#[cfg(test)]
mod tests {
    use super::*;

    fn text(format: Format) -> String {
        let mut out = Vec::new();
        render(&sample::report(), format, &mut out).expect("renders");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn table_snapshot() {
        insta::assert_snapshot!(text(Format::Table));
    }

    #[test]
    fn markdown_snapshot() {
        insta::assert_snapshot!(text(Format::Markdown));
    }

    #[test]
    fn json_snapshot() {
        insta::assert_snapshot!(text(Format::Json));
    }

    #[test]
    fn json_round_trips() {
        let parsed: Report = serde_json::from_str(&text(Format::Json)).expect("parses");
        assert_eq!(parsed, sample::report());
    }

    #[test]
    fn sarif_has_one_rule_per_id_and_one_result_per_active_finding() {
        let log: serde_json::Value = serde_json::from_str(&text(Format::Sarif)).expect("json");
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
        assert_eq!(
            ids,
            [
                "CVE-2023-4911",
                "CVE-2024-0727",
                "CVE-2018-18074",
                "CVE-2023-50495"
            ]
        );
        assert_eq!(
            rules[1]["properties"]["aliases"],
            serde_json::json!(["DSA-5640-1", "GHSA-9v9h-cgj8-h64p"])
        );
        assert_eq!(rules[0]["properties"]["security-severity"], "7.8");
        assert_eq!(rules[3]["properties"]["security-severity"], "5.5");
        let results = run["results"].as_array().expect("results");
        // The suppressed finding is not an open alert.
        assert_eq!(results.len(), 4);
        assert_eq!(results[0]["ruleIndex"], 0);
        assert_eq!(
            results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "var/lib/dpkg/status"
        );
        assert_eq!(
            results[0]["message"]["text"],
            "libc6 2.36-9+deb12u3 is affected by CVE-2023-4911 (matched as glibc 2.36-9+deb12u3 in Debian:12); fixed in 2.36-9+deb12u4; fix by 2026-11-24T10:00:00Z."
        );
        assert!(!text(Format::Sarif).contains("null"));
    }

    #[test]
    fn cyclonedx_vulnerabilities_reference_components() {
        let doc: serde_json::Value =
            serde_json::from_str(&text(Format::CyclonedxJson)).expect("json");
        assert_eq!(doc["specVersion"], "1.6");
        let refs: Vec<&str> = doc["components"]
            .as_array()
            .expect("components")
            .iter()
            .filter_map(|c| c["bom-ref"].as_str())
            .collect();
        let vulns = doc["vulnerabilities"].as_array().expect("vulns");
        assert_eq!(vulns.len(), 5);
        for v in vulns {
            let r = v["affects"][0]["ref"].as_str().expect("ref");
            assert!(refs.contains(&r), "{r} not in {refs:?}");
        }
        assert_eq!(vulns[4]["analysis"]["state"], "not_affected");
        assert_eq!(vulns[3]["ratings"][0]["method"], "other");
        assert_eq!(vulns[0]["ratings"][0]["method"], "CVSSv31");
        // The document reads back as VEX: the suppressed finding's statement is there.
        let statements = crate::vex::parse(text(Format::CyclonedxJson).as_bytes()).expect("vex");
        assert_eq!(statements.len(), 1);
        assert_eq!(statements[0].ids[0], "CVE-2023-5678");
    }

    #[test]
    fn groups_follow_urgency() {
        let classes: Vec<DeadlineClass> = by_deadline(&sample::report())
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        assert_eq!(
            classes,
            [
                DeadlineClass::Kev,
                DeadlineClass::High,
                DeadlineClass::Medium
            ]
        );
    }
}
