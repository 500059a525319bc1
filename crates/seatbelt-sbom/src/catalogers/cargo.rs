//! Rust crates: `Cargo.lock` files (<https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html>)
//! and the dependency list cargo-auditable embeds in binaries (the `.dep-v0` ELF section:
//! zlib-compressed JSON, <https://github.com/rust-secure-code/cargo-auditable/blob/master/PARSING.md>).
//!
//! Only crates from crates.io get `pkg:cargo` purls; crates from another registry carry a
//! `repository_url` qualifier, git ones a `vcs_url`, and local (path) crates are
//! `pkg:generic`, so that they never match advisories for a crates.io crate of the same name.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;

use object::{Object, ObjectSection};
use seatbelt_types::{Ecosystem, Location, Package, Purl, Unknown};
use serde::Deserialize;

use super::executables;
use crate::cataloger::{CatalogContext, CatalogOutput, Cataloger, FoundFile, WantsPath};

const NAME: &str = "cargo";
const CRATES_IO: &str = "registry+https://github.com/rust-lang/crates.io-index";
const CRATES_IO_SPARSE: &str = "sparse+https://index.crates.io/";
/// The `.dep-v0` JSON is a few hundred bytes per crate; anything bigger is hostile.
const MAX_AUDIT_JSON: u64 = 8 * 1024 * 1024;

/// Where a crate came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrateSource {
    /// crates.io.
    CratesIo,
    /// Another registry (its index URL).
    Registry(String),
    /// A git repository (URL with the revision).
    Git(String),
    /// A path in the workspace (no source in the lockfile).
    Local,
    /// Something else (cargo-auditable's `other`).
    Other(String),
}

/// One crate as a lockfile or an audit section records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crate {
    /// Crate name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Where it came from.
    pub source: CrateSource,
    /// Registry checksum (lockfiles).
    pub checksum: Option<String>,
    /// Names of its dependencies.
    pub dependencies: Vec<String>,
    /// Only used at build time (build scripts, proc macros; audit sections).
    pub build_only: bool,
}

#[derive(Deserialize)]
struct Lockfile {
    #[serde(default)]
    package: Vec<LockPackage>,
}

#[derive(Deserialize)]
struct LockPackage {
    name: String,
    version: String,
    source: Option<String>,
    checksum: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

fn lock_source(source: Option<&str>) -> CrateSource {
    match source {
        None => CrateSource::Local,
        Some(CRATES_IO | CRATES_IO_SPARSE) => CrateSource::CratesIo,
        Some(s) => {
            if let Some(git) = s.strip_prefix("git+") {
                CrateSource::Git(git.to_string())
            } else if let Some(url) = s
                .strip_prefix("registry+")
                .or_else(|| s.strip_prefix("sparse+"))
            {
                CrateSource::Registry(url.to_string())
            } else {
                CrateSource::Other(s.to_string())
            }
        }
    }
}

/// Parses a `Cargo.lock` (format versions 1–4: `[[package]]` tables; a dependency is written
/// `name`, `name version` or `name version (source)`).
pub fn parse_lockfile(content: &[u8]) -> Result<Vec<Crate>, String> {
    let text = std::str::from_utf8(content).map_err(|_| "Cargo.lock is not UTF-8".to_string())?;
    let lock: Lockfile = toml::from_str(text).map_err(|e| format!("not a Cargo.lock: {e}"))?;
    Ok(lock
        .package
        .into_iter()
        .map(|p| Crate {
            source: lock_source(p.source.as_deref()),
            dependencies: p
                .dependencies
                .iter()
                .filter_map(|d| d.split_whitespace().next().map(str::to_string))
                .collect(),
            name: p.name,
            version: p.version,
            checksum: p.checksum,
            build_only: false,
        })
        .collect())
}

#[derive(Deserialize)]
struct AuditInfo {
    packages: Vec<AuditPackage>,
}

#[derive(Deserialize)]
struct AuditPackage {
    name: String,
    version: String,
    source: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    dependencies: Vec<usize>,
}

/// Parses the decompressed `.dep-v0` JSON.
pub(crate) fn parse_audit_json(json: &[u8]) -> Result<Vec<Crate>, String> {
    let info: AuditInfo =
        serde_json::from_slice(json).map_err(|e| format!("not cargo-auditable data: {e}"))?;
    let names: Vec<String> = info.packages.iter().map(|p| p.name.clone()).collect();
    info.packages
        .into_iter()
        .map(|p| {
            let dependencies = p
                .dependencies
                .iter()
                .map(|&i| {
                    names.get(i).cloned().ok_or_else(|| {
                        format!("`{}` depends on package #{i}, which does not exist", p.name)
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Crate {
                source: match p.source.as_str() {
                    "crates.io" => CrateSource::CratesIo,
                    "local" => CrateSource::Local,
                    "git" => CrateSource::Git(String::new()),
                    "registry" => CrateSource::Registry(String::new()),
                    other => CrateSource::Other(other.to_string()),
                },
                build_only: p.kind.as_deref() == Some("build"),
                name: p.name,
                version: p.version,
                checksum: None,
                dependencies,
            })
        })
        .collect()
}

/// Reads a binary's cargo-auditable section. `Ok(None)`: not an object file with one.
pub fn parse_auditable_binary(binary: &[u8]) -> Result<Option<Vec<Crate>>, String> {
    let Ok(file) = object::File::parse(binary) else {
        return Ok(None);
    };
    let Some(section) = file.section_by_name(".dep-v0") else {
        return Ok(None);
    };
    let compressed = section
        .data()
        .map_err(|e| format!("unreadable .dep-v0 section: {e}"))?;
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(compressed)
        .take(MAX_AUDIT_JSON + 1)
        .read_to_end(&mut json)
        .map_err(|e| format!("the .dep-v0 section is not zlib data: {e}"))?;
    if json.len() as u64 > MAX_AUDIT_JSON {
        return Err(format!(
            "the .dep-v0 section inflates beyond {MAX_AUDIT_JSON} bytes"
        ));
    }
    parse_audit_json(&json).map(Some)
}

fn package(c: Crate, location: &Location) -> Package {
    let mut metadata = BTreeMap::new();
    let version = Some(c.version.as_str()).filter(|v| !v.is_empty());
    let purl = match &c.source {
        CrateSource::CratesIo => Purl::new("cargo", None, &c.name, version),
        CrateSource::Registry(url) => {
            Purl::new("cargo", None, &c.name, version).with_qualifier("repository_url", url)
        }
        CrateSource::Git(url) => Purl::new("cargo", None, &c.name, version)
            .with_qualifier("vcs_url", &format!("git+{url}")),
        CrateSource::Local | CrateSource::Other(_) => Purl::new("generic", None, &c.name, version),
    };
    let source = match &c.source {
        CrateSource::CratesIo => "crates.io".to_string(),
        CrateSource::Registry(u) if u.is_empty() => "registry".to_string(),
        CrateSource::Registry(u) => format!("registry+{u}"),
        CrateSource::Git(u) if u.is_empty() => "git".to_string(),
        CrateSource::Git(u) => format!("git+{u}"),
        CrateSource::Local => "local".to_string(),
        CrateSource::Other(o) => o.clone(),
    };
    metadata.insert("cargo.source".to_string(), source);
    if let Some(sum) = c.checksum {
        metadata.insert("cargo.checksum".to_string(), sum);
    }
    if c.build_only {
        metadata.insert("cargo.kind".to_string(), "build".to_string());
    }
    let mut dependencies = c.dependencies;
    dependencies.sort();
    dependencies.dedup();
    Package {
        id: String::new(),
        name: c.name,
        version: c.version,
        ecosystem: Ecosystem::Cargo,
        purl,
        arch: None,
        source: None,
        licenses: Vec::new(),
        locations: vec![location.clone()],
        files: Vec::new(),
        dependencies,
        cpes: Vec::new(),
        cataloger: NAME.into(),
        metadata,
    }
}

fn is_lockfile(path: &str) -> bool {
    path == "Cargo.lock" || path.ends_with("/Cargo.lock")
}

/// Finds Rust crates.
#[derive(Debug, Default)]
pub(crate) struct CargoCataloger {
    output: CatalogOutput,
}

impl Cataloger for CargoCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self) -> WantsPath {
        Arc::new(|path: &str| is_lockfile(path) || executables::is_candidate(path))
    }

    fn observe(&mut self, file: &FoundFile<'_>) {
        let parsed = if is_lockfile(file.path) {
            parse_lockfile(file.content).map(Some)
        } else if executables::is_elf(file.content) {
            parse_auditable_binary(file.content)
        } else {
            return;
        };
        match parsed {
            Ok(crates) => self.output.packages.extend(
                crates
                    .into_iter()
                    .flatten()
                    .map(|c| package(c, &file.location)),
            ),
            Err(reason) => self.output.unknowns.push(Unknown {
                location: file.location.clone(),
                cataloger: NAME.into(),
                reason,
            }),
        }
    }

    fn finish(self: Box<Self>, _context: &CatalogContext) -> CatalogOutput {
        self.output
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lockfile v4 as cargo 1.78 writes it: a workspace crate, crates.io, git and another
    /// registry.
    const LOCK: &str = r#"# This file is automatically @generated by Cargo.
# It is not intended for manual editing.
version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "log",
 "serde 1.0.200 (registry+https://github.com/rust-lang/crates.io-index)",
 "tool",
]

[[package]]
name = "log"
version = "0.4.21"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "90ed8c1e510134f979dbc4f070f87d4313098b704861a105fe34231c70a3901c"

[[package]]
name = "serde"
version = "1.0.200"
source = "sparse+https://index.crates.io/"
checksum = "ddc6f9cc94d67c0e21aaf7eda3a010fd3af78ebf6e096aa6e2e13c79749cce4f"

[[package]]
name = "tool"
version = "0.2.0"
source = "git+https://example.com/tool.git?branch=main#1a2b3c"
"#;

    #[test]
    fn lockfile_sources_and_purls() {
        let crates = parse_lockfile(LOCK.as_bytes()).expect("parses");
        let location = Location {
            path: "src/app/Cargo.lock".into(),
            layer_index: None,
            layer_digest: None,
        };
        let pkgs: Vec<_> = crates.into_iter().map(|c| package(c, &location)).collect();
        let purls: Vec<_> = pkgs.iter().map(|p| p.purl.to_string()).collect();
        assert_eq!(
            purls,
            [
                "pkg:generic/app@0.1.0",
                "pkg:cargo/log@0.4.21",
                "pkg:cargo/serde@1.0.200",
                "pkg:cargo/tool@0.2.0?vcs_url=git%2Bhttps://example.com/tool.git%3Fbranch%3Dmain%231a2b3c",
            ]
        );
        assert_eq!(pkgs[0].dependencies, ["log", "serde", "tool"]);
        assert_eq!(pkgs[0].metadata["cargo.source"], "local");
        assert_eq!(
            pkgs[1].metadata["cargo.checksum"],
            "90ed8c1e510134f979dbc4f070f87d4313098b704861a105fe34231c70a3901c"
        );
    }

    #[test]
    fn audit_json_resolves_indices_and_rejects_dangling_ones() {
        let json = br#"{"packages":[{"name":"hello","version":"0.1.0","source":"local","dependencies":[1,2],"root":true},{"name":"itoa","version":"1.0.11","source":"crates.io"},{"name":"cc","version":"1.0.90","source":"crates.io","kind":"build"}]}"#;
        let crates = parse_audit_json(json).expect("parses");
        assert_eq!(crates[0].dependencies, ["itoa", "cc"]);
        assert!(crates[2].build_only);
        let bad =
            br#"{"packages":[{"name":"a","version":"1","source":"local","dependencies":[7]}]}"#;
        assert!(parse_audit_json(bad).expect_err("dangling").contains("#7"));
        assert!(parse_lockfile(b"[[package]]\nname = 3\n").is_err());
    }

    #[test]
    fn deeply_nested_toml_is_an_error_not_a_stack_overflow() {
        let mut hostile = "[[package]]\nname = \"a\"\nversion = \"1\"\nx = ".to_string();
        hostile.push_str(&"[".repeat(200_000));
        assert!(parse_lockfile(hostile.as_bytes()).is_err());
    }

    #[test]
    fn zlib_bomb_is_refused() {
        use std::io::Write;
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..9 {
            enc.write_all(&zeros).expect("in memory");
        }
        let compressed = enc.finish().expect("in memory");
        let elf = elf_with_section(&compressed);
        let err = parse_auditable_binary(&elf).expect_err("too big");
        assert!(err.contains("inflates beyond"), "{err}");
    }

    /// A real ELF (`/bin/true`) with `.dep-v0` added by binutils' objcopy, as cargo-auditable's
    /// linker step would leave it.
    fn elf_with_section(payload: &[u8]) -> Vec<u8> {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("dep");
        let out = dir.path().join("bin");
        std::fs::write(&data, payload).expect("write");
        let status = std::process::Command::new("objcopy")
            .arg("--add-section")
            .arg(format!(".dep-v0={}", data.display()))
            .arg("/bin/true")
            .arg(&out)
            .status()
            .expect("objcopy (binutils) must be installed");
        assert!(status.success());
        std::fs::read(out).expect("read")
    }

    #[test]
    fn auditable_binary_is_read_through_the_cataloger() {
        use std::io::Write;
        let json = br#"{"packages":[{"name":"hello","version":"0.1.0","source":"local","dependencies":[1],"root":true},{"name":"itoa","version":"1.0.11","source":"crates.io"}]}"#;
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(json).expect("in memory");
        let elf = elf_with_section(&enc.finish().expect("in memory"));
        let mut c = Box::new(CargoCataloger::default());
        let path = "usr/local/bin/hello";
        assert!(c.wants()(path));
        for content in [
            &elf[..],
            b"#!/bin/sh\n",
            &std::fs::read("/bin/true").expect("read"),
        ] {
            c.observe(&FoundFile {
                path,
                content,
                complete: true,
                mode: 0o755,
                location: Location {
                    path: path.into(),
                    layer_index: Some(0),
                    layer_digest: None,
                },
            });
        }
        let out = c.finish(&CatalogContext::default());
        assert!(out.unknowns.is_empty(), "{:?}", out.unknowns);
        let purls: Vec<_> = out.packages.iter().map(|p| p.purl.to_string()).collect();
        assert_eq!(purls, ["pkg:generic/hello@0.1.0", "pkg:cargo/itoa@1.0.11"]);
        assert_eq!(out.packages[0].dependencies, ["itoa"]);
    }
}
