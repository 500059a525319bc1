//! What users see, pinned: the CycloneDX, SPDX and native JSON documents of a small, fixed SBOM.
//! A change to any of them shows up as a snapshot diff to review (`cargo insta review`).

use std::collections::BTreeMap;

use seatbelt_sbom::format::{cyclonedx, spdx, FormatOptions};
use seatbelt_types::{
    Distro, Ecosystem, Location, Package, Purl, Relationship, RelationshipKind, Sbom, SbomSubject,
    SourcePackage,
};

const LAYER: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

fn package(
    id: &str,
    name: &str,
    version: &str,
    ecosystem: Ecosystem,
    purl: Purl,
    path: &str,
) -> Package {
    Package {
        id: id.to_string(),
        name: name.to_string(),
        version: version.to_string(),
        ecosystem,
        purl,
        arch: None,
        source: None,
        licenses: Vec::new(),
        locations: vec![Location {
            path: path.to_string(),
            layer_index: Some(0),
            layer_digest: Some(LAYER.parse().expect("digest")),
        }],
        files: Vec::new(),
        dependencies: Vec::new(),
        cpes: Vec::new(),
        cataloger: "test".to_string(),
        metadata: BTreeMap::new(),
    }
}

fn sbom() -> Sbom {
    let mut libssl = package(
        "pkg-0000000000000001",
        "libssl3",
        "3.0.15-1~deb12u1",
        Ecosystem::Deb,
        Purl::new("deb", Some("debian"), "libssl3", Some("3.0.15-1~deb12u1"))
            .with_qualifier("arch", "amd64")
            .with_qualifier("distro", "debian-12")
            .with_qualifier("upstream", "openssl"),
        "var/lib/dpkg/status",
    );
    libssl.arch = Some("amd64".to_string());
    libssl.source = Some(SourcePackage {
        name: "openssl".to_string(),
        version: "3.0.15-1~deb12u1".to_string(),
    });
    libssl.licenses = vec!["Apache-2.0".to_string()];
    let mut yaml = package(
        "pkg-0000000000000002",
        "PyYAML",
        "5.3",
        Ecosystem::Pypi,
        Purl::new("pypi", None, "PyYAML", Some("5.3")),
        "opt/venv/lib/python3.11/site-packages/PyYAML-5.3.egg-info/PKG-INFO",
    );
    yaml.licenses = vec!["MIT".to_string()];
    let angular = package(
        "pkg-0000000000000003",
        "@angular/core",
        "16.0.0",
        Ecosystem::Npm,
        Purl::new("npm", Some("@angular"), "core", Some("16.0.0")),
        "app/node_modules/@angular/core/package.json",
    );
    Sbom {
        subject: SbomSubject {
            reference: "127.0.0.1:5000/demo@sha256:2222222222222222222222222222222222222222222222222222222222222222".to_string(),
            name: "127.0.0.1:5000/demo".to_string(),
            manifest_digest: Some("sha256:2222222222222222222222222222222222222222222222222222222222222222".parse().expect("digest")),
            config_digest: Some("sha256:3333333333333333333333333333333333333333333333333333333333333333".parse().expect("digest")),
            platform: Some("linux/amd64".to_string()),
            layers: vec![LAYER.parse().expect("digest")],
        },
        distro: Some(Distro {
            id: "debian".to_string(),
            version_id: Some("12".to_string()),
            codename: Some("bookworm".to_string()),
            pretty_name: Some("Debian GNU/Linux 12 (bookworm)".to_string()),
            id_like: Vec::new(),
        }),
        packages: vec![libssl, yaml, angular],
        relationships: vec![Relationship {
            from: "pkg-0000000000000003".to_string(),
            to: "pkg-0000000000000002".to_string(),
            kind: RelationshipKind::DependsOn,
        }],
        unknowns: Vec::new(),
    }
}

fn options() -> FormatOptions {
    FormatOptions {
        timestamp: Some("2024-01-01T00:00:00Z".to_string()),
    }
}

#[test]
fn cyclonedx_document() {
    insta::assert_snapshot!(cyclonedx::to_json(&sbom(), &options()).expect("CycloneDX"));
}

#[test]
fn spdx_document() {
    insta::assert_snapshot!(spdx::to_json(&sbom(), &options()).expect("SPDX"));
}

#[test]
fn native_json() {
    insta::assert_snapshot!(serde_json::to_string_pretty(&sbom()).expect("JSON"));
}
