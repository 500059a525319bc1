//! The `seatbelt:` name-value properties that carry what CycloneDX and SPDX have no field for
//! (cataloger, layer locations, source package, metadata), so seatbelt reads back what it wrote.
//! CycloneDX holds them as `properties`; SPDX as `name=value` lines of a package `comment`.

use std::collections::BTreeMap;

use seatbelt_types::{Ecosystem, Location, Package, Purl, SourcePackage};

pub(crate) const CATALOGER: &str = "seatbelt:cataloger";
pub(crate) const ARCH: &str = "seatbelt:arch";
pub(crate) const SOURCE_NAME: &str = "seatbelt:source_name";
pub(crate) const SOURCE_VERSION: &str = "seatbelt:source_version";
/// Starts a location; the layer properties after it belong to it.
pub(crate) const LOCATION: &str = "seatbelt:location";
pub(crate) const LAYER_INDEX: &str = "seatbelt:layer_index";
pub(crate) const LAYER_DIGEST: &str = "seatbelt:layer_digest";
pub(crate) const DEPENDS: &str = "seatbelt:depends";
pub(crate) const LICENSE: &str = "seatbelt:license";
pub(crate) const CPE: &str = "seatbelt:cpe";
pub(crate) const CONTAINED_BY: &str = "seatbelt:contained_by";
pub(crate) const METADATA_PREFIX: &str = "seatbelt:metadata:";

/// A package's properties, in a fixed order. `licenses` is set when the format's own license
/// field cannot hold the list exactly.
pub(crate) fn of_package(p: &Package, licenses: bool) -> Vec<(String, String)> {
    let mut out = vec![(CATALOGER.to_string(), p.cataloger.clone())];
    let mut push = |k: &str, v: &str| out.push((k.to_string(), v.to_string()));
    if let Some(arch) = &p.arch {
        push(ARCH, arch);
    }
    if let Some(src) = &p.source {
        push(SOURCE_NAME, &src.name);
        push(SOURCE_VERSION, &src.version);
    }
    for l in &p.locations {
        push(LOCATION, &l.path);
        if let Some(i) = l.layer_index {
            push(LAYER_INDEX, &i.to_string());
        }
        if let Some(d) = &l.layer_digest {
            push(LAYER_DIGEST, &d.to_string());
        }
    }
    for d in &p.dependencies {
        push(DEPENDS, d);
    }
    if licenses {
        for l in &p.licenses {
            push(LICENSE, l);
        }
    }
    for (k, v) in &p.metadata {
        out.push((format!("{METADATA_PREFIX}{k}"), v.clone()));
    }
    out
}

/// What the properties of one package said.
#[derive(Debug, Default)]
pub(crate) struct Decoded {
    pub(crate) cataloger: Option<String>,
    pub(crate) arch: Option<String>,
    pub(crate) source_name: Option<String>,
    pub(crate) source_version: Option<String>,
    pub(crate) locations: Vec<Location>,
    pub(crate) depends: Vec<String>,
    pub(crate) licenses: Vec<String>,
    pub(crate) cpes: Vec<String>,
    pub(crate) contained_by: Vec<String>,
    pub(crate) metadata: BTreeMap<String, String>,
}

impl Decoded {
    /// Reads properties in order; unknown names (other tools' properties) are ignored.
    pub(crate) fn read<'a>(props: impl IntoIterator<Item = (&'a str, &'a str)>) -> Decoded {
        let mut d = Decoded::default();
        for (k, v) in props {
            match k {
                CATALOGER => d.cataloger = Some(v.to_string()),
                ARCH => d.arch = Some(v.to_string()),
                SOURCE_NAME => d.source_name = Some(v.to_string()),
                SOURCE_VERSION => d.source_version = Some(v.to_string()),
                LOCATION => d.locations.push(Location {
                    path: v.to_string(),
                    layer_index: None,
                    layer_digest: None,
                }),
                LAYER_INDEX => {
                    if let Some(l) = d.locations.last_mut() {
                        l.layer_index = v.parse().ok();
                    }
                }
                LAYER_DIGEST => {
                    if let Some(l) = d.locations.last_mut() {
                        l.layer_digest = v.parse().ok();
                    }
                }
                DEPENDS => d.depends.push(v.to_string()),
                LICENSE => d.licenses.push(v.to_string()),
                CPE => d.cpes.push(v.to_string()),
                CONTAINED_BY => d.contained_by.push(v.to_string()),
                _ => {
                    if let Some(key) = k.strip_prefix(METADATA_PREFIX) {
                        d.metadata.insert(key.to_string(), v.to_string());
                    }
                }
            }
        }
        d
    }

    /// The source package, when both halves were given.
    pub(crate) fn source(&self) -> Option<SourcePackage> {
        Some(SourcePackage {
            name: self.source_name.clone()?,
            version: self.source_version.clone()?,
        })
    }

    /// The package a document describes: what the format's own fields state, completed by these
    /// properties. `tool` names the document's creator, the cataloger of packages seatbelt did
    /// not find itself.
    pub(crate) fn package(&self, stated: Stated<'_>, tool: &str) -> Package {
        let purl = stated.purl;
        Package {
            id: stated.id,
            name: if stated.name.is_empty() {
                purl.name.clone()
            } else {
                stated.name.to_string()
            },
            version: stated
                .version
                .map(str::to_string)
                .or_else(|| purl.version.clone())
                .unwrap_or_default(),
            ecosystem: stated.ecosystem,
            // seatbelt's own documents say exactly what the package had; others get the purl's.
            arch: if self.cataloger.is_some() {
                self.arch.clone()
            } else {
                purl.qualifiers.get("arch").cloned()
            },
            source: self.source(),
            licenses: if self.licenses.is_empty() {
                stated.licenses
            } else {
                self.licenses.clone()
            },
            locations: self.locations.clone(),
            files: Vec::new(),
            dependencies: self.depends.clone(),
            cpes: stated.cpes,
            cataloger: self.cataloger.clone().unwrap_or_else(|| tool.to_string()),
            metadata: self.metadata.clone(),
            purl,
        }
    }
}

/// What a CycloneDX component or SPDX package states in the format's own fields.
pub(crate) struct Stated<'a> {
    pub(crate) id: String,
    pub(crate) name: &'a str,
    pub(crate) version: Option<&'a str>,
    pub(crate) purl: Purl,
    pub(crate) ecosystem: Ecosystem,
    /// The declared licenses, used when seatbelt's exact list is absent.
    pub(crate) licenses: Vec<String>,
    pub(crate) cpes: Vec<String>,
}

/// Properties as `name=value` lines, `\` and line breaks escaped (for an SPDX comment).
pub(crate) fn to_lines(props: &[(String, String)]) -> String {
    let escape = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('\n', "\\n")
            .replace('\r', "\\r")
    };
    props
        .iter()
        .map(|(k, v)| format!("{}={}", escape(k), escape(v)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `seatbelt:` lines of a comment (other lines, a human's or another tool's, are skipped).
pub(crate) fn from_lines(text: &str) -> Vec<(String, String)> {
    let unescape = |s: &str| {
        let mut out = String::with_capacity(s.len());
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('r') => out.push('\r'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    };
    text.lines()
        .filter(|l| l.starts_with("seatbelt:"))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (unescape(k), unescape(v)))
        .collect()
}
