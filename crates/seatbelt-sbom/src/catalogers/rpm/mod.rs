//! RPM-based images: the rpm database in any of its three formats (SQLite, Berkeley DB hash,
//! NDB), under `var/lib/rpm` or `usr/lib/sysimage/rpm`. Header blobs are parsed by hand
//! ([`header`]); `rpm` is never run.

mod bdb;
pub(crate) mod header;
mod ndb;
mod sqlite;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use seatbelt_types::{Ecosystem, Location, Package, Purl, SourcePackage, Unknown};

use crate::{CatalogContext, CatalogOutput, Cataloger, FoundFile, WantsPath};

pub use header::parse_package;
use header::RpmPackage;

const DIRS: [&str; 2] = ["var/lib/rpm/", "usr/lib/sysimage/rpm/"];

/// The three database formats, by file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Sqlite,
    BerkeleyDb,
    Ndb,
}

fn format_of(path: &str) -> Option<Format> {
    let name = DIRS.iter().find_map(|d| path.strip_prefix(d))?;
    match name {
        "rpmdb.sqlite" => Some(Format::Sqlite),
        "Packages" => Some(Format::BerkeleyDb),
        "Packages.db" => Some(Format::Ndb),
        _ => None,
    }
}

/// Header blobs of one database file, plus reasons for the records that could not be read.
fn blobs(format: Format, content: &[u8]) -> Result<(Vec<Vec<u8>>, Vec<String>), String> {
    match format {
        Format::Sqlite => sqlite::header_blobs(content).map(|b| (b, Vec::new())),
        Format::BerkeleyDb => {
            let (mut values, problems) = bdb::hash_values(content)?;
            // Key 0 holds rpm's 4-byte instance counter, not a header.
            values.retain(|v| v.len() != 4);
            Ok((values, problems))
        }
        Format::Ndb => ndb::header_blobs(content),
    }
}

/// Runs one database file through the format readers and the header parser (fuzzing entry).
#[doc(hidden)]
pub fn fuzz_database(path: &str, content: &[u8]) -> usize {
    let Some(format) = format_of(path) else {
        return 0;
    };
    blobs(format, content).map_or(0, |(blobs, _)| {
        blobs.iter().filter(|b| parse_package(b).is_ok()).count()
    })
}

/// Finds packages in the rpm database.
#[derive(Debug, Default)]
pub(crate) struct Rpm {
    found: Vec<(RpmPackage, Location)>,
    unknowns: Vec<Unknown>,
}

impl Rpm {
    fn unknown(&mut self, location: &Location, reason: String) {
        self.unknowns.push(Unknown {
            location: location.clone(),
            cataloger: "rpm".into(),
            reason,
        });
    }
}

impl Cataloger for Rpm {
    fn name(&self) -> &'static str {
        "rpm"
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self) -> WantsPath {
        std::sync::Arc::new(|p: &str| format_of(p).is_some())
    }

    fn observe(&mut self, file: &FoundFile<'_>) {
        let Some(format) = format_of(file.path) else {
            return;
        };
        if !file.complete {
            let reason = "the database is larger than the in-memory limit".to_string();
            return self.unknown(&file.location, reason);
        }
        let (blobs, problems) = match blobs(format, file.content) {
            Ok(b) => b,
            Err(e) => return self.unknown(&file.location, e),
        };
        for p in problems {
            self.unknown(&file.location, p);
        }
        for blob in blobs {
            match parse_package(&blob) {
                Ok(p) => self.found.push((p, file.location.clone())),
                Err(e) => self.unknown(&file.location, e.to_string()),
            }
        }
    }

    fn finish(self: Box<Self>, context: &CatalogContext) -> CatalogOutput {
        // Fedora 36+ keeps the database in usr/lib/sysimage/rpm with var/lib/rpm a symlink;
        // should both paths hold a copy, each package is reported once.
        let mut seen = HashSet::new();
        let found: Vec<_> = self
            .found
            .into_iter()
            .filter(|(p, _)| {
                seen.insert((
                    p.name.clone(),
                    p.epoch,
                    p.version.clone(),
                    p.release.clone(),
                    p.arch.clone(),
                ))
            })
            .collect();
        let mut provider: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        for (p, _) in &found {
            provider.entry(&p.name).or_default().insert(&p.name);
            for cap in p.provides.iter().chain(&p.files) {
                provider.entry(cap).or_default().insert(&p.name);
            }
        }
        let packages = found
            .iter()
            .map(|(p, loc)| to_package(p, loc, context, &provider))
            .collect();
        CatalogOutput {
            packages,
            unknowns: self.unknowns,
        }
    }
}

/// `bash-5.1.8-9.el9.src.rpm` → (`bash`, `5.1.8-9.el9`).
fn split_source_rpm(srpm: &str) -> Option<(String, String)> {
    let stem = srpm
        .strip_suffix(".src.rpm")
        .or_else(|| srpm.strip_suffix(".nosrc.rpm"))?;
    let (rest, release) = stem.rsplit_once('-')?;
    let (name, version) = rest.rsplit_once('-')?;
    (!name.is_empty() && !version.is_empty() && !release.is_empty())
        .then(|| (name.to_string(), format!("{version}-{release}")))
}

fn to_package(
    p: &RpmPackage,
    location: &Location,
    context: &CatalogContext,
    provider: &HashMap<&str, BTreeSet<&str>>,
) -> Package {
    let version_release = if p.release.is_empty() {
        p.version.clone()
    } else {
        format!("{}-{}", p.version, p.release)
    };
    let version = match p.epoch {
        Some(e) => format!("{e}:{version_release}"),
        None => version_release.clone(),
    };
    let distro = context.distro.as_ref();
    // The purl spec keeps the epoch out of the version, in its own qualifier
    // (`pkg:rpm/centos/curl@7.50.3-1.el7?arch=i386&epoch=1`).
    let mut purl = Purl::new(
        "rpm",
        distro.map(|d| d.id.to_ascii_lowercase()).as_deref(),
        &p.name,
        Some(&version_release),
    )
    .with_qualifier("arch", p.arch.as_deref().unwrap_or_default())
    .with_qualifier("epoch", &p.epoch.map(|e| e.to_string()).unwrap_or_default())
    .with_qualifier("upstream", p.source_rpm.as_deref().unwrap_or_default());
    if let Some(d) = distro {
        let tag = match &d.version_id {
            Some(v) => format!("{}-{v}", d.id),
            None => d.id.clone(),
        };
        purl = purl.with_qualifier("distro", &tag);
    }
    let dependencies: BTreeSet<String> = p
        .requires
        .iter()
        .filter_map(|r| provider.get(r.as_str()))
        .flatten()
        .filter(|&&n| n != p.name)
        .map(|n| (*n).to_string())
        .collect();
    let mut metadata = BTreeMap::new();
    if let Some(v) = &p.vendor {
        metadata.insert("rpm.vendor".to_string(), v.clone());
    }
    if let Some(s) = &p.source_rpm {
        metadata.insert("rpm.sourceRpm".to_string(), s.clone());
    }
    Package {
        id: String::new(),
        name: p.name.clone(),
        version,
        ecosystem: Ecosystem::Rpm,
        purl,
        arch: p.arch.clone(),
        source: p
            .source_rpm
            .as_deref()
            .and_then(split_source_rpm)
            .map(|(name, version)| SourcePackage { name, version }),
        licenses: p
            .license
            .iter()
            .filter(|l| !l.is_empty())
            .cloned()
            .collect(),
        locations: vec![location.clone()],
        files: p.files.clone(),
        dependencies: dependencies.into_iter().collect(),
        cpes: Vec::new(),
        cataloger: "rpm".into(),
        metadata,
    }
}

#[cfg(test)]
mod tests;
