//! The matcher as first written, one lookup per package and per advisory: the reference the
//! batched matcher in [`super`] is tested against (same report on generated DBs) and
//! benchmarked against (`tests/bench_match.rs`).

use std::collections::HashMap;
use std::rc::Rc;

use seatbelt_types::{FixState, Sbom};
use seatbelt_version::{osv_affected, Scheme};
use seatbelt_vulndb::{Advisory, Affected};

use crate::error::ScanError;
use crate::report::{Epss, Kev, MatchKey, Report};
use crate::source::AdvisorySource;

// Only the lookups and their batching are independent of the batched matcher (its own
// `Lookups`, per-record version evaluation from strings); folding, alias merging, resolving,
// findings and warnings are the same functions, so a difference can only come from what is
// looked up and when.
use super::fold::Fold;
use super::{
    finding, merge_own_aliases, resolve, target::match_key, target::Skip, warnings, Lookups,
    Problems, Resolved, ScanOptions,
};
use crate::cvss::{base_score, CvssError, CvssScore};

struct Matcher<'a> {
    source: &'a dyn AdvisorySource,
    advisories: HashMap<String, Option<Rc<Advisory>>>,
    problems: Problems,
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
                self.problems.invalid_data.add(|| {
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
        let mut fold = Fold::default();
        for record in &records {
            let advisory = self.advisory(&record.advisory_id)?;
            if advisory.as_ref().is_some_and(|a| a.withdrawn.is_some()) {
                continue;
            }
            let verdict = self.evaluate(scheme, key, record);
            fold.add(scheme, record, advisory.as_deref(), verdict);
        }
        fold.finish()
            .into_iter()
            .map(|mut vuln| {
                let own = self.advisory(&vuln.primary)?;
                merge_own_aliases(&mut vuln, own.as_deref());
                resolve(vuln, self)
            })
            .collect()
    }
}

impl Lookups for Matcher<'_> {
    fn advisory(&mut self, id: &str) -> Result<Option<Rc<Advisory>>, ScanError> {
        Matcher::advisory(self, id)
    }
    fn kev(&mut self, cve: &str) -> Result<Option<Kev>, ScanError> {
        let entry = self.source.kev(cve).map_err(|e| source_error(cve, &e))?;
        Ok(entry.map(|k| Kev {
            cve: k.cve,
            date_added: k.date_added,
            due_date: k.due_date,
        }))
    }
    fn epss(&mut self, cve: &str) -> Result<Option<Epss>, ScanError> {
        let entry = self.source.epss(cve).map_err(|e| source_error(cve, &e))?;
        Ok(entry.map(|e| Epss {
            score: e.score,
            percentile: e.percentile,
        }))
    }
    fn score(&mut self, vector: &str) -> Result<CvssScore, CvssError> {
        base_score(vector)
    }
    fn problems(&mut self) -> &mut Problems {
        &mut self.problems
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
        problems: Problems::default(),
    };
    let mut cache: HashMap<MatchKey, Rc<Vec<Resolved>>> = HashMap::new();
    let mut findings = Vec::new();
    let mut scanned = 0;
    for package in &sbom.packages {
        let key = match match_key(package, sbom.distro.as_ref()) {
            Ok(key) => key,
            Err(Skip::NoRelease(what)) => {
                *matcher.problems.no_release.entry(what).or_default() += 1;
                continue;
            }
            Err(Skip::Unversioned) => continue,
        };
        let Some(scheme) = Scheme::for_osv_ecosystem(&key.ecosystem) else {
            *matcher
                .problems
                .no_scheme
                .entry(key.ecosystem.clone())
                .or_default() += 1;
            continue;
        };
        scanned += 1;
        let resolved = match cache.get(&key) {
            Some(hit) => hit.clone(),
            None => {
                let resolved = if scheme.parse(&key.version).is_err() {
                    matcher.problems.invalid_installed.add(|| {
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
        warnings: warnings(&matcher.problems),
    })
}
