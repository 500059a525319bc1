//! `seatbelt lint` and `seatbelt rule` end to end: the real binary in a temporary directory.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const DOCKERFILE: &str = "FROM debian:12\n# hadolint ignore=DL3015\nRUN apt-get update && apt-get install -y curl\nCMD python app.py\n";

fn seatbelt(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_seatbelt"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the seatbelt binary runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("stdin written");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("seatbelt ends")
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("Dockerfile"), DOCKERFILE).expect("write");
    dir
}

#[test]
fn default_dockerfile_table_output_and_exit_status() {
    let dir = setup();
    let out = seatbelt(dir.path(), &["lint"], None);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        !table.contains("SB1015"),
        "the hadolint pragma silences SB1015:\n{table}"
    );
    insta::assert_snapshot!("lint_table", table);
    let relaxed = seatbelt(dir.path(), &["lint", "--fail-on", "critical"], None);
    assert_eq!(relaxed.status.code(), Some(0));
}

#[test]
fn json_from_stdin_and_several_files() {
    let dir = setup();
    std::fs::write(
        dir.path().join("Other.Dockerfile"),
        "FROM alpine:3.20\nUSER 1\nHEALTHCHECK CMD [\"true\"]\n",
    )
    .expect("write");
    let out = seatbelt(
        dir.path(),
        &["lint", "--format", "json", "-", "Other.Dockerfile"],
        Some(DOCKERFILE),
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let findings = report["findings"].as_array().expect("findings");
    let ids: Vec<&str> = findings
        .iter()
        .filter_map(|f| f["rule_id"].as_str())
        .collect();
    for id in ["SB1008", "SB1009", "SB1025", "SB1201"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert!(
        findings.iter().all(|f| f["location"]["file"] == "-"),
        "Other.Dockerfile is clean"
    );
    let fix = findings
        .iter()
        .find(|f| f["rule_id"] == "SB1025")
        .and_then(|f| f["fix"].as_str());
    assert_eq!(fix, Some("CMD [\"python\",\"app.py\"]"));
}

#[test]
fn sarif_lists_hadolint_aliases_and_output_file() {
    let dir = setup();
    let out = seatbelt(
        dir.path(),
        &["lint", "--format", "sarif", "-o", "out.sarif"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out.sarif")).expect("written"),
    )
    .expect("JSON");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let apt = rules
        .iter()
        .find(|r| r["id"] == "SB1008")
        .expect("SB1008 described");
    assert_eq!(apt["properties"]["aliases"][0], "DL3008");
}

#[test]
fn hadolint_config_ignore_and_trusted_registries() {
    let dir = setup();
    std::fs::write(
        dir.path().join(".hadolint.yaml"),
        "ignored: [DL3008]\ntrustedRegistries: [registry.example.com]\n",
    )
    .expect("write");
    let out = seatbelt(
        dir.path(),
        &["lint", "--format", "json", "--ignore", "SB1009"],
        None,
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let ids: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        !ids.iter().any(|i| i == "SB1008" || i == "SB1009"),
        "{ids:?}"
    );
    assert!(
        ids.iter().any(|i| i == "SB1026"),
        "debian:12 is not from the trusted registry: {ids:?}"
    );
    let unknown = seatbelt(dir.path(), &["lint", "--ignore", "DL9999"], None);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn parse_errors_name_file_line_and_column() {
    let dir = setup();
    std::fs::write(
        dir.path().join("Broken"),
        "FROM alpine:3.20\nRUN <<EOF\necho never closed\n",
    )
    .expect("write");
    let out = seatbelt(dir.path(), &["lint", "Broken"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Broken") && err.contains("line 2, column 5"),
        "{err}"
    );
    let missing = seatbelt(dir.path(), &["lint", "Nope"], None);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn rule_docs_list_and_generated_pages() {
    let dir = setup();
    let docs = seatbelt(dir.path(), &["rule", "DL3008"], None);
    let text = String::from_utf8_lossy(&docs.stdout);
    assert!(
        text.starts_with("# SB1008") && text.contains("## Use instead"),
        "{text}"
    );
    let list = seatbelt(dir.path(), &["rule"], None);
    assert!(String::from_utf8_lossy(&list.stdout).lines().count() >= 60);
    let check = seatbelt(
        dir.path(),
        &["rule", "--generate-docs", "pages", "--check"],
        None,
    );
    assert_eq!(check.status.code(), Some(1), "missing pages are stale");
    assert!(
        seatbelt(dir.path(), &["rule", "--generate-docs", "pages"], None)
            .status
            .success()
    );
    let again = seatbelt(
        dir.path(),
        &["rule", "--generate-docs", "pages", "--check"],
        None,
    );
    assert_eq!(again.status.code(), Some(0));
}
