//! The matcher as first written, one lookup per package and per advisory: the reference the
//! batched matcher in [`super`] is tested against (same report on generated DBs) and
//! benchmarked against (`tests/bench_match.rs`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use seatbelt_types::{FixState, Sbom};
use seatbelt_version::{osv_affected, Scheme};
use seatbelt_vulndb::{Advisory, Affected};

use crate::error::ScanError;
use crate::report::{Epss, Kev, MatchKey, Report};
use crate::source::AdvisorySource;

// Only the lookups and the matching are independent of the batched matcher; the value types and
// the pure helpers are the same ones, so a difference can only come from the matching itself.
use super::{
    finding, highest, identity, severity, target::match_key, target::Skip, Resolved, ScanOptions,
    Tally, Vuln, MAX_REFERENCES,
};

struct Matcher<'a> {
    source: &'a dyn AdvisorySource,
    advisories: HashMap<String, Option<Rc<Advisory>>>,
    invalid_installed: Tally,
    invalid_data: Tally,
    invalid_cvss: Tally,
    no_release: BTreeMap<&'static str, usize>,
    no_scheme: BTreeMap<String, usize>,
}

impl<'a> Matcher<'a> {
    fn advisory(&mut self, id: &str) -> Result<Option<Rc<Advisory>>, ScanError> {
        if let Some(cached) = self.advisories.get(id) {
            return Ok(cached.clone());
        }
        let found = self
            .source
            .advisory(id)
            .map_err(|e| ScanError::Source {
                package: id.to_string(),
                reason: e.to_string(),
            })?
            .map(Rc::new);
        self.advisories.insert(id.to_string(), found.clone());
        Ok(found)
    }

    /// Whether `record` affects `key.version`, and the fix that ends its range.
    fn evaluate(
        &mut self,
        scheme: Scheme,
        key: &MatchKey,
        record: &Affected,
    ) -> Option<Option<String>> {
        if record.state == FixState::NotAffected {
            return None;
        }
        // A tracker saying "unfixed" with no ranges means every version of the release.
        if record.state != FixState::Fixed && record.ranges.is_empty() && record.versions.is_empty()
        {
            return Some(None);
        }
        match osv_affected(scheme, &key.version, &record.ranges, &record.versions) {
            Ok(verdict) if verdict.affected => Some(verdict.fixed),
            Ok(_) => None,
            Err(err) => {
                self.invalid_data.add(|| {
                    format!(
                        "{} {} {}: {err}",
                        record.advisory_id, key.ecosystem, key.name
                    )
                });
                None
            }
        }
    }

    /// Every vulnerability affecting `key`.
    fn match_key(&mut self, scheme: Scheme, key: &MatchKey) -> Result<Vec<Resolved>, ScanError> {
        let records = self
            .source
            .affected(&key.ecosystem, &key.name)
            .map_err(|e| ScanError::Source {
                package: format!("{} {}", key.ecosystem, key.name),
                reason: e.to_string(),
            })?;
        let mut vulns: BTreeMap<String, Vuln> = BTreeMap::new();
        // CVEs a record about exactly that CVE says this version is clear of; a DSA covering
        // several CVEs does not override them (the per-CVE record is the more precise one).
        let mut clear: HashSet<String> = HashSet::new();
        let mut direct: HashSet<String> = HashSet::new();
        for record in &records {
            let advisory = self.advisory(&record.advisory_id)?;
            if advisory.as_ref().is_some_and(|a| a.withdrawn.is_some()) {
                continue;
            }
            let fallback = Advisory {
                id: record.advisory_id.clone(),
                ..Advisory::default()
            };
            let advisory_ref: &Advisory = advisory.as_deref().unwrap_or(&fallback);
            let ids = identity::identities(advisory_ref);
            let verdict = self.evaluate(scheme, key, record);
            let Some(fixed) = verdict else {
                for id in ids.iter().filter(|i| !i.shared) {
                    clear.insert(id.primary.clone());
                }
                continue;
            };
            for id in ids {
                if !id.shared {
                    direct.insert(id.primary.clone());
                }
                let vuln = vulns.entry(id.primary.clone()).or_insert_with(|| Vuln {
                    primary: id.primary.clone(),
                    aliases: BTreeSet::new(),
                    fixed: None,
                    states: BTreeSet::new(),
                    vendor_ratings: Vec::new(),
                    sources: BTreeSet::new(),
                    shared_advisories: BTreeSet::new(),
                    hit_summary: None,
                    references: Vec::new(),
                });
                vuln.aliases.extend(id.aliases);
                if id.shared {
                    vuln.shared_advisories.insert(advisory_ref.id.clone());
                }
                vuln.states.insert(record.state);
                vuln.sources.insert(record.source.clone());
                if let Some(rating) = &record.vendor_severity {
                    vuln.vendor_ratings
                        .push((rating.clone(), record.source.clone()));
                }
                if vuln.hit_summary.is_none() {
                    vuln.hit_summary = advisory_ref.summary.clone();
                }
                for url in &advisory_ref.references {
                    if vuln.references.len() < MAX_REFERENCES && !vuln.references.contains(url) {
                        vuln.references.push(url.clone());
                    }
                }
                vuln.fixed = highest(scheme, vuln.fixed.take(), fixed.clone());
            }
        }
        let mut out = Vec::with_capacity(vulns.len());
        for (primary, mut vuln) in vulns {
            if clear.contains(&primary) && !direct.contains(&primary) {
                continue;
            }
            vuln.aliases.remove(&primary);
            out.push(self.resolve(vuln)?);
        }
        Ok(out)
    }

    fn resolve(&mut self, mut vuln: Vuln) -> Result<Resolved, ScanError> {
        // The primary id's own record may name more ids of the same vulnerability (a CVE
        // record listing its GHSA): merge them, but never another CVE.
        if let Some(own) = self.advisory(&vuln.primary)? {
            if own.withdrawn.is_none() {
                vuln.aliases.extend(
                    own.aliases
                        .iter()
                        .filter(|id| !identity::is_cve(id) && **id != vuln.primary)
                        .cloned(),
                );
            }
        }
        let ids: Vec<String> = std::iter::once(vuln.primary.clone())
            .chain(vuln.aliases.iter().cloned())
            .collect();
        let mut advisories = Vec::new();
        for id in &ids {
            if vuln.shared_advisories.contains(id) {
                continue;
            }
            if let Some(a) = self.advisory(id)? {
                if a.withdrawn.is_none() {
                    advisories.push(a);
                }
            }
        }
        let rated = severity::rate(
            &advisories,
            &vuln.vendor_ratings,
            &mut crate::cvss::base_score,
            &mut |vector, id, err| {
                self.invalid_cvss.add(|| format!("{id}: {vector:?}: {err}"));
            },
        );
        let summary = advisories
            .iter()
            .find_map(|a| a.summary.clone())
            .or_else(|| vuln.hit_summary.clone());
        let mut kev = None;
        let mut epss: Option<Epss> = None;
        for cve in ids.iter().filter(|id| identity::is_cve(id)) {
            if kev.is_none() {
                kev = self
                    .source
                    .kev(cve)
                    .map_err(|e| source_error(cve, &e))?
                    .map(|k| Kev {
                        cve: k.cve,
                        date_added: k.date_added,
                        due_date: k.due_date,
                    });
            }
            if let Some(e) = self.source.epss(cve).map_err(|e| source_error(cve, &e))? {
                if epss.is_none_or(|best| e.score > best.score) {
                    epss = Some(Epss {
                        score: e.score,
                        percentile: e.percentile,
                    });
                }
            }
        }
        Ok(Resolved {
            severity: rated.severity,
            origin: rated.origin,
            cvss: rated.score,
            summary,
            kev,
            epss,
            vuln,
        })
    }
}

fn source_error(id: &str, err: &crate::source::SourceError) -> ScanError {
    ScanError::Source {
        package: id.to_string(),
        reason: err.to_string(),
    }
}

/// The straightforward matcher: every package looked up on its own, every advisory fetched on
/// its own, versions parsed per advisory. Same report as [`super::scan`], slower; kept as the
/// reference that one is checked and measured against.
pub fn scan(
    sbom: &Sbom,
    source: &dyn AdvisorySource,
    options: &ScanOptions,
) -> Result<Report, ScanError> {
    let mut matcher = Matcher {
        source,
        advisories: HashMap::new(),
        invalid_installed: Tally::default(),
        invalid_data: Tally::default(),
        invalid_cvss: Tally::default(),
        no_release: BTreeMap::new(),
        no_scheme: BTreeMap::new(),
    };
    let mut cache: HashMap<MatchKey, Rc<Vec<Resolved>>> = HashMap::new();
    let mut findings = Vec::new();
    let mut scanned = 0;
    for package in &sbom.packages {
        let key = match match_key(package, sbom.distro.as_ref()) {
            Ok(key) => key,
            Err(Skip::NoRelease(what)) => {
                *matcher.no_release.entry(what).or_default() += 1;
                continue;
            }
            Err(Skip::Unversioned) => continue,
        };
        let Some(scheme) = Scheme::for_osv_ecosystem(&key.ecosystem) else {
            *matcher.no_scheme.entry(key.ecosystem.clone()).or_default() += 1;
            continue;
        };
        scanned += 1;
        let resolved = match cache.get(&key) {
            Some(hit) => hit.clone(),
            None => {
                let resolved = if scheme.parse(&key.version).is_err() {
                    matcher.invalid_installed.add(|| {
                        format!(
                            "{} {} {:?} ({scheme})",
                            key.ecosystem, key.name, key.version
                        )
                    });
                    Rc::new(Vec::new())
                } else {
                    Rc::new(matcher.match_key(scheme, &key)?)
                };
                cache.insert(key.clone(), resolved.clone());
                resolved
            }
        };
        for r in resolved.iter() {
            let remediation =
                options
                    .deadlines
                    .remediation(r.kev.is_some(), r.severity, options.now);
            findings.push(finding(package, &key, r, remediation));
        }
    }
    Ok(Report {
        tool_version: options.tool_version.clone(),
        scanned_at: options.now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        subject: sbom.subject.clone(),
        distro: sbom.distro.clone(),
        packages_scanned: scanned,
        findings,
        expired_ignores: Vec::new(),
        warnings: warnings(&matcher),
    })
}

fn warnings(m: &Matcher<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let tally = |out: &mut Vec<String>, t: &Tally, what: &str| {
        if t.count > 0 {
            out.push(format!(
                "{} {what} (e.g. {})",
                t.count,
                t.examples.join("; ")
            ));
        }
    };
    tally(
        &mut out,
        &m.invalid_installed,
        "installed version(s) could not be parsed; those packages were not matched",
    );
    tally(
        &mut out,
        &m.invalid_data,
        "advisory record(s) had an invalid version and were skipped",
    );
    tally(
        &mut out,
        &m.invalid_cvss,
        "CVSS vector(s) could not be scored",
    );
    for (what, n) in &m.no_release {
        out.push(format!(
            "{n} OS package(s) not matched: the image's release is not a known {what} release"
        ));
    }
    for (eco, n) in &m.no_scheme {
        out.push(format!(
            "{n} {eco} package(s) not matched: no version scheme for that ecosystem"
        ));
    }
    out
}
