//! Which id a finding is reported under, and which ids it merges.
//!
//! The rule, chosen for what Trivy and Grype users expect (both report CVE ids first):
//! - an advisory that *is* a CVE is reported under that CVE;
//! - an advisory that maps to exactly one CVE (through `aliases` or OSV `upstream`: a GHSA, a
//!   PYSEC, a DLA fixing one CVE) is reported under that CVE, aliasing the advisory and its
//!   other ids;
//! - an advisory that maps to several CVEs (a DSA fixing five CVEs in one update) yields one
//!   finding per CVE, each aliasing the DSA, so each CVE can be triaged, VEX'd and counted once,
//!   and a DSA does not hide the CVE ids people search for;
//! - an advisory with no CVE is reported under the GHSA among its ids if there is one (the id
//!   language ecosystems share), else under the lexicographically smallest id, so two advisories
//!   that alias each other land on the same id from either side.

use std::collections::BTreeSet;

use seatbelt_vulndb::Advisory;

/// Whether `id` is a CVE id.
pub fn is_cve(id: &str) -> bool {
    id.starts_with("CVE-")
}

/// The CVEs an advisory is about: its own id, aliases and upstream ids.
pub fn cves(advisory: &Advisory) -> BTreeSet<&str> {
    std::iter::once(advisory.id.as_str())
        .chain(advisory.aliases.iter().map(String::as_str))
        .chain(advisory.upstream.iter().map(String::as_str))
        .filter(|id| is_cve(id))
        .collect()
}

/// Whether `advisory` stands for several vulnerabilities (a DSA fixing several CVEs), so
/// [`identities`] gives one shared identity per CVE.
pub fn is_shared(advisory: &Advisory) -> bool {
    !is_cve(&advisory.id) && cves(advisory).len() > 1
}

/// One vulnerability an advisory stands for: the id to report and the ids to merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Reported id.
    pub primary: String,
    /// Other ids of the same vulnerability.
    pub aliases: BTreeSet<String>,
    /// Whether the advisory covers several vulnerabilities (its own scores are not this one's).
    pub shared: bool,
}

/// The vulnerabilities `advisory` stands for, by the rule above.
pub fn identities(advisory: &Advisory) -> Vec<Identity> {
    let all: BTreeSet<&str> = std::iter::once(advisory.id.as_str())
        .chain(advisory.aliases.iter().map(String::as_str))
        .chain(advisory.upstream.iter().map(String::as_str))
        .filter(|id| !id.is_empty())
        .collect();
    let aliases_without = |primary: &str, drop_other_cves: bool| -> BTreeSet<String> {
        all.iter()
            .filter(|id| **id != primary && !(drop_other_cves && is_cve(id)))
            .map(|id| (*id).to_string())
            .collect()
    };
    if is_cve(&advisory.id) {
        return vec![Identity {
            primary: advisory.id.clone(),
            aliases: aliases_without(&advisory.id, false),
            shared: false,
        }];
    }
    let cves = cves(advisory);
    match cves.len() {
        0 => {
            let primary = all
                .iter()
                .find(|id| id.starts_with("GHSA-"))
                .or_else(|| all.iter().next())
                .map_or_else(|| advisory.id.clone(), |id| (*id).to_string());
            vec![Identity {
                aliases: aliases_without(&primary, false),
                primary,
                shared: false,
            }]
        }
        1 => {
            let primary = cves
                .iter()
                .next()
                .map_or_else(String::new, |c| (*c).to_string());
            vec![Identity {
                aliases: aliases_without(&primary, false),
                primary,
                shared: false,
            }]
        }
        _ => cves
            .iter()
            .map(|cve| Identity {
                primary: (*cve).to_string(),
                aliases: aliases_without(cve, true),
                shared: true,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advisory(id: &str, aliases: &[&str], upstream: &[&str]) -> Advisory {
        Advisory {
            id: id.into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            upstream: upstream.iter().map(|s| s.to_string()).collect(),
            ..Advisory::default()
        }
    }

    fn primaries(a: &Advisory) -> Vec<String> {
        identities(a).into_iter().map(|i| i.primary).collect()
    }

    #[test]
    fn cve_first() {
        // PYSEC-2018-28 (requests), as osv.dev lists it.
        let pysec = advisory(
            "PYSEC-2018-28",
            &["CVE-2018-18074", "GHSA-x84v-xcm2-53pg"],
            &[],
        );
        let ids = identities(&pysec);
        assert_eq!(ids.len(), 1);
        assert_eq!(ids[0].primary, "CVE-2018-18074");
        assert_eq!(
            ids[0].aliases.iter().collect::<Vec<_>>(),
            ["GHSA-x84v-xcm2-53pg", "PYSEC-2018-28"]
        );
        let cve = advisory("CVE-2024-0727", &[], &["DSA-5640-1"]);
        assert_eq!(primaries(&cve), ["CVE-2024-0727"]);
    }

    #[test]
    fn a_dsa_with_several_cves_yields_one_identity_per_cve() {
        // DSA-5532-1 (openssl, bookworm) lists CVE-2023-5363 and CVE-2023-5678 upstream.
        let dsa = advisory("DSA-5532-1", &[], &["CVE-2023-5363", "CVE-2023-5678"]);
        let ids = identities(&dsa);
        assert_eq!(primaries(&dsa), ["CVE-2023-5363", "CVE-2023-5678"]);
        assert!(ids
            .iter()
            .all(|i| i.shared && i.aliases.iter().collect::<Vec<_>>() == ["DSA-5532-1"]));
    }

    #[test]
    fn without_a_cve_the_ghsa_wins_from_either_side() {
        let a = advisory("PYSEC-2099-1", &["GHSA-aaaa-bbbb-cccc"], &[]);
        let b = advisory("GHSA-aaaa-bbbb-cccc", &["PYSEC-2099-1"], &[]);
        assert_eq!(primaries(&a), primaries(&b));
        let c = advisory("RUSTSEC-2099-0001", &[], &[]);
        assert_eq!(primaries(&c), ["RUSTSEC-2099-0001"]);
    }
}
