//! Debian packages from the dpkg database: `var/lib/dpkg/status`, the one-stanza-per-file
//! `var/lib/dpkg/status.d/*` that distroless images carry, installed files from
//! `var/lib/dpkg/info/*.list`, and licenses from machine-readable `usr/share/doc/*/copyright`.

mod copyright;
mod stanza;

use std::collections::HashMap;

use seatbelt_types::{Ecosystem, Location, Package, Purl, SourcePackage, Unknown};

use crate::cataloger::{CatalogContext, CatalogOutput, Cataloger, FoundFile, WantsPath};

pub use copyright::parse_copyright;
pub use stanza::{parse_status, DpkgEntry, ParsedStatus};

const STATUS: &str = "var/lib/dpkg/status";
const STATUS_D: &str = "var/lib/dpkg/status.d/";
const INFO: &str = "var/lib/dpkg/info/";
const DOC: &str = "usr/share/doc/";

/// The dpkg cataloger.
#[derive(Default)]
pub(crate) struct Dpkg {
    /// Parsed entries with the database file they came from.
    entries: Vec<(DpkgEntry, Location)>,
    /// `.list` file stem (`pkg` or `pkg:arch`) → installed paths.
    lists: HashMap<String, Vec<String>>,
    /// Doc directory name → SPDX-mapped license names.
    licenses: HashMap<String, Vec<String>>,
    unknowns: Vec<Unknown>,
}

/// `status.d/NAME` holds a stanza; `status.d/NAME.md5sums` holds checksums, not a stanza.
fn is_status_d_stanza(path: &str) -> bool {
    path.strip_prefix(STATUS_D)
        .is_some_and(|rest| !rest.is_empty() && !rest.contains('/') && !rest.ends_with(".md5sums"))
}

fn list_stem(path: &str) -> Option<&str> {
    path.strip_prefix(INFO)
        .and_then(|rest| rest.strip_suffix(".list"))
        .filter(|stem| !stem.is_empty() && !stem.contains('/'))
}

fn copyright_package(path: &str) -> Option<&str> {
    path.strip_prefix(DOC)
        .and_then(|rest| rest.strip_suffix("/copyright"))
        .filter(|pkg| !pkg.is_empty() && !pkg.contains('/'))
}

/// Image paths from a `.list` file: absolute paths become relative; `/.` (the root) is dropped.
fn parse_list(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim_end_matches('\r').trim_start_matches('/'))
        .filter(|l| !l.is_empty() && *l != ".")
        .map(str::to_string)
        .collect()
}

impl Dpkg {
    fn unknown(&mut self, file: &FoundFile<'_>, reason: String) {
        self.unknowns.push(Unknown {
            location: file.location.clone(),
            cataloger: "dpkg".to_string(),
            reason,
        });
    }

    fn observe_database(&mut self, file: &FoundFile<'_>) {
        if !file.complete {
            self.unknown(
                file,
                "the dpkg database is larger than the in-memory limit; its packages are not listed"
                    .to_string(),
            );
            return;
        }
        let text = String::from_utf8_lossy(file.content);
        let parsed = parse_status(&text);
        for problem in parsed.problems {
            self.unknown(file, problem);
        }
        for entry in parsed.entries.into_iter().filter(DpkgEntry::is_installed) {
            self.entries.push((entry, file.location.clone()));
        }
    }
}

impl Cataloger for Dpkg {
    fn name(&self) -> &'static str {
        "dpkg"
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self) -> WantsPath {
        std::sync::Arc::new(|path: &str| {
            path == STATUS
                || is_status_d_stanza(path)
                || list_stem(path).is_some()
                || copyright_package(path).is_some()
        })
    }

    fn observe(&mut self, file: &FoundFile<'_>) {
        if file.path == STATUS || is_status_d_stanza(file.path) {
            self.observe_database(file);
        } else if let Some(stem) = list_stem(file.path) {
            // A truncated list still names real files; keep what is there.
            let files = parse_list(&String::from_utf8_lossy(file.content));
            self.lists.insert(stem.to_string(), files);
        } else if let Some(pkg) = copyright_package(file.path) {
            let licenses = parse_copyright(&String::from_utf8_lossy(file.content));
            if !licenses.is_empty() {
                self.licenses.insert(pkg.to_string(), licenses);
            }
        }
    }

    fn finish(mut self: Box<Self>, context: &CatalogContext) -> CatalogOutput {
        let namespace = context
            .distro
            .as_ref()
            .map_or("debian", |d| d.id.as_str())
            .to_string();
        let distro = context.distro.as_ref().map(|d| match &d.version_id {
            Some(v) => format!("{}-{v}", d.id),
            None => d.id.clone(),
        });
        let entries = std::mem::take(&mut self.entries);
        let packages = entries
            .into_iter()
            .map(|(entry, location)| {
                let files = self
                    .lists
                    .get(&format!("{}:{}", entry.name, entry.arch))
                    .or_else(|| self.lists.get(&entry.name))
                    .cloned()
                    .unwrap_or_default();
                let licenses = self.licenses.get(&entry.name).cloned().unwrap_or_default();
                to_package(
                    entry,
                    location,
                    files,
                    licenses,
                    &namespace,
                    distro.as_deref(),
                )
            })
            .collect();
        CatalogOutput {
            packages,
            unknowns: self.unknowns,
        }
    }
}

/// The purl as syft writes it: `upstream` names the source package when it differs from the
/// binary, with `@SRCVERSION` when the source version differs too (binNMUs).
fn purl(entry: &DpkgEntry, namespace: &str, distro: Option<&str>) -> Purl {
    let mut purl = Purl::new("deb", Some(namespace), &entry.name, Some(&entry.version))
        .with_qualifier("arch", &entry.arch);
    if let Some(distro) = distro {
        purl = purl.with_qualifier("distro", distro);
    }
    let (src, src_version) = entry.source();
    if src_version != entry.version {
        purl = purl.with_qualifier("upstream", &format!("{src}@{src_version}"));
    } else if src != entry.name {
        purl = purl.with_qualifier("upstream", src);
    }
    purl
}

fn to_package(
    entry: DpkgEntry,
    location: Location,
    files: Vec<String>,
    licenses: Vec<String>,
    namespace: &str,
    distro: Option<&str>,
) -> Package {
    let purl = purl(&entry, namespace, distro);
    let (src, src_version) = entry.source();
    let source = SourcePackage {
        name: src.to_string(),
        version: src_version.to_string(),
    };
    Package {
        id: String::new(),
        purl,
        arch: (!entry.arch.is_empty()).then(|| entry.arch.clone()),
        source: Some(source),
        licenses,
        locations: vec![location],
        files,
        dependencies: entry.depends,
        cpes: Vec::new(),
        cataloger: "dpkg".to_string(),
        metadata: Default::default(),
        ecosystem: Ecosystem::Deb,
        name: entry.name,
        version: entry.version,
    }
}

#[cfg(test)]
mod tests;
