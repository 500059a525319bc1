//! CycloneDX 1.6 JSON: a vulnerability disclosure report whose `vulnerabilities[]` point at
//! `components[]` by `bom-ref`; suppressed findings carry their VEX `analysis`, so the document
//! is also a VEX that other tools (and `seatbelt scan --vex`) can read back.

use std::collections::BTreeMap;
use std::io::Write;

use seatbelt_types::Severity;
use serde_json::{json, Value};

use crate::report::{Finding, Report, SeverityOrigin};

fn bom_ref(finding: &Finding) -> String {
    if finding.package.id.is_empty() {
        finding.package.purl.to_string()
    } else {
        finding.package.id.clone()
    }
}

/// CycloneDX's severity enum has `info` where seatbelt has `negligible`.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Negligible => "info",
        other => other.as_str(),
    }
}

fn source(id: &str) -> Value {
    let name = id.split('-').next().unwrap_or(id);
    json!({ "name": name })
}

fn vulnerability(finding: &Finding) -> Value {
    let mut rating = json!({ "severity": severity(finding.severity) });
    if let Some(score) = finding.cvss_score {
        rating["score"] = json!(score);
    }
    match &finding.severity_origin {
        SeverityOrigin::Cvss {
            version, vector, ..
        } => {
            rating["vector"] = json!(vector);
            rating["method"] = json!(match version.as_str() {
                "4.0" => "CVSSv4",
                "3.1" => "CVSSv31",
                _ => "CVSSv3",
            });
        }
        SeverityOrigin::Vendor { .. } | SeverityOrigin::Unknown => {
            rating["method"] = json!("other");
        }
    }
    let mut value = json!({
        "bom-ref": format!("{}@{}", finding.id, bom_ref(finding)),
        "id": finding.id,
        "source": source(&finding.id),
        "ratings": [rating],
        "affects": [{
            "ref": bom_ref(finding),
            "versions": [{ "version": finding.package.version, "status": "affected" }],
        }],
    });
    if !finding.aliases.is_empty() {
        value["references"] = finding
            .aliases
            .iter()
            .map(|a| json!({ "id": a, "source": source(a) }))
            .collect();
    }
    if let Some(summary) = &finding.summary {
        value["description"] = json!(summary);
    }
    if let Some(fixed) = &finding.fixed_version {
        value["recommendation"] = json!(format!(
            "Upgrade {} to {fixed}",
            finding.package.matched_as.name
        ));
    }
    if !finding.references.is_empty() {
        value["advisories"] = finding
            .references
            .iter()
            .map(|u| json!({ "url": u }))
            .collect();
    }
    let mut properties = vec![
        json!({ "name": "seatbelt:fix-state", "value": serde_json::to_value(finding.fix_state).unwrap_or(Value::Null) }),
    ];
    if let Some(due) = &finding.remediation.due {
        properties.push(json!({ "name": "seatbelt:remediation-due", "value": due }));
    }
    if let Some(kev) = &finding.kev {
        properties.push(json!({ "name": "seatbelt:kev-due-date", "value": kev.due_date }));
    }
    if let Some(epss) = finding.epss {
        properties.push(json!({ "name": "seatbelt:epss", "value": format!("{}", epss.score) }));
        properties.push(
            json!({ "name": "seatbelt:epss-percentile", "value": format!("{}", epss.percentile) }),
        );
    }
    value["properties"] = Value::Array(properties);
    if let Some(s) = &finding.suppression {
        let state = if s.status == "fixed" {
            "resolved"
        } else {
            "not_affected"
        };
        let mut analysis = json!({ "state": state });
        if let Some(j) = &s.justification {
            analysis["detail"] = json!(format!("{j} ({})", s.source));
        } else {
            analysis["detail"] = json!(format!("suppressed by {}", s.source));
        }
        value["analysis"] = analysis;
    }
    value
}

pub(super) fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut components: BTreeMap<String, Value> = BTreeMap::new();
    for finding in &report.findings {
        let package = &finding.package;
        components.entry(bom_ref(finding)).or_insert_with(|| {
            json!({
                "type": "library",
                "bom-ref": bom_ref(finding),
                "name": package.name,
                "version": package.version,
                "purl": package.purl.to_string(),
            })
        });
    }
    let subject = if report.subject.name.is_empty() {
        report.subject.reference.clone()
    } else {
        report.subject.name.clone()
    };
    let document = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {
            "timestamp": report.scanned_at,
            "tools": { "components": [{ "type": "application", "name": "seatbelt", "version": report.tool_version }] },
            "component": { "type": "container", "name": subject, "bom-ref": "subject" },
        },
        "components": components.into_values().collect::<Vec<_>>(),
        "vulnerabilities": report.findings.iter().map(vulnerability).collect::<Vec<_>>(),
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}
