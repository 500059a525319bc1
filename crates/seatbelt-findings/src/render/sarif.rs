//! SARIF 2.1.0 through `seatbelt_types::sarif`: one run, a descriptor per rule (its aliases in
//! `properties.aliases`, GitHub's `security-severity`), one result per finding. For image
//! findings the path inside the image is the artifact URI and the layer goes in the result's
//! properties.

use std::collections::BTreeMap;
use std::io::Write;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use seatbelt_types::sarif::{
    Level, Location, Log, Message, ReportingConfiguration, ReportingDescriptor, Run, SarifResult,
    Tool, ToolComponent,
};
use seatbelt_types::Severity;
use serde_json::Value;

use crate::{Report, RuleInfo};

/// Everything a URI reference path cannot hold literally (RFC 3986 `pchar` plus `/`).
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// GitHub code scanning ranks by this CVSS-like number (as text): >= 9 critical, >= 7 high,
/// >= 4 medium, else low.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "2.0",
        Severity::Negligible | Severity::Unknown => "0.0",
    }
}

fn descriptor(rule: &RuleInfo) -> ReportingDescriptor {
    let mut properties = BTreeMap::new();
    properties.insert(
        "aliases".to_string(),
        Value::from(
            rule.aliases
                .iter()
                .map(|a| Value::from(*a))
                .collect::<Vec<_>>(),
        ),
    );
    properties.insert(
        "security-severity".to_string(),
        Value::from(security_severity(rule.severity)),
    );
    properties.insert("tags".to_string(), Value::from(vec!["security"]));
    ReportingDescriptor {
        id: rule.id.to_string(),
        name: Some(rule.name.to_string()),
        short_description: Some(Message::text(rule.summary)),
        full_description: None,
        help: (!rule.docs.is_empty()).then(|| Message {
            text: rule.docs.to_string(),
            markdown: Some(rule.docs.to_string()),
        }),
        help_uri: None,
        default_configuration: Some(ReportingConfiguration {
            level: rule.severity.into(),
        }),
        properties,
    }
}

pub(super) fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut rules: Vec<ReportingDescriptor> = report.rules.iter().map(descriptor).collect();
    let mut results = Vec::with_capacity(report.findings.len());
    for f in &report.findings {
        let index = match rules.iter().position(|r| r.id == f.rule_id) {
            Some(index) => index,
            None => {
                // A finding whose rule the producer did not list still needs a descriptor for
                // `ruleIndex` to point at.
                rules.push(ReportingDescriptor {
                    id: f.rule_id.clone(),
                    name: None,
                    short_description: None,
                    full_description: None,
                    help: None,
                    help_uri: None,
                    default_configuration: None,
                    properties: BTreeMap::new(),
                });
                rules.len() - 1
            }
        };
        let uri = utf8_percent_encode(&f.location.file, PATH).to_string();
        let mut properties = BTreeMap::new();
        properties.insert("severity".to_string(), Value::from(f.severity.as_str()));
        if let Some(layer) = &f.location.layer {
            properties.insert("layer".to_string(), Value::from(layer.to_string()));
        }
        if let Some(index) = f.location.layer_index {
            properties.insert("layerIndex".to_string(), Value::from(index));
        }
        if let Some(fix) = &f.fix {
            properties.insert("fix".to_string(), Value::from(fix.as_str()));
        }
        let mut partial_fingerprints = BTreeMap::new();
        partial_fingerprints.insert("seatbelt/v1".to_string(), f.fingerprint.clone());
        results.push(SarifResult {
            rule_id: f.rule_id.clone(),
            rule_index: Some(index),
            level: Level::from(f.severity),
            message: Message::text(f.message.clone()),
            locations: vec![Location::file(uri, f.location.line, f.location.column)],
            partial_fingerprints,
            properties,
        });
    }
    let run = Run {
        tool: Tool {
            driver: ToolComponent {
                name: "seatbelt".to_string(),
                version: Some(report.tool_version.clone()),
                information_uri: None,
                rules,
            },
        },
        results,
        properties: BTreeMap::new(),
    };
    serde_json::to_writer_pretty(&mut *out, &Log::single(run))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use crate::render::fixture::rendered;
    use crate::Format;

    #[test]
    fn sarif_snapshot() {
        insta::assert_snapshot!(rendered(Format::Sarif));
    }

    #[test]
    fn rule_descriptors_carry_aliases_and_paths_are_uri_references() {
        let log: serde_json::Value =
            serde_json::from_str(&rendered(Format::Sarif)).expect("valid JSON");
        let rules = &log["runs"][0]["tool"]["driver"]["rules"];
        assert_eq!(rules[0]["properties"]["aliases"][0], "DL3008");
        let uris: Vec<&str> = log["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter_map(|r| {
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str()
            })
            .collect();
        assert!(uris.contains(&"/root/my%20keys/id_rsa"), "{uris:?}");
        for result in log["runs"][0]["results"].as_array().expect("results") {
            let index = result["ruleIndex"].as_u64().expect("index") as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
        }
    }
}
