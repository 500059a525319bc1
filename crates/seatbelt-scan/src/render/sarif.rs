//! SARIF 2.1.0: one rule per vulnerability id (aliases in `properties.aliases`, GitHub's
//! `security-severity` as a number in text), one result per (vulnerability, package) located at
//! the package's metadata file, so code scanning opens one alert per vulnerability and package.
//! Suppressed findings are left out: code scanning would otherwise show them as open alerts.

use std::collections::BTreeMap;
use std::io::Write;

use seatbelt_types::sarif::{
    Level, Location, Log, Message, ReportingConfiguration, ReportingDescriptor, Run, SarifResult,
    Tool, ToolComponent,
};
use seatbelt_types::Severity;
use serde_json::json;

use crate::report::{Finding, Report};

/// GitHub ranks alerts by this number; without a CVSS score, the middle of the severity's band.
fn security_severity(finding: &Finding) -> String {
    let score = finding.cvss_score.unwrap_or(match finding.severity {
        Severity::Critical => 9.5,
        Severity::High => 8.0,
        Severity::Medium => 5.5,
        Severity::Low => 2.0,
        Severity::Negligible | Severity::Unknown => 0.0,
    });
    format!("{score:.1}")
}

fn rule(finding: &Finding) -> ReportingDescriptor {
    let summary = finding
        .summary
        .clone()
        .unwrap_or_else(|| format!("{} in {}", finding.id, finding.package.matched_as.name));
    let mut properties = BTreeMap::new();
    properties.insert("aliases".to_string(), json!(finding.aliases));
    properties.insert(
        "security-severity".to_string(),
        json!(security_severity(finding)),
    );
    properties.insert(
        "tags".to_string(),
        json!(["security", "vulnerability", finding.severity.as_str()]),
    );
    let help = match &finding.references.first() {
        Some(url) => format!("{summary}\n\nMore: {url}"),
        None => summary.clone(),
    };
    ReportingDescriptor {
        id: finding.id.clone(),
        name: None,
        short_description: Some(Message::text(summary.clone())),
        full_description: Some(Message::text(summary)),
        help: Some(Message::text(help)),
        help_uri: finding.references.first().cloned(),
        default_configuration: Some(ReportingConfiguration {
            level: Level::from(finding.severity),
        }),
        properties,
    }
}

fn message(finding: &Finding) -> String {
    let package = &finding.package;
    let mut text = format!(
        "{} {} is affected by {}",
        package.name, package.version, finding.id
    );
    if package.matched_as.name != package.name || package.matched_as.version != package.version {
        text.push_str(&format!(
            " (matched as {} {} in {})",
            package.matched_as.name, package.matched_as.version, package.matched_as.ecosystem
        ));
    }
    match &finding.fixed_version {
        Some(fixed) => text.push_str(&format!("; fixed in {fixed}")),
        None => text.push_str("; no fixed version"),
    }
    if let Some(due) = &finding.remediation.due {
        text.push_str(&format!("; fix by {due}"));
    }
    text.push('.');
    text
}

pub(super) fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut rules: Vec<ReportingDescriptor> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut results = Vec::new();
    for finding in report.active() {
        let rule_index = *index.entry(finding.id.as_str()).or_insert_with(|| {
            rules.push(rule(finding));
            rules.len() - 1
        });
        let uri = finding
            .package
            .locations
            .first()
            .map_or_else(|| finding.package.purl.to_string(), |l| l.path.clone());
        let mut fingerprints = BTreeMap::new();
        fingerprints.insert(
            "seatbelt/v1".to_string(),
            format!("{}|{}", finding.id, finding.package.purl),
        );
        let mut properties = BTreeMap::new();
        properties.insert("purl".to_string(), json!(finding.package.purl.to_string()));
        properties.insert("severity".to_string(), json!(finding.severity));
        if let Some(kev) = &finding.kev {
            properties.insert("kev-due-date".to_string(), json!(kev.due_date));
        }
        if let Some(epss) = finding.epss {
            properties.insert("epss".to_string(), json!(epss.score));
        }
        results.push(SarifResult {
            rule_id: finding.id.clone(),
            rule_index: Some(rule_index),
            level: Level::from(finding.severity),
            message: Message::text(message(finding)),
            locations: vec![Location::file(uri, None, None)],
            partial_fingerprints: fingerprints,
            properties,
        });
    }
    let mut properties = BTreeMap::new();
    properties.insert("image".to_string(), json!(report.subject.reference));
    let log = Log::single(Run {
        tool: Tool {
            driver: ToolComponent {
                name: "seatbelt".to_string(),
                version: Some(report.tool_version.clone()),
                information_uri: None,
                rules,
            },
        },
        results,
        properties,
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}
