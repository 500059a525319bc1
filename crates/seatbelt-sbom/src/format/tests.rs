//! Round trips through both formats and reading foreign documents.

use std::collections::BTreeMap;

use seatbelt_types::{
    Digest, Distro, Ecosystem, Location, Package, Purl, Relationship, RelationshipKind, Sbom,
    SbomSubject, SourcePackage, Unknown,
};

use super::*;

fn layer(n: u8) -> Digest {
    Digest::sha256_of(&[n])
}

fn pkg(ecosystem: Ecosystem, purl: &str, cataloger: &str, path: &str) -> Package {
    let purl: Purl = purl.parse().expect("test purl");
    let id = format!(
        "pkg-{}",
        &Digest::sha256_of(purl.to_string().as_bytes()).hex()[..16]
    );
    Package {
        id,
        name: match &purl.namespace {
            Some(ns) if ecosystem == Ecosystem::Npm => format!("{ns}/{}", purl.name),
            _ => purl.name.clone(),
        },
        version: purl.version.clone().unwrap_or_default(),
        ecosystem,
        purl,
        arch: None,
        source: None,
        licenses: Vec::new(),
        locations: vec![Location {
            path: path.to_string(),
            layer_index: Some(0),
            layer_digest: Some(layer(0)),
        }],
        files: Vec::new(),
        dependencies: Vec::new(),
        cpes: Vec::new(),
        cataloger: cataloger.to_string(),
        metadata: BTreeMap::new(),
    }
}

pub(crate) fn sample() -> Sbom {
    let mut libc = pkg(
        Ecosystem::Deb,
        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u9?arch=amd64&distro=debian-12&upstream=glibc",
        "dpkg",
        "var/lib/dpkg/status",
    );
    libc.arch = Some("amd64".into());
    libc.source = Some(SourcePackage {
        name: "glibc".into(),
        version: "2.36-9+deb12u9".into(),
    });
    libc.licenses = vec![
        "LGPL-2.1-or-later".into(),
        "GPL-2.0-or-later WITH GCC-exception-3.1".into(),
    ];
    libc.cpes = vec!["cpe:2.3:a:gnu:glibc:2.36:*:*:*:*:*:*:*".into()];
    let mut yaml = pkg(
        Ecosystem::Pypi,
        "pkg:pypi/pyyaml@5.3",
        "python",
        "opt/venv/lib/python3.11/site-packages/PyYAML-5.3.egg-info/PKG-INFO",
    );
    yaml.licenses = vec!["MIT".into()];
    yaml.metadata
        .insert("python.installer".into(), "pip\nsecond line".into());
    let mut requests = pkg(
        Ecosystem::Pypi,
        "pkg:pypi/requests@2.19.0",
        "python",
        "opt/venv/lib/python3.11/site-packages/requests-2.19.0.dist-info/METADATA",
    );
    requests.licenses = vec!["Apache 2.0".into()];
    requests.dependencies = vec!["pyyaml".into()];
    requests.locations.push(Location {
        path: "opt/venv/lib/python3.11/site-packages/requests-2.19.0.dist-info/RECORD".into(),
        layer_index: None,
        layer_digest: None,
    });
    let mut python3 = pkg(
        Ecosystem::Deb,
        "pkg:deb/debian/python3-yaml@6.0-3%2Bb2?arch=amd64&distro=debian-12&upstream=pyyaml%406.0-3",
        "dpkg",
        "var/lib/dpkg/status",
    );
    python3.licenses = vec![
        "MIT AND BSD-3-Clause".into(),
        "Custom Debian license".into(),
    ];
    let mut packages = vec![libc, python3, requests, yaml];
    packages.sort_by(|a, b| {
        (a.ecosystem, &a.name, &a.version, &a.id).cmp(&(b.ecosystem, &b.name, &b.version, &b.id))
    });
    let mut relationships = vec![
        Relationship {
            from: packages[1].id.clone(),
            to: packages[3].id.clone(),
            kind: RelationshipKind::Contains,
        },
        Relationship {
            from: packages[2].id.clone(),
            to: packages[3].id.clone(),
            kind: RelationshipKind::DependsOn,
        },
    ];
    relationships.sort();
    Sbom {
        subject: SbomSubject {
            reference: "registry:registry.example.test:5000/library/bench:1".into(),
            name: "registry.example.test:5000/library/bench".into(),
            manifest_digest: Some(Digest::sha256_of(b"manifest")),
            config_digest: Some(Digest::sha256_of(b"config")),
            platform: Some("linux/amd64".into()),
            layers: vec![layer(0), layer(1)],
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
        unknowns: vec![Unknown {
            location: Location {
                path: "usr/lib/python3/dist-packages/broken.dist-info/METADATA".into(),
                layer_index: Some(1),
                layer_digest: Some(layer(1)),
            },
            cataloger: "python".into(),
            reason: "no Name".into(),
        }],
    }
}

fn fixed() -> FormatOptions {
    FormatOptions {
        timestamp: Some("2024-01-02T03:04:05Z".into()),
    }
}

#[test]
fn cyclonedx_round_trip_and_determinism() {
    let sbom = sample();
    let text = cyclonedx::to_json(&sbom, &fixed()).unwrap();
    assert_eq!(text, cyclonedx::to_json(&sbom, &fixed()).unwrap());
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["specVersion"], "1.6");
    assert_eq!(doc["metadata"]["timestamp"], "2024-01-02T03:04:05Z");
    let serial = doc["serialNumber"].as_str().unwrap();
    assert!(
        serial.starts_with("urn:uuid:") && serial.as_bytes()[23] == b'5',
        "{serial}"
    );
    assert_eq!(doc["metadata"]["component"]["type"], "container");
    let purl = doc["metadata"]["component"]["purl"].as_str().unwrap();
    assert!(purl.starts_with("pkg:oci/bench@sha256:"), "{purl}");
    assert!(
        purl.contains("repository_url=registry.example.test:5000/library/bench"),
        "{purl}"
    );
    assert!(text.contains(
        "\"expression\": \"LGPL-2.1-or-later AND (GPL-2.0-or-later WITH GCC-exception-3.1)\""
    ));
    let back = cyclonedx::from_json(text.as_bytes(), "test").unwrap();
    assert_eq!(back, sbom);
    // Another timestamp, another serial; same content otherwise.
    let later = cyclonedx::to_json(
        &sbom,
        &FormatOptions {
            timestamp: Some("2024-01-02T04:04:05+01:00".into()),
        },
    )
    .unwrap();
    assert_eq!(
        later, text,
        "the same instant in another offset is the same document"
    );
    let other = cyclonedx::to_json(
        &sbom,
        &FormatOptions {
            timestamp: Some("2025-01-01T00:00:00Z".into()),
        },
    )
    .unwrap();
    assert_ne!(other, text);
}

#[test]
fn spdx_round_trip_and_license_refs() {
    let sbom = sample();
    let text = spdx::to_json(&sbom, &fixed()).unwrap();
    assert_eq!(text, spdx::to_json(&sbom, &fixed()).unwrap());
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["spdxVersion"], "SPDX-2.3");
    assert!(doc["documentNamespace"]
        .as_str()
        .unwrap()
        .starts_with("https://seatbelt.invalid/spdx/registry.example.test-5000-library-bench-"));
    assert_eq!(doc["creationInfo"]["created"], "2024-01-02T03:04:05Z");
    let declared: Vec<&str> = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["licenseDeclared"].as_str())
        .collect();
    assert!(
        declared.contains(&"(MIT AND BSD-3-Clause) AND LicenseRef-Custom-Debian-license"),
        "{declared:?}"
    );
    assert!(declared.contains(&"LicenseRef-Apache-2.0"), "{declared:?}");
    let extracted = doc["hasExtractedLicensingInfos"].as_array().unwrap();
    assert_eq!(extracted.len(), 2);
    let back = spdx::from_json(text.as_bytes(), "test").unwrap();
    assert_eq!(back, sbom);
    assert_eq!(read_any(text.as_bytes(), "x").unwrap(), sbom);
}

#[test]
fn read_any_detects_formats() {
    let sbom = sample();
    let native = serde_json::to_vec(&sbom).unwrap();
    assert_eq!(read_any(&native, "x").unwrap(), sbom);
    let cdx = cyclonedx::to_json(&sbom, &fixed()).unwrap();
    assert_eq!(read_any(cdx.as_bytes(), "x").unwrap(), sbom);
    for bad in [
        &b"[]"[..],
        b"{}",
        b"not json",
        b"{\"bomFormat\":\"Other\"}",
        b"{\"spdxVersion\":\"SPDX-3.0\"}",
    ] {
        let e = read_any(bad, "file.json").unwrap_err().to_string();
        assert!(e.contains("file.json"), "{e}");
    }
    assert!(cyclonedx::to_json(
        &sbom,
        &FormatOptions {
            timestamp: Some("soon".into())
        }
    )
    .is_err());
}

/// Shapes syft and trivy write: nested components, tool objects, foreign properties, a
/// component without purl, an unmodelled purl type, a bom-ref repeated.
#[test]
fn foreign_cyclonedx() {
    let doc = r#"{
      "$schema": "http://cyclonedx.org/schema/bom-1.5.schema.json",
      "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
      "metadata": {"tools": [{"vendor": "anchore", "name": "syft", "version": "1.0"}],
        "component": {"bom-ref": "abc", "type": "container", "name": "debian:12", "version": "sha256:2b7412e6465c3c7fc5bb21d3e6f1917c167358449fecac8176c6e496e5c1f05f"}},
      "components": [
        {"bom-ref": "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&package-id=1", "type": "library", "name": "bash", "version": "5.2.15-2+b2",
         "licenses": [{"license": {"id": "GPL-3.0-or-later"}}, {"license": {"name": "GPL-3+"}}],
         "cpe": "cpe:2.3:a:bash:bash:5.2.15-2\\+b2:*:*:*:*:*:*:*",
         "purl": "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12",
         "properties": [{"name": "syft:package:type", "value": "deb"}],
         "components": [{"bom-ref": "x", "type": "library", "name": "inner", "version": "1", "purl": "pkg:npm/inner@1"}]},
        {"type": "operating-system", "name": "debian", "version": "12", "description": "Debian GNU/Linux 12 (bookworm)"},
        {"bom-ref": "y", "type": "library", "name": "nopurl"},
        {"bom-ref": "z", "type": "library", "name": "gh", "purl": "pkg:github/a/b@1"},
        {"bom-ref": "x", "type": "library", "name": "dup", "version": "2", "purl": "pkg:npm/dup@2"}
      ],
      "dependencies": [{"ref": "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&package-id=1", "dependsOn": ["x", "missing"]}]
    }"#;
    let sbom = cyclonedx::from_json(doc.as_bytes(), "syft.json").unwrap();
    assert_eq!(sbom.subject.name, "debian:12");
    assert!(sbom.subject.manifest_digest.is_some());
    assert_eq!(
        sbom.distro.as_ref().unwrap().version_id.as_deref(),
        Some("12")
    );
    let names: Vec<&str> = sbom.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["bash", "dup", "inner"]);
    let bash = &sbom.packages[0];
    assert_eq!(bash.version, "5.2.15-2+b2");
    assert_eq!(bash.arch.as_deref(), Some("amd64"));
    assert_eq!(bash.licenses, ["GPL-3.0-or-later", "GPL-3+"]);
    assert_eq!(bash.cataloger, "syft");
    assert_eq!(sbom.unknowns.len(), 2, "{:?}", sbom.unknowns);
    assert_eq!(sbom.relationships.len(), 1);
    assert_ne!(sbom.packages[1].id, sbom.packages[2].id);
}

#[test]
fn foreign_spdx() {
    let doc = r#"{
      "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT", "name": "alpine",
      "documentNamespace": "https://anchore.com/syft/image/alpine-1",
      "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Organization: Anchore, Inc", "Tool: syft-1.0.0"]},
      "packages": [
        {"name": "alpine", "SPDXID": "SPDXRef-DocumentRoot-Image-alpine", "versionInfo": "sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b", "downloadLocation": "NOASSERTION", "primaryPackagePurpose": "CONTAINER"},
        {"name": "musl", "SPDXID": "SPDXRef-Package-apk-musl-1", "versionInfo": "1.2.4-r2", "downloadLocation": "NOASSERTION",
         "licenseDeclared": "LicenseRef-weird", "externalRefs": [
           {"referenceCategory": "SECURITY", "referenceType": "cpe23Type", "referenceLocator": "cpe:2.3:a:musl:musl:1.2.4-r2:*:*:*:*:*:*:*"},
           {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.0"}]},
        {"name": "busybox", "SPDXID": "SPDXRef-Package-apk-busybox-2", "versionInfo": "1.36.1-r15", "licenseDeclared": "GPL-2.0-only",
         "externalRefs": [{"referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl", "referenceLocator": "pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64"}]},
        {"name": "file-only", "SPDXID": "SPDXRef-File-1"}
      ],
      "hasExtractedLicensingInfos": [{"licenseId": "LicenseRef-weird", "extractedText": "weird text", "name": "Weird"}],
      "relationships": [
        {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-DocumentRoot-Image-alpine"},
        {"spdxElementId": "SPDXRef-Package-apk-musl-1", "relationshipType": "DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-Package-apk-busybox-2"}
      ]
    }"#;
    let sbom = spdx::from_json(doc.as_bytes(), "syft.spdx.json").unwrap();
    assert_eq!(sbom.subject.name, "alpine");
    let names: Vec<&str> = sbom.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["busybox", "musl"]);
    assert_eq!(sbom.packages[1].licenses, ["Weird"]);
    assert_eq!(sbom.packages[1].cpes.len(), 1);
    assert_eq!(sbom.packages[1].cataloger, "syft-1.0.0");
    assert_eq!(sbom.relationships.len(), 1);
    assert_eq!(sbom.relationships[0].from, "apk-busybox-2");
    assert_eq!(sbom.unknowns.len(), 1);
}

#[test]
fn uuid_v5_known_answer() {
    // RFC 4122 v5 of "https://www.python.org/" in the URL namespace (as Python's uuid module
    // computes it).
    assert_eq!(
        uuid_v5_url("https://www.python.org/"),
        "5406f80d-92e9-51cd-a176-77445955e733"
    );
}
