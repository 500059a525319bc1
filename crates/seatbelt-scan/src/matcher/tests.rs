//! Matcher tests on hand-written records that mirror real ones (Debian DSAs with CVEs in
//! `upstream`, Debian tracker states, PyPA/GHSA advisories, Go stdlib advisories).

use jiff::Timestamp;
use seatbelt_types::{
    AffectedRange, Distro, Ecosystem, FixState, Package, Purl, RangeEvent, RangeKind, Sbom,
    Severity, SourcePackage,
};
use seatbelt_vulndb::{Advisory, Affected, Epss, KevEntry, SeverityScore};

use super::*;
use crate::source::MemorySource;

fn now() -> Timestamp {
    "2026-11-23T10:00:00Z".parse().expect("time")
}

fn options() -> ScanOptions {
    ScanOptions {
        deadlines: DeadlinePolicy::default(),
        now: now(),
        tool_version: "test".into(),
    }
}

fn deb(name: &str, version: &str, source: &str, source_version: &str) -> Package {
    Package {
        id: format!("pkg-{name}"),
        name: name.into(),
        version: version.into(),
        ecosystem: Ecosystem::Deb,
        purl: Purl::new("deb", Some("debian"), name, Some(version)),
        arch: Some("amd64".into()),
        source: Some(SourcePackage {
            name: source.into(),
            version: source_version.into(),
        }),
        licenses: vec![],
        locations: vec![seatbelt_types::Location {
            path: "var/lib/dpkg/status".into(),
            layer_index: Some(0),
            layer_digest: None,
        }],
        files: vec![],
        dependencies: vec![],
        cpes: vec![],
        cataloger: "dpkg".into(),
        metadata: Default::default(),
    }
}

fn lang(ecosystem: Ecosystem, ty: &str, name: &str, version: &str) -> Package {
    Package {
        ecosystem,
        purl: Purl::new(ty, None, name, Some(version)),
        source: None,
        arch: None,
        ..deb(name, version, name, version)
    }
}

fn range(events: &[RangeEvent]) -> Vec<AffectedRange> {
    vec![AffectedRange {
        kind: RangeKind::Ecosystem,
        events: events.to_vec(),
    }]
}

fn fixed_range(fixed: &str) -> Vec<AffectedRange> {
    range(&[
        RangeEvent::Introduced("0".into()),
        RangeEvent::Fixed(fixed.into()),
    ])
}

fn affected(
    id: &str,
    eco: &str,
    package: &str,
    ranges: Vec<AffectedRange>,
    state: FixState,
    vendor: Option<&str>,
    source: &str,
) -> Affected {
    Affected {
        advisory_id: id.into(),
        ecosystem: eco.into(),
        package: package.into(),
        ranges,
        versions: vec![],
        state,
        vendor_severity: vendor.map(str::to_string),
        source: source.into(),
    }
}

fn advisory(id: &str, aliases: &[&str], upstream: &[&str], cvss: &[&str]) -> Advisory {
    Advisory {
        id: id.into(),
        source: "osv".into(),
        summary: Some(format!("{id} summary")),
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
        upstream: upstream.iter().map(|s| s.to_string()).collect(),
        severity: cvss
            .iter()
            .map(|v| SeverityScore {
                kind: if v.starts_with("CVSS:4") {
                    "CVSS_V4".into()
                } else {
                    "CVSS_V3".into()
                },
                score: (*v).to_string(),
            })
            .collect(),
        ..Advisory::default()
    }
}

fn bookworm() -> Option<Distro> {
    Some(Distro {
        id: "debian".into(),
        version_id: Some("12".into()),
        ..Distro::default()
    })
}

const HIGH_V31: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"; // 7.5
const CRIT_V31: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"; // 9.8
const MED_V40: &str = "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N";

fn source() -> MemorySource {
    let mut s = MemorySource::default();
    // DSA-5532-1 (openssl, bookworm): CVE-2023-5363 and CVE-2023-5678, fixed in 3.0.11-1~deb12u2.
    s.add_advisory(advisory(
        "DSA-5532-1",
        &[],
        &["CVE-2023-5363", "CVE-2023-5678"],
        &[],
    ));
    s.add_affected(affected(
        "DSA-5532-1",
        "Debian:12",
        "openssl",
        fixed_range("3.0.11-1~deb12u2"),
        FixState::Fixed,
        None,
        "osv",
    ));
    s.add_advisory(advisory("CVE-2023-5363", &[], &[], &[HIGH_V31]));
    // DSA-5640-1-like: CVE-2024-0727 fixed in 3.0.13-1~deb12u1 (newer than installed).
    s.add_advisory(advisory("DSA-5640-1", &[], &["CVE-2024-0727"], &[]));
    s.add_affected(affected(
        "DSA-5640-1",
        "Debian:12",
        "openssl",
        fixed_range("3.0.13-1~deb12u1"),
        FixState::Fixed,
        None,
        "osv",
    ));
    s.add_advisory(advisory(
        "GHSA-9v9h-cgj8-h64p",
        &["CVE-2024-0727"],
        &[],
        &[MED_V40],
    ));
    // The CVE's own record names the GHSA: aliases reach it, and its score rates the finding.
    s.add_advisory(advisory(
        "CVE-2024-0727",
        &["GHSA-9v9h-cgj8-h64p"],
        &[],
        &[],
    ));
    // Tracker: an open CVE with urgency unimportant, an open one with no fix, a not-affected one.
    s.add_affected(affected(
        "CVE-2010-0928",
        "Debian:12",
        "openssl",
        vec![],
        FixState::Unfixed,
        Some("unimportant"),
        "debian-tracker",
    ));
    s.add_affected(affected(
        "CVE-2025-0001",
        "Debian:12",
        "openssl",
        vec![],
        FixState::Unfixed,
        Some("low"),
        "debian-tracker",
    ));
    s.add_affected(affected(
        "CVE-2022-0001",
        "Debian:12",
        "openssl",
        vec![],
        FixState::NotAffected,
        None,
        "debian-tracker",
    ));
    s.add_affected(affected(
        "CVE-2024-9999",
        "Debian:12",
        "openssl",
        vec![],
        FixState::WillNotFix,
        Some("low"),
        "debian-tracker",
    ));
    // Withdrawn: never reported.
    let mut withdrawn = advisory("DSA-9999-1", &[], &["CVE-2099-0001"], &[CRIT_V31]);
    withdrawn.withdrawn = Some("2024-01-01T00:00:00Z".into());
    s.add_advisory(withdrawn);
    s.add_affected(affected(
        "DSA-9999-1",
        "Debian:12",
        "openssl",
        fixed_range("9.9.9"),
        FixState::Fixed,
        None,
        "osv",
    ));
    // Upstream range data for the same CVE in another ecosystem must not leak into Debian.
    s.add_affected(affected(
        "CVE-2024-0727",
        "Debian:11",
        "openssl",
        fixed_range("9.0"),
        FixState::Fixed,
        None,
        "osv",
    ));
    // An invalid version in the data: counted, skipped.
    s.add_affected(affected(
        "DSA-0000-1",
        "Debian:12",
        "openssl",
        fixed_range("!!bogus"),
        FixState::Fixed,
        None,
        "osv",
    ));
    s.add_advisory(advisory("DSA-0000-1", &[], &["CVE-2000-0001"], &[]));
    // PyPI: PYSEC-2018-28 and GHSA-x84v-xcm2-53pg are the same CVE-2018-18074.
    s.add_advisory(advisory(
        "PYSEC-2018-28",
        &["CVE-2018-18074", "GHSA-x84v-xcm2-53pg"],
        &[],
        &[],
    ));
    s.add_advisory(advisory(
        "GHSA-x84v-xcm2-53pg",
        &["CVE-2018-18074", "PYSEC-2018-28"],
        &[],
        &[CRIT_V31],
    ));
    s.add_affected(affected(
        "PYSEC-2018-28",
        "PyPI",
        "requests",
        fixed_range("2.20.0"),
        FixState::Fixed,
        None,
        "osv",
    ));
    s.add_affected(affected(
        "GHSA-x84v-xcm2-53pg",
        "PyPI",
        "requests",
        fixed_range("2.20.0"),
        FixState::Fixed,
        None,
        "osv",
    ));
    // Go stdlib by toolchain version.
    s.add_advisory(advisory("GO-2023-2185", &["CVE-2023-45284"], &[], &[]));
    let mut go = affected(
        "GO-2023-2185",
        "Go",
        "stdlib",
        range(&[
            RangeEvent::Introduced("0".into()),
            RangeEvent::Fixed("1.20.11".into()),
            RangeEvent::Introduced("1.21.0-0".into()),
            RangeEvent::Fixed("1.21.4".into()),
        ]),
        FixState::Fixed,
        None,
        "osv",
    );
    go.ranges[0].kind = RangeKind::Semver;
    s.add_affected(go);
    s.add_kev(KevEntry {
        cve: "CVE-2024-0727".into(),
        vendor: "OpenSSL".into(),
        product: "OpenSSL".into(),
        name: "test".into(),
        date_added: "2024-02-01".into(),
        due_date: "2024-02-22".into(),
        known_ransomware: None,
        required_action: "update".into(),
    });
    s.add_epss(Epss {
        cve: "CVE-2018-18074".into(),
        score: 0.02,
        percentile: 0.8,
        date: None,
    });
    s
}

fn sbom() -> Sbom {
    Sbom {
        distro: bookworm(),
        packages: vec![
            deb(
                "libssl3",
                "3.0.11-1~deb12u2+b1",
                "openssl",
                "3.0.11-1~deb12u2",
            ),
            deb("openssl", "3.0.11-1~deb12u2", "openssl", "3.0.11-1~deb12u2"),
            lang(Ecosystem::Pypi, "pypi", "requests", "2.19.0"),
            lang(Ecosystem::Go, "golang", "stdlib", "1.21.3"),
            lang(Ecosystem::Pypi, "pypi", "broken", "not a version!"),
        ],
        ..Sbom::default()
    }
}

fn ids(report: &Report, package: &str) -> Vec<String> {
    let mut v: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.package.name == package)
        .map(|f| f.id.clone())
        .collect();
    v.sort();
    v
}

#[test]
fn debian_findings_follow_the_vendor_fixed_version_and_states() {
    let report = scan(&sbom(), &source(), &options()).expect("scan");
    // DSA-5532-1 is fixed in exactly the installed source version: nothing from it. The binNMU
    // suffix of libssl3 (+b1) does not matter: the source version is compared.
    assert_eq!(
        ids(&report, "libssl3"),
        [
            "CVE-2010-0928",
            "CVE-2024-0727",
            "CVE-2024-9999",
            "CVE-2025-0001"
        ]
    );
    assert_eq!(ids(&report, "openssl"), ids(&report, "libssl3"));
    let find = |id: &str| {
        report
            .findings
            .iter()
            .find(|f| f.id == id && f.package.name == "libssl3")
            .expect(id)
    };
    let dsa = find("CVE-2024-0727");
    assert_eq!(dsa.aliases, ["DSA-5640-1", "GHSA-9v9h-cgj8-h64p"]);
    assert_eq!(dsa.fixed_version.as_deref(), Some("3.0.13-1~deb12u1"));
    assert_eq!(dsa.fix_state, FixState::Fixed);
    // Severity from the GHSA alias's CVSS v4 vector.
    assert!(
        matches!(&dsa.severity_origin, SeverityOrigin::Cvss { version, advisory, .. } if version == "4.0" && advisory == "GHSA-9v9h-cgj8-h64p")
    );
    assert_eq!(
        dsa.kev.as_ref().map(|k| k.due_date.as_str()),
        Some("2024-02-22")
    );
    assert_eq!(dsa.remediation.class, crate::report::DeadlineClass::Kev);
    assert_eq!(dsa.package.matched_as.name, "openssl");
    let unimportant = find("CVE-2010-0928");
    assert_eq!(unimportant.severity, Severity::Negligible);
    assert_eq!(unimportant.fix_state, FixState::Unfixed);
    assert!(unimportant.fixed_version.is_none());
    assert_eq!(find("CVE-2024-9999").fix_state, FixState::WillNotFix);
    assert_eq!(find("CVE-2025-0001").severity, Severity::Low);
    assert!(
        matches!(&find("CVE-2025-0001").severity_origin, SeverityOrigin::Vendor { source, .. } if source == "debian-tracker")
    );
}

#[test]
fn language_packages_merge_aliases_and_take_the_highest_cvss() {
    let report = scan(&sbom(), &source(), &options()).expect("scan");
    assert_eq!(ids(&report, "requests"), ["CVE-2018-18074"]);
    let f = report
        .findings
        .iter()
        .find(|f| f.package.name == "requests")
        .expect("found");
    assert_eq!(f.aliases, ["GHSA-x84v-xcm2-53pg", "PYSEC-2018-28"]);
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.cvss_score, Some(9.8));
    assert_eq!(f.epss.map(|e| e.score), Some(0.02));
    assert_eq!(f.fixed_version.as_deref(), Some("2.20.0"));
    assert_eq!(f.remediation.due.as_deref(), Some("2026-11-24T10:00:00Z"));
}

#[test]
fn go_stdlib_is_matched_by_toolchain_version() {
    let report = scan(&sbom(), &source(), &options()).expect("scan");
    assert_eq!(ids(&report, "stdlib"), ["CVE-2023-45284"]);
    let f = report
        .findings
        .iter()
        .find(|f| f.package.name == "stdlib")
        .expect("found");
    assert_eq!(f.fixed_version.as_deref(), Some("1.21.4"));
    let mut newer = sbom();
    newer.packages = vec![lang(Ecosystem::Go, "golang", "stdlib", "1.21.4")];
    assert!(scan(&newer, &source(), &options())
        .expect("scan")
        .findings
        .is_empty());
}

#[test]
fn bad_data_becomes_warnings_not_errors() {
    let report = scan(&sbom(), &source(), &options()).expect("scan");
    let warnings = report.warnings.join("\n");
    assert!(
        warnings.contains("1 installed version(s) could not be parsed"),
        "{warnings}"
    );
    assert!(warnings.contains("DSA-0000-1"), "{warnings}");
    assert!(!report
        .findings
        .iter()
        .any(|f| f.id == "CVE-2000-0001" || f.id == "CVE-2099-0001"));
}

#[test]
fn a_per_cve_record_overrides_a_multi_cve_dsa() {
    let mut s = source();
    // DSA fixing two CVEs in a version newer than installed; the tracker says one of them was
    // fixed long ago for bookworm: only the other is reported.
    s.add_advisory(advisory(
        "DSA-7777-1",
        &[],
        &["CVE-2026-1111", "CVE-2026-2222"],
        &[],
    ));
    s.add_affected(affected(
        "DSA-7777-1",
        "Debian:12",
        "openssl",
        fixed_range("3.0.99-1~deb12u1"),
        FixState::Fixed,
        None,
        "osv",
    ));
    s.add_affected(affected(
        "CVE-2026-1111",
        "Debian:12",
        "openssl",
        fixed_range("3.0.2-1"),
        FixState::Fixed,
        None,
        "debian-tracker",
    ));
    let report = scan(&sbom(), &s, &options()).expect("scan");
    let ids = ids(&report, "libssl3");
    assert!(ids.contains(&"CVE-2026-2222".to_string()));
    assert!(!ids.contains(&"CVE-2026-1111".to_string()));
}

#[test]
fn without_a_release_os_packages_are_skipped_with_a_warning() {
    let mut sbom = sbom();
    sbom.distro = None;
    let report = scan(&sbom, &source(), &options()).expect("scan");
    assert!(ids(&report, "libssl3").is_empty());
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("2 OS package(s) not matched")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn problems_of_the_second_half_are_counted_after_the_first() {
    let tally = |count: usize, examples: &[&str]| Tally {
        count,
        examples: examples.iter().map(|e| (*e).to_string()).collect(),
    };
    let mut first = Problems {
        invalid_data: tally(2, &["a", "b"]),
        ..Problems::default()
    };
    first.no_scheme.insert("Hex".into(), 1);
    let mut second = Problems {
        invalid_data: tally(3, &["c", "d", "e"]),
        invalid_cvss: tally(1, &["v"]),
        ..Problems::default()
    };
    second.no_scheme.insert("Hex".into(), 2);
    first.absorb(second);
    assert_eq!(first.invalid_data.count, 5);
    // One thread would have quoted the first examples it met: the first half's, then the second's.
    assert_eq!(first.invalid_data.examples, ["a", "b", "c"]);
    assert_eq!(first.invalid_cvss.count, 1);
    assert_eq!(first.invalid_cvss.examples, ["v"]);
    assert_eq!(first.no_scheme.get("Hex"), Some(&3));
}
