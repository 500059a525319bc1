//! Packages as an SBOM holds them, whichever cataloger found them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Digest, Purl};

/// The package ecosystem a package belongs to (it decides version comparison and advisory source).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ecosystem {
    /// Debian and derivatives (dpkg).
    Deb,
    /// Alpine (apk).
    Apk,
    /// RPM-based distributions.
    Rpm,
    /// Python (PyPI).
    Pypi,
    /// JavaScript (npm).
    Npm,
    /// Rust (crates.io).
    Cargo,
    /// Go modules.
    Go,
    /// Java (Maven coordinates).
    Maven,
    /// Ruby gems.
    Gem,
    /// PHP (Composer / Packagist).
    Composer,
    /// .NET (NuGet).
    Nuget,
}

/// Where a package was found: a path in the image and the layer that put it there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Path inside the image, normalised, without a leading `/` (`var/lib/dpkg/status`).
    pub path: String,
    /// Index of the layer (0 = oldest), absent for sources without layers.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub layer_index: Option<usize>,
    /// Digest of that layer, when it has one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub layer_digest: Option<Digest>,
}

/// The source package an OS binary package was built from (vulnerability data is keyed by it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SourcePackage {
    /// Source package name (`openssl` for `libssl3`).
    pub name: String,
    /// Source version, which differs from the binary's after binNMUs.
    pub version: String,
}

/// One package found in an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// Stable identifier within one SBOM, derived from purl and first location (never random).
    pub id: String,
    /// Name as the ecosystem writes it (normalised where the ecosystem says so, e.g. PEP 503).
    pub name: String,
    /// Version as installed.
    pub version: String,
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Package URL.
    pub purl: Purl,
    /// Architecture, for OS packages.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub arch: Option<String>,
    /// Source package, for OS packages.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source: Option<SourcePackage>,
    /// Declared licenses, as SPDX expressions where they can be expressed so, else as written.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub licenses: Vec<String>,
    /// Where the package's metadata was found.
    pub locations: Vec<Location>,
    /// Files the package database says the package installed (image paths, no leading `/`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub files: Vec<String>,
    /// Names of packages this one depends on (same ecosystem), as the metadata declares them.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub dependencies: Vec<String>,
    /// CPEs, only where they add matching value.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub cpes: Vec<String>,
    /// The cataloger that found it.
    pub cataloger: String,
    /// Further facts (`go.toolchain`, `maven.groupId`, hashes…), sorted by key.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub metadata: BTreeMap<String, String>,
}

impl Package {
    /// A package found at `location` by `cataloger`, with nothing else known yet: the other fields
    /// are empty for the cataloger to fill in, and the id is assigned when the SBOM is assembled.
    pub fn found(
        ecosystem: Ecosystem,
        purl: Purl,
        name: String,
        version: String,
        location: Location,
        cataloger: &str,
    ) -> Self {
        Self {
            id: String::new(),
            name,
            version,
            ecosystem,
            purl,
            arch: None,
            source: None,
            licenses: Vec::new(),
            locations: vec![location],
            files: Vec::new(),
            dependencies: Vec::new(),
            cpes: Vec::new(),
            cataloger: cataloger.to_string(),
            metadata: BTreeMap::new(),
        }
    }
}

/// The operating system release an image is built on.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Distro {
    /// `ID` from os-release (`debian`, `alpine`, `rhel`).
    pub id: String,
    /// `VERSION_ID` (`12`, `3.19.1`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub version_id: Option<String>,
    /// `VERSION_CODENAME` (`bookworm`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub codename: Option<String>,
    /// `PRETTY_NAME`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pretty_name: Option<String>,
    /// `ID_LIKE`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub id_like: Vec<String>,
}

/// A file a cataloger wanted but could not read; it is reported, never fatal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unknown {
    /// The file.
    pub location: Location,
    /// The cataloger.
    pub cataloger: String,
    /// What was wrong.
    pub reason: String,
}

/// How two packages of an SBOM relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RelationshipKind {
    /// `from` depends on `to`.
    DependsOn,
    /// `from` (an OS package) installed the files of `to` (a language package): the same
    /// software seen twice, related rather than duplicated.
    Contains,
}

/// A relationship between two packages, by [`Package::id`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Relationship {
    /// The package the relationship starts from.
    pub from: String,
    /// The package it points to.
    pub to: String,
    /// What kind.
    pub kind: RelationshipKind,
}

/// What the SBOM describes: the image as the root component.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SbomSubject {
    /// The reference it was read from.
    pub reference: String,
    /// Repository name for display (`library/debian`, or the path for local sources).
    pub name: String,
    /// Manifest digest, when the image has a manifest.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub manifest_digest: Option<Digest>,
    /// Config digest (the image ID).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub config_digest: Option<Digest>,
    /// `os/arch[/variant]`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub platform: Option<String>,
    /// Layer digests, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub layers: Vec<Digest>,
}

/// A software bill of materials: everything seatbelt found in one image.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Sbom {
    /// The image.
    pub subject: SbomSubject,
    /// Its OS release, when one was found.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub distro: Option<Distro>,
    /// Packages, sorted by (ecosystem, name, version, id).
    pub packages: Vec<Package>,
    /// Relationships, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub relationships: Vec<Relationship>,
    /// Files that could not be parsed.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub unknowns: Vec<Unknown>,
}
