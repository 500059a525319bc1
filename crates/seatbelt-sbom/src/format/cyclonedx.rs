//! CycloneDX 1.6 JSON (<https://cyclonedx.org/docs/1.6/json/>): the image is the root
//! `metadata.component` (type `container`), the OS release an `operating-system` component,
//! every package a `library` with its purl, first CPE, licenses and `seatbelt:` properties;
//! `dependencies` carries the depends-on graph, the root depending on every top-level component.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use seatbelt_types::{
    Digest, Distro, Location, Package, Purl, Relationship, RelationshipKind, Sbom, SbomSubject,
    Unknown,
};
use serde::Serialize;
use serde_json::Value;

use super::license::{classify, License};
use super::props::{self, Decoded, Stated};
use super::{FormatOptions, TOOL_NAME, TOOL_VERSION};
use crate::SbomError;

const FORMAT: &str = "CycloneDX";
/// bom-refs of the two components that are not packages (package ids start with `pkg-`).
const IMAGE_REF: &str = "seatbelt-image";
const OS_REF: &str = "seatbelt-os";
const REFERENCE: &str = "seatbelt:reference";
const PLATFORM: &str = "seatbelt:platform";
const CONFIG_DIGEST: &str = "seatbelt:config_digest";
const IMAGE_LAYER: &str = "seatbelt:image_layer";
const CODENAME: &str = "seatbelt:distro:codename";
const ID_LIKE: &str = "seatbelt:distro:id_like";
const UNKNOWN: &str = "seatbelt:unknown";
/// Nested `components` deeper than this (foreign SBOMs nest assemblies) are not read.
const MAX_DEPTH: usize = 32;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    bom_format: &'static str,
    spec_version: &'static str,
    serial_number: String,
    version: u32,
    metadata: Metadata,
    components: Vec<Component>,
    dependencies: Vec<Dependency>,
}

#[derive(Serialize)]
struct Metadata {
    timestamp: String,
    tools: Tools,
    component: Component,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
}

#[derive(Serialize)]
struct Tools {
    components: Vec<Component>,
}

#[derive(Serialize, Default)]
struct Component {
    #[serde(rename = "type")]
    ty: &'static str,
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    bom_ref: Option<String>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashes: Vec<Hash>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cpe: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
}

#[derive(Serialize)]
struct Hash {
    alg: &'static str,
    content: String,
}

#[derive(Serialize)]
struct Property {
    name: String,
    value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency {
    #[serde(rename = "ref")]
    reference: String,
    depends_on: Vec<String>,
}

fn prop(name: &str, value: &str) -> Property {
    Property {
        name: name.to_string(),
        value: value.to_string(),
    }
}

/// The `licenses` array for a list of license strings, and whether reading it back gives the
/// list unchanged. CycloneDX allows either license objects (`id` from the SPDX list, else
/// `name`) or exactly one `expression`, never both.
fn licenses_field(licenses: &[String]) -> (Vec<Value>, bool) {
    let classified: Vec<License> = licenses.iter().map(|l| classify(l)).collect();
    let compound = classified
        .iter()
        .any(|c| matches!(c, License::Expression(_)));
    let has_text = classified.iter().any(|c| matches!(c, License::Text(_)));
    let values: Vec<Value> = if compound && !has_text {
        let parts: Vec<String> = classified
            .iter()
            .map(|c| match c {
                License::Expression(e) if classified.len() > 1 && e.contains(' ') => {
                    format!("({e})")
                }
                License::Id(e) | License::Expression(e) | License::Text(e) => e.clone(),
            })
            .collect();
        vec![serde_json::json!({ "expression": parts.join(" AND ") })]
    } else {
        classified
            .iter()
            .map(|c| match c {
                License::Id(id) => serde_json::json!({ "license": { "id": id } }),
                License::Expression(e) | License::Text(e) => {
                    serde_json::json!({ "license": { "name": e } })
                }
            })
            .collect()
    };
    let exact = read_licenses(&values) == licenses;
    (values, exact)
}

fn read_licenses(values: &[Value]) -> Vec<String> {
    values
        .iter()
        .filter_map(|v| {
            str_at(v, &["expression"])
                .or_else(|| str_at(v, &["license", "id"]))
                .or_else(|| str_at(v, &["license", "name"]))
                .map(str::to_string)
        })
        .collect()
}

fn package_component(p: &Package, contained_by: &[&str]) -> Component {
    let (licenses, exact) = licenses_field(&p.licenses);
    let mut properties: Vec<Property> = props::of_package(p, !exact)
        .into_iter()
        .map(|(name, value)| Property { name, value })
        .collect();
    properties.extend(p.cpes.iter().skip(1).map(|c| prop(props::CPE, c)));
    properties.extend(contained_by.iter().map(|c| prop(props::CONTAINED_BY, c)));
    Component {
        ty: "library",
        bom_ref: Some(p.id.clone()),
        name: p.name.clone(),
        version: Some(p.version.clone()).filter(|v| !v.is_empty()),
        licenses,
        cpe: p.cpes.first().cloned(),
        purl: Some(p.purl.to_string()),
        properties,
        ..Component::default()
    }
}

fn image_component(sbom: &Sbom) -> Component {
    let s = &sbom.subject;
    let mut properties = vec![prop(REFERENCE, &s.reference)];
    if let Some(p) = &s.platform {
        properties.push(prop(PLATFORM, p));
    }
    if let Some(c) = &s.config_digest {
        properties.push(prop(CONFIG_DIGEST, &c.to_string()));
    }
    properties.extend(s.layers.iter().map(|l| prop(IMAGE_LAYER, &l.to_string())));
    let hashes = s
        .manifest_digest
        .iter()
        .filter(|d| d.algorithm() == seatbelt_types::Algorithm::Sha256)
        .map(|d| Hash {
            alg: "SHA-256",
            content: d.hex().to_string(),
        })
        .collect();
    Component {
        ty: "container",
        bom_ref: Some(IMAGE_REF.to_string()),
        name: if s.name.is_empty() {
            s.reference.clone()
        } else {
            s.name.clone()
        },
        version: s
            .manifest_digest
            .as_ref()
            .or(s.config_digest.as_ref())
            .map(ToString::to_string),
        hashes,
        purl: super::image_purl(sbom).map(|p| p.to_string()),
        properties,
        ..Component::default()
    }
}

fn os_component(d: &Distro) -> Component {
    let mut properties = Vec::new();
    if let Some(c) = &d.codename {
        properties.push(prop(CODENAME, c));
    }
    properties.extend(d.id_like.iter().map(|l| prop(ID_LIKE, l)));
    Component {
        ty: "operating-system",
        bom_ref: Some(OS_REF.to_string()),
        name: d.id.clone(),
        version: d.version_id.clone(),
        description: d.pretty_name.clone(),
        properties,
        ..Component::default()
    }
}

/// Writes `sbom` as CycloneDX 1.6 JSON. The serial number is a version-5 UUID of
/// `https://seatbelt.invalid/cyclonedx/<content hash>` (see [`super::content_hash`]), so the
/// same SBOM with the same timestamp always gets the same one.
pub fn to_json(sbom: &Sbom, options: &FormatOptions) -> Result<String, SbomError> {
    let timestamp = super::timestamp(options, FORMAT)?;
    let hash = super::content_hash(sbom, &timestamp);
    let serial = super::uuid_v5_url(&format!(
        "https://seatbelt.invalid/cyclonedx/{}",
        hash.hex()
    ));

    let mut contained_by: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut depends: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut has_parent: HashSet<&str> = HashSet::new();
    for r in &sbom.relationships {
        has_parent.insert(r.to.as_str());
        match r.kind {
            RelationshipKind::Contains => {
                contained_by.entry(&r.to).or_default().push(&r.from);
            }
            RelationshipKind::DependsOn => {
                depends.entry(&r.from).or_default().insert(&r.to);
            }
        }
    }
    let known: HashSet<&str> = sbom.packages.iter().map(|p| p.id.as_str()).collect();

    let mut components = Vec::with_capacity(sbom.packages.len() + 1);
    let mut root_deps: Vec<String> = Vec::new();
    if let Some(d) = &sbom.distro {
        components.push(os_component(d));
        root_deps.push(OS_REF.to_string());
    }
    let mut dependencies = Vec::with_capacity(sbom.packages.len() + 2);
    for p in &sbom.packages {
        let owners = contained_by
            .get(p.id.as_str())
            .map_or(&[][..], Vec::as_slice);
        components.push(package_component(p, owners));
        if !has_parent.contains(p.id.as_str()) {
            root_deps.push(p.id.clone());
        }
        dependencies.push(Dependency {
            reference: p.id.clone(),
            depends_on: depends
                .get(p.id.as_str())
                .into_iter()
                .flatten()
                .filter(|t| known.contains(*t))
                .map(|t| (*t).to_string())
                .collect(),
        });
    }
    root_deps.sort();
    root_deps.dedup();
    dependencies.insert(
        0,
        Dependency {
            reference: IMAGE_REF.to_string(),
            depends_on: root_deps,
        },
    );
    if sbom.distro.is_some() {
        dependencies.insert(
            1,
            Dependency {
                reference: OS_REF.to_string(),
                depends_on: Vec::new(),
            },
        );
    }
    let properties = sbom
        .unknowns
        .iter()
        .filter_map(|u| serde_json::to_string(u).ok())
        .map(|v| prop(UNKNOWN, &v))
        .collect();
    let bom = Bom {
        bom_format: "CycloneDX",
        spec_version: "1.6",
        serial_number: format!("urn:uuid:{serial}"),
        version: 1,
        metadata: Metadata {
            timestamp,
            tools: Tools {
                components: vec![Component {
                    ty: "application",
                    name: TOOL_NAME.to_string(),
                    version: Some(TOOL_VERSION.to_string()),
                    ..Component::default()
                }],
            },
            component: image_component(sbom),
            properties,
        },
        components,
        dependencies,
    };
    super::to_pretty(&bom)
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for key in path {
        cur = cur.get(key)?;
    }
    cur.as_str()
}

fn properties_of(v: &Value) -> Vec<(&str, &str)> {
    v.get("properties")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p.get("name")?.as_str()?, p.get("value")?.as_str()?)))
        .collect()
}

/// Every component, nested ones included (depth-bounded), in document order.
fn flatten<'a>(list: Option<&'a Value>, depth: usize, out: &mut Vec<&'a Value>) {
    if depth > MAX_DEPTH {
        return;
    }
    for c in list.and_then(Value::as_array).into_iter().flatten() {
        out.push(c);
        flatten(c.get("components"), depth + 1, out);
    }
}

fn subject_of(root: Option<&Value>) -> SbomSubject {
    let Some(root) = root else {
        return SbomSubject::default();
    };
    let props = properties_of(root);
    let find = |k: &str| props.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
    let name = str_at(root, &["name"]).unwrap_or_default().to_string();
    let version_digest = str_at(root, &["version"]).and_then(|v| v.parse::<Digest>().ok());
    SbomSubject {
        reference: find(REFERENCE).map_or_else(|| name.clone(), str::to_string),
        name,
        manifest_digest: version_digest,
        config_digest: find(CONFIG_DIGEST).and_then(|d| d.parse().ok()),
        platform: find(PLATFORM).map(str::to_string),
        layers: props
            .iter()
            .filter(|(n, _)| *n == IMAGE_LAYER)
            .filter_map(|(_, v)| v.parse().ok())
            .collect(),
    }
}

fn distro_of(c: &Value) -> Distro {
    let props = properties_of(c);
    Distro {
        id: str_at(c, &["name"])
            .unwrap_or_default()
            .to_ascii_lowercase(),
        version_id: str_at(c, &["version"]).map(str::to_string),
        codename: props
            .iter()
            .find(|(n, _)| *n == CODENAME)
            .map(|(_, v)| (*v).to_string()),
        pretty_name: str_at(c, &["description"]).map(str::to_string),
        id_like: props
            .iter()
            .filter(|(n, _)| *n == ID_LIKE)
            .map(|(_, v)| (*v).to_string())
            .collect(),
    }
}

/// A component's package, or why it is not one seatbelt models.
fn package_of(c: &Value, source: &str) -> Result<Package, String> {
    let name = str_at(c, &["name"]).unwrap_or_default();
    let purl_text =
        str_at(c, &["purl"]).ok_or_else(|| format!("component `{name}` has no purl"))?;
    let purl: Purl = purl_text.parse().map_err(|e| format!("{e}"))?;
    let ecosystem = super::ecosystem_of(&purl)
        .ok_or_else(|| format!("`{purl_text}` is of a package type seatbelt does not model"))?;
    let d = Decoded::read(properties_of(c));
    let mut cpes: Vec<String> = str_at(c, &["cpe"])
        .map(str::to_string)
        .into_iter()
        .collect();
    cpes.extend(d.cpes.iter().cloned());
    let stated = Stated {
        id: str_at(c, &["bom-ref"]).unwrap_or_default().to_string(),
        name,
        version: str_at(c, &["version"]),
        purl,
        ecosystem,
        licenses: read_licenses(
            c.get("licenses")
                .and_then(Value::as_array)
                .map_or(&[], Vec::as_slice),
        ),
        cpes,
    };
    Ok(d.package(stated, source))
}

/// Reads a CycloneDX JSON document (any 1.x; seatbelt's or another tool's) into an [`Sbom`].
pub fn from_json(bytes: &[u8], what: &str) -> Result<Sbom, SbomError> {
    let value = super::parse_json(bytes, what, FORMAT)?;
    from_value(&value, what)
}

pub(crate) fn from_value(doc: &Value, what: &str) -> Result<Sbom, SbomError> {
    if str_at(doc, &["bomFormat"]) != Some("CycloneDX") {
        return Err(SbomError::InvalidDocument {
            what: what.to_string(),
            format: FORMAT,
            reason: "`bomFormat` is not \"CycloneDX\"".to_string(),
        });
    }
    let tool = doc
        .pointer("/metadata/tools/components/0/name")
        .or_else(|| doc.pointer("/metadata/tools/0/name"))
        .and_then(Value::as_str)
        .unwrap_or("cyclonedx")
        .to_string();
    let mut sbom = Sbom {
        subject: subject_of(doc.pointer("/metadata/component")),
        ..Sbom::default()
    };
    let mut all = Vec::new();
    flatten(doc.get("components"), 0, &mut all);
    let mut contained: Vec<(String, String)> = Vec::new();
    let mut seen_ids = HashSet::new();
    for c in all {
        if str_at(c, &["type"]) == Some("operating-system") {
            if sbom.distro.is_none() {
                sbom.distro = Some(distro_of(c));
            }
            continue;
        }
        match package_of(c, &tool) {
            Ok(mut p) => {
                if p.id.is_empty() || !seen_ids.insert(p.id.clone()) {
                    p.id = unique_id(&p, &seen_ids);
                    seen_ids.insert(p.id.clone());
                }
                for owner in Decoded::read(properties_of(c)).contained_by {
                    contained.push((owner, p.id.clone()));
                }
                sbom.packages.push(p);
            }
            Err(reason) => sbom.unknowns.push(Unknown {
                location: Location {
                    path: str_at(c, &["bom-ref"])
                        .or_else(|| str_at(c, &["name"]))
                        .unwrap_or_default()
                        .to_string(),
                    layer_index: None,
                    layer_digest: None,
                },
                cataloger: tool.clone(),
                reason,
            }),
        }
    }
    for (_, v) in properties_of(doc.get("metadata").unwrap_or(&Value::Null)) {
        if let Ok(u) = serde_json::from_str::<Unknown>(v) {
            sbom.unknowns.push(u);
        }
    }
    let ids: HashSet<&str> = sbom.packages.iter().map(|p| p.id.as_str()).collect();
    let mut relationships = Vec::new();
    for dep in doc
        .get("dependencies")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(from) = str_at(dep, &["ref"]).filter(|f| ids.contains(f)) else {
            continue;
        };
        for to in dep
            .get("dependsOn")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|t| ids.contains(t))
        {
            relationships.push(Relationship {
                from: from.to_string(),
                to: to.to_string(),
                kind: RelationshipKind::DependsOn,
            });
        }
    }
    for (from, to) in contained {
        if ids.contains(from.as_str()) {
            relationships.push(Relationship {
                from,
                to,
                kind: RelationshipKind::Contains,
            });
        }
    }
    relationships.sort();
    relationships.dedup();
    sbom.relationships = relationships;
    super::sort_packages(&mut sbom);
    Ok(sbom)
}

/// An id for a package whose document gave none (or a duplicate), derived like the
/// cataloging core's: from the purl and the first location, never random.
pub(crate) fn unique_id(p: &Package, taken: &HashSet<String>) -> String {
    let first = p.locations.first().map_or("", |l| l.path.as_str());
    let base = Digest::sha256_of(format!("{}\n{first}", p.purl).as_bytes());
    let base = format!("pkg-{}", &base.hex()[..16]);
    let mut id = base.clone();
    let mut n = 1;
    while taken.contains(&id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}
