//! Python packages as pip, setuptools and Debian install them: `*.dist-info/METADATA`,
//! `*.egg-info/PKG-INFO` and `*.egg-info` files, in any `site-packages` or `dist-packages`.
//!
//! The metadata format is the core metadata spec
//! (<https://packaging.python.org/en/latest/specifications/core-metadata/>): RFC 822 headers,
//! then a blank line and the description, which is never read.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use seatbelt_types::{Ecosystem, Location, Package, Purl, Unknown};

use crate::cataloger::{CatalogContext, CatalogOutput, Cataloger, FoundFile, WantsPath};

const NAME: &str = "python";
/// Header values longer than this are license texts pasted into `License:`, not identifiers.
const MAX_LICENSE_NAME: usize = 100;

/// The fields of one core-metadata file this cataloger uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PythonMetadata {
    /// `Name`, as written.
    pub name: String,
    /// `Version`.
    pub version: String,
    /// `License-Expression` (metadata 2.4), an SPDX expression.
    pub license_expression: Option<String>,
    /// `License`, free text.
    pub license: Option<String>,
    /// `Classifier` values.
    pub classifiers: Vec<String>,
    /// Names from `Requires-Dist`, excluding those needed only for an extra.
    pub requires: Vec<String>,
}

/// Parses core-metadata headers (`METADATA`, `PKG-INFO`). Missing `Name` or `Version` is an
/// error naming the field.
pub fn parse_metadata(content: &[u8]) -> Result<PythonMetadata, String> {
    let text = String::from_utf8_lossy(content);
    let mut headers: Vec<(&str, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            // A folded continuation (multi-line `License:` or `Description:`); distutils
            // writes the description's blank lines as indentation only, so this comes before
            // the end-of-headers check.
            if let Some((_, value)) = headers.last_mut() {
                value.push('\n');
                value.push_str(line.trim());
            }
            continue;
        }
        if line.is_empty() {
            break;
        }
        if let Some((key, value)) = line.split_once(':') {
            headers.push((key.trim(), value.trim().to_string()));
        }
    }
    let mut meta = PythonMetadata::default();
    for (key, value) in headers {
        match key.to_ascii_lowercase().as_str() {
            "name" => meta.name = value,
            "version" => meta.version = value,
            "license-expression" if !value.is_empty() => meta.license_expression = Some(value),
            "license" => meta.license = Some(value),
            "classifier" => meta.classifiers.push(value),
            "requires-dist" => {
                if let Some(dep) = requirement_name(&value) {
                    meta.requires.push(dep.to_string());
                }
            }
            _ => {}
        }
    }
    if meta.name.is_empty() {
        return Err("no `Name:` header".into());
    }
    if meta.version.is_empty() {
        return Err(format!("no `Version:` header for `{}`", meta.name));
    }
    Ok(meta)
}

/// The distribution name of a PEP 508 requirement, unless it is only for an extra (those are
/// not installed by default, so they are not dependencies of what is in the image).
fn requirement_name(requirement: &str) -> Option<&str> {
    let (spec, marker) = requirement
        .split_once(';')
        .map_or((requirement, ""), |(s, m)| (s, m));
    if marker.contains("extra") {
        return None;
    }
    let spec = spec.trim();
    let end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .unwrap_or(spec.len());
    let name = &spec[..end];
    (!name.is_empty()).then_some(name)
}

/// PEP 503: lowercase, runs of `-`, `_` and `.` become one `-`.
pub(crate) fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.push(c.to_ascii_lowercase());
            in_run = false;
        }
    }
    out
}

/// Trove license classifiers that name exactly one SPDX license. `BSD License` and
/// `Apache Software License` do not say which version or variant, so they are left out.
fn classifier_license(classifier: &str) -> Option<&'static str> {
    let tail = classifier.strip_prefix("License :: OSI Approved :: ")?;
    Some(match tail {
        "MIT License" => "MIT",
        "ISC License (ISCL)" => "ISC",
        "Mozilla Public License 2.0 (MPL 2.0)" => "MPL-2.0",
        "Python Software Foundation License" => "PSF-2.0",
        "GNU General Public License v2 (GPLv2)" => "GPL-2.0-only",
        "GNU General Public License v2 or later (GPLv2+)" => "GPL-2.0-or-later",
        "GNU General Public License v3 (GPLv3)" => "GPL-3.0-only",
        "GNU General Public License v3 or later (GPLv3+)" => "GPL-3.0-or-later",
        "GNU Lesser General Public License v2 or later (LGPLv2+)" => "LGPL-2.0-or-later",
        "GNU Lesser General Public License v3 (LGPLv3)" => "LGPL-3.0-only",
        "GNU Lesser General Public License v3 or later (LGPLv3+)" => "LGPL-3.0-or-later",
        "GNU Affero General Public License v3" => "AGPL-3.0-only",
        "GNU Affero General Public License v3 or later (AGPLv3+)" => "AGPL-3.0-or-later",
        "Apache Software License 2.0" => "Apache-2.0",
        "The Unlicense (Unlicense)" => "Unlicense",
        "Zope Public License" => "ZPL-2.1",
        _ => return None,
    })
}

/// The free-text `License:` field as SPDX where it is a common spelling of one id.
fn license_field(value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty()
        || value.eq_ignore_ascii_case("UNKNOWN")
        || value.contains('\n')
        || value.len() > MAX_LICENSE_NAME
    {
        return None;
    }
    let spdx = match value.to_ascii_lowercase().as_str() {
        "mit" | "mit license" => "MIT",
        "apache 2.0"
        | "apache-2.0"
        | "apache license 2.0"
        | "apache license, version 2.0"
        | "apache software license 2.0"
        | "apache 2" => "Apache-2.0",
        "bsd-3-clause" | "3-clause bsd" | "bsd 3-clause" => "BSD-3-Clause",
        "bsd-2-clause" | "2-clause bsd" => "BSD-2-Clause",
        "mpl-2.0" | "mpl 2.0" => "MPL-2.0",
        "isc" | "isc license" => "ISC",
        "psf" | "psf license" | "psf-2.0" => "PSF-2.0",
        _ => return Some(value.to_string()),
    };
    Some(spdx.to_string())
}

fn licenses(meta: &PythonMetadata) -> Vec<String> {
    if let Some(expr) = &meta.license_expression {
        return vec![expr.clone()];
    }
    let mut out: Vec<String> = meta
        .license
        .as_deref()
        .and_then(license_field)
        .into_iter()
        .collect();
    for c in &meta.classifiers {
        if let Some(id) = classifier_license(c) {
            if !out.iter().any(|l| l == id) {
                out.push(id.to_string());
            }
        }
    }
    out
}

/// What a path is to this cataloger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `METADATA`, `PKG-INFO` or an `.egg-info` file.
    Metadata,
    /// `RECORD` (dist-info): installed files, relative to the site directory.
    Record,
    /// `installed-files.txt` (egg-info): installed files, relative to the egg-info directory.
    InstalledFiles,
}

fn classify(path: &str) -> Option<Kind> {
    if path.ends_with(".dist-info/METADATA")
        || path.ends_with(".egg-info/PKG-INFO")
        || path.ends_with(".egg-info")
    {
        Some(Kind::Metadata)
    } else if path.ends_with(".dist-info/RECORD") {
        Some(Kind::Record)
    } else if path.ends_with(".egg-info/installed-files.txt") {
        Some(Kind::InstalledFiles)
    } else {
        None
    }
}

/// The metadata directory a file belongs to (the `.egg-info` file itself for the file form).
fn meta_dir(path: &str) -> &str {
    if path.ends_with(".egg-info") {
        return path;
    }
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// `base/rel` with `.` and `..` resolved, never above the image root.
fn join(base: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') {
        return Some(rel.trim_start_matches('/').to_string());
    }
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The path column of a `RECORD` line (CSV; paths with commas are quoted).
fn record_path(line: &str) -> Option<&str> {
    if let Some(rest) = line.strip_prefix('"') {
        // Doubled quotes inside are rare enough in file names to leave as written.
        return rest.split_once('"').map(|(p, _)| p);
    }
    line.split(',').next().filter(|p| !p.is_empty())
}

fn installed_files(kind: Kind, path: &str, content: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(content);
    let dir = meta_dir(path);
    let base = match kind {
        Kind::Record => dir.rsplit_once('/').map_or("", |(site, _)| site),
        _ => dir,
    };
    text.lines()
        .filter_map(|line| match kind {
            Kind::Record => record_path(line),
            _ => Some(line.trim()).filter(|l| !l.is_empty()),
        })
        .filter_map(|rel| join(base, rel))
        .collect()
}

/// Finds Python distributions.
#[derive(Debug, Default)]
pub(crate) struct PythonCataloger {
    found: Vec<(Location, Result<PythonMetadata, String>)>,
    /// Installed files by metadata directory.
    files: HashMap<String, Vec<String>>,
}

impl Cataloger for PythonCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self) -> WantsPath {
        Arc::new(|path: &str| classify(path).is_some())
    }

    fn observe(&mut self, file: &FoundFile<'_>) {
        match classify(file.path) {
            Some(Kind::Metadata) => {
                self.found
                    .push((file.location.clone(), parse_metadata(file.content)));
            }
            Some(kind) => {
                let files = installed_files(kind, file.path, file.content);
                self.files.insert(meta_dir(file.path).to_string(), files);
            }
            None => {}
        }
    }

    fn finish(mut self: Box<Self>, _context: &CatalogContext) -> CatalogOutput {
        let mut output = CatalogOutput::default();
        // Requirements are written in any spelling; point them at the names as installed so
        // the core can relate them.
        let installed: HashMap<String, String> = self
            .found
            .iter()
            .filter_map(|(_, m)| m.as_ref().ok())
            .map(|m| (normalize(&m.name), m.name.clone()))
            .collect();
        for (location, meta) in std::mem::take(&mut self.found) {
            let meta = match meta {
                Ok(meta) => meta,
                Err(reason) => {
                    output.unknowns.push(Unknown {
                        location,
                        cataloger: NAME.into(),
                        reason: format!("not Python package metadata: {reason}"),
                    });
                    continue;
                }
            };
            let normalized = normalize(&meta.name);
            let mut dependencies: Vec<String> = meta
                .requires
                .iter()
                .map(|r| {
                    let n = normalize(r);
                    installed.get(&n).cloned().unwrap_or(n)
                })
                .collect();
            dependencies.sort();
            dependencies.dedup();
            let files = self
                .files
                .remove(meta_dir(&location.path))
                .unwrap_or_default();
            output.packages.push(Package {
                id: String::new(),
                purl: Purl::new("pypi", None, &normalized, Some(&meta.version)),
                licenses: licenses(&meta),
                name: meta.name,
                version: meta.version,
                ecosystem: Ecosystem::Pypi,
                arch: None,
                source: None,
                locations: vec![location],
                files,
                dependencies,
                cpes: Vec::new(),
                cataloger: NAME.into(),
                metadata: BTreeMap::new(),
            });
        }
        output
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As pip 23 writes it for requests 2.19.0 (wheel metadata 2.1), description cut short.
    const REQUESTS: &str = "Metadata-Version: 2.1\nName: requests\nVersion: 2.19.0\nSummary: Python HTTP for Humans.\nHome-page: http://python-requests.org\nAuthor: Kenneth Reitz\nAuthor-email: me@kennethreitz.org\nLicense: Apache 2.0\nPlatform: UNKNOWN\nClassifier: Development Status :: 5 - Production/Stable\nClassifier: Intended Audience :: Developers\nClassifier: Natural Language :: English\nClassifier: License :: OSI Approved :: Apache Software License\nClassifier: Programming Language :: Python\nRequires-Python: >=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*\nProvides-Extra: security\nProvides-Extra: socks\nRequires-Dist: chardet (<3.1.0,>=3.0.2)\nRequires-Dist: idna (<2.8,>=2.5)\nRequires-Dist: urllib3 (<1.24,>=1.21.1)\nRequires-Dist: certifi (>=2017.4.17)\nRequires-Dist: pyOpenSSL (>=0.14) ; extra == 'security'\nRequires-Dist: cryptography (>=1.3.4) ; extra == 'security'\nRequires-Dist: PySocks (!=1.5.7,>=1.5.6) ; extra == 'socks'\nRequires-Dist: win-inet-pton ; (sys_platform == \"win32\" and python_version == \"2.7\") and extra == 'socks'\n\nRequests: HTTP for Humans\n=========================\n\nName: not-a-header\n";

    /// Setuptools-built PKG-INFO (PyYAML 5.3 from an sdist), metadata 1.1.
    const PYYAML: &str = "Metadata-Version: 1.1\nName: PyYAML\nVersion: 5.3\nSummary: YAML parser and emitter for Python\nHome-page: https://github.com/yaml/pyyaml\nAuthor: Kirill Simonov\nAuthor-email: xi@resolvent.net\nLicense: MIT\nDownload-URL: https://pypi.org/project/PyYAML/\nDescription: YAML is a data serialization format designed for human readability\n        and interaction with scripting languages.\n        \n        PyYAML is a YAML parser and emitter for Python.\nPlatform: Any\nClassifier: Development Status :: 5 - Production/Stable\nClassifier: License :: OSI Approved :: MIT License\nClassifier: Programming Language :: Python :: 3.8\nRequires-Python: >=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*\n";

    fn run(files: &[(&str, &str)]) -> CatalogOutput {
        crate::catalogers::test_support::run(
            Box::new(PythonCataloger::default()),
            files,
            &CatalogContext::default(),
        )
    }

    #[test]
    fn dist_info_metadata_gives_purl_licenses_and_installed_dependencies() {
        let meta = parse_metadata(REQUESTS.as_bytes()).expect("parses");
        assert_eq!(meta.name, "requests");
        assert_eq!(meta.version, "2.19.0");
        assert_eq!(meta.requires, ["chardet", "idna", "urllib3", "certifi"]);
        assert_eq!(licenses(&meta), ["Apache-2.0"]);
    }

    #[test]
    fn egg_info_pkg_info_keeps_display_name_and_normalises_purl() {
        let out = run(&[
            (
                "opt/venv/lib/python3.11/site-packages/PyYAML-5.3.egg-info/PKG-INFO",
                PYYAML,
            ),
            (
                "opt/venv/lib/python3.11/site-packages/PyYAML-5.3.egg-info/installed-files.txt",
                "../yaml/__init__.py\n../_yaml.cpython-311-x86_64-linux-gnu.so\nPKG-INFO\n",
            ),
        ]);
        assert!(out.unknowns.is_empty());
        // The classifiers follow a description with an indentation-only blank line.
        let meta = parse_metadata(PYYAML.as_bytes()).expect("parses");
        assert_eq!(meta.classifiers.len(), 3);
        let p = &out.packages[0];
        assert_eq!(p.name, "PyYAML");
        assert_eq!(p.purl.to_string(), "pkg:pypi/pyyaml@5.3");
        assert_eq!(p.licenses, ["MIT"]);
        assert_eq!(
            p.files,
            [
                "opt/venv/lib/python3.11/site-packages/yaml/__init__.py",
                "opt/venv/lib/python3.11/site-packages/_yaml.cpython-311-x86_64-linux-gnu.so",
                "opt/venv/lib/python3.11/site-packages/PyYAML-5.3.egg-info/PKG-INFO",
            ]
        );
    }

    #[test]
    fn debian_egg_info_file_and_record_are_read() {
        let out = run(&[
            (
                "usr/lib/python3/dist-packages/six-1.16.0.egg-info",
                "Metadata-Version: 1.2\nName: six\nVersion: 1.16.0\nLicense: MIT\n",
            ),
            (
                "usr/lib/python3/dist-packages/Jinja2-3.1.2.dist-info/METADATA",
                "Metadata-Version: 2.1\nName: Jinja2\nVersion: 3.1.2\nLicense: BSD-3-Clause\nRequires-Dist: MarkupSafe (>=2.0)\nRequires-Dist: Babel (>=2.7) ; extra == 'i18n'\n",
            ),
            (
                "usr/lib/python3/dist-packages/Jinja2-3.1.2.dist-info/RECORD",
                "jinja2/__init__.py,sha256=abc,1927\n\"odd,name.py\",,\n../../../bin/jinja,,\nJinja2-3.1.2.dist-info/RECORD,,\n",
            ),
            (
                "usr/lib/python3/dist-packages/MarkupSafe-2.1.2.dist-info/METADATA",
                "Metadata-Version: 2.1\nName: MarkupSafe\nVersion: 2.1.2\n",
            ),
        ]);
        let names: Vec<_> = out.packages.iter().map(|p| p.purl.to_string()).collect();
        assert_eq!(
            names,
            [
                "pkg:pypi/six@1.16.0",
                "pkg:pypi/jinja2@3.1.2",
                "pkg:pypi/markupsafe@2.1.2"
            ]
        );
        let jinja = &out.packages[1];
        assert_eq!(jinja.dependencies, ["MarkupSafe"]);
        assert_eq!(jinja.licenses, ["BSD-3-Clause"]);
        assert_eq!(
            jinja.files,
            [
                "usr/lib/python3/dist-packages/jinja2/__init__.py",
                "usr/lib/python3/dist-packages/odd,name.py",
                "usr/bin/jinja",
                "usr/lib/python3/dist-packages/Jinja2-3.1.2.dist-info/RECORD",
            ]
        );
    }

    #[test]
    fn license_expression_wins_and_long_license_text_is_dropped() {
        let meta = parse_metadata(
            b"Metadata-Version: 2.4\nName: x\nVersion: 1\nLicense-Expression: MIT OR Apache-2.0\n",
        )
        .expect("parses");
        assert_eq!(licenses(&meta), ["MIT OR Apache-2.0"]);
        let meta = parse_metadata(
            b"Name: y\nVersion: 2\nLicense: Copyright (c) 2010 someone\n        Permission is hereby granted\nClassifier: License :: OSI Approved :: BSD License\n",
        )
        .expect("parses");
        assert!(licenses(&meta).is_empty());
    }

    #[test]
    fn pep503_normalisation() {
        assert_eq!(normalize("Foo.Bar__baz-_-Q"), "foo-bar-baz-q");
        assert_eq!(normalize("zope.interface"), "zope-interface");
    }

    #[test]
    fn broken_metadata_is_an_unknown_not_a_package() {
        let out = run(&[
            ("a/site-packages/x-1.dist-info/METADATA", "Version: 1\n"),
            (
                "a/site-packages/y-1.dist-info/METADATA",
                "Name: y\n\nVersion: 1\n",
            ),
            ("a/site-packages/z.egg-info", "\u{0}\u{ff}garbage"),
        ]);
        assert!(out.packages.is_empty());
        assert_eq!(out.unknowns.len(), 3);
        assert!(
            out.unknowns[1].reason.contains("Version"),
            "{:?}",
            out.unknowns
        );
    }

    #[test]
    fn wants_only_metadata_paths() {
        let w = PythonCataloger::default().wants();
        assert!(!w("usr/lib/python3/dist-packages/foo/METADATA"));
        assert!(!w("usr/lib/python3/dist-packages/x.dist-info/LICENSE"));
        assert!(!w("x.egg-info/SOURCES.txt"));
        assert!(w(
            "srv/app/.venv/lib/python3.12/site-packages/a-1.dist-info/METADATA"
        ));
    }

    #[test]
    fn record_paths_cannot_climb_above_the_root() {
        assert_eq!(join("a", "../../x"), None);
        assert_eq!(join("a/b", "/etc/x"), Some("etc/x".into()));
    }
}
