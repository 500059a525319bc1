//! SPDX 2.3 JSON (<https://spdx.github.io/spdx-spec/v2.3/>): the document describes the image
//! package (purpose `CONTAINER`), which contains the OS release (`OPERATING-SYSTEM`) and every
//! package (`LIBRARY`); `DEPENDS_ON` and `CONTAINS` relationships carry the package graph.
//! License names that are not SPDX expressions become `LicenseRef-`s with their text in
//! `hasExtractedLicensingInfos`.

use std::collections::{BTreeMap, HashMap, HashSet};

use seatbelt_types::{
    Digest, Distro, Package, Purl, Relationship, RelationshipKind, Sbom, SbomSubject, Unknown,
};
use serde::Serialize;
use serde_json::Value;

use super::license::{classify, license_ref, License};
use super::props::{self, Decoded, Stated};
use super::{FormatOptions, TOOL_NAME, TOOL_VERSION};
use crate::SbomError;

const FORMAT: &str = "SPDX";
const NOASSERTION: &str = "NOASSERTION";
const IMAGE_ID: &str = "SPDXRef-Image";
const OS_ID: &str = "SPDXRef-OperatingSystem";
const PACKAGE_PREFIX: &str = "SPDXRef-Package-";
const REFERENCE: &str = "seatbelt:reference";
const PLATFORM: &str = "seatbelt:platform";
const CONFIG_DIGEST: &str = "seatbelt:config_digest";
const IMAGE_LAYER: &str = "seatbelt:image_layer";
const CODENAME: &str = "seatbelt:distro:codename";
const ID_LIKE: &str = "seatbelt:distro:id_like";
const UNKNOWN: &str = "seatbelt:unknown";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    spdx_version: &'static str,
    data_license: &'static str,
    #[serde(rename = "SPDXID")]
    spdx_id: &'static str,
    name: String,
    document_namespace: String,
    creation_info: CreationInfo,
    packages: Vec<SpdxPackage>,
    relationships: Vec<Rel>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    has_extracted_licensing_infos: Vec<Extracted>,
}

#[derive(Serialize)]
struct CreationInfo {
    created: String,
    creators: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SpdxPackage {
    name: String,
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_info: Option<String>,
    download_location: &'static str,
    files_analyzed: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    checksums: Vec<Checksum>,
    license_concluded: &'static str,
    license_declared: String,
    copyright_text: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_info: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_refs: Vec<ExternalRef>,
    primary_package_purpose: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Checksum {
    algorithm: &'static str,
    checksum_value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    reference_category: &'static str,
    reference_type: &'static str,
    reference_locator: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rel {
    spdx_element_id: String,
    relationship_type: &'static str,
    related_spdx_element: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Extracted {
    license_id: String,
    extracted_text: String,
    name: String,
}

/// Collects the `LicenseRef-`s a document uses, one per distinct text.
#[derive(Default)]
struct LicenseRefs {
    by_text: BTreeMap<String, String>,
    used: HashSet<String>,
}

impl LicenseRefs {
    fn for_text(&mut self, text: &str) -> String {
        if let Some(r) = self.by_text.get(text) {
            return r.clone();
        }
        let base = license_ref(text);
        let mut id = base.clone();
        let mut n = 1;
        while self.used.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.used.insert(id.clone());
        self.by_text.insert(text.to_string(), id.clone());
        id
    }

    /// `licenseDeclared` for a package's licenses: their conjunction.
    fn declared(&mut self, licenses: &[String]) -> String {
        let many = licenses.len() > 1;
        let parts: Vec<String> = licenses
            .iter()
            .map(|l| match classify(l) {
                License::Id(id) => id,
                License::Expression(e) => {
                    // A LicenseRef the expression itself names must be declared too.
                    for token in e.split(|c: char| c.is_whitespace() || c == '(' || c == ')') {
                        if token.starts_with("LicenseRef-") && !self.used.contains(token) {
                            self.used.insert(token.to_string());
                            self.by_text.insert(token.to_string(), token.to_string());
                        }
                    }
                    if many && e.contains(' ') {
                        format!("({e})")
                    } else {
                        e
                    }
                }
                License::Text(t) => self.for_text(&t),
            })
            .collect();
        if parts.is_empty() {
            NOASSERTION.to_string()
        } else {
            parts.join(" AND ")
        }
    }

    fn extracted(self) -> Vec<Extracted> {
        let mut out: Vec<Extracted> = self
            .by_text
            .into_iter()
            .map(|(text, id)| Extracted {
                license_id: id,
                extracted_text: text.clone(),
                name: text,
            })
            .collect();
        out.sort_by(|a, b| a.license_id.cmp(&b.license_id));
        out
    }
}

/// `SPDXRef-` ids allow letters, digits, `.` and `-` only.
fn sanitize(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn external_refs(purl: Option<&Purl>, cpes: &[String]) -> Vec<ExternalRef> {
    let mut refs: Vec<ExternalRef> = purl
        .map(|p| ExternalRef {
            reference_category: "PACKAGE-MANAGER",
            reference_type: "purl",
            reference_locator: p.to_string(),
        })
        .into_iter()
        .collect();
    for cpe in cpes {
        let ty = if cpe.starts_with("cpe:2.3:") {
            "cpe23Type"
        } else if cpe.starts_with("cpe:/") {
            "cpe22Type"
        } else {
            continue;
        };
        refs.push(ExternalRef {
            reference_category: "SECURITY",
            reference_type: ty,
            reference_locator: cpe.clone(),
        });
    }
    refs
}

fn source_info(p: &Package) -> String {
    let places: Vec<String> = p
        .locations
        .iter()
        .map(|l| match (&l.layer_digest, l.layer_index) {
            (Some(d), _) => format!("/{} (layer {})", l.path, d),
            (None, Some(i)) => format!("/{} (layer {i})", l.path),
            (None, None) => format!("/{}", l.path),
        })
        .collect();
    format!(
        "acquired package info from seatbelt's {} cataloger: {}",
        p.cataloger,
        places.join(", ")
    )
}

fn image_package(sbom: &Sbom) -> SpdxPackage {
    let s = &sbom.subject;
    let mut lines = vec![(REFERENCE.to_string(), s.reference.clone())];
    if let Some(p) = &s.platform {
        lines.push((PLATFORM.to_string(), p.clone()));
    }
    if let Some(c) = &s.config_digest {
        lines.push((CONFIG_DIGEST.to_string(), c.to_string()));
    }
    lines.extend(
        s.layers
            .iter()
            .map(|l| (IMAGE_LAYER.to_string(), l.to_string())),
    );
    lines.extend(
        sbom.unknowns
            .iter()
            .filter_map(|u| serde_json::to_string(u).ok())
            .map(|u| (UNKNOWN.to_string(), u)),
    );
    let checksums = s
        .manifest_digest
        .iter()
        .map(|d| Checksum {
            algorithm: match d.algorithm() {
                seatbelt_types::Algorithm::Sha256 => "SHA256",
                seatbelt_types::Algorithm::Sha512 => "SHA512",
            },
            checksum_value: d.hex().to_string(),
        })
        .collect();
    SpdxPackage {
        name: if s.name.is_empty() {
            s.reference.clone()
        } else {
            s.name.clone()
        },
        spdx_id: IMAGE_ID.to_string(),
        version_info: s
            .manifest_digest
            .as_ref()
            .or(s.config_digest.as_ref())
            .map(ToString::to_string),
        download_location: NOASSERTION,
        files_analyzed: false,
        checksums,
        license_concluded: NOASSERTION,
        license_declared: NOASSERTION.to_string(),
        copyright_text: NOASSERTION,
        source_info: None,
        description: None,
        comment: Some(props::to_lines(&lines)),
        external_refs: external_refs(super::image_purl(sbom).as_ref(), &[]),
        primary_package_purpose: "CONTAINER",
    }
}

fn os_package(d: &Distro) -> SpdxPackage {
    let mut lines = Vec::new();
    if let Some(c) = &d.codename {
        lines.push((CODENAME.to_string(), c.clone()));
    }
    lines.extend(d.id_like.iter().map(|l| (ID_LIKE.to_string(), l.clone())));
    SpdxPackage {
        name: d.id.clone(),
        spdx_id: OS_ID.to_string(),
        version_info: d.version_id.clone(),
        download_location: NOASSERTION,
        files_analyzed: false,
        checksums: Vec::new(),
        license_concluded: NOASSERTION,
        license_declared: NOASSERTION.to_string(),
        copyright_text: NOASSERTION,
        source_info: None,
        description: d.pretty_name.clone(),
        comment: (!lines.is_empty()).then(|| props::to_lines(&lines)),
        external_refs: Vec::new(),
        primary_package_purpose: "OPERATING-SYSTEM",
    }
}

fn rel(from: &str, ty: &'static str, to: &str) -> Rel {
    Rel {
        spdx_element_id: from.to_string(),
        relationship_type: ty,
        related_spdx_element: to.to_string(),
    }
}

/// Writes `sbom` as SPDX 2.3 JSON. The `documentNamespace` is
/// `https://seatbelt.invalid/spdx/<name>-<content hash>`: SPDX wants a unique URI, not a
/// resolvable one, and the `.invalid` TLD (RFC 2606) can never belong to anyone, so no real
/// site is implied; the hash (see [`super::content_hash`]) makes it unique per SBOM and
/// timestamp and stable across runs.
pub fn to_json(sbom: &Sbom, options: &FormatOptions) -> Result<String, SbomError> {
    let created = super::timestamp(options, FORMAT)?;
    let hash = super::content_hash(sbom, &created);
    let name = if sbom.subject.name.is_empty() {
        sbom.subject.reference.clone()
    } else {
        sbom.subject.name.clone()
    };
    let name = if name.is_empty() {
        "image".to_string()
    } else {
        name
    };
    let namespace = format!(
        "https://seatbelt.invalid/spdx/{}-{}",
        sanitize(&name).trim_matches('-'),
        hash.hex()
    );

    let mut refs = LicenseRefs::default();
    let mut packages = vec![image_package(sbom)];
    let mut relationships = vec![rel("SPDXRef-DOCUMENT", "DESCRIBES", IMAGE_ID)];
    if let Some(d) = &sbom.distro {
        packages.push(os_package(d));
        relationships.push(rel(IMAGE_ID, "CONTAINS", OS_ID));
    }
    let mut spdx_ids: HashMap<&str, String> = HashMap::new();
    let mut taken: HashSet<String> = HashSet::new();
    for p in &sbom.packages {
        let base = format!("{PACKAGE_PREFIX}{}", sanitize(&p.id));
        let mut id = base.clone();
        let mut n = 1;
        while taken.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        taken.insert(id.clone());
        spdx_ids.insert(p.id.as_str(), id.clone());
        relationships.push(rel(IMAGE_ID, "CONTAINS", &id));
        packages.push(SpdxPackage {
            name: p.name.clone(),
            spdx_id: id,
            version_info: Some(p.version.clone()).filter(|v| !v.is_empty()),
            download_location: NOASSERTION,
            files_analyzed: false,
            checksums: Vec::new(),
            license_concluded: NOASSERTION,
            license_declared: refs.declared(&p.licenses),
            copyright_text: NOASSERTION,
            source_info: Some(source_info(p)),
            description: None,
            comment: Some(props::to_lines(&props::of_package(p, true))),
            external_refs: external_refs(Some(&p.purl), &p.cpes),
            primary_package_purpose: "LIBRARY",
        });
    }
    for r in &sbom.relationships {
        let (Some(from), Some(to)) = (spdx_ids.get(r.from.as_str()), spdx_ids.get(r.to.as_str()))
        else {
            continue;
        };
        let ty = match r.kind {
            RelationshipKind::DependsOn => "DEPENDS_ON",
            RelationshipKind::Contains => "CONTAINS",
        };
        relationships.push(rel(from, ty, to));
    }
    let doc = Document {
        spdx_version: "SPDX-2.3",
        data_license: "CC0-1.0",
        spdx_id: "SPDXRef-DOCUMENT",
        name,
        document_namespace: namespace,
        creation_info: CreationInfo {
            created,
            creators: vec![format!("Tool: {TOOL_NAME}-{TOOL_VERSION}")],
        },
        packages,
        relationships,
        has_extracted_licensing_infos: refs.extracted(),
    };
    super::to_pretty(&doc)
}

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn array<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    v.get(key).and_then(Value::as_array).into_iter().flatten()
}

fn comment_props(p: &Value) -> Vec<(String, String)> {
    str_at(p, "comment")
        .map(props::from_lines)
        .unwrap_or_default()
}

fn subject_of(p: &Value) -> (SbomSubject, Vec<Unknown>) {
    let lines = comment_props(p);
    let find = |k: &str| lines.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let name = str_at(p, "name").unwrap_or_default().to_string();
    let subject = SbomSubject {
        reference: find(REFERENCE).unwrap_or_else(|| name.clone()),
        name,
        manifest_digest: str_at(p, "versionInfo").and_then(|v| v.parse::<Digest>().ok()),
        config_digest: find(CONFIG_DIGEST).and_then(|d| d.parse().ok()),
        platform: find(PLATFORM),
        layers: lines
            .iter()
            .filter(|(n, _)| n == IMAGE_LAYER)
            .filter_map(|(_, v)| v.parse().ok())
            .collect(),
    };
    let unknowns = lines
        .iter()
        .filter(|(n, _)| n == UNKNOWN)
        .filter_map(|(_, v)| serde_json::from_str(v).ok())
        .collect();
    (subject, unknowns)
}

fn distro_of(p: &Value) -> Distro {
    let lines = comment_props(p);
    Distro {
        id: str_at(p, "name").unwrap_or_default().to_ascii_lowercase(),
        version_id: str_at(p, "versionInfo").map(str::to_string),
        codename: lines
            .iter()
            .find(|(n, _)| n == CODENAME)
            .map(|(_, v)| v.clone()),
        pretty_name: str_at(p, "description").map(str::to_string),
        id_like: lines
            .iter()
            .filter(|(n, _)| n == ID_LIKE)
            .map(|(_, v)| v.clone())
            .collect(),
    }
}

fn package_of(p: &Value, extracted: &HashMap<&str, &str>, tool: &str) -> Result<Package, String> {
    let name = str_at(p, "name").unwrap_or_default();
    let refs: Vec<&Value> = array(p, "externalRefs").collect();
    let purl_text = refs
        .iter()
        .find(|r| str_at(r, "referenceType") == Some("purl"))
        .and_then(|r| str_at(r, "referenceLocator"))
        .ok_or_else(|| format!("package `{name}` has no purl external reference"))?;
    let purl: Purl = purl_text.parse().map_err(|e| format!("{e}"))?;
    let ecosystem = super::ecosystem_of(&purl)
        .ok_or_else(|| format!("`{purl_text}` is of a package type seatbelt does not model"))?;
    let lines = comment_props(p);
    let d = Decoded::read(lines.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let cpes = refs
        .iter()
        .filter(|r| {
            str_at(r, "referenceCategory").is_some_and(|c| c.eq_ignore_ascii_case("SECURITY"))
        })
        .filter_map(|r| str_at(r, "referenceLocator"))
        .map(str::to_string)
        .collect();
    let spdx_id = str_at(p, "SPDXID").unwrap_or_default();
    let stated = Stated {
        id: spdx_id
            .strip_prefix(PACKAGE_PREFIX)
            .unwrap_or(spdx_id)
            .to_string(),
        name,
        version: str_at(p, "versionInfo"),
        purl,
        ecosystem,
        licenses: match str_at(p, "licenseDeclared") {
            None | Some(NOASSERTION | "NONE") => Vec::new(),
            Some(l) => vec![extracted.get(l).map_or(l, |t| *t).to_string()],
        },
        cpes,
    };
    Ok(d.package(stated, tool))
}

/// Reads an SPDX 2.x JSON document (seatbelt's or another tool's) into an [`Sbom`].
pub fn from_json(bytes: &[u8], what: &str) -> Result<Sbom, SbomError> {
    let value = super::parse_json(bytes, what, FORMAT)?;
    from_value(&value, what)
}

pub(crate) fn from_value(doc: &Value, what: &str) -> Result<Sbom, SbomError> {
    if !str_at(doc, "spdxVersion").is_some_and(|v| v.starts_with("SPDX-2.")) {
        return Err(SbomError::InvalidDocument {
            what: what.to_string(),
            format: FORMAT,
            reason: "`spdxVersion` is not SPDX-2.x".to_string(),
        });
    }
    let tool = doc
        .pointer("/creationInfo/creators")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .find_map(|c| c.strip_prefix("Tool:"))
        .map_or_else(|| "spdx".to_string(), |t| t.trim().to_string());
    let extracted: HashMap<&str, &str> = array(doc, "hasExtractedLicensingInfos")
        .filter_map(|e| {
            let id = str_at(e, "licenseId")?;
            Some((
                id,
                str_at(e, "name").or_else(|| str_at(e, "extractedText"))?,
            ))
        })
        .collect();
    let described: HashSet<&str> = array(doc, "relationships")
        .filter(|r| {
            str_at(r, "spdxElementId") == Some("SPDXRef-DOCUMENT")
                && str_at(r, "relationshipType") == Some("DESCRIBES")
        })
        .filter_map(|r| str_at(r, "relatedSpdxElement"))
        .chain(array(doc, "documentDescribes").filter_map(Value::as_str))
        .collect();

    let mut sbom = Sbom::default();
    let mut subject_found = false;
    let mut id_map: HashMap<&str, String> = HashMap::new();
    let mut seen = HashSet::new();
    for p in array(doc, "packages") {
        let spdx_id = str_at(p, "SPDXID").unwrap_or_default();
        let purpose = str_at(p, "primaryPackagePurpose");
        if !subject_found && (purpose == Some("CONTAINER") || described.contains(spdx_id)) {
            let (subject, unknowns) = subject_of(p);
            sbom.subject = subject;
            sbom.unknowns.extend(unknowns);
            subject_found = true;
            continue;
        }
        if purpose == Some("OPERATING-SYSTEM") {
            if sbom.distro.is_none() {
                sbom.distro = Some(distro_of(p));
            }
            continue;
        }
        match package_of(p, &extracted, &tool) {
            Ok(mut pkg) => {
                if pkg.id.is_empty() || !seen.insert(pkg.id.clone()) {
                    pkg.id = super::cyclonedx::unique_id(&pkg, &seen);
                    seen.insert(pkg.id.clone());
                }
                id_map.insert(spdx_id, pkg.id.clone());
                sbom.packages.push(pkg);
            }
            Err(reason) => sbom.unknowns.push(Unknown {
                location: seatbelt_types::Location {
                    path: spdx_id.to_string(),
                    layer_index: None,
                    layer_digest: None,
                },
                cataloger: tool.clone(),
                reason,
            }),
        }
    }
    let mut relationships = Vec::new();
    for r in array(doc, "relationships") {
        let (Some(a), Some(b)) = (
            str_at(r, "spdxElementId").and_then(|a| id_map.get(a)),
            str_at(r, "relatedSpdxElement").and_then(|b| id_map.get(b)),
        ) else {
            continue;
        };
        let (from, to, kind) = match str_at(r, "relationshipType") {
            Some("DEPENDS_ON") => (a, b, RelationshipKind::DependsOn),
            Some("DEPENDENCY_OF") => (b, a, RelationshipKind::DependsOn),
            Some("CONTAINS") => (a, b, RelationshipKind::Contains),
            Some("CONTAINED_BY") => (b, a, RelationshipKind::Contains),
            _ => continue,
        };
        relationships.push(Relationship {
            from: from.clone(),
            to: to.clone(),
            kind,
        });
    }
    relationships.sort();
    relationships.dedup();
    sbom.relationships = relationships;
    super::sort_packages(&mut sbom);
    Ok(sbom)
}
