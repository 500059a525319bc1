//! The core of `sbom`: one walk over the image, each wanted file shown to the catalogers that
//! asked for it, then OS detection, ids, relationships and a deterministic order.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use seatbelt_image::walk::{
    resolve_in_root, walk, Entry, EntryKind, Interest, PathFilter, Version, Visitor,
};
use seatbelt_image::{Image, ImageError, LayerSource};
use seatbelt_types::{
    Digest, Distro, Ecosystem, Location, Package, Relationship, RelationshipKind, Sbom, SbomSubject,
};

use crate::cataloger::{CatalogContext, Cataloger, FoundFile, WantsPath};
use crate::distro::{self, ALPINE_RELEASE, DEBIAN_VERSION, OS_RELEASE_PATHS};
use crate::SbomError;

/// How to catalog.
#[derive(Debug, Clone, Default)]
pub struct CatalogOptions {
    /// Run only the catalogers with these names (default: all).
    pub only: Option<Vec<String>>,
}

fn is_distro_path(path: &str) -> bool {
    OS_RELEASE_PATHS.contains(&path) || path == ALPINE_RELEASE || path == DEBIAN_VERSION
}

/// The walk consumer that feeds the catalogers.
struct Collector {
    catalogers: Vec<Box<dyn Cataloger>>,
    wants: Vec<WantsPath>,
    /// Distro files: content of regular files, targets of symlinks.
    distro_files: HashMap<String, (EntryKind, Option<String>, Vec<u8>)>,
}

impl Visitor for Collector {
    fn filter(&self) -> PathFilter {
        let wants = self.wants.clone();
        Arc::new(move |path: &str, kind: EntryKind| {
            if is_distro_path(path) {
                return Interest::Content;
            }
            let content_kind = matches!(kind, EntryKind::File | EntryKind::Hardlink);
            if content_kind && wants.iter().any(|w| w(path)) {
                Interest::Content
            } else {
                Interest::Skip
            }
        })
    }

    fn visit(
        &mut self,
        entry: &Entry,
        content: Option<&[u8]>,
        complete: bool,
    ) -> Result<(), ImageError> {
        if entry.version != Version::Final {
            return Ok(());
        }
        if is_distro_path(&entry.path) {
            self.distro_files.insert(
                entry.path.clone(),
                (
                    entry.kind,
                    entry.link_target.clone(),
                    content.map(<[u8]>::to_vec).unwrap_or_default(),
                ),
            );
        }
        let Some(content) = content else {
            return Ok(());
        };
        let file = FoundFile {
            path: &entry.path,
            content,
            complete,
            mode: entry.mode,
            location: Location {
                path: entry.path.clone(),
                layer_index: entry.layer_digest.as_ref().map(|_| entry.layer_index),
                layer_digest: entry.layer_digest.clone(),
            },
        };
        for (cataloger, wants) in self.catalogers.iter_mut().zip(&self.wants) {
            if wants(&entry.path) {
                cataloger.observe(&file);
            }
        }
        Ok(())
    }
}

impl Collector {
    /// The OS release: os-release (following symlinks inside the image), else the fallbacks.
    fn distro(&self) -> Option<Distro> {
        let lookup = |p: &str| {
            self.distro_files
                .get(p)
                .map(|(kind, target, _)| (*kind, target.clone()))
        };
        let text = |p: &str| {
            let resolved = resolve_in_root(p, lookup).ok()?;
            let (kind, _, bytes) = self.distro_files.get(&resolved)?;
            (*kind == EntryKind::File).then(|| String::from_utf8_lossy(bytes).into_owned())
        };
        OS_RELEASE_PATHS
            .iter()
            .find_map(|p| text(p).and_then(|t| distro::parse_os_release(&t)))
            .or_else(|| text(ALPINE_RELEASE).and_then(|t| distro::from_alpine_release(&t)))
            .or_else(|| text(DEBIAN_VERSION).and_then(|t| distro::from_debian_version(&t)))
    }
}

fn subject(image: &Image) -> SbomSubject {
    let layers = image
        .layers
        .iter()
        .filter_map(|l| match l {
            LayerSource::Blob(d) => d.digest().to_string().parse::<Digest>().ok(),
            LayerSource::Directory(_) => None,
        })
        .collect();
    let name = image
        .reference
        .split('@')
        .next()
        .unwrap_or(&image.reference)
        .to_string();
    SbomSubject {
        reference: image.reference.clone(),
        name,
        manifest_digest: image.digest().cloned(),
        config_digest: image.manifest.as_ref().map(|_| image.config.digest.clone()),
        platform: image.config.platform().map(|p| p.to_string()),
        layers,
    }
}

fn is_os(ecosystem: Ecosystem) -> bool {
    matches!(ecosystem, Ecosystem::Deb | Ecosystem::Apk | Ecosystem::Rpm)
}

/// A stable id: the same package at the same place gets the same id in every run.
fn package_id(p: &Package) -> String {
    let first = p.locations.first().map_or("", |l| l.path.as_str());
    let digest = Digest::sha256_of(format!("{}\n{first}", p.purl).as_bytes());
    format!("pkg-{}", &digest.hex()[..16])
}

/// OS packages that installed a language package's metadata file contain it; declared
/// dependencies resolve by name within the ecosystem.
fn relationships(packages: &[Package]) -> Vec<Relationship> {
    let mut owner: HashMap<&str, &str> = HashMap::new();
    for p in packages.iter().filter(|p| is_os(p.ecosystem)) {
        for f in &p.files {
            owner.insert(f.as_str(), p.id.as_str());
        }
    }
    let mut by_name: BTreeMap<(Ecosystem, &str), &str> = BTreeMap::new();
    for p in packages {
        by_name
            .entry((p.ecosystem, p.name.as_str()))
            .or_insert(p.id.as_str());
    }
    let mut out = Vec::new();
    for p in packages {
        if !is_os(p.ecosystem) {
            if let Some(os) = p.locations.iter().find_map(|l| owner.get(l.path.as_str())) {
                out.push(Relationship {
                    from: (*os).to_string(),
                    to: p.id.clone(),
                    kind: RelationshipKind::Contains,
                });
            }
        }
        for dep in &p.dependencies {
            if let Some(target) = by_name.get(&(p.ecosystem, dep.as_str())) {
                if *target != p.id {
                    out.push(Relationship {
                        from: p.id.clone(),
                        to: (*target).to_string(),
                        kind: RelationshipKind::DependsOn,
                    });
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Catalogs every package in `image` in one pass over its layers.
pub fn catalog_image(image: &Image, options: &CatalogOptions) -> Result<Sbom, SbomError> {
    catalog_image_with(image, options, &mut [])
}

/// [`catalog_image`], with `extra` visitors in the same walk (another scanner, such as the
/// secret rules, reads the layers in the same pass instead of a second one).
pub fn catalog_image_with(
    image: &Image,
    options: &CatalogOptions,
    extra: &mut [&mut dyn Visitor],
) -> Result<Sbom, SbomError> {
    let catalogers: Vec<Box<dyn Cataloger>> = crate::catalogers::all()
        .into_iter()
        .filter(|c| {
            options
                .only
                .as_ref()
                .is_none_or(|only| only.iter().any(|n| n == c.name()))
        })
        .collect();
    let wants = catalogers.iter().map(|c| c.wants()).collect();
    let mut collector = Collector {
        catalogers,
        wants,
        distro_files: HashMap::new(),
    };
    {
        let mut visitors: Vec<&mut dyn Visitor> = Vec::with_capacity(1 + extra.len());
        visitors.push(&mut collector);
        for visitor in extra.iter_mut() {
            visitors.push(&mut **visitor);
        }
        walk(image, &mut visitors)?;
    }
    let context = CatalogContext {
        distro: collector.distro(),
    };
    let mut packages = Vec::new();
    let mut unknowns = Vec::new();
    for cataloger in collector.catalogers.drain(..) {
        let output = cataloger.finish(&context);
        packages.extend(output.packages);
        unknowns.extend(output.unknowns);
    }
    for p in &mut packages {
        p.locations.sort();
        p.locations.dedup();
        p.files.sort();
        p.files.dedup();
        p.id = package_id(p);
    }
    packages.sort_by(|a, b| {
        (a.ecosystem, &a.name, &a.version, &a.id).cmp(&(b.ecosystem, &b.name, &b.version, &b.id))
    });
    unknowns.sort_by(|a, b| (&a.location, &a.cataloger).cmp(&(&b.location, &b.cataloger)));
    let relationships = relationships(&packages);
    Ok(Sbom {
        subject: subject(image),
        distro: context.distro,
        packages,
        relationships,
        unknowns,
    })
}

#[cfg(test)]
mod tests {
    use seatbelt_types::Purl;

    use super::*;

    fn package(
        ecosystem: Ecosystem,
        name: &str,
        location: &str,
        files: &[&str],
        deps: &[&str],
    ) -> Package {
        let mut p = Package {
            id: String::new(),
            name: name.to_string(),
            version: "1".to_string(),
            ecosystem,
            purl: Purl::new("generic", None, name, Some("1")),
            arch: None,
            source: None,
            licenses: Vec::new(),
            locations: vec![Location {
                path: location.to_string(),
                layer_index: None,
                layer_digest: None,
            }],
            files: files.iter().map(|f| (*f).to_string()).collect(),
            dependencies: deps.iter().map(|d| (*d).to_string()).collect(),
            cpes: Vec::new(),
            cataloger: "test".to_string(),
            metadata: BTreeMap::new(),
        };
        p.id = package_id(&p);
        p
    }

    #[test]
    fn a_debian_python_package_contains_its_pypi_twin_instead_of_duplicating_it() {
        let metadata = "usr/lib/python3/dist-packages/PyYAML-6.0.egg-info/PKG-INFO";
        let deb = package(
            Ecosystem::Deb,
            "python3-yaml",
            "var/lib/dpkg/status",
            &[metadata],
            &["libyaml-0-2"],
        );
        let libyaml = package(
            Ecosystem::Deb,
            "libyaml-0-2",
            "var/lib/dpkg/status",
            &[],
            &[],
        );
        let pypi = package(Ecosystem::Pypi, "PyYAML", metadata, &[], &[]);
        let loose = package(
            Ecosystem::Pypi,
            "requests",
            "opt/venv/lib/requests.dist-info/METADATA",
            &[],
            &["PyYAML"],
        );
        let all = vec![deb.clone(), libyaml.clone(), pypi.clone(), loose.clone()];
        let rels = relationships(&all);
        assert!(rels.contains(&Relationship {
            from: deb.id.clone(),
            to: pypi.id.clone(),
            kind: RelationshipKind::Contains
        }));
        assert!(rels.contains(&Relationship {
            from: deb.id.clone(),
            to: libyaml.id.clone(),
            kind: RelationshipKind::DependsOn
        }));
        assert!(rels.contains(&Relationship {
            from: loose.id.clone(),
            to: pypi.id.clone(),
            kind: RelationshipKind::DependsOn
        }));
        assert!(
            !rels.iter().any(|r| r.to == loose.id),
            "nothing owns a pip-installed package"
        );
        assert_eq!(rels.len(), 3);
    }

    #[test]
    fn ids_are_stable_and_differ_by_location() {
        let a = package(Ecosystem::Pypi, "x", "a/METADATA", &[], &[]);
        let b = package(Ecosystem::Pypi, "x", "b/METADATA", &[], &[]);
        assert_eq!(a.id, package_id(&a));
        assert_ne!(a.id, b.id);
        assert!(a.id.starts_with("pkg-") && a.id.len() == 20);
    }
}
