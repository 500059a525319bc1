//! A fixed synthetic report for renderer tests and snapshots.

use seatbelt_types::{Distro, Ecosystem, FixState, Location, Purl, SbomSubject, Severity};

use crate::report::{
    DeadlineClass, Epss, Finding, FindingPackage, Kev, MatchKey, Remediation, Report,
    SeverityOrigin, Suppression, SuppressionKind,
};

fn package(
    name: &str,
    version: &str,
    source: (&str, &str),
    eco: Ecosystem,
    osv: &str,
) -> FindingPackage {
    let purl = match eco {
        Ecosystem::Deb => Purl::new("deb", Some("debian"), name, Some(version))
            .with_qualifier("distro", "debian-12"),
        _ => Purl::new("pypi", None, name, Some(version)),
    };
    FindingPackage {
        id: format!(
            "{}-{name}",
            if eco == Ecosystem::Deb { "deb" } else { "pypi" }
        ),
        name: name.into(),
        version: version.into(),
        ecosystem: eco,
        purl,
        locations: vec![Location {
            path: if eco == Ecosystem::Deb {
                "var/lib/dpkg/status".into()
            } else {
                format!("opt/venv/lib/python3.11/site-packages/{name}-{version}.dist-info/METADATA")
            },
            layer_index: Some(0),
            layer_digest: None,
        }],
        matched_as: MatchKey {
            ecosystem: osv.into(),
            name: source.0.into(),
            version: source.1.into(),
        },
    }
}

fn finding(
    id: &str,
    aliases: &[&str],
    package: FindingPackage,
    severity: Severity,
    class: DeadlineClass,
    policy: &str,
    due: Option<&str>,
) -> Finding {
    Finding {
        id: id.into(),
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
        summary: Some(format!("{} flaw | with a pipe", package.matched_as.name)),
        package,
        severity,
        severity_origin: SeverityOrigin::Cvss {
            version: "3.1".into(),
            vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N".into(),
            advisory: id.into(),
        },
        cvss_score: Some(7.5),
        fixed_version: Some("3.0.13-1~deb12u1".into()),
        fix_state: FixState::Fixed,
        kev: None,
        epss: None,
        remediation: Remediation {
            class,
            policy: policy.into(),
            due: due.map(str::to_string),
        },
        suppression: None,
        data_sources: vec!["osv".into()],
        references: vec!["https://security-tracker.debian.org/tracker/CVE-2024-0727".into()],
    }
}

/// Four active findings across three deadlines, one suppressed, one expired ignore, a warning.
pub(crate) fn report() -> Report {
    let ssl = package(
        "libssl3",
        "3.0.11-1~deb12u2",
        ("openssl", "3.0.11-1~deb12u2"),
        Ecosystem::Deb,
        "Debian:12",
    );
    let libc = package(
        "libc6",
        "2.36-9+deb12u3",
        ("glibc", "2.36-9+deb12u3"),
        Ecosystem::Deb,
        "Debian:12",
    );
    let requests = package(
        "requests",
        "2.19.0",
        ("requests", "2.19.0"),
        Ecosystem::Pypi,
        "PyPI",
    );
    let mut kev = finding(
        "CVE-2023-4911",
        &["DSA-5514-1"],
        libc.clone(),
        Severity::High,
        DeadlineClass::Kev,
        "24h",
        Some("2026-11-24T10:00:00Z"),
    );
    kev.kev = Some(Kev {
        cve: "CVE-2023-4911".into(),
        date_added: "2023-11-21".into(),
        due_date: "2023-12-12".into(),
    });
    kev.epss = Some(Epss {
        score: 0.7312,
        percentile: 0.985,
    });
    kev.cvss_score = Some(7.8);
    kev.fixed_version = Some("2.36-9+deb12u4".into());
    let mut high = finding(
        "CVE-2024-0727",
        &["DSA-5640-1", "GHSA-9v9h-cgj8-h64p"],
        ssl.clone(),
        Severity::High,
        DeadlineClass::High,
        "7d",
        Some("2026-11-30T10:00:00Z"),
    );
    high.epss = Some(Epss {
        score: 0.0021,
        percentile: 0.59,
    });
    let mut unfixed = finding(
        "CVE-2023-50495",
        &[],
        libc.clone(),
        Severity::Medium,
        DeadlineClass::Medium,
        "30d",
        Some("2026-12-23T10:00:00Z"),
    );
    unfixed.fixed_version = None;
    unfixed.fix_state = FixState::Unfixed;
    unfixed.severity_origin = SeverityOrigin::Vendor {
        rating: "medium".into(),
        source: "debian-tracker".into(),
    };
    unfixed.cvss_score = None;
    let mut py = finding(
        "CVE-2018-18074",
        &["GHSA-x84v-xcm2-53pg", "PYSEC-2018-28"],
        requests,
        Severity::High,
        DeadlineClass::High,
        "7d",
        Some("2026-11-30T10:00:00Z"),
    );
    py.fixed_version = Some("2.20.0".into());
    let mut suppressed = finding(
        "CVE-2023-5678",
        &["DSA-5640-1"],
        ssl,
        Severity::Medium,
        DeadlineClass::Medium,
        "30d",
        Some("2026-12-23T10:00:00Z"),
    );
    suppressed.suppression = Some(Suppression {
        kind: SuppressionKind::Vex,
        source: "vex.json".into(),
        status: "not_affected".into(),
        justification: Some("vulnerable_code_not_in_execute_path".into()),
    });
    Report {
        tool_version: "0.1.0".into(),
        scanned_at: "2026-11-23T10:00:00Z".into(),
        subject: SbomSubject {
            reference: "oci-dir:fixture:python".into(),
            name: "fixture".into(),
            ..SbomSubject::default()
        },
        distro: Some(Distro {
            id: "debian".into(),
            version_id: Some("12".into()),
            ..Distro::default()
        }),
        packages_scanned: 120,
        findings: vec![kev, high, py, unfixed, suppressed],
        expired_ignores: vec![crate::ignore::IgnoreRule {
            id: "CVE-2022-0001".into(),
            package: None,
            path: None,
            reason: "waiting for upstream".into(),
            expires: Some("2026-01-01".into()),
        }],
        warnings: vec![
            "1 advisory range had an invalid version (Debian:12 openssl DSA-0000-1: \"bogus!\")"
                .into(),
        ],
    }
}
