//! Where advisories come from. The matcher asks through this trait, so the local SQLite DB, an
//! in-memory set (tests, benchmarks) or a remote service are interchangeable.

use std::collections::HashMap;

use seatbelt_vulndb::{Advisory, Affected, Epss, KevEntry, VulnDb};

/// A lookup failure, as the source words it.
pub type SourceError = Box<dyn std::error::Error + Send + Sync>;

/// Advisory lookups, in the vulnerability DB's own model.
pub trait AdvisorySource {
    /// Affected-package records for one package (`ecosystem` with release, normalised name).
    fn affected(&self, ecosystem: &str, package: &str) -> Result<Vec<Affected>, SourceError>;
    /// One advisory by id.
    fn advisory(&self, id: &str) -> Result<Option<Advisory>, SourceError>;
    /// The KEV entry of a CVE.
    fn kev(&self, cve: &str) -> Result<Option<KevEntry>, SourceError>;
    /// The EPSS score of a CVE.
    fn epss(&self, cve: &str) -> Result<Option<Epss>, SourceError>;

    /// [`AdvisorySource::affected`] for many packages of one ecosystem, aligned with
    /// `packages`. Sources with per-query costs (a DB, a service) answer it in one go.
    fn affected_many(
        &self,
        ecosystem: &str,
        packages: &[&str],
    ) -> Result<Vec<Vec<Affected>>, SourceError> {
        packages
            .iter()
            .map(|package| self.affected(ecosystem, package))
            .collect()
    }
    /// Many advisories, aligned with `ids`. `details` may be left out: scans never show it.
    fn advisories(&self, ids: &[&str]) -> Result<Vec<Option<Advisory>>, SourceError> {
        ids.iter().map(|id| self.advisory(id)).collect()
    }
    /// KEV entries of many CVEs, aligned with `cves`.
    fn kev_many(&self, cves: &[&str]) -> Result<Vec<Option<KevEntry>>, SourceError> {
        cves.iter().map(|cve| self.kev(cve)).collect()
    }
    /// EPSS scores of many CVEs, aligned with `cves`.
    fn epss_many(&self, cves: &[&str]) -> Result<Vec<Option<Epss>>, SourceError> {
        cves.iter().map(|cve| self.epss(cve)).collect()
    }
    /// A second handle on the same data that another thread may own (a DB opens a second
    /// read-only connection), so a large scan can match on two cores; `None` keeps it on one.
    fn fork(&self) -> Option<Box<dyn AdvisorySource + Send>> {
        None
    }
}

impl AdvisorySource for VulnDb {
    fn affected(&self, ecosystem: &str, package: &str) -> Result<Vec<Affected>, SourceError> {
        Ok(VulnDb::affected(self, ecosystem, package)?)
    }
    fn advisory(&self, id: &str) -> Result<Option<Advisory>, SourceError> {
        Ok(VulnDb::advisory(self, id)?)
    }
    fn kev(&self, cve: &str) -> Result<Option<KevEntry>, SourceError> {
        Ok(VulnDb::kev(self, cve)?)
    }
    fn epss(&self, cve: &str) -> Result<Option<Epss>, SourceError> {
        Ok(VulnDb::epss(self, cve)?)
    }
    fn affected_many(
        &self,
        ecosystem: &str,
        packages: &[&str],
    ) -> Result<Vec<Vec<Affected>>, SourceError> {
        Ok(VulnDb::affected_many(self, ecosystem, packages)?)
    }
    fn advisories(&self, ids: &[&str]) -> Result<Vec<Option<Advisory>>, SourceError> {
        Ok(VulnDb::advisory_heads(self, ids)?)
    }
    fn kev_many(&self, cves: &[&str]) -> Result<Vec<Option<KevEntry>>, SourceError> {
        Ok(VulnDb::kev_many(self, cves)?)
    }
    fn epss_many(&self, cves: &[&str]) -> Result<Vec<Option<Epss>>, SourceError> {
        Ok(VulnDb::epss_many(self, cves)?)
    }
    fn fork(&self) -> Option<Box<dyn AdvisorySource + Send>> {
        match self.reopen() {
            Ok(db) => Some(Box::new(db)),
            Err(err) => {
                tracing::debug!("matching on one thread: {err}");
                None
            }
        }
    }
}

/// Advisories held in memory.
#[derive(Debug, Clone, Default)]
pub struct MemorySource {
    affected: HashMap<(String, String), Vec<Affected>>,
    advisories: HashMap<String, Advisory>,
    kev: HashMap<String, KevEntry>,
    epss: HashMap<String, Epss>,
}

impl MemorySource {
    /// Adds an affected-package record.
    pub fn add_affected(&mut self, affected: Affected) {
        self.affected
            .entry((affected.ecosystem.clone(), affected.package.clone()))
            .or_default()
            .push(affected);
    }
    /// Adds an advisory.
    pub fn add_advisory(&mut self, advisory: Advisory) {
        self.advisories.insert(advisory.id.clone(), advisory);
    }
    /// Adds a KEV entry.
    pub fn add_kev(&mut self, entry: KevEntry) {
        self.kev.insert(entry.cve.clone(), entry);
    }
    /// Adds an EPSS score.
    pub fn add_epss(&mut self, epss: Epss) {
        self.epss.insert(epss.cve.clone(), epss);
    }
}

impl AdvisorySource for MemorySource {
    fn affected(&self, ecosystem: &str, package: &str) -> Result<Vec<Affected>, SourceError> {
        Ok(self
            .affected
            .get(&(ecosystem.to_string(), package.to_string()))
            .cloned()
            .unwrap_or_default())
    }
    fn advisory(&self, id: &str) -> Result<Option<Advisory>, SourceError> {
        Ok(self.advisories.get(id).cloned())
    }
    fn kev(&self, cve: &str) -> Result<Option<KevEntry>, SourceError> {
        Ok(self.kev.get(cve).cloned())
    }
    fn epss(&self, cve: &str) -> Result<Option<Epss>, SourceError> {
        Ok(self.epss.get(cve).cloned())
    }
}
