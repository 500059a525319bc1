//! End-to-end tests of `seatbelt scan --scanners`: a synthetic image whose layer 2 adds a
//! Python package and a script holding a GitHub token that layer 3 deletes; `vuln,secret`
//! reports the vulnerability and the secret (with layer 2's digest, redacted) in table, JSON
//! and SARIF; `secret` alone runs without any vulnerability DB.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use seatbelt_test::debian::workspace_root;
use seatbelt_test::layers::{config_and_manifest, sha256, Blob, Layer};
use serde_json::{json, Value};

/// A GitHub token shaped like a real one (random, no placeholder markers).
const TOKEN: &str = "ghp_R3alLooking0TokenQ8vX2mZ7kLp4Wn9Ts1Y";

fn seatbelt(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seatbelt"))
        .args(args)
        .current_dir(dir)
        // No DB anywhere: a run that needs one fails.
        .env("SEATBELT_DB", dir.join("no-such-db"))
        .env("SOURCE_DATE_EPOCH", "1795348800")
        .output()
        .expect("the seatbelt binary runs")
}

/// An OCI layout with `layers`, tagged `v1`.
fn write_layout(dir: &Path, layers: &[Blob]) {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).expect("mkdir");
    let put = |bytes: &[u8]| {
        let digest = sha256(bytes);
        std::fs::write(blobs.join(digest.trim_start_matches("sha256:")), bytes).expect("blob");
        digest
    };
    for l in layers {
        put(&l.bytes);
    }
    let (config, manifest) = config_and_manifest(layers);
    put(&config);
    let digest = put(&manifest);
    let index = json!({
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": digest,
            "size": manifest.len(),
            "annotations": {"org.opencontainers.image.ref.name": "v1"},
        }],
    });
    std::fs::write(dir.join("index.json"), index.to_string()).expect("index");
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).expect("layout");
}

struct Fixture {
    dir: tempfile::TempDir,
    reference: String,
    layer2: String,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let image = dir.path().join("image");
    let layer1 = Blob::new(
        &Layer::new()
            .dir("app")
            .file("app/main.py", b"print('hi')\n")
            .finish(),
        "gzip",
    );
    let layer2 = Blob::new(
        &Layer::new()
            .file(
                "usr/lib/python3/dist-packages/requests-2.19.0.dist-info/METADATA",
                b"Metadata-Version: 2.1\nName: requests\nVersion: 2.19.0\n",
            )
            .file(
                "app/deploy.sh",
                format!("#!/bin/sh\ncurl -H 'Authorization: token {TOKEN}' https://api.invalid/\n")
                    .as_bytes(),
            )
            .finish(),
        "gzip",
    );
    let layer3 = Blob::new(&Layer::new().whiteout("app/deploy.sh").finish(), "gzip");
    let layer2_digest = layer2.digest.clone();
    write_layout(&image, &[layer1, layer2, layer3]);
    Fixture {
        reference: format!("oci-dir:{}:v1", image.display()),
        layer2: layer2_digest,
        dir,
    }
}

/// A DB holding one PyPI advisory for requests < 2.20.0.
fn database(dir: &Path) -> String {
    let osv = dir.join("osv");
    std::fs::create_dir_all(&osv).expect("mkdir");
    let record = json!({
        "schema_version": "1.6.0",
        "id": "GHSA-x84v-xcm2-53pg",
        "modified": "2024-01-01T00:00:00Z",
        "aliases": ["CVE-2018-18074"],
        "affected": [{
            "package": { "ecosystem": "PyPI", "name": "requests" },
            "ranges": [{ "type": "ECOSYSTEM", "events": [{ "introduced": "0" }, { "fixed": "2.20.0" }] }]
        }]
    });
    std::fs::write(osv.join("GHSA-x84v-xcm2-53pg.json"), record.to_string()).expect("osv");
    let db = dir.join("db");
    seatbelt_vulndb::import(&db, &[osv], &seatbelt_vulndb::ImportOptions::default())
        .expect("import");
    db.display().to_string()
}

fn pyvenv_python() -> PathBuf {
    std::env::var_os("SEATBELT_PYVENV")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_CACHE_HOME").map(|c| PathBuf::from(c).join("seatbelt/pyvenv"))
        })
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/seatbelt/pyvenv"))
        })
        .expect("HOME is set")
        .join("bin/python")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

#[test]
fn secret_alone_needs_no_db_and_names_the_layer_that_holds_the_deleted_file() {
    let f = fixture();
    let out = seatbelt(
        &[
            "scan",
            "--scanners",
            "secret",
            "--format",
            "json",
            &f.reference,
        ],
        f.dir.path(),
    );
    let report: Value = serde_json::from_str(&ok(&out)).expect("json");
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1, "{report:#}");
    assert_eq!(findings[0]["rule_id"], "SB3005");
    assert_eq!(findings[0]["location"]["file"], "/app/deploy.sh");
    assert_eq!(findings[0]["location"]["layer"], f.layer2.as_str());
    assert!(!report.to_string().contains(&TOKEN[4..]), "leaks the token");

    // --fail-on counts secrets; an SBOM file has no layers to read.
    let failed = seatbelt(
        &[
            "scan",
            "--scanners",
            "secret",
            "--fail-on",
            "high",
            &f.reference,
        ],
        f.dir.path(),
    );
    assert_eq!(
        failed.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&failed.stderr)
    );
    let table = String::from_utf8_lossy(&failed.stdout);
    assert!(
        table.contains("/app/deploy.sh") && table.contains(&f.layer2[..19]),
        "{table}"
    );
    std::fs::write(
        f.dir.path().join("sbom.json"),
        br#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}"#,
    )
    .expect("sbom");
    let refused = seatbelt(
        &["scan", "--scanners", "secret", "sbom:sbom.json"],
        f.dir.path(),
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("SBOM"));
}

#[test]
fn the_config_files_secret_allow_list_applies_to_scan_as_to_audit() {
    let f = fixture();
    // One file for every command: `scan:` deadlines beside the `secrets:` allow-list.
    std::fs::write(
        f.dir.path().join(".seatbelt.yaml"),
        "scan:\n  deadlines:\n    high: 3d\nsecrets:\n  allow-paths: [\"/app/deploy.sh\"]\n",
    )
    .expect("config");
    for scanners in ["secret", "vuln,secret"] {
        let mut args = vec!["scan", "--scanners", scanners, "--format", "json"];
        let db;
        if scanners.contains("vuln") {
            db = database(f.dir.path());
            args.extend(["--db", &db, "--offline"]);
        }
        args.push(&f.reference);
        let report: Value =
            serde_json::from_str(&ok(&seatbelt(&args, f.dir.path()))).expect("json");
        assert!(
            !report.to_string().contains("/app/deploy.sh"),
            "{scanners}: allowed path still reported: {report:#}"
        );
    }
    let audit = seatbelt(
        &[
            "audit",
            "--scanners",
            "secret",
            "--format",
            "json",
            &f.reference,
        ],
        f.dir.path(),
    );
    let report: Value = serde_json::from_str(&ok(&audit)).expect("json");
    assert_eq!(
        report["findings"].as_array().map(Vec::len),
        Some(0),
        "{report:#}"
    );
    // Without the allow-list the secret is found again (the test can fail).
    std::fs::remove_file(f.dir.path().join(".seatbelt.yaml")).expect("rm");
    let out = seatbelt(
        &[
            "scan",
            "--scanners",
            "secret",
            "--format",
            "json",
            &f.reference,
        ],
        f.dir.path(),
    );
    assert!(ok(&out).contains("/app/deploy.sh"));
}

#[test]
fn vuln_and_secret_share_one_report_in_every_format() {
    let f = fixture();
    let db = database(f.dir.path());
    let scan = |format: &str| {
        ok(&seatbelt(
            &[
                "scan",
                "--offline",
                "--db",
                &db,
                "--scanners",
                "vuln,secret",
                "--format",
                format,
                &f.reference,
            ],
            f.dir.path(),
        ))
    };

    let json: Value = serde_json::from_str(&scan("json")).expect("json");
    let text = json.to_string();
    assert!(text.contains("CVE-2018-18074"), "{json:#}");
    let secrets = json["secrets"]["findings"].as_array().expect("secrets");
    assert_eq!(secrets.len(), 1, "{json:#}");
    assert_eq!(secrets[0]["location"]["layer"], f.layer2.as_str());
    assert!(!text.contains(&TOKEN[4..]));

    let sarif: Value = serde_json::from_str(&scan("sarif")).expect("sarif");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    let secret = results
        .iter()
        .find(|r| r["ruleId"] == "SB3005")
        .expect("the secret result");
    let index = secret["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(
        rules[index]["id"], "SB3005",
        "ruleIndex points at the secret rule"
    );
    assert_eq!(
        secret["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "/app/deploy.sh"
    );
    assert!(secret.to_string().contains(f.layer2.as_str()), "{secret:#}");
    assert!(results
        .iter()
        .any(|r| r.to_string().contains("CVE-2018-18074")));
    assert!(!sarif.to_string().contains(&TOKEN[4..]));
    // The merged log still passes the official SARIF 2.1.0 schema.
    let sarif_file = f.dir.path().join("scan.sarif");
    std::fs::write(&sarif_file, sarif.to_string()).expect("write");
    let validated = Command::new(pyvenv_python())
        .arg(workspace_root().join("scripts/validate-sarif.py"))
        .arg(&sarif_file)
        .output()
        .expect("run scripts/validate-sarif.py (scripts/install-deps.sh installs it)");
    assert!(
        validated.status.success(),
        "{}",
        String::from_utf8_lossy(&validated.stdout)
    );

    let table = scan("table");
    assert!(
        table.contains("CVE-2018-18074") && table.contains("Secrets"),
        "{table}"
    );
    assert!(
        table.contains("/app/deploy.sh") && !table.contains(&TOKEN[4..]),
        "{table}"
    );

    let markdown = scan("markdown");
    assert!(
        markdown.contains("## Vulnerabilities in")
            && markdown.contains("## Secrets\n\n| Severity | Rule | File |")
            && markdown.contains("| /app/deploy.sh |")
            && !markdown.contains(&TOKEN[4..]),
        "{markdown}"
    );

    // The default is vuln only.
    let vuln_only = ok(&seatbelt(
        &[
            "scan",
            "--offline",
            "--db",
            &db,
            "--format",
            "json",
            &f.reference,
        ],
        f.dir.path(),
    ));
    assert!(!vuln_only.contains("SB3005") && vuln_only.contains("CVE-2018-18074"));
    // CycloneDX has no place for secrets.
    let refused = seatbelt(
        &[
            "scan",
            "--offline",
            "--db",
            &db,
            "--scanners",
            "vuln,secret",
            "--format",
            "cyclonedx-json",
            &f.reference,
        ],
        f.dir.path(),
    );
    assert_eq!(refused.status.code(), Some(2));
}
