//! The matching benchmark of docs/benchmarks.md ("Scan"): 10,000 packages matched against a
//! generated DB of 30,000 advisories. Ignored by default (it measures, it does not check);
//! run it optimised:
//!
//! ```sh
//! cargo test --release -p seatbelt-scan --test bench_match -- --ignored --nocapture
//! ```

use std::time::Instant;

use seatbelt_scan::deadline::DeadlinePolicy;
use seatbelt_scan::{scan, ScanOptions};
use seatbelt_types::{Distro, Ecosystem, Package, Purl, Sbom, SourcePackage};
use serde_json::json;

const PACKAGES: usize = 10_000;
const ADVISORIES_PER_PACKAGE: usize = 3;

fn package(i: usize) -> Package {
    let (ecosystem, ty, name, version, source) = match i % 3 {
        0 => (
            Ecosystem::Deb,
            "deb",
            format!("lib{i}"),
            format!("1.{}-1+deb12u1", i % 50),
            Some(format!("src{}", i / 3)),
        ),
        1 => (
            Ecosystem::Pypi,
            "pypi",
            format!("py-{i}"),
            format!("1.{}.0", i % 50),
            None,
        ),
        _ => (
            Ecosystem::Npm,
            "npm",
            format!("js-{i}"),
            format!("1.{}.0", i % 50),
            None,
        ),
    };
    Package {
        id: format!("pkg-{i}"),
        purl: Purl::new(ty, None, &name, Some(&version)),
        source: source.map(|s| SourcePackage {
            name: s,
            version: version.clone(),
        }),
        name,
        version,
        ecosystem,
        arch: None,
        licenses: vec![],
        locations: vec![],
        files: vec![],
        dependencies: vec![],
        cpes: vec![],
        cataloger: "bench".into(),
        metadata: Default::default(),
    }
}

#[test]
#[ignore = "benchmark: run with --release -- --ignored --nocapture"]
fn match_10k_packages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let osv = dir.path().join("osv");
    std::fs::create_dir_all(&osv).expect("mkdir");
    let sbom = Sbom {
        distro: Some(Distro {
            id: "debian".into(),
            version_id: Some("12".into()),
            ..Distro::default()
        }),
        packages: (0..PACKAGES).map(package).collect(),
        ..Sbom::default()
    };
    // Every package has advisories; one in three ranges covers the installed version.
    let mut n = 0;
    for p in &sbom.packages {
        let (eco, name) = match p.ecosystem {
            Ecosystem::Deb => (
                "Debian:12",
                p.source.as_ref().map_or(p.name.clone(), |s| s.name.clone()),
            ),
            Ecosystem::Pypi => ("PyPI", p.name.clone()),
            _ => ("npm", p.name.clone()),
        };
        for k in 0..ADVISORIES_PER_PACKAGE {
            n += 1;
            let fixed = if p.ecosystem == Ecosystem::Deb {
                format!("1.{}-1+deb12u1", 20 + k * 10)
            } else {
                format!("1.{}.0", 20 + k * 10)
            };
            let record = json!({
                "schema_version": "1.6.0", "id": format!("BENCH-{n}"), "modified": "2025-01-01T00:00:00Z",
                "aliases": [format!("CVE-2099-{n:05}")],
                "severity": [{ "type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N" }],
                "affected": [{ "package": { "ecosystem": eco, "name": name },
                               "ranges": [{ "type": "ECOSYSTEM", "events": [{ "introduced": "0" }, { "fixed": fixed }] }] }]
            });
            std::fs::write(osv.join(format!("BENCH-{n}.json")), record.to_string()).expect("write");
        }
    }
    let db_path = dir.path().join("db");
    let started = Instant::now();
    seatbelt_vulndb::import(&db_path, &[osv], &seatbelt_vulndb::ImportOptions::default())
        .expect("import");
    eprintln!("import of {n} advisories: {:?}", started.elapsed());
    let db = seatbelt_vulndb::VulnDb::open(&db_path).expect("open");
    let options = ScanOptions {
        deadlines: DeadlinePolicy::default(),
        now: "2026-11-23T00:00:00Z".parse().expect("time"),
        tool_version: "bench".into(),
    };
    let mut best = std::time::Duration::MAX;
    let mut findings = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let report = scan(&sbom, &db, &options).expect("scan");
        best = best.min(started.elapsed());
        findings = report.findings.len();
    }
    eprintln!("matched {PACKAGES} packages against {n} advisories: {findings} findings, best of 5: {best:?}");
    assert!(findings > 0);
}
