//! Matching an SBOM against advisories: one [`Finding`] per (package, vulnerability).
//!
//! Each package is looked up by its [`MatchKey`] (see [`target`]); every affected record is
//! evaluated with the OSV semantics of `seatbelt-version`; advisories are folded into
//! vulnerabilities by the id rule in [`identity`]; severity, KEV, EPSS and the deadline are
//! resolved once per key and shared by every binary package built from the same source.
//!
//! The work is done in phases so that each kind of lookup is one batch over the whole SBOM
//! (a DB answers a batch in one query, where one query per package or advisory cost most of a
//! 10,000-package scan): keys with their installed version parsed once; affected records per
//! ecosystem; advisories only of packages something hits; the ids findings are reported
//! under; KEV and EPSS of their CVEs. Problems are tallied in the order the one-at-a-time
//! matcher in `reference.rs` met them, so both give the same report.

mod fold;
pub mod identity;
mod reference;
mod severity;
pub mod target;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use jiff::Timestamp;
use seatbelt_types::{FixState, Package, Sbom, Severity};
use seatbelt_version::{osv_affected_parsed, Scheme, Version};
use seatbelt_vulndb::{Advisory, Affected, KevEntry};

use crate::cvss::{base_score, CvssError, CvssScore};
use crate::deadline::DeadlinePolicy;
use crate::error::ScanError;
use crate::report::{
    Epss, Finding, FindingPackage, Kev, MatchKey, Remediation, Report, SeverityOrigin,
};
use crate::source::AdvisorySource;

pub use reference::scan as scan_unbatched;
pub use target::{match_key, Skip};

/// How many example values a warning quotes.
pub(crate) const WARNING_EXAMPLES: usize = 3;
/// References kept per finding: the first few say where to read; the rest is noise in reports.
pub(crate) const MAX_REFERENCES: usize = 5;

/// What a scan needs besides the SBOM and the advisories.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// The deadline policy.
    pub deadlines: DeadlinePolicy,
    /// When the scan runs (deadlines count from here).
    pub now: Timestamp,
    /// The seatbelt version, for the report.
    pub tool_version: String,
}

/// A problem class counted over the whole scan, reported once with a few examples.
#[derive(Default)]
struct Tally {
    count: usize,
    examples: Vec<String>,
}

impl Tally {
    /// Counts `later`'s problems after this one's.
    fn absorb(&mut self, later: Tally) {
        self.count += later.count;
        let room = WARNING_EXAMPLES.saturating_sub(self.examples.len());
        self.examples.extend(later.examples.into_iter().take(room));
    }

    fn add(&mut self, example: impl FnOnce() -> String) {
        self.count += 1;
        if self.examples.len() < WARNING_EXAMPLES {
            self.examples.push(example());
        }
    }
}

/// One vulnerability of one match key, before it is attached to packages.
#[derive(Debug, Clone)]
struct Vuln {
    primary: String,
    aliases: BTreeSet<String>,
    fixed: Option<String>,
    states: BTreeSet<FixState>,
    vendor_ratings: Vec<(String, String)>,
    sources: BTreeSet<String>,
    /// Advisories that cover several vulnerabilities: their scores are not this one's.
    shared_advisories: BTreeSet<String>,
    hit_summary: Option<String>,
    references: Vec<String>,
}

/// A vulnerability with everything resolved, shared by the packages of one key.
#[derive(Debug, Clone)]
struct Resolved {
    vuln: Vuln,
    severity: Severity,
    origin: SeverityOrigin,
    cvss: Option<f64>,
    summary: Option<String>,
    kev: Option<Kev>,
    epss: Option<Epss>,
}

/// Problems counted over the whole scan, reported as warnings.
#[derive(Default)]
struct Problems {
    invalid_installed: Tally,
    invalid_data: Tally,
    invalid_cvss: Tally,
    no_release: BTreeMap<&'static str, usize>,
    no_scheme: BTreeMap<String, usize>,
}

impl Problems {
    /// Counts `later`'s problems after this one's.
    fn absorb(&mut self, later: Problems) {
        self.invalid_installed.absorb(later.invalid_installed);
        self.invalid_data.absorb(later.invalid_data);
        self.invalid_cvss.absorb(later.invalid_cvss);
        for (what, n) in later.no_release {
            *self.no_release.entry(what).or_default() += n;
        }
        for (eco, n) in later.no_scheme {
            *self.no_scheme.entry(eco).or_default() += n;
        }
    }
}

/// One distinct lookup key of the SBOM.
struct Key {
    key: MatchKey,
    scheme: Scheme,
    /// `None` when the installed version does not parse (the key is then not matched).
    installed: Option<Version>,
    records: Vec<Affected>,
    /// Per record: `Ok(Some(fix))` affected, `Ok(None)` not affected, `Err` bad data.
    verdicts: Vec<Result<Option<Option<String>>, String>>,
    vulns: Vec<Vuln>,
    resolved: Vec<Resolved>,
}

/// Advisories fetched so far (`None`: not in the source), shared by every key naming them.
#[derive(Default)]
struct Advisories(HashMap<String, Option<Rc<Advisory>>>);

impl Advisories {
    /// Fetches, in one batch, those of `ids` not fetched yet.
    fn fetch<'i>(
        &mut self,
        source: &dyn AdvisorySource,
        ids: impl IntoIterator<Item = &'i str>,
    ) -> Result<(), ScanError> {
        let mut missing: Vec<&str> = ids
            .into_iter()
            .filter(|id| !self.0.contains_key(*id))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if missing.is_empty() {
            return Ok(());
        }
        let found = source.advisories(&missing).map_err(|e| ScanError::Source {
            package: format!("{} advisories", missing.len()),
            reason: e.to_string(),
        })?;
        for (id, advisory) in missing.iter().zip(found) {
            self.0.insert((*id).to_string(), advisory.map(Rc::new));
        }
        Ok(())
    }

    fn get(&self, id: &str) -> Option<Rc<Advisory>> {
        self.0.get(id).cloned().flatten()
    }
}

/// Whether `record` affects the installed version, and the fix that ends its range.
fn evaluate(key: &Key, record: &Affected) -> Result<Option<Option<String>>, String> {
    if record.state == FixState::NotAffected {
        return Ok(None);
    }
    // A tracker saying "unfixed" with no ranges means every version of the release.
    if record.state != FixState::Fixed && record.ranges.is_empty() && record.versions.is_empty() {
        return Ok(Some(None));
    }
    let Some(installed) = &key.installed else {
        return Ok(None);
    };
    match osv_affected_parsed(
        key.scheme,
        &key.key.version,
        installed,
        &record.ranges,
        &record.versions,
    ) {
        Ok(verdict) if verdict.affected => Ok(Some(verdict.fixed)),
        Ok(_) => Ok(None),
        Err(err) => Err(format!(
            "{} {} {}: {err}",
            record.advisory_id, key.key.ecosystem, key.key.name
        )),
    }
}

/// Folds the records of `key` into its vulnerabilities (see [`fold::Fold`]), tallying bad data
/// as it goes.
fn fold(key: &Key, advisories: &Advisories, problems: &mut Problems) -> Vec<Vuln> {
    let mut fold = fold::Fold::default();
    for (record, verdict) in key.records.iter().zip(&key.verdicts) {
        let advisory = advisories.get(&record.advisory_id);
        if advisory.as_ref().is_some_and(|a| a.withdrawn.is_some()) {
            continue;
        }
        let verdict = match verdict {
            Ok(fixed) => fixed.clone(),
            Err(message) => {
                problems.invalid_data.add(|| message.clone());
                None
            }
        };
        fold.add(key.scheme, record, advisory.as_deref(), verdict);
    }
    fold.finish()
}

/// Merges into `vuln` the non-CVE ids its primary id's own record names (a CVE record
/// listing its GHSA): never another CVE.
fn merge_own_aliases(vuln: &mut Vuln, own: Option<&Advisory>) {
    if let Some(own) = own {
        if own.withdrawn.is_none() {
            vuln.aliases.extend(
                own.aliases
                    .iter()
                    .filter(|id| !identity::is_cve(id) && **id != vuln.primary)
                    .cloned(),
            );
        }
    }
}

/// The primary id followed by the aliases: where severity, KEV and EPSS are looked up.
fn ids_of(vuln: &Vuln) -> impl Iterator<Item = &str> {
    std::iter::once(vuln.primary.as_str()).chain(vuln.aliases.iter().map(String::as_str))
}

/// KEV entries and EPSS scores of every CVE findings name, fetched in one batch each.
struct Exploitation {
    kev: HashMap<String, KevEntry>,
    epss: HashMap<String, seatbelt_vulndb::Epss>,
}

impl Exploitation {
    fn fetch(source: &dyn AdvisorySource, cves: &BTreeSet<&str>) -> Result<Self, ScanError> {
        let cves: Vec<&str> = cves.iter().copied().collect();
        let batch_error = |e: crate::source::SourceError| ScanError::Source {
            package: format!("{} CVEs", cves.len()),
            reason: e.to_string(),
        };
        let kev = source.kev_many(&cves).map_err(batch_error)?;
        let epss = source.epss_many(&cves).map_err(batch_error)?;
        Ok(Exploitation {
            kev: cves
                .iter()
                .zip(kev)
                .filter_map(|(cve, k)| Some(((*cve).to_string(), k?)))
                .collect(),
            epss: cves
                .iter()
                .zip(epss)
                .filter_map(|(cve, e)| Some(((*cve).to_string(), e?)))
                .collect(),
        })
    }
}

/// What resolving a vulnerability looks up. The batched matcher answers from what it fetched in
/// batches, the reference matcher from the source one lookup at a time; [`resolve`] is the same.
trait Lookups {
    fn advisory(&mut self, id: &str) -> Result<Option<Rc<Advisory>>, ScanError>;
    fn kev(&mut self, cve: &str) -> Result<Option<Kev>, ScanError>;
    fn epss(&mut self, cve: &str) -> Result<Option<Epss>, ScanError>;
    fn score(&mut self, vector: &str) -> Result<CvssScore, CvssError>;
    fn problems(&mut self) -> &mut Problems;
}

/// Severity (from the primary id's and aliases' own advisories, not those shared by several
/// CVEs), summary, KEV (the first CVE listed) and EPSS (the highest) of `vuln`.
fn resolve(vuln: Vuln, lookups: &mut dyn Lookups) -> Result<Resolved, ScanError> {
    let mut advisories = Vec::new();
    for id in ids_of(&vuln) {
        if vuln.shared_advisories.contains(id) {
            continue;
        }
        if let Some(a) = lookups.advisory(id)? {
            if a.withdrawn.is_none() {
                advisories.push(a);
            }
        }
    }
    // Tallied apart while `lookups` is borrowed for the scores, then added in order.
    let mut invalid = Tally::default();
    let rated = severity::rate(
        &advisories,
        &vuln.vendor_ratings,
        &mut |vector| lookups.score(vector),
        &mut |vector, id, err| invalid.add(|| format!("{id}: {vector:?}: {err}")),
    );
    lookups.problems().invalid_cvss.absorb(invalid);
    let summary = advisories
        .iter()
        .find_map(|a| a.summary.clone())
        .or_else(|| vuln.hit_summary.clone());
    let mut kev = None;
    let mut epss: Option<Epss> = None;
    for cve in ids_of(&vuln).filter(|id| identity::is_cve(id)) {
        if kev.is_none() {
            kev = lookups.kev(cve)?;
        }
        if let Some(e) = lookups.epss(cve)? {
            if epss.is_none_or(|best| e.score > best.score) {
                epss = Some(e);
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

/// [`Lookups`] from one chunk's batches; CVSS scores are computed once per vector for the scan.
struct Batched<'a> {
    advisories: &'a Advisories,
    exploitation: &'a Exploitation,
    scores: &'a mut HashMap<String, Result<CvssScore, CvssError>>,
    problems: &'a mut Problems,
}

impl Lookups for Batched<'_> {
    fn advisory(&mut self, id: &str) -> Result<Option<Rc<Advisory>>, ScanError> {
        Ok(self.advisories.get(id))
    }
    fn kev(&mut self, cve: &str) -> Result<Option<Kev>, ScanError> {
        Ok(self.exploitation.kev.get(cve).map(|k| Kev {
            cve: k.cve.clone(),
            date_added: k.date_added.clone(),
            due_date: k.due_date.clone(),
        }))
    }
    fn epss(&mut self, cve: &str) -> Result<Option<Epss>, ScanError> {
        Ok(self.exploitation.epss.get(cve).map(|e| Epss {
            score: e.score,
            percentile: e.percentile,
        }))
    }
    fn score(&mut self, vector: &str) -> Result<CvssScore, CvssError> {
        if let Some(known) = self.scores.get(vector) {
            return known.clone();
        }
        let score = base_score(vector);
        self.scores.insert(vector.to_string(), score.clone());
        score
    }
    fn problems(&mut self) -> &mut Problems {
        self.problems
    }
}

/// The later of two fixed versions (all ranges must be left); on an incomparable pair, the first.
fn highest(scheme: Scheme, a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => match scheme.compare(&a, &b) {
            Ok(std::cmp::Ordering::Less) => Some(b),
            _ => Some(a),
        },
        (a, b) => a.or(b),
    }
}

/// The fix state a finding shows: fixed when a fixed version exists, else the vendor's most
/// hopeful statement (unfixed before will-not-fix before end-of-life).
fn fix_state(vuln: &Vuln) -> FixState {
    if vuln.fixed.is_some() {
        return FixState::Fixed;
    }
    vuln.states
        .iter()
        .copied()
        .find(|s| !matches!(s, FixState::Fixed | FixState::NotAffected))
        .unwrap_or(FixState::Unfixed)
}

/// Keys matched per chunk (see [`scan`]).
const CHUNK_KEYS: usize = 512;

/// Phases 2-5 of [`scan`] for one chunk of keys: affected records, advisories, ids, KEV and
/// EPSS, each fetched in one batch; then each key's resolved vulnerabilities.
fn match_chunk(
    keys: &mut [Key],
    source: &dyn AdvisorySource,
    problems: &mut Problems,
    scores: &mut HashMap<String, Result<CvssScore, CvssError>>,
) -> Result<(), ScanError> {
    // Phase 2: affected records, one batch per ecosystem; each evaluated once.
    let mut by_ecosystem: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, key) in keys.iter().enumerate() {
        if key.installed.is_some() {
            by_ecosystem
                .entry(key.key.ecosystem.clone())
                .or_default()
                .push(index);
        }
    }
    for (ecosystem, indexes) in &by_ecosystem {
        let names: Vec<&str> = indexes
            .iter()
            .filter_map(|i| keys.get(*i).map(|k| k.key.name.as_str()))
            .collect();
        let found = source
            .affected_many(ecosystem, &names)
            .map_err(|e| ScanError::Source {
                package: format!("{ecosystem} ({} packages)", names.len()),
                reason: e.to_string(),
            })?;
        for (index, records) in indexes.iter().zip(found) {
            if let Some(key) = keys.get_mut(*index) {
                key.records = records;
            }
        }
    }
    for key in keys.iter_mut() {
        let verdicts = key.records.iter().map(|r| evaluate(key, r)).collect();
        key.verdicts = verdicts;
    }

    // Phase 3: advisories of the records that matter (a hit, or bad data to report unless
    // the advisory is withdrawn), then the vulnerabilities of each key. A key's records that
    // did not hit matter only when a hit advisory covers several CVEs (a DSA): a per-CVE
    // record clearing one of them then overrides it (see `fold`); otherwise their ids are
    // never reported and fetching them would only cost lookups.
    let mut advisories = Advisories::default();
    let hit_or_bad = keys.iter().flat_map(|key| {
        key.records
            .iter()
            .zip(&key.verdicts)
            .filter(|(_, v)| !matches!(v, Ok(None)))
            .map(|(r, _)| r.advisory_id.as_str())
    });
    advisories.fetch(source, hit_or_bad)?;
    let clearing = keys
        .iter()
        .filter(|key| {
            key.records.iter().zip(&key.verdicts).any(|(r, v)| {
                matches!(v, Ok(Some(_)))
                    && advisories
                        .get(&r.advisory_id)
                        .is_some_and(|a| identity::is_shared(&a))
            })
        })
        .flat_map(|key| key.records.iter().map(|r| r.advisory_id.as_str()))
        .collect::<Vec<_>>();
    advisories.fetch(source, clearing)?;
    for key in keys.iter_mut() {
        // Nothing hit and nothing to report: folding would only build the "clear" set.
        if key.verdicts.iter().any(|v| !matches!(v, Ok(None))) {
            key.vulns = fold(key, &advisories, problems);
        }
    }

    // Phase 4: the reported ids' own records (their aliases), then every id's record.
    advisories.fetch(
        source,
        keys.iter()
            .flat_map(|k| k.vulns.iter().map(|v| v.primary.as_str())),
    )?;
    for key in keys.iter_mut() {
        for vuln in &mut key.vulns {
            let own = advisories.get(&vuln.primary);
            merge_own_aliases(vuln, own.as_deref());
        }
    }
    advisories.fetch(
        source,
        keys.iter().flat_map(|k| k.vulns.iter().flat_map(ids_of)),
    )?;

    // Phase 5: KEV and EPSS of every CVE, severity and the rest per vulnerability.
    let cves: BTreeSet<&str> = keys
        .iter()
        .flat_map(|k| k.vulns.iter().flat_map(ids_of))
        .filter(|id| identity::is_cve(id))
        .collect();
    let exploitation = Exploitation::fetch(source, &cves)?;
    drop(cves);
    let mut lookups = Batched {
        advisories: &advisories,
        exploitation: &exploitation,
        scores,
        problems,
    };
    for key in keys.iter_mut() {
        let vulns = std::mem::take(&mut key.vulns);
        key.resolved = vulns
            .into_iter()
            .map(|v| resolve(v, &mut lookups))
            .collect::<Result<_, _>>()?;
        key.records = Vec::new();
        key.verdicts = Vec::new();
    }
    Ok(())
}

/// Phases 2-5 for every key, a chunk at a time: each lookup is still one query per chunk,
/// while what a chunk holds (records, advisories) is freed before the next, which keeps the
/// heap small; holding a whole 10,000-package scan's records at once made the allocator, not
/// the lookups, the cost.
fn match_in_chunks(
    keys: &mut [Key],
    source: &dyn AdvisorySource,
    problems: &mut Problems,
) -> Result<(), ScanError> {
    let mut scores = HashMap::new();
    for chunk in keys.chunks_mut(CHUNK_KEYS) {
        match_chunk(chunk, source, problems, &mut scores)?;
    }
    Ok(())
}

/// [`match_in_chunks`], on two threads when there is more than one chunk, a second core and
/// a second handle on the source: the second half of the keys goes to the other thread.
/// Each key's result depends on nothing else, and the second half's problems are tallied
/// after the first half's, so the report is the one a single thread gives.
fn match_keys(
    keys: &mut [Key],
    source: &dyn AdvisorySource,
    problems: &mut Problems,
) -> Result<(), ScanError> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let forked = (keys.len() > CHUNK_KEYS && cores > 1)
        .then(|| source.fork())
        .flatten();
    let Some(forked) = forked else {
        return match_in_chunks(keys, source, problems);
    };
    let (first, second) = keys.split_at_mut(keys.len().div_ceil(2));
    let theirs = std::thread::scope(|scope| {
        let worker = scope.spawn(move || {
            let mut theirs = Problems::default();
            match_in_chunks(second, &*forked, &mut theirs).map(|()| theirs)
        });
        let mine = match_in_chunks(first, source, problems);
        let theirs = worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        mine.and(theirs)
    })?;
    problems.absorb(theirs);
    Ok(())
}

/// Matches every package of `sbom` against `source`.
///
/// Findings come out in SBOM order, unsuppressed and unfiltered: the caller applies VEX, the
/// ignore file, the filters and the sort (see [`crate::filter`]).
pub fn scan(
    sbom: &Sbom,
    source: &dyn AdvisorySource,
    options: &ScanOptions,
) -> Result<Report, ScanError> {
    let mut problems = Problems::default();
    // Phase 1: distinct keys, installed versions parsed once each.
    let mut keys: Vec<Key> = Vec::new();
    let mut key_index: HashMap<MatchKey, usize> = HashMap::new();
    let mut package_keys: Vec<(&Package, usize)> = Vec::new();
    for package in &sbom.packages {
        let key = match match_key(package, sbom.distro.as_ref()) {
            Ok(key) => key,
            Err(Skip::NoRelease(what)) => {
                *problems.no_release.entry(what).or_default() += 1;
                continue;
            }
            Err(Skip::Unversioned) => continue,
        };
        let Some(scheme) = Scheme::for_osv_ecosystem(&key.ecosystem) else {
            *problems.no_scheme.entry(key.ecosystem.clone()).or_default() += 1;
            continue;
        };
        let index = match key_index.get(&key) {
            Some(index) => *index,
            None => {
                let installed = match scheme.parse(&key.version) {
                    Ok(parsed) => Some(parsed),
                    Err(_) => {
                        problems.invalid_installed.add(|| {
                            format!(
                                "{} {} {:?} ({scheme})",
                                key.ecosystem, key.name, key.version
                            )
                        });
                        None
                    }
                };
                keys.push(Key {
                    key: key.clone(),
                    scheme,
                    installed,
                    records: Vec::new(),
                    verdicts: Vec::new(),
                    vulns: Vec::new(),
                    resolved: Vec::new(),
                });
                key_index.insert(key, keys.len() - 1);
                keys.len() - 1
            }
        };
        package_keys.push((package, index));
    }
    drop(key_index);

    match_keys(&mut keys, source, &mut problems)?;

    let total = package_keys
        .iter()
        .filter_map(|(_, index)| keys.get(*index))
        .map(|key| key.resolved.len())
        .sum();
    let mut findings = Vec::with_capacity(total);
    // A deadline depends only on these two (and `now`): computed once each, not per finding.
    let mut remediations: HashMap<(bool, Severity), Remediation> = HashMap::new();
    for (package, index) in &package_keys {
        if let Some(key) = keys.get(*index) {
            for r in &key.resolved {
                let remediation = remediations
                    .entry((r.kev.is_some(), r.severity))
                    .or_insert_with(|| {
                        options
                            .deadlines
                            .remediation(r.kev.is_some(), r.severity, options.now)
                    })
                    .clone();
                findings.push(finding(package, &key.key, r, remediation));
            }
        }
    }
    Ok(Report {
        tool_version: options.tool_version.clone(),
        scanned_at: options.now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        subject: sbom.subject.clone(),
        distro: sbom.distro.clone(),
        packages_scanned: package_keys.len(),
        findings,
        expired_ignores: Vec::new(),
        warnings: warnings(&problems),
    })
}

fn finding(package: &Package, key: &MatchKey, r: &Resolved, remediation: Remediation) -> Finding {
    Finding {
        id: r.vuln.primary.clone(),
        aliases: r.vuln.aliases.iter().cloned().collect(),
        summary: r.summary.clone(),
        package: FindingPackage {
            id: package.id.clone(),
            name: package.name.clone(),
            version: package.version.clone(),
            ecosystem: package.ecosystem,
            purl: package.purl.clone(),
            locations: package.locations.clone(),
            matched_as: key.clone(),
        },
        severity: r.severity,
        severity_origin: r.origin.clone(),
        cvss_score: r.cvss,
        fixed_version: r.vuln.fixed.clone(),
        fix_state: fix_state(&r.vuln),
        kev: r.kev.clone(),
        epss: r.epss,
        remediation,
        suppression: None,
        data_sources: r.vuln.sources.iter().cloned().collect(),
        references: r.vuln.references.clone(),
    }
}

fn warnings(m: &Problems) -> Vec<String> {
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

#[cfg(test)]
mod tests;
