//! The SARIF renderer's output validates against the official OASIS SARIF 2.1.0 schema
//! (scripts/validate-sarif.py, with the venv scripts/install-deps.sh makes).

use std::path::PathBuf;
use std::process::Command;

use seatbelt_findings::{fingerprint, render, Finding, FindingLocation, Format, Report, RuleInfo};
use seatbelt_types::{Digest, Severity};

const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "SB1008",
        aliases: &["DL3008"],
        name: "apt-get-unpinned",
        severity: Severity::Medium,
        summary: "Pin versions in apt-get install",
        docs: "## What it does\nChecks pins.\n",
    },
    RuleInfo {
        id: "SB3001",
        aliases: &[],
        name: "aws-access-key-id",
        severity: Severity::Critical,
        summary: "AWS access key id",
        docs: "",
    },
];

#[test]
fn sarif_output_validates_against_the_official_schema() {
    let layer: Digest = format!("sha256:{}", "cd".repeat(32))
        .parse()
        .expect("digest");
    let report = Report {
        tool_version: "0.1.0".into(),
        rules: RULES.to_vec(),
        findings: vec![
            Finding {
                rule_id: "SB1008".into(),
                severity: Severity::Medium,
                message: "Pin versions: <curl> & \"git\"".into(),
                location: FindingLocation::file("sub dir/Dockerfile").at(3, Some(1)),
                fix: Some("apt-get install curl=1".into()),
                fingerprint: fingerprint(&["a"]),
            },
            Finding {
                rule_id: "SB3001".into(),
                severity: Severity::Critical,
                message: "AWS access key id AKIA****".into(),
                location: FindingLocation::file("/app/.env #1 [x]")
                    .at(2, None)
                    .in_layer(Some(layer), Some(2)),
                fix: None,
                fingerprint: fingerprint(&["b"]),
            },
            Finding {
                rule_id: "SB9999".into(),
                severity: Severity::Unknown,
                message: "a rule the report does not list".into(),
                location: FindingLocation::file("config.json"),
                fix: None,
                fingerprint: fingerprint(&["c"]),
            },
        ],
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("out.sarif");
    let mut out = Vec::new();
    render(&report, Format::Sarif, &mut out).expect("renders");
    std::fs::write(&path, &out).expect("write");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/validate-sarif.py");
    let result = Command::new(seatbelt_test::tools::pyvenv_python())
        .arg(&script)
        .arg(&path)
        .output()
        .expect("run scripts/validate-sarif.py (run scripts/install-deps.sh first)");
    assert!(
        result.status.success(),
        "{}{}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
}
