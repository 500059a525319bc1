//! Alpine packages from apk's installed database, `lib/apk/db/installed`: one block per package
//! separated by blank lines, each line `X:value` with a one-letter key
//! (<https://wiki.alpinelinux.org/wiki/Apk_spec>). `F:` names a directory and the `R:` lines
//! after it the files in it.

use std::collections::HashMap;

use seatbelt_types::{Ecosystem, Package, Purl, SourcePackage, Unknown};

use crate::cataloger::{CatalogContext, CatalogOutput, Cataloger, FoundFile, WantsPath};

const INSTALLED: &str = "lib/apk/db/installed";
/// The most problems reported per file.
const MAX_PROBLEMS: usize = 20;

/// One package of the installed database.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApkEntry {
    /// `P:` name.
    pub name: String,
    /// `V:` version.
    pub version: String,
    /// `A:` architecture.
    pub arch: String,
    /// `o:` origin, the source package (aports directory).
    pub origin: Option<String>,
    /// `L:` license, as written (Alpine writes SPDX ids, sometimes space-separated).
    pub license: Option<String>,
    /// `D:` dependencies as written (`so:libc.musl-x86_64.so.1`, `musl>=1.2`, `!conflict`).
    pub depends: Vec<String>,
    /// `p:` what it provides (`so:libcrypto.so.3=3`, `cmd:openssl=3.1.4-r5`).
    pub provides: Vec<String>,
    /// Installed files, `F:` directory joined with each `R:` name.
    pub files: Vec<String>,
}

/// What [`parse_installed`] found.
#[derive(Debug, Default)]
pub struct ParsedInstalled {
    /// Blocks with a name and a version.
    pub entries: Vec<ApkEntry>,
    /// Why blocks or lines were skipped.
    pub problems: Vec<String>,
}

/// Parses `lib/apk/db/installed`. Never fails: blocks without `P:` or `V:` and lines that are
/// not `X:value` are reported as problems and skipped.
pub fn parse_installed(text: &str) -> ParsedInstalled {
    let mut out = ParsedInstalled::default();
    let mut current: Option<ApkEntry> = None;
    let mut dir = String::new();
    let mut note = |out: &mut ParsedInstalled, p: String| {
        if out.problems.len() < MAX_PROBLEMS {
            out.problems.push(p);
        }
    };
    for (index, raw) in text.lines().enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            finish(current.take(), &mut out, &mut note);
            dir.clear();
            continue;
        }
        let mut chars = line.chars();
        let (Some(key), Some(':')) = (chars.next(), chars.next()) else {
            note(
                &mut out,
                format!("line {} is not a `X:value` line", index + 1),
            );
            continue;
        };
        let value = chars.as_str();
        let entry = current.get_or_insert_with(ApkEntry::default);
        match key {
            'P' => entry.name = value.to_string(),
            'V' => entry.version = value.to_string(),
            'A' => entry.arch = value.to_string(),
            'o' => entry.origin = Some(value.to_string()).filter(|v| !v.is_empty()),
            'L' => entry.license = Some(value.to_string()).filter(|v| !v.is_empty()),
            'D' => entry
                .depends
                .extend(value.split_whitespace().map(str::to_string)),
            'p' => entry
                .provides
                .extend(value.split_whitespace().map(str::to_string)),
            'F' => {
                dir.clear();
                dir.push_str(value.trim_matches('/'));
                if !dir.is_empty() {
                    entry.files.push(dir.clone());
                }
            }
            'R' => {
                let name = value.trim_matches('/');
                if !name.is_empty() {
                    entry.files.push(if dir.is_empty() {
                        name.to_string()
                    } else {
                        format!("{dir}/{name}")
                    });
                }
            }
            _ => {}
        }
    }
    finish(current, &mut out, &mut note);
    out
}

fn finish(
    entry: Option<ApkEntry>,
    out: &mut ParsedInstalled,
    note: &mut impl FnMut(&mut ParsedInstalled, String),
) {
    let Some(entry) = entry else { return };
    if entry.name.is_empty() || entry.version.is_empty() {
        let what = if entry.name.is_empty() {
            "a block without `P:`".to_string()
        } else {
            format!("package {} has no `V:`", entry.name)
        };
        note(out, format!("{what}; skipped"));
        return;
    }
    out.entries.push(entry);
}

/// `musl>=1.2` → `musl`, `so:libc.so=1` → `so:libc.so`. Conflicts (`!name`) are no dependency.
fn dependency_key(dep: &str) -> Option<&str> {
    if dep.starts_with('!') {
        return None;
    }
    let end = dep.find(['<', '>', '=', '~']).unwrap_or(dep.len());
    Some(&dep[..end]).filter(|k| !k.is_empty())
}

/// The apk cataloger.
#[derive(Default)]
pub(crate) struct Apk {
    entries: Vec<(ApkEntry, seatbelt_types::Location)>,
    unknowns: Vec<Unknown>,
}

impl Apk {
    fn unknown(&mut self, file: &FoundFile<'_>, reason: String) {
        self.unknowns.push(Unknown {
            location: file.location.clone(),
            cataloger: "apk".to_string(),
            reason,
        });
    }
}

impl Cataloger for Apk {
    fn name(&self) -> &'static str {
        "apk"
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self) -> WantsPath {
        std::sync::Arc::new(|path: &str| path == INSTALLED)
    }

    fn observe(&mut self, file: &FoundFile<'_>) {
        if !file.complete {
            self.unknown(
                file,
                "the apk database is larger than the in-memory limit; its packages are not listed"
                    .to_string(),
            );
            return;
        }
        let parsed = parse_installed(&String::from_utf8_lossy(file.content));
        for problem in parsed.problems {
            self.unknown(file, problem);
        }
        let location = file.location.clone();
        self.entries
            .extend(parsed.entries.into_iter().map(|e| (e, location.clone())));
    }

    fn finish(self: Box<Self>, context: &CatalogContext) -> CatalogOutput {
        let namespace = context
            .distro
            .as_ref()
            .map_or("alpine", |d| d.id.as_str())
            .to_string();
        let distro = context.distro.as_ref().map(|d| match &d.version_id {
            Some(v) => format!("{}-{v}", d.id),
            None => d.id.clone(),
        });
        // `so:`/`cmd:`/`pc:` dependencies name what a package provides, not the package.
        let mut provider: HashMap<&str, &str> = HashMap::new();
        for (e, _) in &self.entries {
            provider.insert(e.name.as_str(), e.name.as_str());
            for p in &e.provides {
                if let Some(key) = dependency_key(p) {
                    provider.entry(key).or_insert(e.name.as_str());
                }
            }
        }
        let packages = self
            .entries
            .iter()
            .map(|(e, location)| {
                let mut dependencies: Vec<String> = Vec::new();
                for dep in e.depends.iter().filter_map(|d| dependency_key(d)) {
                    let name = provider.get(dep).copied().unwrap_or(dep);
                    if name != e.name && !dependencies.iter().any(|d| d == name) {
                        dependencies.push(name.to_string());
                    }
                }
                to_package(
                    e,
                    location.clone(),
                    dependencies,
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

fn to_package(
    e: &ApkEntry,
    location: seatbelt_types::Location,
    dependencies: Vec<String>,
    namespace: &str,
    distro: Option<&str>,
) -> Package {
    let mut purl = Purl::new("apk", Some(namespace), &e.name, Some(&e.version))
        .with_qualifier("arch", &e.arch);
    if let Some(distro) = distro {
        purl = purl.with_qualifier("distro", distro);
    }
    if let Some(origin) = &e.origin {
        purl = purl.with_qualifier("upstream", origin);
    }
    Package {
        id: String::new(),
        name: e.name.clone(),
        version: e.version.clone(),
        ecosystem: Ecosystem::Apk,
        purl,
        arch: (!e.arch.is_empty()).then(|| e.arch.clone()),
        source: Some(SourcePackage {
            name: e.origin.clone().unwrap_or_else(|| e.name.clone()),
            version: e.version.clone(),
        }),
        licenses: e.license.as_deref().map(license).into_iter().collect(),
        locations: vec![location],
        files: e.files.clone(),
        dependencies,
        cpes: Vec::new(),
        cataloger: "apk".to_string(),
        metadata: Default::default(),
    }
}

/// Alpine writes SPDX ids, joined by spaces when a package has several (`MIT BSD-3-Clause`),
/// or a proper expression (`GPL-2.0-or-later AND MIT`).
fn license(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let is_expression = words
        .iter()
        .any(|w| matches!(*w, "AND" | "OR" | "WITH" | "and" | "or"));
    if is_expression || words.len() < 2 {
        words.join(" ")
    } else {
        words.join(" AND ")
    }
}

#[cfg(test)]
mod tests {
    use seatbelt_types::{Distro, Location};

    use super::*;

    /// Shaped like an Alpine 3.19 `installed` file: checksums, sizes, maintainer, build time
    /// and commit lines that the cataloger ignores, `a:`/`Z:` per file, `M:` per directory.
    const INSTALLED_TEXT: &str = "C:Q1cdGc+0d3Lrm3bX9cDBDI4xfAuUs=
P:musl
V:1.2.4_git20230717-r4
A:x86_64
S:407278
I:663552
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Timo Ter\u{e4}s <timo.teras@iki.fi>
t:1705323327
c:ca7f2ab5e88794e4e654b40776f8a92256f50639
p:so:libc.musl-x86_64.so.1=1
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1Rt4j6Hv9ibF9qXgkDJeE0X8yIHk=
R:libc.musl-x86_64.so.1
a:0:0:777
Z:Q17yJ3JFNypA4mxhJJr0ou6CzsJVI=

C:Q1Uue6ov6bfbcXMJANW29iYHWuK0w=
P:libcrypto3
V:3.1.4-r5
A:x86_64
S:1791000
I:4448256
T:Crypto library from openssl
U:https://www.openssl.org/
L:Apache-2.0
o:openssl
m:Ariadne Conill <ariadne@dereferenced.org>
t:1706114734
c:29d76a0e8ffbf5a4a6a6e0e6b0a5e3b0c0a8d0a9
D:so:libc.musl-x86_64.so.1
p:so:libcrypto.so.3=3
r:libressl
F:etc
F:etc/ssl
F:etc/ssl/certs
F:etc/ssl/misc
R:CA.pl
a:0:0:755
Z:Q1IACevKhK93GYBKIcB7W5pnXBAkQ=
F:usr
F:usr/lib
R:libcrypto.so.3
a:0:0:755
Z:Q1m6wFSzhGi9vPY5TqGcR6QsFzpQk=

C:Q1aBcDeFgHiJkLmNoPqRsTuVwXyZ0=
P:busybox-binsh
V:1.36.1-r15
A:x86_64
S:1537
I:1
T:busybox ash /bin/sh
U:https://busybox.net/
L:GPL-2.0-only
o:busybox
m:S\u{f6}ren Tempel <soeren+alpine@soeren-tempel.net>
t:1705920418
c:1c3b0c3a0c76e9d0b52b8f6f2d4d0f0b7c6d2f3e
D:busybox=1.36.1-r15 !dash-binsh
p:/bin/sh cmd:sh=1.36.1-r15
F:bin
R:sh
a:0:0:777
Z:Q1pcfTfDNEbNKQc2s8tUKdrWPyGHo=

C:Q1zzz=
P:busybox
V:1.36.1-r15
A:x86_64
L:GPL-2.0-only
o:busybox
D:so:libc.musl-x86_64.so.1
p:cmd:busybox=1.36.1-r15
F:bin
R:busybox

P:ssl_client
V:1.36.1-r15
A:x86_64
L:MIT BSD-3-Clause
o:busybox
D:so:libc.musl-x86_64.so.1 so:libcrypto.so.3 so:libssl.so.3
";

    fn run(text: &str, complete: bool) -> CatalogOutput {
        let mut apk = Box::new(Apk::default());
        let wants = apk.wants();
        assert!(wants(INSTALLED));
        assert!(!wants("lib/apk/db/triggers"));
        apk.observe(&FoundFile {
            path: INSTALLED,
            content: text.as_bytes(),
            complete,
            mode: 0o644,
            location: Location {
                path: INSTALLED.to_string(),
                layer_index: Some(0),
                layer_digest: None,
            },
        });
        apk.finish(&CatalogContext {
            distro: Some(Distro {
                id: "alpine".into(),
                version_id: Some("3.19.1".into()),
                ..Distro::default()
            }),
        })
    }

    fn by_name<'a>(out: &'a CatalogOutput, name: &str) -> &'a Package {
        out.packages
            .iter()
            .find(|p| p.name == name)
            .expect("listed")
    }

    #[test]
    fn lists_packages_with_origin_files_and_purl() {
        let out = run(INSTALLED_TEXT, true);
        assert!(out.unknowns.is_empty(), "{:?}", out.unknowns);
        assert_eq!(out.packages.len(), 5);
        let crypto = by_name(&out, "libcrypto3");
        assert_eq!(
            crypto.purl.to_string(),
            "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1&upstream=openssl"
        );
        assert_eq!(
            crypto.source.as_ref().map(|s| s.name.as_str()),
            Some("openssl")
        );
        assert_eq!(crypto.licenses, ["Apache-2.0"]);
        assert_eq!(
            crypto.files,
            [
                "etc",
                "etc/ssl",
                "etc/ssl/certs",
                "etc/ssl/misc",
                "etc/ssl/misc/CA.pl",
                "usr",
                "usr/lib",
                "usr/lib/libcrypto.so.3"
            ]
        );
        assert_eq!(
            by_name(&out, "musl").files,
            [
                "lib",
                "lib/ld-musl-x86_64.so.1",
                "lib/libc.musl-x86_64.so.1"
            ]
        );
    }

    #[test]
    fn dependencies_resolve_through_provides() {
        let out = run(INSTALLED_TEXT, true);
        assert_eq!(by_name(&out, "libcrypto3").dependencies, ["musl"]);
        // Constraint stripped, conflict dropped.
        assert_eq!(by_name(&out, "busybox-binsh").dependencies, ["busybox"]);
        // libssl3 is not installed: the `so:` name stays as written.
        assert_eq!(
            by_name(&out, "ssl_client").dependencies,
            ["musl", "libcrypto3", "so:libssl.so.3"]
        );
        assert_eq!(
            by_name(&out, "ssl_client").licenses,
            ["MIT AND BSD-3-Clause"]
        );
    }

    #[test]
    fn malformed_and_truncated_input_become_unknowns() {
        let out = run("P:a\nV:1\n\nnonsense\nV:2\n\nP:b\n\n\u{0}", true);
        assert_eq!(out.packages.len(), 1);
        let reasons: Vec<&str> = out.unknowns.iter().map(|u| u.reason.as_str()).collect();
        assert!(reasons.iter().any(|r| r.contains("line 4")), "{reasons:?}");
        assert!(reasons.iter().any(|r| r.contains("without `P:`")));
        assert!(reasons.iter().any(|r| r.contains("b has no `V:`")));

        let out = run(INSTALLED_TEXT, false);
        assert!(out.packages.is_empty());
        assert!(out.unknowns[0].reason.contains("in-memory limit"));
        let garbage = "\u{0}:\n".repeat(1000) + &"zz\n".repeat(1000);
        assert!(parse_installed(&garbage).problems.len() <= MAX_PROBLEMS);
    }
}
