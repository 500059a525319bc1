//! JavaScript packages: installed ones (`node_modules/<name>/package.json`,
//! `node_modules/@scope/<name>/package.json`, and Debian's `usr/share/nodejs/<name>`) and those an application's `package-lock.json`
//! pins (v1 `dependencies` tree, v2/v3 `packages` map; <https://docs.npmjs.com/cli/configuring-npm/package-lock-json>).
//!
//! A package both installed and pinned by a lockfile next to its `node_modules` is reported once,
//! as the installed one (its `package.json` is what is really there and carries the license),
//! with the lockfile added to its locations. Lockfiles inside `node_modules` (npm's hidden
//! `.package-lock.json`, or ones dependencies ship) are ignored: the installed tree says more.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use seatbelt_types::{Ecosystem, Location, Package, Purl, Unknown};
use serde::Deserialize;
use serde_json::Value;

use crate::cataloger::{CatalogContext, CatalogOutput, Cataloger, FoundFile, WantsPath};

const NAME: &str = "npm";
const LOCKFILE: &str = "package-lock.json";

/// One package as a manifest or lockfile entry describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NpmPackage {
    /// Full name, with its scope (`@babel/core`).
    pub name: String,
    /// Version as written.
    pub version: String,
    /// Declared licenses.
    pub licenses: Vec<String>,
    /// Names of runtime (and optional) dependencies.
    pub dependencies: Vec<String>,
    /// Install path relative to the lockfile's directory (`node_modules/a/node_modules/b`),
    /// for lockfile entries.
    pub lock_path: Option<String>,
    /// `resolved` URL, `integrity` hash and `dev` flag from a lockfile, when given.
    pub resolved: Option<String>,
    /// Subresource-integrity hash.
    pub integrity: Option<String>,
    /// Only a development dependency.
    pub dev: bool,
}

#[derive(Deserialize)]
struct Manifest {
    name: Option<String>,
    version: Option<String>,
    license: Option<Value>,
    licenses: Option<Value>,
    #[serde(default)]
    dependencies: Option<BTreeMap<String, Value>>,
    #[serde(default, rename = "optionalDependencies")]
    optional_dependencies: Option<BTreeMap<String, Value>>,
}

/// `license` as a string, or the legacy `{ "type": … }` object, or a `licenses` array of them.
fn license_values(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
        Value::Object(o) => {
            if let Some(Value::String(t)) = o.get("type") {
                out.push(t.trim().to_string());
            }
        }
        Value::Array(items) => items.iter().for_each(|i| license_values(i, out)),
        _ => {}
    }
}

fn dependency_names(deps: &[&Option<BTreeMap<String, Value>>]) -> Vec<String> {
    let mut names: Vec<String> = deps
        .iter()
        .filter_map(|d| d.as_ref())
        .flat_map(|d| d.keys().cloned())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Parses an installed package's `package.json`.
pub fn parse_manifest(content: &[u8]) -> Result<NpmPackage, String> {
    let m: Manifest =
        serde_json::from_slice(content).map_err(|e| format!("not a package.json: {e}"))?;
    let name = m.name.filter(|n| !n.is_empty()).ok_or("no `name`")?;
    let version = m
        .version
        .filter(|v| !v.is_empty())
        .ok_or_else(|| format!("no `version` for `{name}`"))?;
    let mut licenses = Vec::new();
    for l in [&m.license, &m.licenses].into_iter().flatten() {
        license_values(l, &mut licenses);
    }
    Ok(NpmPackage {
        name,
        version,
        licenses,
        dependencies: dependency_names(&[&m.dependencies, &m.optional_dependencies]),
        ..NpmPackage::default()
    })
}

#[derive(Deserialize)]
struct Lockfile {
    #[serde(rename = "lockfileVersion")]
    lockfile_version: Option<u32>,
    packages: Option<BTreeMap<String, LockEntry>>,
    dependencies: Option<BTreeMap<String, LockEntry>>,
}

/// An entry of either lockfile shape: v2/v3 `packages` values, or v1 `dependencies` values
/// (which nest, and name their dependencies in `requires`).
#[derive(Deserialize)]
struct LockEntry {
    name: Option<String>,
    version: Option<String>,
    resolved: Option<String>,
    integrity: Option<String>,
    #[serde(default)]
    dev: bool,
    #[serde(default)]
    link: bool,
    license: Option<Value>,
    dependencies: Option<Value>,
    #[serde(rename = "optionalDependencies")]
    optional_dependencies: Option<BTreeMap<String, Value>>,
    requires: Option<Value>,
}

fn object_keys(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Object(o)) => o.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// The package name in a v2/v3 `packages` key: what follows the last `node_modules/`.
fn name_from_lock_path(key: &str) -> Option<&str> {
    key.rsplit_once("node_modules/").map(|(_, n)| n)
}

/// Parses a `package-lock.json` (v1, v2 or v3). The root project (key `""`) and workspace
/// links are not packages of their own.
pub fn parse_lockfile(content: &[u8]) -> Result<Vec<NpmPackage>, String> {
    let lock: Lockfile =
        serde_json::from_slice(content).map_err(|e| format!("not a package-lock.json: {e}"))?;
    let mut out = Vec::new();
    if let Some(packages) = lock.packages {
        for (key, entry) in packages {
            if key.is_empty() || entry.link {
                continue;
            }
            let Some(name) = entry
                .name
                .clone()
                .or_else(|| name_from_lock_path(&key).map(str::to_string))
            else {
                // Workspace members outside node_modules appear by path; their links cover them.
                continue;
            };
            let mut licenses = Vec::new();
            if let Some(l) = &entry.license {
                license_values(l, &mut licenses);
            }
            let mut dependencies = object_keys(entry.dependencies.as_ref());
            dependencies.extend(dependency_names(&[&entry.optional_dependencies]));
            dependencies.sort();
            dependencies.dedup();
            out.push(NpmPackage {
                name,
                version: entry.version.unwrap_or_default(),
                licenses,
                dependencies,
                lock_path: Some(key),
                resolved: entry.resolved,
                integrity: entry.integrity,
                dev: entry.dev,
            });
        }
        return Ok(out);
    }
    match (lock.lockfile_version, lock.dependencies) {
        (Some(1) | None, Some(deps)) => {
            v1_tree(&deps, "", &mut out);
            Ok(out)
        }
        (Some(1) | None, None) => Ok(out),
        (Some(v), _) => Err(format!(
            "lockfileVersion {v} without a `packages` map (not written by npm 7 or later)"
        )),
    }
}

fn v1_tree(deps: &BTreeMap<String, LockEntry>, parent: &str, out: &mut Vec<NpmPackage>) {
    for (name, entry) in deps {
        let lock_path = format!("{parent}node_modules/{name}");
        let mut dependencies = object_keys(entry.requires.as_ref());
        dependencies.sort();
        out.push(NpmPackage {
            name: name.clone(),
            version: entry.version.clone().unwrap_or_default(),
            licenses: Vec::new(),
            dependencies,
            lock_path: Some(lock_path.clone()),
            resolved: entry.resolved.clone(),
            integrity: entry.integrity.clone(),
            dev: entry.dev,
        });
        if let Some(nested) = entry
            .dependencies
            .as_ref()
            .and_then(|v| BTreeMap::<String, LockEntry>::deserialize(v).ok())
        {
            v1_tree(&nested, &format!("{lock_path}/"), out);
        }
    }
}

/// Directories whose children are installed packages: any `node_modules`, and the ones
/// Debian's `node-*` packages install into (`usr/share/nodejs`, `usr/lib/nodejs`,
/// `usr/lib/<triplet>/nodejs`), which have no `node_modules` in their path.
fn is_package_root(dir: &str) -> bool {
    dir == "node_modules"
        || dir.ends_with("/node_modules")
        || dir == "usr/share/nodejs"
        || dir == "usr/lib/nodejs"
        || dir
            .strip_prefix("usr/lib/")
            .and_then(|rest| rest.strip_suffix("/nodejs"))
            .is_some_and(|triplet| !triplet.contains('/'))
}

/// Whether `path` is `<root>/<name>/package.json` or `<root>/@scope/<name>/package.json` for a
/// package root ([`is_package_root`]); nested `package.json` files (test fixtures, `exports`
/// stubs) are not packages.
fn is_installed_manifest(path: &str) -> bool {
    let Some(dir) = path.strip_suffix("/package.json") else {
        return false;
    };
    let (parent, last) = dir.rsplit_once('/').unwrap_or(("", dir));
    if last.is_empty() || last.starts_with('.') {
        return false;
    }
    if is_package_root(parent) {
        return !last.starts_with('@');
    }
    let (grand, scope) = parent.rsplit_once('/').unwrap_or(("", parent));
    scope.len() > 1 && scope.starts_with('@') && is_package_root(grand)
}

fn is_app_lockfile(path: &str) -> bool {
    (path == LOCKFILE || path.ends_with("/package-lock.json"))
        && !path.starts_with("node_modules/")
        && !path.contains("/node_modules/")
}

fn purl(name: &str, version: &str) -> Purl {
    let (namespace, short) = match name.split_once('/') {
        Some((scope, n)) if scope.starts_with('@') => (Some(scope), n),
        _ => (None, name),
    };
    Purl::new(
        "npm",
        namespace,
        short,
        Some(version).filter(|v| !v.is_empty()),
    )
}

fn package(p: NpmPackage, location: Location) -> Package {
    let mut metadata = BTreeMap::new();
    if let Some(r) = p.resolved {
        metadata.insert("npm.resolved".to_string(), r);
    }
    if let Some(i) = p.integrity {
        metadata.insert("npm.integrity".to_string(), i);
    }
    if p.dev {
        metadata.insert("npm.dev".to_string(), "true".to_string());
    }
    Package {
        id: String::new(),
        purl: purl(&p.name, &p.version),
        name: p.name,
        version: p.version,
        ecosystem: Ecosystem::Npm,
        arch: None,
        source: None,
        licenses: p.licenses,
        locations: vec![location],
        files: Vec::new(),
        dependencies: p.dependencies,
        cpes: Vec::new(),
        cataloger: NAME.into(),
        metadata,
    }
}

/// Finds npm packages.
#[derive(Debug, Default)]
pub(crate) struct NpmCataloger {
    installed: Vec<(Location, Result<NpmPackage, String>)>,
    locks: Vec<(Location, Result<Vec<NpmPackage>, String>)>,
}

impl Cataloger for NpmCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self) -> WantsPath {
        Arc::new(|path: &str| is_installed_manifest(path) || is_app_lockfile(path))
    }

    fn observe(&mut self, file: &FoundFile<'_>) {
        if is_installed_manifest(file.path) {
            self.installed
                .push((file.location.clone(), parse_manifest(file.content)));
        } else {
            self.locks
                .push((file.location.clone(), parse_lockfile(file.content)));
        }
    }

    fn finish(self: Box<Self>, _context: &CatalogContext) -> CatalogOutput {
        let mut output = CatalogOutput::default();
        let unknown = |location: Location, reason: String| Unknown {
            location,
            cataloger: NAME.into(),
            reason,
        };
        // Installed packages by the directory holding their package.json.
        let mut by_dir: HashMap<String, usize> = HashMap::new();
        for (location, parsed) in self.installed {
            match parsed {
                Ok(p) => {
                    let dir = location
                        .path
                        .strip_suffix("/package.json")
                        .unwrap_or(&location.path)
                        .to_string();
                    by_dir.insert(dir, output.packages.len());
                    output.packages.push(package(p, location));
                }
                Err(reason) => output.unknowns.push(unknown(location, reason)),
            }
        }
        for (location, parsed) in self.locks {
            let entries = match parsed {
                Ok(entries) => entries,
                Err(reason) => {
                    output.unknowns.push(unknown(location, reason));
                    continue;
                }
            };
            let base = location
                .path
                .strip_suffix(LOCKFILE)
                .unwrap_or("")
                .to_string();
            for entry in entries {
                let installed = entry
                    .lock_path
                    .as_ref()
                    .and_then(|p| by_dir.get(&format!("{base}{p}")))
                    .and_then(|&i| output.packages.get_mut(i))
                    .filter(|p| p.name == entry.name && p.version == entry.version);
                if let Some(p) = installed {
                    p.locations.push(location.clone());
                    continue;
                }
                output.packages.push(package(entry, location.clone()));
            }
        }
        output
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(files: &[(&str, &str)]) -> CatalogOutput {
        crate::catalogers::test_support::run(
            Box::new(NpmCataloger::default()),
            files,
            &CatalogContext::default(),
        )
    }

    /// As npm 9 writes it (`npm install express@4.18.2 @types/node@20.1.0`), trimmed.
    const LOCK_V3: &str = r#"{
  "name": "app",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "app",
      "version": "1.0.0",
      "license": "ISC",
      "dependencies": { "@types/node": "^20.1.0", "debug": "^2.6.9" }
    },
    "node_modules/@types/node": {
      "version": "20.1.0",
      "resolved": "https://registry.npmjs.org/@types/node/-/node-20.1.0.tgz",
      "integrity": "sha512-O+z53uwx64xY7D6roOi4+jApDGFg0qn6WHcxe5QeqjMaTezBO/mxdfFXIVAVVyNWKx84OmPB3L8kbVYOTeN34A=="
    },
    "node_modules/debug": {
      "version": "2.6.9",
      "resolved": "https://registry.npmjs.org/debug/-/debug-2.6.9.tgz",
      "integrity": "sha512-bC7ElrdJaJnPbAP+1EotYvqZsb3ecl5wi6Bfi6BJTUcNowp6cvspg0jXznRTKDjm/E7AdgFBVeAPVMNcKGsHMA==",
      "license": "MIT",
      "dependencies": { "ms": "2.0.0" }
    },
    "node_modules/debug/node_modules/ms": {
      "version": "2.0.0",
      "dev": true,
      "license": "MIT"
    },
    "packages/local": { "name": "local", "version": "0.0.1" },
    "node_modules/local": { "resolved": "packages/local", "link": true }
  }
}"#;

    const LOCK_V1: &str = r#"{
  "name": "old-app",
  "version": "1.0.0",
  "lockfileVersion": 1,
  "requires": true,
  "dependencies": {
    "debug": {
      "version": "2.6.9",
      "resolved": "https://registry.npmjs.org/debug/-/debug-2.6.9.tgz",
      "integrity": "sha512-bC7E==",
      "requires": { "ms": "2.0.0" },
      "dependencies": {
        "ms": { "version": "2.0.0", "resolved": "https://registry.npmjs.org/ms/-/ms-2.0.0.tgz" }
      }
    },
    "ms": { "version": "2.1.3", "dev": true }
  }
}"#;

    #[test]
    fn lockfile_v3_packages_map() {
        let out = run(&[("srv/app/package-lock.json", LOCK_V3)]);
        assert!(out.unknowns.is_empty(), "{:?}", out.unknowns);
        let purls: Vec<_> = out.packages.iter().map(|p| p.purl.to_string()).collect();
        assert_eq!(
            purls,
            [
                "pkg:npm/%40types/node@20.1.0",
                "pkg:npm/debug@2.6.9",
                "pkg:npm/ms@2.0.0",
                "pkg:npm/local@0.0.1",
            ]
        );
        assert_eq!(out.packages[0].name, "@types/node");
        assert_eq!(out.packages[1].dependencies, ["ms"]);
        assert_eq!(out.packages[1].licenses, ["MIT"]);
        assert_eq!(
            out.packages[2].metadata.get("npm.dev").map(String::as_str),
            Some("true")
        );
    }

    #[test]
    fn lockfile_v1_tree_is_flattened_with_paths() {
        let entries = parse_lockfile(LOCK_V1.as_bytes()).expect("parses");
        let got: Vec<_> = entries
            .iter()
            .map(|e| (e.name.as_str(), e.version.as_str(), e.lock_path.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("debug", "2.6.9", Some("node_modules/debug")),
                ("ms", "2.0.0", Some("node_modules/debug/node_modules/ms")),
                ("ms", "2.1.3", Some("node_modules/ms")),
            ]
        );
        assert_eq!(entries[0].dependencies, ["ms"]);
    }

    #[test]
    fn installed_package_wins_over_its_lock_entry() {
        let out = run(&[
            (
                "srv/app/node_modules/debug/package.json",
                r#"{"name":"debug","version":"2.6.9","license":"MIT","dependencies":{"ms":"2.0.0"},"main":"./src/index.js"}"#,
            ),
            (
                "srv/app/node_modules/@types/node/package.json",
                r#"{"name":"@types/node","version":"20.1.0","license":"MIT"}"#,
            ),
            ("srv/app/package-lock.json", LOCK_V3),
        ]);
        let debug: Vec<_> = out.packages.iter().filter(|p| p.name == "debug").collect();
        assert_eq!(debug.len(), 1);
        let paths: Vec<_> = debug[0].locations.iter().map(|l| l.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "srv/app/node_modules/debug/package.json",
                "srv/app/package-lock.json"
            ]
        );
        assert_eq!(out.packages.len(), 4);
    }

    #[test]
    fn legacy_license_shapes() {
        let p = parse_manifest(
            br#"{"name":"old","version":"0.1.0","licenses":[{"type":"MIT","url":"x"},{"type":"Apache-2.0"}]}"#,
        )
        .expect("parses");
        assert_eq!(p.licenses, ["MIT", "Apache-2.0"]);
        let p =
            parse_manifest(br#"{"name":"o","version":"1.0.0","license":{"type":"BSD-3-Clause"}}"#)
                .expect("parses");
        assert_eq!(p.licenses, ["BSD-3-Clause"]);
    }

    #[test]
    fn path_filter_is_exact() {
        let w = NpmCataloger::default().wants();
        assert!(w("node_modules/a/package.json"));
        assert!(w(
            "usr/lib/node_modules/npm/node_modules/@npmcli/arborist/package.json"
        ));
        assert!(!w("node_modules/a/test/fixtures/package.json"));
        assert!(!w("node_modules/@scope/package.json"));
        assert!(!w("node_modules/.bin/package.json"));
        assert!(!w("srv/app/package.json"));
        assert!(!w("node_modules/.package-lock.json"));
        assert!(!w("srv/app/node_modules/a/package-lock.json"));
        assert!(w("package-lock.json"));
        assert!(w("usr/share/nodejs/semver/package.json"));
        assert!(w("usr/share/nodejs/@types/node/package.json"));
        assert!(w("usr/lib/x86_64-linux-gnu/nodejs/bufferutil/package.json"));
        assert!(!w("usr/share/nodejs/semver/functions/package.json"));
    }

    #[test]
    fn broken_files_are_unknowns() {
        let out = run(&[
            ("node_modules/a/package.json", r#"{"name":"a"}"#),
            ("node_modules/b/package.json", "{not json"),
            ("app/package-lock.json", r#"{"lockfileVersion":3}"#),
            ("app2/package-lock.json", "[1,2]"),
        ]);
        assert!(out.packages.is_empty());
        assert_eq!(out.unknowns.len(), 4);
        assert!(out.unknowns[0].reason.contains("no `version`"));
    }
}
