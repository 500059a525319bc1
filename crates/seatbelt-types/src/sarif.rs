//! The part of SARIF 2.1.0 that seatbelt writes (lint, audit and scan results), as serde types,
//! so every command emits the same shape that GitHub code scanning and the OASIS schema accept.
//!
//! Spec: <https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html>. Field names are the
//! spec's camelCase ones; optional fields are omitted rather than written as `null`, since the
//! schema forbids `null` for most of them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Severity;

/// The schema URI the log declares.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// A whole SARIF log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Log {
    /// Schema URI.
    #[serde(rename = "$schema")]
    pub schema: String,
    /// Always `2.1.0`.
    pub version: String,
    /// One run per tool invocation.
    pub runs: Vec<Run>,
}

impl Log {
    /// A log of one run.
    pub fn single(run: Run) -> Log {
        Log {
            schema: SCHEMA_URI.to_string(),
            version: "2.1.0".to_string(),
            runs: vec![run],
        }
    }
}

/// One run of one tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// The tool and its rules.
    pub tool: Tool,
    /// What it found.
    pub results: Vec<SarifResult>,
    /// Extra data about the run (the scanned image, for instance).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub properties: BTreeMap<String, serde_json::Value>,
}

/// The tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    /// Its main component.
    pub driver: ToolComponent,
}

/// A tool component: name, version and the rules it reports under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolComponent {
    /// `seatbelt`.
    pub name: String,
    /// The seatbelt version.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub version: Option<String>,
    /// Where to read about the tool.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub information_uri: Option<String>,
    /// Rule descriptors; results point at them by `ruleId` and `ruleIndex`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub rules: Vec<ReportingDescriptor>,
}

/// A rule (or a vulnerability id, for scan results).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportingDescriptor {
    /// Stable id.
    pub id: String,
    /// A short machine-friendly name.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    /// One line.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub short_description: Option<Message>,
    /// A paragraph.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub full_description: Option<Message>,
    /// How to fix it (text and Markdown).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub help: Option<Message>,
    /// A page about it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub help_uri: Option<String>,
    /// The level results get unless they say otherwise.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub default_configuration: Option<ReportingConfiguration>,
    /// Extra data: `tags`, `aliases`, and GitHub's `security-severity` (a CVSS-like number as text).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub properties: BTreeMap<String, serde_json::Value>,
}

/// A rule's default configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportingConfiguration {
    /// Default level.
    pub level: Level,
}

/// A message: plain text, optionally Markdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Plain text (required by the spec).
    pub text: String,
    /// The same in Markdown.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub markdown: Option<String>,
}

impl Message {
    /// A plain-text message.
    pub fn text(text: impl Into<String>) -> Message {
        Message {
            text: text.into(),
            markdown: None,
        }
    }
}

/// SARIF result levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Not a problem (informational).
    None,
    /// Worth a look.
    Note,
    /// A problem.
    Warning,
    /// A serious problem.
    Error,
}

impl From<Severity> for Level {
    fn from(severity: Severity) -> Level {
        match severity {
            Severity::Critical | Severity::High => Level::Error,
            Severity::Medium => Level::Warning,
            Severity::Low | Severity::Negligible | Severity::Unknown => Level::Note,
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    /// The rule's id.
    pub rule_id: String,
    /// The rule's index in `tool.driver.rules`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub rule_index: Option<usize>,
    /// Level.
    pub level: Level,
    /// What is wrong, here.
    pub message: Message,
    /// Where (at least one: code scanning drops results without a location).
    pub locations: Vec<Location>,
    /// Stable fingerprints so a re-run does not open new alerts for the same finding.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub partial_fingerprints: BTreeMap<String, String>,
    /// Extra data.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub properties: BTreeMap<String, serde_json::Value>,
}

/// A location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// A file and region.
    pub physical_location: PhysicalLocation,
    /// What is at this location, when it needs saying.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub message: Option<Message>,
}

impl Location {
    /// A location in a file, optionally at a line and column (1-based).
    pub fn file(uri: impl Into<String>, line: Option<u64>, column: Option<u64>) -> Location {
        Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri.into(),
                    uri_base_id: None,
                },
                region: line.map(|start_line| Region {
                    start_line,
                    start_column: column,
                    end_line: None,
                    end_column: None,
                }),
            },
            message: None,
        }
    }
}

/// A file and the region in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    /// The file.
    pub artifact_location: ArtifactLocation,
    /// Lines and columns.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub region: Option<Region>,
}

/// A file, by URI (relative URIs are relative to `uriBaseId` or the repository root).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactLocation {
    /// The URI.
    pub uri: String,
    /// The base it is relative to.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub uri_base_id: Option<String>,
}

/// A region of a text file; lines and columns are 1-based.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    /// First line.
    pub start_line: u64,
    /// First column.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub start_column: Option<u64>,
    /// Last line.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub end_line: Option<u64>,
    /// Column after the last character.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub end_column: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_log_has_the_required_fields_and_no_nulls() {
        let run = Run {
            tool: Tool {
                driver: ToolComponent {
                    name: "seatbelt".into(),
                    version: Some("0.1.0".into()),
                    information_uri: None,
                    rules: vec![],
                },
            },
            results: vec![SarifResult {
                rule_id: "SB1000".into(),
                rule_index: None,
                level: Severity::High.into(),
                message: Message::text("m"),
                locations: vec![Location::file("Dockerfile", Some(3), None)],
                partial_fingerprints: BTreeMap::new(),
                properties: BTreeMap::new(),
            }],
            properties: BTreeMap::new(),
        };
        let json = serde_json::to_string(&Log::single(run)).expect("serialises");
        assert!(!json.contains("null"), "{json}");
        assert!(json.contains(r#""version":"2.1.0""#));
        assert!(json.contains(r#""ruleId":"SB1000""#));
        assert!(json.contains(r#""level":"error""#));
        assert!(json.contains(r#""region":{"startLine":3}"#));
    }
}
