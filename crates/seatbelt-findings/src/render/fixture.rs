//! The fixed report every renderer's snapshot test renders: a Dockerfile finding with a fix,
//! image findings with and without a layer, markup to escape, and a rule that found nothing.

use seatbelt_types::{Digest, Severity};

use crate::{fingerprint, Finding, FindingLocation, Format, Report, RuleInfo};

pub(crate) const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "SB1008",
        aliases: &["DL3008"],
        name: "apt-get-unpinned",
        severity: Severity::Medium,
        summary: "Pin versions in apt-get install",
        docs: "## What it does\nChecks that `apt-get install` pins versions.\n",
    },
    RuleInfo {
        id: "SB2001",
        aliases: &[],
        name: "root-user",
        severity: Severity::High,
        summary: "The image runs as root",
        docs: "",
    },
    RuleInfo {
        id: "SB3010",
        aliases: &[],
        name: "private-key",
        severity: Severity::Critical,
        summary: "A private key is in the image",
        docs: "",
    },
    RuleInfo {
        id: "SB2099",
        aliases: &[],
        name: "unused",
        severity: Severity::Low,
        summary: "Finds nothing in the fixture",
        docs: "",
    },
];

pub(crate) fn fixture_report() -> Report {
    let layer: Digest = format!("sha256:{}", "ab".repeat(32))
        .parse()
        .expect("digest");
    Report {
        tool_version: "0.1.0".into(),
        rules: RULES.to_vec(),
        findings: vec![
            Finding {
                rule_id: "SB1008".into(),
                severity: Severity::Medium,
                message: "Pin versions in apt-get install: curl, \"git\" & <jq>".into(),
                location: FindingLocation::file("build/Dockerfile").at(4, Some(5)),
                fix: Some("apt-get install curl=7.88.1-10".into()),
                fingerprint: fingerprint(&[
                    "SB1008",
                    "build/Dockerfile",
                    "RUN apt-get install curl",
                ]),
            },
            Finding {
                rule_id: "SB2001".into(),
                severity: Severity::High,
                message: "The image runs as root (config User is empty)".into(),
                location: FindingLocation::file("config.json"),
                fix: None,
                fingerprint: fingerprint(&["SB2001", "config.json"]),
            },
            Finding {
                rule_id: "SB3010".into(),
                severity: Severity::Critical,
                message: "RSA private key: -----BEGIN RSA PRIVATE KEY-----MIIE****".into(),
                location: FindingLocation::file("/root/my keys/id_rsa")
                    .at(1, None)
                    .in_layer(Some(layer), Some(1)),
                fix: None,
                fingerprint: fingerprint(&["SB3010", "/root/my keys/id_rsa", "sha256:ab"]),
            },
        ],
    }
}

pub(crate) fn rendered(format: Format) -> String {
    let mut out = Vec::new();
    crate::render(&fixture_report(), format, &mut out).expect("renders");
    String::from_utf8(out).expect("utf-8")
}
