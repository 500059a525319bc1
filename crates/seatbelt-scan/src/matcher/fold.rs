//! One key's affected records folded into its vulnerabilities: the id rule of [`identity`], a
//! per-CVE record overriding a multi-CVE one, the highest fix. Both matchers fold the same way;
//! they differ only in how they find the records and advisories.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use seatbelt_version::Scheme;
use seatbelt_vulndb::{Advisory, Affected};

use super::{highest, identity, Vuln, MAX_REFERENCES};

#[derive(Default)]
pub(super) struct Fold {
    vulns: BTreeMap<String, Vuln>,
    /// CVEs a record about exactly that CVE says this version is clear of; a DSA covering
    /// several CVEs does not override them (the per-CVE record is the more precise one).
    clear: HashSet<String>,
    direct: HashSet<String>,
}

impl Fold {
    /// Adds `record` of `advisory` (not withdrawn; `None` when the source has no such
    /// advisory) with its verdict: `Some(fix)` when it affects the installed version.
    pub(super) fn add(
        &mut self,
        scheme: Scheme,
        record: &Affected,
        advisory: Option<&Advisory>,
        verdict: Option<Option<String>>,
    ) {
        let fallback;
        let advisory = match advisory {
            Some(a) => a,
            None => {
                fallback = Advisory {
                    id: record.advisory_id.clone(),
                    ..Advisory::default()
                };
                &fallback
            }
        };
        let ids = identity::identities(advisory);
        let Some(fixed) = verdict else {
            for id in ids.iter().filter(|i| !i.shared) {
                self.clear.insert(id.primary.clone());
            }
            return;
        };
        for id in ids {
            if !id.shared {
                self.direct.insert(id.primary.clone());
            }
            let vuln = self
                .vulns
                .entry(id.primary.clone())
                .or_insert_with(|| Vuln {
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
                vuln.shared_advisories.insert(advisory.id.clone());
            }
            vuln.states.insert(record.state);
            vuln.sources.insert(record.source.clone());
            if let Some(rating) = &record.vendor_severity {
                vuln.vendor_ratings
                    .push((rating.clone(), record.source.clone()));
            }
            if vuln.hit_summary.is_none() {
                vuln.hit_summary = advisory.summary.clone();
            }
            for url in &advisory.references {
                if vuln.references.len() < MAX_REFERENCES && !vuln.references.contains(url) {
                    vuln.references.push(url.clone());
                }
            }
            vuln.fixed = highest(scheme, vuln.fixed.take(), fixed.clone());
        }
    }

    /// The vulnerabilities, by primary id, without those a per-CVE record cleared, each
    /// without its own id among its aliases.
    pub(super) fn finish(self) -> Vec<Vuln> {
        let Fold {
            vulns,
            clear,
            direct,
        } = self;
        vulns
            .into_iter()
            .filter(|(primary, _)| !clear.contains(primary) || direct.contains(primary))
            .map(|(primary, mut vuln)| {
                vuln.aliases.remove(&primary);
                vuln
            })
            .collect()
    }
}
