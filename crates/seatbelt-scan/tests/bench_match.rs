//! The matching benchmark of docs/benchmarks.md ("Scan"): 10,000 packages matched against a
//! generated DB of 30,000 advisories, dense and typical (see [`match_10k_packages`]). Ignored by default (it measures, it does not check);
//! run it optimised:
//!
//! ```sh
//! cargo test --release -p seatbelt-scan --test bench_match -- --ignored --nocapture
//! ```

use std::time::Instant;

use seatbelt_scan::deadline::DeadlinePolicy;
use seatbelt_scan::matcher::scan_unbatched;
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
    let sbom = Sbom {
        distro: Some(Distro {
            id: "debian".into(),
            version_id: Some("12".into()),
            ..Distro::default()
        }),
        packages: (0..PACKAGES).map(package).collect(),
        ..Sbom::default()
    };
    // The same SBOM and a DB of the same size (30,000 advisories) twice: "dense", where every
    // installed package has three advisories (18,000 findings: the worst case), and "typical",
    // where one package in ten has them and the rest of the DB is about packages not installed
    // (1,800 findings; real images are mostly clean packages).
    // SEATBELT_BENCH_ONLY=dense|typical runs one.
    let only = std::env::var("SEATBELT_BENCH_ONLY").unwrap_or_default();
    for (label, every) in [("dense", 1), ("typical", 10)] {
        if only.is_empty() || only == label {
            bench(label, &sbom, every);
        }
    }
}

fn bench(label: &str, sbom: &Sbom, vulnerable_every: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let osv = dir.path().join("osv");
    std::fs::create_dir_all(&osv).expect("mkdir");
    // SEATBELT_BENCH_DB=DIR keeps the built DBs there (and reuses them), for profiling.
    let db_path = std::env::var_os("SEATBELT_BENCH_DB")
        .map(|d| std::path::PathBuf::from(d).join(label))
        .unwrap_or_else(|| dir.path().join("db"));
    let mut n = 0;
    if !db_path.exists() {
        for (i, p) in sbom.packages.iter().enumerate() {
            let installed = i % vulnerable_every == 0;
            let (eco, name) = match p.ecosystem {
                Ecosystem::Deb => (
                    "Debian:12",
                    p.source.as_ref().map_or(p.name.clone(), |s| s.name.clone()),
                ),
                Ecosystem::Pypi => ("PyPI", p.name.clone()),
                _ => ("npm", p.name.clone()),
            };
            let name = if installed {
                name
            } else {
                format!("not-installed-{name}")
            };
            // One in three ranges of an installed package covers its version (see `package`).
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
                std::fs::write(osv.join(format!("BENCH-{n}.json")), record.to_string())
                    .expect("write");
            }
        }
        // KEV and EPSS as large as the real feeds (about 1,500 and 300,000 CVEs), some of
        // them the bench's own CVEs, so those lookups cost what they cost in a real DB.
        let kev: Vec<serde_json::Value> = (0..1_500)
            .map(|k| {
                json!({ "cveID": format!("CVE-2099-{:05}", k * 20 + 1), "vendorProject": "v",
                        "product": "p", "vulnerabilityName": "n", "dateAdded": "2025-01-01",
                        "dueDate": "2025-01-22", "requiredAction": "patch",
                        "knownRansomwareCampaignUse": "Unknown" })
            })
            .collect();
        std::fs::write(
            osv.join("kev.json"),
            json!({ "title": "KEV", "catalogVersion": "1", "dateReleased": "2025-01-01",
                    "count": kev.len(), "vulnerabilities": kev })
            .to_string(),
        )
        .expect("kev");
        let mut epss = String::from(
            "#model_version:v2025.03.14,score_date:2025-03-20T00:00:00+0000\ncve,epss,percentile\n",
        );
        for k in 0..300_000u32 {
            // Every other bench CVE, and CVEs of other years the SBOM never hits.
            let cve = if k % 10 == 0 && k / 10 < 30_000 {
                format!("CVE-2099-{:05}", k / 10 * 2 + 1)
            } else {
                format!("CVE-2098-{k:06}")
            };
            epss.push_str(&format!("{cve},0.{:05},0.{:05}\n", k % 99_991, k % 99_989));
        }
        std::fs::write(osv.join("epss.csv"), epss).expect("epss");
        if let Some(parent) = db_path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        let started = Instant::now();
        seatbelt_vulndb::import(&db_path, &[osv], &seatbelt_vulndb::ImportOptions::default())
            .expect("import");
        eprintln!("{label}: import of {n} advisories: {:?}", started.elapsed());
    }
    let db = seatbelt_vulndb::VulnDb::open(&db_path).expect("open");
    let options = ScanOptions {
        deadlines: DeadlinePolicy::default(),
        now: "2026-11-23T00:00:00Z".parse().expect("time"),
        tool_version: "bench".into(),
    };
    // Both matchers on the same machine state: the batched one and the one-lookup-at-a-time
    // reference, so a loaded machine still gives a fair ratio.
    // SEATBELT_BENCH_MATCHER=batched|unbatched runs one matcher, for profiling one.
    let matcher = std::env::var("SEATBELT_BENCH_MATCHER").unwrap_or_default();
    let batched = (matcher != "unbatched").then(|| {
        measure(&format!("{label}: batched"), || {
            scan(sbom, &db, &options).expect("scan")
        })
    });
    let reference = (matcher != "batched").then(|| {
        measure(&format!("{label}: unbatched reference"), || {
            scan_unbatched(sbom, &db, &options).expect("scan")
        })
    });
    if let (Some(batched), Some(reference)) = (&batched, &reference) {
        assert_eq!(batched, reference, "both matchers give the same report");
    }
    let batched = batched.or(reference).expect("one matcher ran");
    eprintln!(
        "{label}: matched {PACKAGES} packages against a DB of {} advisories: {} findings",
        PACKAGES * ADVISORIES_PER_PACKAGE,
        batched.findings.len()
    );
    assert!(!batched.findings.is_empty());
    assert!(batched.findings.iter().any(|f| f.kev.is_some()), "KEV hits");
    assert!(
        batched.findings.iter().any(|f| f.epss.is_some()),
        "EPSS hits"
    );
}

/// Best wall time and mean CPU time of 5 runs (CPU from /proc: the machine may be shared).
fn measure(name: &str, run: impl Fn() -> seatbelt_scan::Report) -> seatbelt_scan::Report {
    let mut best = std::time::Duration::MAX;
    let cpu_before = cpu_ticks();
    let mut report = None;
    for _ in 0..5 {
        let started = Instant::now();
        report = Some(run());
        best = best.min(started.elapsed());
    }
    let cpu = cpu_ticks().zip(cpu_before).map(|(after, before)| {
        // USER_HZ is 100 on every Linux build that matters.
        (after - before) as f64 * 10.0 / 5.0
    });
    eprintln!(
        "{name}: best of 5 {best:?}, user+sys CPU per run {} ms",
        cpu.map_or("?".to_string(), |ms| format!("{ms:.0}"))
    );
    report.expect("ran")
}

/// utime + stime of this process, in clock ticks.
fn cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}
