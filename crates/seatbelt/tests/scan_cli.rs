//! `seatbelt scan` end to end on the real Debian 12 bench image (bookworm WITHOUT
//! bookworm-security, plus a venv of old pinned PyPI packages), against a DB built in the test
//! from hand-written records shaped like the real ones: Debian DSAs in OSV form with their CVEs
//! in `upstream`, Debian security-tracker entries (unfixed, unimportant, not affected), PyPA
//! advisories, a withdrawn advisory, KEV and EPSS.
//!
//! The image's package versions move with bookworm point releases, so "a fix newer than what is
//! installed" is written as the next security update of the installed source version
//! (`+deb12uN` → `+deb12u(N+1)`), which is what the next DSA for it carries; "older" fixes are
//! the real fixed versions of past bookworm DSAs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use seatbelt_test::debian::{fixture_image, FixtureImage};
use serde_json::{json, Value};

fn seatbelt(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seatbelt"))
        .args(args)
        .current_dir(dir)
        .env_remove("SEATBELT_DB")
        .env("SOURCE_DATE_EPOCH", "1795348800") // 2026-11-22T12:00:00Z
        .output()
        .expect("the seatbelt binary runs")
}

fn bench() -> String {
    format!(
        "oci-dir:{}:bench",
        fixture_image(FixtureImage::Bench).display()
    )
}

/// Source package → (source version, binary package names), from the image's own SBOM.
fn sources(sbom: &Value) -> BTreeMap<String, (String, BTreeSet<String>)> {
    let mut out: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
    for p in sbom["packages"].as_array().expect("packages") {
        if p["ecosystem"] != "deb" {
            continue;
        }
        let name = p["name"].as_str().expect("name").to_string();
        let (source, version) = match p.get("source") {
            Some(s) => (
                s["name"].as_str().expect("source name"),
                s["version"].as_str().expect("source version"),
            ),
            None => (name.as_str(), p["version"].as_str().expect("version")),
        };
        let entry = out
            .entry(source.to_string())
            .or_insert_with(|| (version.to_string(), BTreeSet::new()));
        entry.1.insert(name);
    }
    out
}

/// The version the next bookworm security update of `version` would carry.
fn next_update(version: &str) -> String {
    if let Some(at) = version.rfind("deb12u") {
        let digits: String = version[at + 6..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(n) = digits.parse::<u32>() {
            return format!("{}deb12u{}", &version[..at], n + 1);
        }
    }
    format!("{version}+deb12u1")
}

fn dsa(id: &str, source: &str, fixed: &str, cves: &[&str]) -> Value {
    json!({
        "schema_version": "1.6.0",
        "id": id,
        "modified": "2025-01-01T00:00:00Z",
        "published": "2025-01-01T00:00:00Z",
        "upstream": cves,
        "summary": format!("{source} - security update"),
        "affected": [{
            "package": { "ecosystem": "Debian:12", "name": source },
            "ranges": [{ "type": "ECOSYSTEM", "events": [{ "introduced": "0" }, { "fixed": fixed }] }]
        }],
        "references": [{ "type": "ADVISORY", "url": format!("https://www.debian.org/security/{id}") }]
    })
}

fn pypa(id: &str, aliases: &[&str], package: &str, fixed: &str, vector: Option<&str>) -> Value {
    let mut v = json!({
        "schema_version": "1.6.0",
        "id": id,
        "modified": "2024-01-01T00:00:00Z",
        "aliases": aliases,
        "affected": [{
            "package": { "ecosystem": "PyPI", "name": package },
            "ranges": [{ "type": "ECOSYSTEM", "events": [{ "introduced": "0" }, { "fixed": fixed }] }]
        }]
    });
    if let Some(vector) = vector {
        v["severity"] = json!([{ "type": "CVSS_V3", "score": vector }]);
    }
    v
}

struct Fixture {
    _dir: tempfile::TempDir,
    work: PathBuf,
    db: PathBuf,
    expected: BTreeSet<(String, String)>,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let work = dir.path().to_path_buf();
    let image = bench();
    let out = seatbelt(&["sbom", "--format", "json", &image], &work);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sbom: Value = serde_json::from_slice(&out.stdout).expect("sbom json");
    let sources = sources(&sbom);
    let version = |s: &str| {
        sources
            .get(s)
            .unwrap_or_else(|| panic!("the bench image has source {s}"))
            .0
            .clone()
    };
    let binaries = |s: &str| sources[s].1.clone();

    let data = work.join("data");
    std::fs::create_dir_all(data.join("osv")).expect("mkdir");
    let mut files: Vec<(String, Value)> = vec![
        // Real: DSA-5532-1, openssl 3.0.11-1~deb12u2 (CVE-2023-5363, CVE-2023-5678). Older than
        // what bookworm now ships: must not be reported.
        (
            "DSA-5532-1".into(),
            dsa(
                "DSA-5532-1",
                "openssl",
                "3.0.11-1~deb12u2",
                &["CVE-2023-5363", "CVE-2023-5678"],
            ),
        ),
        // Real: DSA-5514-1, glibc 2.36-9+deb12u3 (Looney Tunables and two more). Older.
        (
            "DSA-5514-1".into(),
            dsa(
                "DSA-5514-1",
                "glibc",
                "2.36-9+deb12u3",
                &["CVE-2023-4527", "CVE-2023-4806", "CVE-2023-4911"],
            ),
        ),
        // Real: DSA-5523-1, curl 7.88.1-10+deb12u4 (CVE-2023-38545, CVE-2023-38546). Older.
        (
            "DSA-5523-1".into(),
            dsa(
                "DSA-5523-1",
                "curl",
                "7.88.1-10+deb12u4",
                &["CVE-2023-38545", "CVE-2023-38546"],
            ),
        ),
        // The next security updates, not in the image: reported, one finding per CVE.
        (
            "DSA-6100-1".into(),
            dsa(
                "DSA-6100-1",
                "openssl",
                &next_update(&version("openssl")),
                &["CVE-2026-11001"],
            ),
        ),
        (
            "DSA-6101-1".into(),
            dsa(
                "DSA-6101-1",
                "glibc",
                &next_update(&version("glibc")),
                &["CVE-2026-11002", "CVE-2026-11003"],
            ),
        ),
        (
            "DSA-6102-1".into(),
            dsa(
                "DSA-6102-1",
                "python3.11",
                &next_update(&version("python3.11")),
                &["CVE-2026-11004"],
            ),
        ),
        // An upstream-style range for Debian 11: never applied to Debian 12 packages.
        ("DSA-6103-1".into(), {
            let mut v = dsa("DSA-6103-1", "curl", "99.0", &["CVE-2026-11005"]);
            v["affected"][0]["package"]["ecosystem"] = json!("Debian:11");
            v
        }),
        // Withdrawn: ignored even though its range covers the installed version.
        ("DSA-6104-1".into(), {
            let mut v = dsa(
                "DSA-6104-1",
                "curl",
                &next_update(&version("curl")),
                &["CVE-2026-11006"],
            );
            v["withdrawn"] = json!("2025-02-01T00:00:00Z");
            v
        }),
        // Real: PYSEC-2018-28 / GHSA-x84v-xcm2-53pg, requests < 2.20.0 (CVE-2018-18074).
        (
            "PYSEC-2018-28".into(),
            pypa(
                "PYSEC-2018-28",
                &["CVE-2018-18074", "GHSA-x84v-xcm2-53pg"],
                "requests",
                "2.20.0",
                None,
            ),
        ),
        (
            "GHSA-x84v-xcm2-53pg".into(),
            pypa(
                "GHSA-x84v-xcm2-53pg",
                &["CVE-2018-18074", "PYSEC-2018-28"],
                "requests",
                "2.20.0",
                Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"),
            ),
        ),
        // Real: PYSEC-2019-132, urllib3 < 1.24.2 (CVE-2019-11324).
        (
            "PYSEC-2019-132".into(),
            pypa(
                "PYSEC-2019-132",
                &["CVE-2019-11324", "GHSA-mh33-7rrq-662w"],
                "urllib3",
                "1.24.2",
                None,
            ),
        ),
        // Real: PYSEC-2018-32, urllib3 < 1.23 (CVE-2018-20060): the installed 1.24.1 is fixed.
        (
            "PYSEC-2018-32".into(),
            pypa(
                "PYSEC-2018-32",
                &["CVE-2018-20060"],
                "urllib3",
                "1.23",
                None,
            ),
        ),
    ];
    for (name, value) in files.drain(..) {
        std::fs::write(
            data.join("osv").join(format!("{name}.json")),
            value.to_string(),
        )
        .expect("write");
    }
    // Debian security tracker JSON, bookworm entries.
    let tracker = json!({
        "openssl": {
            // The tracker's view of the next DSA's CVE: its urgency rates the finding.
            "CVE-2026-11001": { "releases": { "bookworm": { "status": "resolved", "fixed_version": next_update(&version("openssl")), "urgency": "high", "repositories": { "bookworm": version("openssl") } } } },
            // Real and unimportant (cache-timing research): kept, as negligible.
            "CVE-2010-0928": { "releases": { "bookworm": { "status": "open", "urgency": "unimportant", "repositories": { "bookworm": version("openssl") } } } }
        },
        "curl": {
            // An open CVE with no fix yet.
            "CVE-2026-11007": { "releases": { "bookworm": { "status": "open", "urgency": "not yet assigned", "repositories": { "bookworm": version("curl") } } } },
            // Not affected (fixed_version 0).
            "CVE-2026-11008": { "releases": { "bookworm": { "status": "resolved", "fixed_version": "0", "urgency": "unimportant", "repositories": { "bookworm": version("curl") } } } }
        },
        "python3.11": {
            // Real: CVE-2023-24329 fixed for bookworm in 3.11.2-6+deb12u1 (older).
            "CVE-2023-24329": { "releases": { "bookworm": { "status": "resolved", "fixed_version": "3.11.2-6+deb12u1", "urgency": "not yet assigned", "repositories": { "bookworm": version("python3.11") } } } }
        }
    });
    std::fs::write(data.join("debian-tracker.json"), tracker.to_string()).expect("write");
    // CISA KEV catalog shape.
    let kev = json!({
        "title": "CISA Catalog of Known Exploited Vulnerabilities",
        "catalogVersion": "2026.11.20",
        "dateReleased": "2026-11-20T00:00:00.000Z",
        "count": 1,
        "vulnerabilities": [{
            "cveID": "CVE-2026-11001", "vendorProject": "OpenSSL", "product": "OpenSSL",
            "vulnerabilityName": "OpenSSL test vulnerability", "dateAdded": "2026-11-20",
            "shortDescription": "test", "requiredAction": "Apply updates.", "dueDate": "2026-12-11",
            "knownRansomwareCampaignUse": "Unknown", "notes": "", "cwes": []
        }]
    });
    std::fs::write(
        data.join("known_exploited_vulnerabilities.json"),
        kev.to_string(),
    )
    .expect("write");
    std::fs::write(
        data.join("epss_scores.csv"),
        "#model_version:v2025.03.14,score_date:2026-11-20T00:00:00+0000\ncve,epss,percentile\nCVE-2018-18074,0.01234,0.7\nCVE-2026-11001,0.5,0.99\n",
    )
    .expect("write");

    let db = work.join("db");
    seatbelt_vulndb::import(
        &db,
        &[
            data.join("osv"),
            data.join("debian-tracker.json"),
            data.join("known_exploited_vulnerabilities.json"),
            data.join("epss_scores.csv"),
        ],
        &seatbelt_vulndb::ImportOptions::default(),
    )
    .expect("import");

    let mut expected = BTreeSet::new();
    let mut expect = |source: &str, cves: &[&str]| {
        for binary in binaries(source) {
            for cve in cves {
                expected.insert((binary.clone(), (*cve).to_string()));
            }
        }
    };
    expect("openssl", &["CVE-2026-11001", "CVE-2010-0928"]);
    expect("glibc", &["CVE-2026-11002", "CVE-2026-11003"]);
    expect("python3.11", &["CVE-2026-11004"]);
    expect("curl", &["CVE-2026-11007"]);
    expected.insert(("requests".into(), "CVE-2018-18074".into()));
    expected.insert(("urllib3".into(), "CVE-2019-11324".into()));
    Fixture {
        _dir: dir,
        work,
        db,
        expected,
    }
}

fn scan_json(f: &Fixture, extra: &[&str]) -> (Value, Output) {
    let db = f.db.display().to_string();
    let image = bench();
    let mut args = vec!["scan", "--offline", "--db", &db, "--format", "json"];
    args.extend_from_slice(extra);
    args.push(&image);
    let out = seatbelt(&args, &f.work);
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "scan output is JSON ({e}); stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, out)
}

fn found(report: &Value) -> BTreeSet<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f.get("suppression").is_none())
        .map(|f| {
            (
                f["package"]["name"].as_str().expect("name").to_string(),
                f["id"].as_str().expect("id").to_string(),
            )
        })
        .collect()
}

#[test]
fn bench_image_reports_every_newer_fix_and_nothing_else() {
    let f = fixture();
    let (report, out) = scan_json(&f, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(found(&report), f.expected);

    let finding = |package: &str, id: &str| {
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|x| x["package"]["name"] == package && x["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{package} {id}"))
    };
    let kev = finding("libssl3", "CVE-2026-11001");
    assert_eq!(kev["aliases"], json!(["DSA-6100-1"]));
    assert_eq!(kev["kev"]["due_date"], "2026-12-11");
    assert_eq!(kev["epss"]["score"], 0.5);
    assert_eq!(kev["remediation"]["class"], "kev");
    assert_eq!(kev["severity"], "high");
    assert_eq!(kev["data_sources"], json!(["debian-tracker", "osv"]));
    assert_eq!(kev["remediation"]["due"], "2026-11-23T12:00:00Z");
    assert_eq!(kev["package"]["matched_as"]["ecosystem"], "Debian:12");
    assert_eq!(
        finding("libssl3", "CVE-2010-0928")["severity"],
        "negligible"
    );
    assert_eq!(finding("curl", "CVE-2026-11007")["fix_state"], "unfixed");
    let requests = finding("requests", "CVE-2018-18074");
    assert_eq!(
        requests["aliases"],
        json!(["GHSA-x84v-xcm2-53pg", "PYSEC-2018-28"])
    );
    assert_eq!(requests["severity"], "high");
    assert_eq!(requests["cvss_score"], 7.5);
    assert_eq!(requests["fixed_version"], "2.20.0");
}

#[test]
fn filters_vex_ignore_file_and_fail_on() {
    let f = fixture();
    // --ignore-unfixed drops the open curl CVE and the unimportant one.
    let (report, _) = scan_json(&f, &["--ignore-unfixed"]);
    assert!(found(&report)
        .iter()
        .all(|(_, id)| id != "CVE-2026-11007" && id != "CVE-2010-0928"));
    let (report, _) = scan_json(&f, &["--only-kev"]);
    assert!(found(&report).iter().all(|(_, id)| id == "CVE-2026-11001"));
    assert!(!found(&report).is_empty());
    let (report, _) = scan_json(&f, &["--severity", "negligible"]);
    assert!(found(&report).iter().all(|(_, id)| id == "CVE-2010-0928"));

    // OpenVEX: not_affected for requests; an ignore file for urllib3 and an expired one.
    std::fs::write(
        f.work.join("vex.json"),
        r#"{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"t","timestamp":"2026-11-01T00:00:00Z","version":1,
            "statements":[{"vulnerability":{"name":"GHSA-x84v-xcm2-53pg"},"products":[{"@id":"pkg:pypi/requests@2.19.0"}],
            "status":"not_affected","justification":"vulnerable_code_not_in_execute_path"}]}"#,
    )
    .expect("write");
    std::fs::write(
        f.work.join(".seatbeltignore.yaml"),
        "ignore:\n  - id: CVE-2019-11324\n    package: urllib3\n    reason: internal proxy only\n  - id: CVE-2026-11004\n    reason: old decision\n    expires: 2026-01-31\n",
    )
    .expect("write");
    let (report, out) = scan_json(&f, &["--vex", "vex.json", "--fail-on", "high"]);
    let active = found(&report);
    assert!(!active.contains(&("requests".into(), "CVE-2018-18074".into())));
    assert!(!active.contains(&("urllib3".into(), "CVE-2019-11324".into())));
    assert!(
        active.iter().any(|(_, id)| id == "CVE-2026-11004"),
        "the expired entry no longer suppresses"
    );
    assert_eq!(report["expired_ignores"][0]["id"], "CVE-2026-11004");
    let suppressed: Vec<&Value> = report["findings"]
        .as_array()
        .expect("f")
        .iter()
        .filter(|x| x.get("suppression").is_some())
        .collect();
    assert_eq!(suppressed.len(), 2);
    assert!(suppressed
        .iter()
        .any(|x| x["suppression"]["justification"] == "vulnerable_code_not_in_execute_path"));
    // The KEV finding is rated high by the tracker and unsuppressed: --fail-on high exits 1.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, out) = scan_json(
        &f,
        &[
            "--vex",
            "vex.json",
            "--fail-on",
            "critical",
            "--severity",
            "negligible",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn sarif_passes_the_official_schema_and_an_sbom_file_scans_like_the_image() {
    let f = fixture();
    let db = f.db.display().to_string();
    let image = bench();
    let out = seatbelt(
        &[
            "scan",
            "--offline",
            "--db",
            &db,
            "--format",
            "sarif",
            "-o",
            "scan.sarif",
            &image,
        ],
        &f.work,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let python = validator_python();
    let validate = Command::new(&python)
        .arg(seatbelt_test::debian::workspace_root().join("scripts/validate-sarif.py"))
        .arg(f.work.join("scan.sarif"))
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{} (scripts/install-deps.sh makes it): {e}",
                python.display()
            )
        });
    assert!(
        validate.status.success(),
        "{}{}",
        String::from_utf8_lossy(&validate.stdout),
        String::from_utf8_lossy(&validate.stderr)
    );
    let sarif: Value =
        serde_json::from_slice(&std::fs::read(f.work.join("scan.sarif")).expect("read"))
            .expect("json");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), f.expected.len());

    // The same image through an SBOM file gives the same findings.
    let out = seatbelt(
        &["sbom", "--format", "json", "-o", "sbom.json", &image],
        &f.work,
    );
    assert!(out.status.success());
    let out = seatbelt(
        &[
            "scan",
            "--offline",
            "--db",
            &db,
            "--format",
            "json",
            "sbom:sbom.json",
        ],
        &f.work,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(found(&report), f.expected);

    // Table and CycloneDX render; a missing DB is a clear error (exit 2).
    let out = seatbelt(
        &["scan", "--offline", "--db", &db, "sbom:sbom.json"],
        &f.work,
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("Fix within 24h: known exploited"), "{table}");
    let out = seatbelt(
        &[
            "scan",
            "--offline",
            "--db",
            &db,
            "--format",
            "cyclonedx-json",
            "sbom:sbom.json",
        ],
        &f.work,
    );
    let bom: Value = serde_json::from_slice(&out.stdout).expect("cyclonedx json");
    assert_eq!(
        bom["vulnerabilities"].as_array().expect("v").len(),
        f.expected.len()
    );
    let out = seatbelt(
        &["scan", "--offline", "--db", "no-such-db", "sbom:sbom.json"],
        &f.work,
    );
    assert_eq!(out.status.code(), Some(2));
}

/// The interpreter of the validator venv that scripts/install-deps.sh makes.
fn validator_python() -> PathBuf {
    std::env::var_os("SEATBELT_PYVENV")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_CACHE_HOME").map(|c| PathBuf::from(c).join("seatbelt/pyvenv"))
        })
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/seatbelt/pyvenv"))
        })
        .expect("HOME, XDG_CACHE_HOME or SEATBELT_PYVENV is set")
        .join("bin/python")
}
