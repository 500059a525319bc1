//! Both output formats checked by the official validators (cyclonedx-python-lib strict 1.6
//! JSON-schema validation, spdx-tools), on a hand-made SBOM covering every ecosystem's purl
//! quirks and on what the registered catalogers find in a real Debian 12 image.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use seatbelt_sbom::format::{cyclonedx, read_any, spdx, FormatOptions};
use seatbelt_test::debian::{fixture_image, FixtureImage};
use seatbelt_types::{
    Digest, Distro, Ecosystem, Location, Package, Purl, Relationship, RelationshipKind, Sbom,
    SbomSubject, SourcePackage,
};

fn validate(files: &[&Path]) {
    let script = seatbelt_test::debian::workspace_root().join("scripts/validate-sbom.py");
    let out = Command::new(seatbelt_test::tools::pyvenv_python())
        .arg(&script)
        .args(files)
        .output()
        .expect("run scripts/validate-sbom.py");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "validator rejected the output:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(text.matches(": valid ").count(), files.len(), "{text}");
}

fn package(ecosystem: Ecosystem, purl: &str, name: &str, cataloger: &str, path: &str) -> Package {
    let purl: Purl = purl.parse().expect("test purl");
    Package {
        id: format!(
            "pkg-{}",
            &Digest::sha256_of(format!("{purl}\n{path}").as_bytes()).hex()[..16]
        ),
        name: name.to_string(),
        version: purl.version.clone().unwrap_or_default(),
        ecosystem,
        arch: purl.qualifiers.get("arch").cloned(),
        purl,
        source: None,
        licenses: Vec::new(),
        locations: vec![Location {
            path: path.to_string(),
            layer_index: Some(1),
            layer_digest: Some(Digest::sha256_of(b"layer 1")),
        }],
        files: Vec::new(),
        dependencies: Vec::new(),
        cpes: Vec::new(),
        cataloger: cataloger.to_string(),
        metadata: BTreeMap::new(),
    }
}

/// One package of every ecosystem, with the characters that trip encoders: epochs, `+`, `~`,
/// npm scopes, Maven groups, Go `+incompatible`, licenses in every shape.
fn hand_made() -> Sbom {
    let mut gcc = package(
        Ecosystem::Deb,
        "pkg:deb/debian/libgcc-s1@1:12.2.0-14?arch=amd64&distro=debian-12&upstream=gcc-12%4012.2.0-14",
        "libgcc-s1",
        "dpkg",
        "var/lib/dpkg/status",
    );
    gcc.source = Some(SourcePackage {
        name: "gcc-12".into(),
        version: "12.2.0-14".into(),
    });
    gcc.licenses = vec!["GPL-3.0-or-later WITH GCC-exception-3.1".into()];
    let mut ssl = package(
        Ecosystem::Deb,
        "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl",
        "libssl3",
        "dpkg",
        "var/lib/dpkg/status",
    );
    ssl.cpes = vec!["cpe:2.3:a:openssl:openssl:3.0.15:*:*:*:*:*:*:*".into()];
    ssl.licenses = vec!["Apache-2.0".into(), "Artistic".into(), "GPL-1+".into()];
    let mut cxx = package(
        Ecosystem::Deb,
        "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14%2Bb1?arch=amd64&distro=debian-12",
        "libstdc++6",
        "dpkg",
        "var/lib/dpkg/status",
    );
    cxx.files = vec!["usr/lib/x86_64-linux-gnu/libstdc++.so.6".into()];
    let mut musl = package(
        Ecosystem::Apk,
        "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.0",
        "musl",
        "apk",
        "lib/apk/db/installed",
    );
    musl.licenses = vec!["MIT".into()];
    let mut openssl_rpm = package(
        Ecosystem::Rpm,
        "pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1&distro=rhel-9.4",
        "openssl-libs",
        "rpm",
        "var/lib/rpm/rpmdb.sqlite",
    );
    openssl_rpm.licenses = vec!["ASL 2.0".into()];
    let mut angular = package(
        Ecosystem::Npm,
        "pkg:npm/%40angular/core@16.2.12",
        "@angular/core",
        "npm",
        "app/node_modules/@angular/core/package.json",
    );
    angular.licenses = vec!["MIT".into()];
    angular.dependencies = vec!["tslib".into()];
    let tslib = package(
        Ecosystem::Npm,
        "pkg:npm/tslib@2.6.2",
        "tslib",
        "npm",
        "app/node_modules/tslib/package.json",
    );
    let mut log4j = package(
        Ecosystem::Maven,
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
        "log4j-core",
        "java",
        "app/lib/log4j-core-2.14.1.jar",
    );
    log4j.licenses = vec!["Apache License, Version 2.0".into()];
    log4j
        .metadata
        .insert("maven.groupId".into(), "org.apache.logging.log4j".into());
    let azure = package(
        Ecosystem::Go,
        "pkg:golang/github.com/Azure/azure-sdk-for-go@v68.0.0%2Bincompatible",
        "github.com/Azure/azure-sdk-for-go",
        "go",
        "usr/bin/docker-registry",
    );
    let mut stdlib = package(
        Ecosystem::Go,
        "pkg:golang/stdlib@1.19.8",
        "stdlib",
        "go",
        "usr/bin/docker-registry",
    );
    stdlib.purl.namespace = None;
    let mut requests = package(
        Ecosystem::Pypi,
        "pkg:pypi/requests@2.19.0",
        "requests",
        "python",
        "opt/venv/lib/python3.11/site-packages/requests-2.19.0.dist-info/METADATA",
    );
    requests.licenses = vec!["Apache 2.0".into()];
    let mut markupsafe = package(
        Ecosystem::Pypi,
        "pkg:pypi/markupsafe@1.1.1",
        "markupsafe",
        "python",
        "opt/venv/lib/python3.11/site-packages/MarkupSafe-1.1.1.egg-info/PKG-INFO",
    );
    markupsafe.licenses = vec!["BSD-3-Clause".into()];
    let serde = package(
        Ecosystem::Cargo,
        "pkg:cargo/serde@1.0.193",
        "serde",
        "cargo",
        "usr/local/bin/tool",
    );
    let rails = package(
        Ecosystem::Gem,
        "pkg:gem/rails@7.1.2",
        "rails",
        "gem",
        "usr/lib/ruby/gems/3.1.0/specifications/rails-7.1.2.gemspec",
    );
    let monolog = package(
        Ecosystem::Composer,
        "pkg:composer/monolog/monolog@3.5.0",
        "monolog/monolog",
        "composer",
        "app/vendor/composer/installed.json",
    );
    let newtonsoft = package(
        Ecosystem::Nuget,
        "pkg:nuget/Newtonsoft.Json@13.0.3",
        "Newtonsoft.Json",
        "dotnet",
        "app/App.deps.json",
    );
    let mut packages = vec![
        gcc,
        ssl,
        cxx,
        musl,
        openssl_rpm,
        angular,
        tslib,
        log4j,
        azure,
        stdlib,
        requests,
        markupsafe,
        serde,
        rails,
        monolog,
        newtonsoft,
    ];
    packages.sort_by(|a, b| {
        (a.ecosystem, &a.name, &a.version, &a.id).cmp(&(b.ecosystem, &b.name, &b.version, &b.id))
    });
    let id = |name: &str| {
        packages
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.id.clone())
            .expect("package in the list")
    };
    let mut relationships = vec![
        Relationship {
            from: id("@angular/core"),
            to: id("tslib"),
            kind: RelationshipKind::DependsOn,
        },
        Relationship {
            from: id("libstdc++6"),
            to: id("libgcc-s1"),
            kind: RelationshipKind::DependsOn,
        },
        Relationship {
            from: id("libssl3"),
            to: id("requests"),
            kind: RelationshipKind::Contains,
        },
    ];
    relationships.sort();
    Sbom {
        subject: SbomSubject {
            reference: "registry:127.0.0.1:5000/team/app@sha256:".to_string()
                + Digest::sha256_of(b"manifest").hex(),
            name: "127.0.0.1:5000/team/app".into(),
            manifest_digest: Some(Digest::sha256_of(b"manifest")),
            config_digest: Some(Digest::sha256_of(b"config")),
            platform: Some("linux/arm64/v8".into()),
            layers: vec![Digest::sha256_of(b"layer 0"), Digest::sha256_of(b"layer 1")],
        },
        distro: Some(Distro {
            id: "debian".into(),
            version_id: Some("12".into()),
            codename: Some("bookworm".into()),
            pretty_name: Some("Debian GNU/Linux 12 (bookworm)".into()),
            id_like: Vec::new(),
        }),
        packages,
        relationships,
        unknowns: Vec::new(),
    }
}

/// Writes both formats twice (checking they are byte-identical), validates them, reads them
/// back, and returns what came back from CycloneDX.
fn write_validate_read(sbom: &Sbom, dir: &Path, stem: &str) -> (Sbom, Sbom) {
    let options = FormatOptions {
        timestamp: Some("2024-05-06T07:08:09Z".into()),
    };
    let cdx = cyclonedx::to_json(sbom, &options).expect("CycloneDX");
    let spdx_text = spdx::to_json(sbom, &options).expect("SPDX");
    assert_eq!(cdx, cyclonedx::to_json(sbom, &options).expect("CycloneDX"));
    assert_eq!(spdx_text, spdx::to_json(sbom, &options).expect("SPDX"));
    let cdx_path = dir.join(format!("{stem}.cdx.json"));
    let spdx_path = dir.join(format!("{stem}.spdx.json"));
    std::fs::write(&cdx_path, &cdx).expect("write");
    std::fs::write(&spdx_path, &spdx_text).expect("write");
    validate(&[&cdx_path, &spdx_path]);
    (
        read_any(cdx.as_bytes(), "cdx").expect("read CycloneDX back"),
        read_any(spdx_text.as_bytes(), "spdx").expect("read SPDX back"),
    )
}

/// What the formats carry: everything but the installed-file lists.
fn without_files(sbom: &Sbom) -> Sbom {
    let mut s = sbom.clone();
    for p in &mut s.packages {
        p.files.clear();
    }
    s
}

#[test]
fn hand_made_sbom_of_every_ecosystem_passes_both_validators() {
    let sbom = hand_made();
    let dir = tempfile::tempdir().expect("tempdir");
    let (from_cdx, from_spdx) = write_validate_read(&sbom, dir.path(), "hand-made");
    assert_eq!(from_cdx, without_files(&sbom));
    assert_eq!(from_spdx, without_files(&sbom));
    let purls: Vec<String> = sbom.packages.iter().map(|p| p.purl.to_string()).collect();
    assert!(purls.contains(
        &"pkg:deb/debian/libstdc%2B%2B6@12.2.0-14%2Bb1?arch=amd64&distro=debian-12".to_string()
    ));
    assert!(purls.contains(
        &"pkg:golang/github.com/Azure/azure-sdk-for-go@v68.0.0%2Bincompatible".to_string()
    ));
}

#[test]
fn catalogers_on_debian_minbase_pass_both_validators() {
    let layout = fixture_image(FixtureImage::Minbase);
    let reference = format!("oci-dir:{}:minbase", layout.display())
        .parse()
        .expect("reference");
    let image = seatbelt_image::open(&reference, &Default::default()).expect("open minbase");
    let sbom = seatbelt_sbom::catalog_image(&image, &Default::default()).expect("catalog");
    assert_eq!(
        sbom.distro.as_ref().map(|d| d.id.as_str()),
        Some("debian"),
        "os-release of the fixture"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (from_cdx, from_spdx) = write_validate_read(&sbom, dir.path(), "minbase");
    assert_eq!(from_cdx, without_files(&sbom));
    assert_eq!(from_spdx, without_files(&sbom));
}
