//! What the user asked to see: suppression by VEX and ignore file, `--severity`,
//! `--ignore-unfixed`, `--only-kev`, and `--sort-by`.

use std::cmp::Ordering;
use std::str::FromStr;

use seatbelt_types::Severity;

use crate::ignore::IgnoreFile;
use crate::report::Finding;
use crate::vex::VexSet;

/// Which findings to keep.
#[derive(Debug, Clone, Default)]
pub struct FilterOptions {
    /// Keep only these severities (empty: all).
    pub severities: Vec<Severity>,
    /// Drop findings with no fixed version (unfixed, will-not-fix, end-of-life).
    pub ignore_unfixed: bool,
    /// Keep only known-exploited findings.
    pub only_kev: bool,
}

/// Marks findings VEX or the ignore file suppress. VEX is the supplier's statement and wins
/// over a local ignore entry, so its justification is the one shown.
pub fn suppress(findings: &mut [Finding], vex: &VexSet, ignore: Option<&IgnoreFile>) {
    for finding in findings {
        finding.suppression = vex
            .suppression_for(finding)
            .or_else(|| ignore.and_then(|i| i.suppression_for(finding)));
    }
}

/// Drops what the options exclude.
pub fn retain(findings: &mut Vec<Finding>, options: &FilterOptions) {
    findings.retain(|f| {
        (options.severities.is_empty() || options.severities.contains(&f.severity))
            && (!options.ignore_unfixed || f.fixed_version.is_some())
            && (!options.only_kev || f.kev.is_some())
    });
}

/// The `--sort-by` orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// Most severe first (then highest CVSS, KEV, id).
    #[default]
    Severity,
    /// Known exploited first, earliest CISA due date first.
    Kev,
    /// Highest EPSS first.
    Epss,
    /// By package name and version.
    Package,
}

impl FromStr for SortBy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "severity" => Ok(SortBy::Severity),
            "kev" => Ok(SortBy::Kev),
            "epss" => Ok(SortBy::Epss),
            "package" => Ok(SortBy::Package),
            other => Err(format!(
                "unknown sort key {other:?}: expected severity, kev, epss or package"
            )),
        }
    }
}

fn by_severity(a: &Finding, b: &Finding) -> Ordering {
    b.severity
        .cmp(&a.severity)
        .then_with(|| b.kev.is_some().cmp(&a.kev.is_some()))
        .then_with(|| {
            b.cvss_score
                .unwrap_or(-1.0)
                .total_cmp(&a.cvss_score.unwrap_or(-1.0))
        })
}

fn by_package(a: &Finding, b: &Finding) -> Ordering {
    a.package
        .name
        .cmp(&b.package.name)
        .then_with(|| a.package.version.cmp(&b.package.version))
        .then_with(|| a.package.id.cmp(&b.package.id))
}

/// Sorts findings; ties always end on (id, package) so output is deterministic.
pub fn sort(findings: &mut [Finding], by: SortBy) {
    findings.sort_by(|a, b| {
        let primary = match by {
            SortBy::Severity => by_severity(a, b),
            SortBy::Kev => {
                let due = |f: &Finding| f.kev.as_ref().map(|k| k.due_date.clone());
                match (due(a), due(b)) {
                    (Some(x), Some(y)) => x.cmp(&y),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                }
                .then_with(|| by_severity(a, b))
            }
            SortBy::Epss => {
                let score = |f: &Finding| f.epss.map_or(-1.0, |e| e.score);
                score(b)
                    .total_cmp(&score(a))
                    .then_with(|| by_severity(a, b))
            }
            SortBy::Package => by_package(a, b).then_with(|| by_severity(a, b)),
        };
        primary
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| by_package(a, b))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::sample;

    fn ids(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.id.as_str()).collect()
    }

    #[test]
    fn filters_by_severity_fix_and_kev() {
        let all = sample::report().findings;
        let mut f = all.clone();
        retain(
            &mut f,
            &FilterOptions {
                severities: vec![Severity::Medium],
                ..Default::default()
            },
        );
        assert_eq!(ids(&f), ["CVE-2023-50495", "CVE-2023-5678"]);
        let mut f = all.clone();
        retain(
            &mut f,
            &FilterOptions {
                ignore_unfixed: true,
                ..Default::default()
            },
        );
        assert!(!ids(&f).contains(&"CVE-2023-50495"));
        assert_eq!(f.len(), 4);
        let mut f = all;
        retain(
            &mut f,
            &FilterOptions {
                only_kev: true,
                ..Default::default()
            },
        );
        assert_eq!(ids(&f), ["CVE-2023-4911"]);
    }

    #[test]
    fn sort_orders() {
        let mut f = sample::report().findings;
        sort(&mut f, SortBy::Severity);
        // Within medium, the one with a CVSS score comes first.
        assert_eq!(
            ids(&f),
            [
                "CVE-2023-4911",
                "CVE-2018-18074",
                "CVE-2024-0727",
                "CVE-2023-5678",
                "CVE-2023-50495"
            ]
        );
        sort(&mut f, SortBy::Epss);
        assert_eq!(ids(&f)[..2], ["CVE-2023-4911", "CVE-2024-0727"]);
        sort(&mut f, SortBy::Package);
        assert_eq!(
            ids(&f),
            [
                "CVE-2023-4911",
                "CVE-2023-50495",
                "CVE-2024-0727",
                "CVE-2023-5678",
                "CVE-2018-18074"
            ]
        );
        sort(&mut f, SortBy::Kev);
        assert_eq!(ids(&f)[0], "CVE-2023-4911");
        assert!("bogus".parse::<SortBy>().is_err());
    }

    #[test]
    fn vex_wins_over_ignore() {
        let mut f = sample::report().findings;
        for finding in &mut f {
            finding.suppression = None;
        }
        let mut vex = VexSet::default();
        vex.add("v.json", crate::vex::parse(br#"{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-2024-0727"},"products":[{"@id":"pkg:deb/debian/libssl3"}],"status":"not_affected","justification":"component_not_present"}]}"#).expect("valid"));
        let ignore = IgnoreFile::parse(
            "ignore:\n- id: CVE-2024-0727\n  reason: r\n- id: CVE-2023-4911\n  reason: r2\n",
            "i",
            "2026-01-01T00:00:00Z".parse().expect("t"),
        )
        .expect("valid");
        suppress(&mut f, &vex, Some(&ignore));
        let by = |id: &str| {
            f.iter()
                .find(|x| x.id == id)
                .and_then(|x| x.suppression.clone())
        };
        assert_eq!(by("CVE-2024-0727").expect("vex").source, "v.json");
        assert_eq!(by("CVE-2023-4911").expect("ignore").source, "i");
        assert!(by("CVE-2018-18074").is_none());
    }
}
