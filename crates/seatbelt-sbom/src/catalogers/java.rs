//! Java archives (`.jar`, `.war`, `.ear`): Maven coordinates from
//! `META-INF/maven/<group>/<artifact>/pom.properties`, else name and version from
//! `META-INF/MANIFEST.MF` and the file name; archives nested inside (`WEB-INF/lib/`,
//! `BOOT-INF/lib/`, an ear's modules) are opened recursively.
//!
//! Archives are read from memory. Depth, entry count, the size of each inflated entry and the
//! bytes inflated per top-level archive are all capped, so a zip bomb costs a bounded amount of
//! work and memory and becomes an unknown.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use seatbelt_types::{Ecosystem, Package, Purl};

use super::per_file::{Parsed, PerFile};
use crate::{CatalogContext, CatalogOutput, Cataloger, FoundFile, WantsPath};

const EXTENSIONS: [&str; 3] = [".jar", ".war", ".ear"];
/// Nesting deeper than an ear holding a war holding jars is not real packaging.
const MAX_DEPTH: usize = 4;
/// Entries examined per top-level archive (all nesting levels together).
const MAX_ENTRIES: usize = 200_000;
/// Largest pom.properties or MANIFEST.MF read.
const MAX_METADATA_BYTES: u64 = 1 << 20;
/// Largest nested archive inflated.
const MAX_NESTED_BYTES: u64 = 32 << 20;
/// Bytes inflated per top-level archive, nested ones included.
const MAX_INFLATED_BYTES: u64 = 256 << 20;

/// Maven coordinates (or the best guess from a manifest) of one archive or embedded module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JavaPackage {
    /// `groupId`, when known.
    pub group: Option<String>,
    /// `artifactId`.
    pub artifact: String,
    /// `version`.
    pub version: String,
    /// Declared license (manifest `Bundle-License`), when it is not a URL.
    pub license: Option<String>,
    /// Where inside the image file: `app.war!/WEB-INF/lib/x.jar`, or empty for the file itself.
    pub inner_path: String,
    /// `pom.properties` or `MANIFEST.MF`.
    pub evidence: &'static str,
}

/// What [`parse_archive`] found.
#[derive(Debug, Default)]
pub struct ParsedArchive {
    /// Packages, outermost archive first.
    pub packages: Vec<JavaPackage>,
    /// Why parts of it could not be read.
    pub problems: Vec<String>,
}

struct Budget {
    entries: usize,
    inflated: u64,
}

fn is_archive(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    EXTENSIONS.iter().any(|e| lower.ends_with(e))
}

/// `commons-lang3-3.12.0.jar` → (`commons-lang3`, `3.12.0`): the version starts at the first
/// `-` followed by a digit.
fn split_file_name(file: &str) -> (String, Option<String>) {
    let stem = file.rsplit('/').next().unwrap_or(file);
    let stem = stem.rfind('.').map_or(stem, |i| &stem[..i]);
    let bytes = stem.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'-' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            return (stem[..i].to_string(), Some(stem[i + 1..].to_string()));
        }
    }
    (stem.to_string(), None)
}

/// Java `.properties`: `key=value` or `key: value`, `#`/`!` comments.
fn properties(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('!'))
        .filter_map(|l| {
            let at = l.find(['=', ':'])?;
            Some((l[..at].trim().to_string(), l[at + 1..].trim().to_string()))
        })
        .collect()
}

/// The main section of a manifest, continuation lines (leading space) joined.
fn manifest(text: &str) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut last: Option<String> = None;
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break; // per-entry sections follow; only the main one describes the archive
        }
        if let Some(cont) = line.strip_prefix(' ') {
            if let Some(v) = last.as_ref().and_then(|k| out.get_mut(k)) {
                v.push_str(cont);
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            out.insert(k.trim().to_string(), v.trim().to_string());
            last = Some(k.trim().to_string());
        }
    }
    out
}

fn read_capped(entry: &mut impl Read, cap: u64, budget: &mut Budget) -> Result<Vec<u8>, String> {
    let allowed = cap.min(MAX_INFLATED_BYTES.saturating_sub(budget.inflated));
    let mut buf = Vec::new();
    entry
        .take(allowed + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot inflate: {e}"))?;
    budget.inflated += buf.len() as u64;
    if buf.len() as u64 > allowed {
        return Err(format!(
            "inflates past {allowed} bytes (zip bomb or oversized entry)"
        ));
    }
    Ok(buf)
}

/// Reads one archive (and those nested in it) from memory; `name` is its path, for file-name
/// fallbacks and for `inner_path`.
pub fn parse_archive(content: &[u8], name: &str) -> ParsedArchive {
    let mut out = ParsedArchive::default();
    let mut budget = Budget {
        entries: 0,
        inflated: 0,
    };
    walk_archive(content, name, "", 0, &mut budget, &mut out);
    out
}

fn walk_archive(
    content: &[u8],
    name: &str,
    inner_path: &str,
    depth: usize,
    budget: &mut Budget,
    out: &mut ParsedArchive,
) {
    let here = if inner_path.is_empty() {
        name
    } else {
        inner_path
    };
    let mut zip = match zip::ZipArchive::new(Cursor::new(content)) {
        Ok(z) => z,
        Err(e) => return out.problems.push(format!("{here}: not a zip archive: {e}")),
    };
    let mut poms = Vec::new();
    let mut manifest_fields = None;
    for i in 0..zip.len() {
        budget.entries += 1;
        if budget.entries > MAX_ENTRIES {
            return out.problems.push(format!(
                "{here}: more than {MAX_ENTRIES} entries; stopped reading"
            ));
        }
        let mut entry = match zip.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                out.problems.push(format!("{here}: entry {i}: {e}"));
                continue;
            }
        };
        let entry_name = entry.name().to_string();
        let is_pom =
            entry_name.starts_with("META-INF/maven/") && entry_name.ends_with("/pom.properties");
        let is_manifest = entry_name.eq_ignore_ascii_case("META-INF/MANIFEST.MF");
        let is_nested = is_archive(&entry_name) && !entry.is_dir();
        if !(is_pom || is_manifest || is_nested) {
            continue;
        }
        if is_nested && depth + 1 >= MAX_DEPTH {
            out.problems.push(format!(
                "{here}!/{entry_name}: nested deeper than {MAX_DEPTH}; skipped"
            ));
            continue;
        }
        let cap = if is_nested {
            MAX_NESTED_BYTES
        } else {
            MAX_METADATA_BYTES
        };
        let bytes = match read_capped(&mut entry, cap, budget) {
            Ok(b) => b,
            Err(e) => {
                out.problems.push(format!("{here}!/{entry_name}: {e}"));
                continue;
            }
        };
        drop(entry);
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        if is_pom {
            poms.push(properties(&text()));
        } else if is_manifest {
            manifest_fields = Some(manifest(&text()));
        } else {
            // Opened right away so only one nested archive per level is held in memory.
            let inner = format!("{here}!/{entry_name}");
            walk_archive(&bytes, name, &inner, depth + 1, budget, out);
        }
    }
    let (file_name, file_version) = split_file_name(here);
    let license = manifest_fields
        .as_ref()
        .and_then(|m| m.get("Bundle-License"))
        .filter(|l| !l.contains("://") && !l.is_empty())
        .cloned();
    let mut own_pom = false;
    for pom in &poms {
        let (Some(artifact), Some(version)) = (pom.get("artifactId"), pom.get("version")) else {
            out.problems.push(format!(
                "{here}: a pom.properties lacks artifactId or version"
            ));
            continue;
        };
        own_pom |= *artifact == file_name;
        out.packages.push(JavaPackage {
            group: pom.get("groupId").cloned().filter(|g| !g.is_empty()),
            artifact: artifact.clone(),
            version: version.clone(),
            license: license.clone().filter(|_| *artifact == file_name),
            inner_path: inner_path.to_string(),
            evidence: "pom.properties",
        });
    }
    if !own_pom {
        if let Some(p) = from_manifest(manifest_fields.as_ref(), file_name, file_version) {
            if !out
                .packages
                .iter()
                .any(|q| q.inner_path == inner_path && q.artifact == p.0 && q.version == p.1)
            {
                out.packages.push(JavaPackage {
                    group: p.2,
                    artifact: p.0,
                    version: p.1,
                    license,
                    inner_path: inner_path.to_string(),
                    evidence: "MANIFEST.MF",
                });
            }
        } else if poms.is_empty() {
            out.problems.push(format!(
                "{here}: no pom.properties and no version in MANIFEST.MF or name"
            ));
        }
    }
}

/// (artifact, version, group) from the manifest, with the file name filling gaps.
fn from_manifest(
    m: Option<&BTreeMap<String, String>>,
    file_name: String,
    file_version: Option<String>,
) -> Option<(String, String, Option<String>)> {
    let get = |k: &str| m.and_then(|m| m.get(k)).filter(|v| !v.is_empty()).cloned();
    let version = get("Implementation-Version")
        .or_else(|| get("Bundle-Version"))
        .or(file_version)?;
    // `Bundle-SymbolicName: org.foo.bar;singleton:=true`.
    let symbolic =
        get("Bundle-SymbolicName").map(|s| s.split(';').next().unwrap_or("").trim().to_string());
    let artifact = if file_name.is_empty() {
        get("Implementation-Title").or(symbolic)?
    } else {
        file_name
    };
    Some((artifact, version, get("Implementation-Vendor-Id")))
}

/// Finds Java archives' packages.
#[derive(Debug, Default)]
pub(crate) struct Java {
    collected: PerFile<JavaPackage>,
}

impl Cataloger for Java {
    fn name(&self) -> &'static str {
        "java"
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self) -> WantsPath {
        std::sync::Arc::new(is_archive)
    }

    fn observe(&mut self, file: &FoundFile<'_>) {
        self.collected.observe("java", "archive", file, |content| {
            let parsed = parse_archive(content, file.path);
            Parsed {
                records: parsed.packages,
                problems: parsed.problems,
            }
        });
    }

    fn finish(self: Box<Self>, _context: &CatalogContext) -> CatalogOutput {
        self.collected.finish(|(p, location)| {
            let purl = Purl::new("maven", p.group.as_deref(), &p.artifact, Some(&p.version));
            let mut package = Package::found(
                Ecosystem::Maven,
                purl,
                p.artifact.clone(),
                p.version,
                location,
                "java",
            );
            let metadata = &mut package.metadata;
            if let Some(g) = p.group {
                metadata.insert("maven.groupId".to_string(), g);
            }
            metadata.insert("maven.artifactId".to_string(), p.artifact);
            metadata.insert("java.evidence".to_string(), p.evidence.to_string());
            if !p.inner_path.is_empty() {
                metadata.insert("java.archivePath".to_string(), p.inner_path);
            }
            package.licenses = p.license.into_iter().collect();
            package
        })
    }
}

#[cfg(test)]
mod tests;
