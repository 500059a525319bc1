//! The batched matcher (`scan`) and the one-lookup-at-a-time reference (`scan_unbatched`) give
//! the same report on a generated DB that exercises every shape the matcher folds: multi-CVE
//! DSAs with per-CVE tracker records, aliases from either side, withdrawn advisories,
//! SEMVER/ECOSYSTEM/`versions`/`last_affected`/`limit` ranges, unparsable data and installed
//! versions, CVSS vectors good and bad, KEV and EPSS.

use seatbelt_scan::deadline::DeadlinePolicy;
use seatbelt_scan::matcher::scan_unbatched;
use seatbelt_scan::{scan, ScanOptions};
use seatbelt_types::{Distro, Ecosystem, Package, Purl, Sbom, SourcePackage};
use serde_json::{json, Value};

/// A small deterministic generator (64-bit LCG, Knuth's MMIX constants): the test must
/// reproduce exactly, and a dependency for this would be overkill.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

// Over 512 distinct keys in all, so the scan splits across two threads (when it has two cores).
const PACKAGES_PER_ECOSYSTEM: u64 = 160;
const ADVISORIES: u64 = 1600;

fn deb_version(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => format!("1:{}.{}-{}", rng.below(5), rng.below(9), rng.below(4) + 1),
        1 => format!("{}.{}~rc1-1", rng.below(5), rng.below(9)),
        2 => "not a version!".to_string(),
        _ => format!(
            "{}.{}-{}+deb12u{}",
            rng.below(5),
            rng.below(9),
            rng.below(3) + 1,
            rng.below(3)
        ),
    }
}

fn lang_version(rng: &mut Rng) -> String {
    match rng.below(12) {
        0 => "1.x.bad".to_string(),
        1 => format!("{}.{}.0-beta.1", rng.below(4), rng.below(9)),
        _ => format!("{}.{}.{}", rng.below(4), rng.below(9), rng.below(5)),
    }
}

fn version_for(eco: &str, rng: &mut Rng) -> String {
    if eco == "Debian:12" {
        deb_version(rng)
    } else {
        lang_version(rng)
    }
}

fn events(eco: &str, rng: &mut Rng) -> Value {
    let mut events = vec![
        json!({ "introduced": if rng.below(3) == 0 { version_for(eco, rng) } else { "0".to_string() } }),
    ];
    match rng.below(4) {
        0 => events.push(json!({ "last_affected": version_for(eco, rng) })),
        1 => {
            events.push(json!({ "fixed": version_for(eco, rng) }));
            events.push(json!({ "introduced": version_for(eco, rng) }));
            events.push(json!({ "fixed": version_for(eco, rng) }));
        }
        2 => {
            events.push(json!({ "fixed": version_for(eco, rng) }));
            events.push(json!({ "limit": version_for(eco, rng) }));
        }
        _ => events.push(json!({ "fixed": version_for(eco, rng) })),
    }
    Value::Array(events)
}

const ECOSYSTEMS: &[&str] = &["Debian:12", "PyPI", "npm", "crates.io"];
const VECTORS: &[&str] = &[
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    "CVSS:3.1/AV:X/garbage",
    "AV:N/AC:L/Au:N/C:P/I:P/A:P",
];

fn package_name(eco: &str, i: u64) -> String {
    match eco {
        "Debian:12" => format!("src{i}"),
        "PyPI" => format!("py-pkg{i}"),
        "npm" => format!("js{i}"),
        _ => format!("rs{i}"),
    }
}

fn advisory(rng: &mut Rng, n: u64) -> Value {
    let eco = rng.pick(ECOSYSTEMS);
    let cve = |k: u64| format!("CVE-2099-{k:04}");
    // Ids overlap on purpose: several advisories name the same CVEs.
    let (id, aliases, upstream): (String, Vec<String>, Vec<String>) = match rng.below(5) {
        0 => (
            format!("DSA-{n}-1"),
            vec![],
            (0..rng.below(3) + 1).map(|_| cve(rng.below(120))).collect(),
        ),
        1 => (
            cve(rng.below(120)),
            vec![format!("GHSA-{n:04}-aaaa-bbbb")],
            vec![],
        ),
        2 => (
            format!("GHSA-{n:04}-cccc-dddd"),
            vec![format!("PYSEC-2099-{n}")],
            vec![],
        ),
        3 => (format!("PYSEC-2099-{n}"), vec![cve(rng.below(120))], vec![]),
        _ => (format!("RUSTSEC-2099-{n:04}"), vec![], vec![]),
    };
    let mut affected = Vec::new();
    for _ in 0..rng.below(3) + 1 {
        let package = package_name(eco, rng.below(PACKAGES_PER_ECOSYSTEM));
        let mut entry = json!({ "package": { "ecosystem": eco, "name": package } });
        let mut ranges = vec![json!({ "type": "ECOSYSTEM", "events": events(eco, rng) })];
        if eco != "Debian:12" && rng.below(4) == 0 {
            ranges.push(json!({ "type": "SEMVER", "events": events(eco, rng) }));
        }
        if rng.below(10) == 0 {
            ranges.push(json!({ "type": "GIT", "repo": "https://example.invalid/r", "events": [{ "introduced": "abc" }] }));
        }
        entry["ranges"] = Value::Array(ranges);
        if rng.below(5) == 0 {
            entry["versions"] = json!([version_for(eco, rng), version_for(eco, rng)]);
        }
        if rng.below(4) == 0 {
            entry["ecosystem_specific"] =
                json!({ "severity": rng.pick(&["low", "medium", "high", "unimportant"]) });
        }
        affected.push(entry);
    }
    let mut record = json!({
        "schema_version": "1.6.0",
        "id": id,
        "modified": "2025-01-01T00:00:00Z",
        "summary": format!("issue {n}"),
        "aliases": aliases,
        "upstream": upstream,
        "affected": affected,
        "references": [{ "type": "WEB", "url": format!("https://example.invalid/{n}") }],
    });
    if rng.below(2) == 0 {
        record["severity"] = json!([{ "type": if rng.below(2) == 0 { "CVSS_V3" } else { "CVSS_V4" }, "score": rng.pick(VECTORS) }]);
    }
    if rng.below(4) == 0 {
        record["database_specific"] =
            json!({ "severity": rng.pick(&["LOW", "MODERATE", "HIGH", "CRITICAL"]) });
    }
    if rng.below(25) == 0 {
        record["withdrawn"] = json!("2025-02-01T00:00:00Z");
    }
    record
}

fn sbom(rng: &mut Rng) -> Sbom {
    let mut packages = Vec::new();
    for (e, eco) in ECOSYSTEMS.iter().enumerate() {
        for i in 0..PACKAGES_PER_ECOSYSTEM {
            // Some packages twice (binaries of one source, or one library vendored twice).
            for copy in 0..(1 + u64::from(rng.below(6) == 0)) {
                let name = package_name(eco, i);
                let version = version_for(eco, rng);
                let (ecosystem, ty, binary) = match *eco {
                    "Debian:12" => (Ecosystem::Deb, "deb", format!("lib{name}-{copy}")),
                    "PyPI" => (
                        Ecosystem::Pypi,
                        "pypi",
                        name.replace('-', "_").to_uppercase(),
                    ),
                    "npm" => (Ecosystem::Npm, "npm", name.clone()),
                    _ => (Ecosystem::Cargo, "cargo", name.clone()),
                };
                packages.push(Package {
                    id: format!("pkg-{e}-{i}-{copy}"),
                    purl: Purl::new(ty, None, &binary, Some(&version)),
                    source: (ecosystem == Ecosystem::Deb).then(|| SourcePackage {
                        name: name.clone(),
                        version: version.clone(),
                    }),
                    name: binary,
                    version,
                    ecosystem,
                    arch: None,
                    licenses: vec![],
                    locations: vec![],
                    files: vec![],
                    dependencies: vec![],
                    cpes: vec![],
                    cataloger: "test".into(),
                    metadata: Default::default(),
                });
            }
        }
    }
    Sbom {
        distro: Some(Distro {
            id: "debian".into(),
            version_id: Some("12".into()),
            ..Distro::default()
        }),
        packages,
        ..Sbom::default()
    }
}

#[test]
fn batched_and_unbatched_matchers_agree_on_a_generated_db() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    std::fs::create_dir_all(&input).unwrap();
    let mut rng = Rng(0x5eed_be17);
    for n in 0..ADVISORIES {
        let record = advisory(&mut rng, n);
        std::fs::write(input.join(format!("a{n}.json")), record.to_string()).unwrap();
    }
    // Debian tracker records: per-CVE states that override or add to the DSAs.
    let mut tracker = serde_json::Map::new();
    for i in 0..PACKAGES_PER_ECOSYSTEM {
        let mut cves = serde_json::Map::new();
        for _ in 0..rng.below(3) {
            let status = rng.pick(&["resolved", "open", "undetermined"]);
            let mut release = json!({ "status": status, "urgency": rng.pick(&["low", "medium", "unimportant", "end-of-life", "not yet assigned"]) });
            if status == "resolved" {
                release["fixed_version"] = json!(if rng.below(5) == 0 {
                    "0".to_string()
                } else {
                    deb_version(&mut rng)
                });
            }
            cves.insert(
                format!("CVE-2099-{:04}", rng.below(120)),
                json!({ "description": "tracker text", "releases": { "bookworm": release } }),
            );
        }
        tracker.insert(format!("src{i}"), Value::Object(cves));
    }
    std::fs::write(
        input.join("tracker.json"),
        Value::Object(tracker).to_string(),
    )
    .unwrap();
    let kev: Vec<Value> = (0..120)
        .filter(|k| k % 7 == 0)
        .map(|k| {
            json!({ "cveID": format!("CVE-2099-{k:04}"), "vendorProject": "v", "product": "p",
                    "vulnerabilityName": "n", "dateAdded": "2025-01-01", "dueDate": "2025-01-22",
                    "requiredAction": "patch", "knownRansomwareCampaignUse": "Unknown" })
        })
        .collect();
    std::fs::write(
        input.join("kev.json"),
        json!({ "title": "KEV", "catalogVersion": "1", "dateReleased": "2025-01-01", "count": kev.len(), "vulnerabilities": kev }).to_string(),
    )
    .unwrap();
    let mut epss = String::from(
        "#model_version:v2025.03.14,score_date:2025-03-20T00:00:00+0000\ncve,epss,percentile\n",
    );
    for k in (0..120).filter(|k| k % 3 == 0) {
        epss.push_str(&format!("CVE-2099-{k:04},0.{k:03},0.{:03}\n", 999 - k));
    }
    std::fs::write(input.join("epss.csv"), epss).unwrap();

    let db_path = dir.path().join("db");
    let report = seatbelt_vulndb::import(
        &db_path,
        &[input],
        &seatbelt_vulndb::ImportOptions::default(),
    )
    .unwrap();
    let db = seatbelt_vulndb::VulnDb::open(&db_path).unwrap();
    let sbom = sbom(&mut rng);
    let options = ScanOptions {
        deadlines: DeadlinePolicy::default(),
        now: "2026-11-23T00:00:00Z".parse().unwrap(),
        tool_version: "test".into(),
    };
    let batched = scan(&sbom, &db, &options).unwrap();
    let reference = scan_unbatched(&sbom, &db, &options).unwrap();
    // The data must exercise the interesting paths, or agreeing proves little.
    let findings = batched.findings.len();
    assert!(findings > 50, "{findings} findings; import: {report:?}");
    assert!(batched.findings.iter().any(|f| f.kev.is_some()));
    assert!(batched.findings.iter().any(|f| f.epss.is_some()));
    assert!(batched
        .findings
        .iter()
        .any(|f| f.aliases.iter().any(|a| a.starts_with("DSA-"))));
    assert!(batched.findings.iter().any(|f| f.fixed_version.is_none()));
    assert!(batched
        .warnings
        .iter()
        .any(|w| w.contains("could not be parsed")));
    assert!(batched
        .warnings
        .iter()
        .any(|w| w.contains("invalid version")));
    assert!(batched.warnings.iter().any(|w| w.contains("CVSS")));
    assert_eq!(
        serde_json::to_string_pretty(&batched).unwrap(),
        serde_json::to_string_pretty(&reference).unwrap()
    );
    assert_eq!(batched, reference);
}
