//! Secrets for `seatbelt scan --scanners secret`: the audit's secret rules over every version
//! of every file, either as one more visitor in a walk another scanner drives (the package
//! catalog, so the layers are read once) or in a walk of their own; and the merge of their
//! findings into the vulnerability report's JSON and SARIF documents.

use std::sync::Arc;

use seatbelt_findings::{render, Format, Report};
use seatbelt_image::walk::{walk, Visitor};
use seatbelt_image::Image;
use seatbelt_types::sarif;

use crate::secrets::{engine::EngineError, Engine, SecretVisitor, RULES};
use crate::AuditError;

/// The secret scanner, ready to join a walk.
#[derive(Debug)]
pub struct SecretScan {
    visitor: SecretVisitor,
}

impl SecretScan {
    /// A scanner for `image` (a `dir:` root filesystem has no layers to name); `allow_values`
    /// and `allow_paths` as in the config's `secrets:` section.
    pub fn new(
        image: &Image,
        allow_values: &[String],
        allow_paths: &[String],
    ) -> Result<SecretScan, EngineError> {
        let engine = Arc::new(Engine::new(allow_values)?);
        Ok(SecretScan {
            visitor: SecretVisitor::new(engine, allow_paths, image.manifest.is_some()),
        })
    }

    /// The visitor to add to a walk.
    pub fn visitor(&mut self) -> &mut dyn Visitor {
        &mut self.visitor
    }

    /// The findings (redacted), with the secret rules, sorted.
    pub fn into_report(self, tool_version: &str) -> Report {
        let mut report = Report {
            tool_version: tool_version.to_string(),
            rules: RULES.iter().map(|r| r.info).collect(),
            findings: self.visitor.findings,
        };
        report.sort();
        report
    }
}

/// Scans `image` for secrets in a walk of its own (when no other scanner reads the layers).
pub fn scan_secrets(
    image: &Image,
    allow_values: &[String],
    allow_paths: &[String],
    tool_version: &str,
) -> Result<Report, AuditError> {
    let mut scan = SecretScan::new(image, allow_values, allow_paths)?;
    walk(image, &mut [scan.visitor()]).map_err(|source| AuditError::Walk {
        reference: image.reference.clone(),
        source: Box::new(source),
    })?;
    Ok(scan.into_report(tool_version))
}

/// Why secret findings could not be merged into another report.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// The document to merge into is not the JSON expected (a seatbelt bug; please report it).
    #[error("cannot merge secret findings into the {what} report: {source}")]
    Json {
        /// `JSON` or `SARIF`.
        what: &'static str,
        /// Why.
        source: serde_json::Error,
    },
    /// The JSON report is not an object.
    #[error("cannot merge secret findings: the JSON report is not an object")]
    NotObject,
    /// The SARIF log has no run to add results to.
    #[error("cannot merge secret findings: the SARIF log has no run")]
    NoRun,
    /// Rendering failed.
    #[error("cannot render secret findings: {0}")]
    Render(#[from] std::io::Error),
}

fn render_to_vec(secrets: &Report, format: Format) -> Result<Vec<u8>, MergeError> {
    let mut bytes = Vec::new();
    render(secrets, format, &mut bytes)?;
    Ok(bytes)
}

/// Adds `secrets` (its rules and findings, as `seatbelt audit --format json` writes them) to a
/// JSON report object under the key `secrets`.
pub fn merge_json(document: &[u8], secrets: &Report) -> Result<Vec<u8>, MergeError> {
    let json = |source| MergeError::Json {
        what: "JSON",
        source,
    };
    let mut doc: serde_json::Value = serde_json::from_slice(document).map_err(json)?;
    let ours: serde_json::Value =
        serde_json::from_slice(&render_to_vec(secrets, Format::Json)?).map_err(json)?;
    let Some(object) = doc.as_object_mut() else {
        return Err(MergeError::NotObject);
    };
    object.insert("secrets".to_string(), ours);
    let mut out = serde_json::to_vec_pretty(&doc).map_err(json)?;
    out.push(b'\n');
    Ok(out)
}

/// Adds `secrets` to the first run of a SARIF log: their rules after its rules (result rule
/// indexes shifted to match), their results after its results.
pub fn merge_sarif(document: &[u8], secrets: &Report) -> Result<Vec<u8>, MergeError> {
    let json = |source| MergeError::Json {
        what: "SARIF",
        source,
    };
    let mut log: sarif::Log = serde_json::from_slice(document).map_err(json)?;
    let ours: sarif::Log =
        serde_json::from_slice(&render_to_vec(secrets, Format::Sarif)?).map_err(json)?;
    let run = log.runs.first_mut().ok_or(MergeError::NoRun)?;
    for their_run in ours.runs {
        let offset = run.tool.driver.rules.len();
        run.tool.driver.rules.extend(their_run.tool.driver.rules);
        run.results
            .extend(their_run.results.into_iter().map(|mut result| {
                result.rule_index = result.rule_index.map(|i| i + offset);
                result
            }));
    }
    let mut out = serde_json::to_vec_pretty(&log).map_err(json)?;
    out.push(b'\n');
    Ok(out)
}

/// The secret findings as a table section to print after another report's table.
pub fn secrets_table(secrets: &Report) -> Result<Vec<u8>, MergeError> {
    let mut out = b"\nSecrets\n=======\n".to_vec();
    if secrets.findings.is_empty() {
        out.extend_from_slice(b"No secrets found.\n");
    } else {
        out.extend(render_to_vec(secrets, Format::Table)?);
    }
    Ok(out)
}

/// The secret findings as a Markdown section (heading and table) to append to a Markdown
/// vulnerability report; cells escaped so a file name cannot break the table.
pub fn secrets_markdown(secrets: &Report) -> Vec<u8> {
    let cell = |text: &str| {
        text.replace('\\', "\\\\")
            .replace('|', "\\|")
            .replace(['\n', '\r'], " ")
    };
    let mut out = String::from("## Secrets\n\n");
    if secrets.findings.is_empty() {
        out.push_str("No secrets found.\n");
        return out.into_bytes();
    }
    out.push_str("| Severity | Rule | File | Line | Layer | Finding |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for f in &secrets.findings {
        let layer = match (&f.location.layer, f.location.layer_index) {
            (Some(digest), Some(index)) => {
                let digest = digest.to_string();
                format!("{index} (`{}`)", digest.get(..19).unwrap_or(&digest))
            }
            (Some(digest), None) => format!("`{digest}`"),
            _ => String::new(),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            f.severity,
            cell(&f.rule_id),
            cell(&f.location.file),
            f.location.line.map_or(String::new(), |l| l.to_string()),
            layer,
            cell(&f.message),
        ));
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use seatbelt_findings::{fingerprint, Finding, FindingLocation};

    use super::*;

    const LAYER: &str = "sha256:abababababababababababababababababababababababababababababababab";

    fn secrets() -> Report {
        let rule = RULES.first().expect("a secret rule").info;
        Report {
            tool_version: "0.1.0".into(),
            rules: vec![rule],
            findings: vec![Finding {
                rule_id: rule.id.to_string(),
                severity: rule.severity,
                message: "redacted ****".into(),
                location: FindingLocation::file("/app/.env")
                    .at(3, Some(1))
                    .in_layer(Some(LAYER.parse().expect("digest")), Some(1)),
                fix: None,
                fingerprint: fingerprint(&["x"]),
            }],
        }
    }

    #[test]
    fn json_gains_a_secrets_key_and_refuses_non_objects() {
        let merged = merge_json(br#"{"findings": [1]}"#, &secrets()).expect("merge");
        let doc: serde_json::Value = serde_json::from_slice(&merged).expect("json");
        assert_eq!(doc["findings"], serde_json::json!([1]));
        assert_eq!(doc["secrets"]["findings"][0]["location"]["layer"], LAYER);
        assert!(matches!(
            merge_json(b"[1]", &secrets()),
            Err(MergeError::NotObject)
        ));
        assert!(matches!(
            merge_json(b"{", &secrets()),
            Err(MergeError::Json { .. })
        ));
    }

    #[test]
    fn sarif_rule_indexes_follow_the_rules_they_are_appended_after() {
        let host = br#"{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [{"tool": {"driver": {"name": "seatbelt", "rules": [{"id": "CVE-1"}, {"id": "CVE-2"}]}}, "results": [{"ruleId": "CVE-2", "ruleIndex": 1, "level": "error", "message": {"text": "x"}, "locations": []}]}]}"#;
        let merged = merge_sarif(host, &secrets()).expect("merge");
        let log: sarif::Log = serde_json::from_slice(&merged).expect("sarif");
        let run = &log.runs[0];
        assert_eq!(run.tool.driver.rules.len(), 3);
        assert_eq!(run.results.len(), 2);
        assert_eq!(run.results[1].rule_index, Some(2));
        assert_eq!(run.tool.driver.rules[2].id, run.results[1].rule_id);
        let empty = br#"{"version": "2.1.0", "$schema": "x", "runs": []}"#;
        assert!(matches!(
            merge_sarif(empty, &secrets()),
            Err(MergeError::NoRun)
        ));
    }

    #[test]
    fn the_table_says_when_nothing_was_found() {
        let mut none = secrets();
        none.findings.clear();
        let text = String::from_utf8(secrets_table(&none).expect("table")).expect("utf-8");
        assert!(text.contains("No secrets found."), "{text}");
        let text = String::from_utf8(secrets_table(&secrets()).expect("table")).expect("utf-8");
        assert!(
            text.contains("/app/.env") && text.contains("redacted ****"),
            "{text}"
        );
    }

    #[test]
    fn markdown_is_a_table_that_a_file_name_cannot_break() {
        let mut report = secrets();
        if let Some(f) = report.findings.first_mut() {
            f.location.file = "/app/a|b\nc".into();
        }
        let text = String::from_utf8(secrets_markdown(&report)).expect("utf-8");
        assert!(text.starts_with("## Secrets\n\n| Severity |"), "{text}");
        assert!(
            text.contains("| /app/a\\|b c | 3 | 1 (`sha256:abababababab`) |"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 5, "{text}");
        report.findings.clear();
        let text = String::from_utf8(secrets_markdown(&report)).expect("utf-8");
        assert!(text.contains("No secrets found."), "{text}");
    }
}
