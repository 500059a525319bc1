//! The dpkg cataloger on real Debian 12 images built from the Debian archive, checked against
//! `dpkg-query` reading the same database from the extracted root filesystem.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use seatbelt_image::extract::{extract, ExtractOptions};
use seatbelt_sbom::{catalog_image, CatalogOptions};
use seatbelt_test::debian::{fixture_image, FixtureImage};
use seatbelt_types::{Ecosystem, Sbom};

/// (name, version, arch, source name, source version)
type Row = (String, String, String, String, String);

fn open(image: FixtureImage) -> seatbelt_image::Image {
    let layout = fixture_image(image);
    let reference = format!("oci-dir:{}:{}", layout.display(), image.name())
        .parse()
        .expect("a valid reference");
    seatbelt_image::open(&reference, &Default::default()).expect("the fixture opens")
}

/// What dpkg itself says is installed in the rootfs at `root`.
fn dpkg_query(root: &Path) -> BTreeSet<Row> {
    let admindir = root.join("var/lib/dpkg");
    let out = Command::new("dpkg-query")
        .arg(format!("--admindir={}", admindir.display()))
        .args([
            "-W",
            "-f",
            "${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\t${db:Status-Abbrev}\n",
        ])
        .output()
        .expect("dpkg-query must be installed");
    assert!(
        out.status.success(),
        "dpkg-query failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 6, "unexpected dpkg-query line {line:?}");
            // Status-Abbrev is want, status, error: `ii `, `rc `; only installed packages count.
            (f[5].as_bytes().get(1) == Some(&b'i')).then(|| {
                (
                    f[0].to_string(),
                    f[1].to_string(),
                    f[2].to_string(),
                    f[3].to_string(),
                    f[4].to_string(),
                )
            })
        })
        .collect()
}

fn seatbelt_rows(sbom: &Sbom) -> BTreeSet<Row> {
    sbom.packages
        .iter()
        .filter(|p| p.ecosystem == Ecosystem::Deb)
        .map(|p| {
            let source = p.source.clone().expect("dpkg packages have a source");
            (
                p.name.clone(),
                p.version.clone(),
                p.arch.clone().unwrap_or_default(),
                source.name,
                source.version,
            )
        })
        .collect()
}

/// Catalogs `image`, extracts it, and checks the package sets are equal. Returns the SBOM.
fn check_against_dpkg(image: FixtureImage) -> Sbom {
    let opened = open(image);
    let sbom = catalog_image(&opened, &CatalogOptions::default()).expect("catalogs");
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("rootfs");
    extract(&opened, &root, &ExtractOptions::default()).expect("extracts");
    let expected = dpkg_query(&root);
    let found = seatbelt_rows(&sbom);
    assert!(
        expected.len() > 80,
        "dpkg-query listed only {}",
        expected.len()
    );
    let missing: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{}: missing {missing:#?}\nextra {extra:#?}",
        image.name()
    );
    assert_eq!(
        sbom.packages
            .iter()
            .filter(|p| p.ecosystem == Ecosystem::Deb)
            .count(),
        expected.len(),
        "no package is listed twice"
    );
    assert!(
        sbom.unknowns.iter().all(|u| u.cataloger != "dpkg"),
        "{:?}",
        sbom.unknowns
    );
    sbom
}

fn package<'a>(sbom: &'a Sbom, name: &str) -> Option<&'a seatbelt_types::Package> {
    sbom.packages
        .iter()
        .find(|p| p.ecosystem == Ecosystem::Deb && p.name == name)
}

#[test]
fn minbase_matches_dpkg_query() {
    let sbom = check_against_dpkg(FixtureImage::Minbase);
    assert!(package(&sbom, "e2fsprogs").is_some());
    let dpkg = package(&sbom, "dpkg").expect("dpkg is installed");
    assert!(
        dpkg.files.iter().any(|f| f == "usr/bin/dpkg"),
        "{:?}",
        dpkg.files
    );
    assert!(dpkg.files.iter().all(|f| !f.starts_with('/') && f != "."));
    assert!(
        dpkg.licenses.iter().any(|l| l == "GPL-2.0-or-later"),
        "{:?}",
        dpkg.licenses
    );
    assert!(
        dpkg.dependencies.iter().any(|d| d == "tar"),
        "{:?}",
        dpkg.dependencies
    );
    let purl = dpkg.purl.to_string();
    assert!(
        purl.starts_with("pkg:deb/debian/dpkg@") && purl.ends_with("?arch=amd64&distro=debian-12"),
        "{purl}"
    );
    // Dependencies become relationships between the packages' ids.
    assert!(sbom
        .relationships
        .iter()
        .any(|r| r.from == dpkg.id && r.kind == seatbelt_types::RelationshipKind::DependsOn));
}

#[test]
fn bench_matches_dpkg_query_after_a_purge() {
    let sbom = check_against_dpkg(FixtureImage::Bench);
    assert!(
        package(&sbom, "e2fsprogs").is_none(),
        "e2fsprogs was purged in layer 2"
    );
    let ssl = package(&sbom, "libssl3").expect("libssl3 is installed");
    let purl = ssl.purl.to_string();
    assert!(
        purl.starts_with("pkg:deb/debian/libssl3@3.")
            && purl.ends_with("?arch=amd64&distro=debian-12&upstream=openssl"),
        "{purl}"
    );
    // It is known from a status file a later layer wrote, not the base layer's.
    assert!(matches!(ssl.locations[0].layer_index, Some(i) if i >= 1));
}
