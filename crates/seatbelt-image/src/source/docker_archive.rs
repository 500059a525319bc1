//! What `docker save` writes (gzip- or zstd-compressed or not): `manifest.json` naming each
//! image's config and layer files, in the legacy layout (`<id>/layer.tar`) or Docker 25+'s
//! (`blobs/sha256/<hex>`, with an OCI `index.json` beside it).
//!
//! A legacy archive has no manifest, so one is synthesised. It is an OCI manifest, as Docker 25+
//! itself writes into its archives: OCI layout readers (containers/image, umoci) skip index
//! entries of Docker media types, so an OCI one stays usable wherever the image is copied. Its layer
//! descriptors must carry digests the layer files can be verified against. `docker save` stores
//! layers uncompressed, and an uncompressed layer's digest *is* its diff_id, which the config
//! already lists: so those descriptors take the diff_id, and [`crate::Image::open_blob`] verifies
//! the file against it while it streams, with no extra pass at open time. Only a layer stored
//! compressed (some other tools do) is hashed once at open time, since its digest is nowhere.
//! When a Docker 25+ archive holds a real OCI manifest for the image, that one is used instead,
//! so the digest is the one the image really has.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use oci_spec::image::ImageManifest;
use seatbelt_registry::Reference;
use seatbelt_types::{Digest, Hasher};
use serde::Deserialize;

use crate::media_types::{OCI_CONFIG, OCI_LAYER_GZIP, OCI_LAYER_TAR, OCI_LAYER_ZSTD, OCI_MANIFEST};
use crate::source::layout::{self, Start};
use crate::source::tar_index::{normalise_member_name, ArchiveFile};
use crate::source::{BlobSource, OpenOptions};
use crate::{
    Compression, Image, ImageError, ImageRef, LayerSource, Limits, ManifestSelector, Platform,
    RawConfig, RawManifest,
};

/// One image of `manifest.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct DockerArchiveEntry {
    /// The config file's name in the archive.
    #[serde(rename = "Config")]
    pub config: String,
    /// `name:tag` references of the image.
    #[serde(rename = "RepoTags", default)]
    pub repo_tags: Option<Vec<String>>,
    /// The layer files' names, oldest first.
    #[serde(rename = "Layers", default)]
    pub layers: Vec<String>,
}

/// Parses `manifest.json` of a docker archive.
pub fn parse_docker_manifest(
    bytes: &[u8],
    what: &str,
) -> Result<Vec<DockerArchiveEntry>, ImageError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ImageError::malformed(
            format!("`manifest.json` of {what}"),
            format!("{e}; expected a list of {{\"Config\", \"RepoTags\", \"Layers\"}} as `docker save` writes"),
        )
    })
}

/// `docker-archive:FILE:name:tag` reaches here as path `FILE:name`, tag `tag` (the grammar
/// splits at the last colon, and `name` may hold slashes: `docker.io/library/app`). Unless the
/// path exists as given (when reading), the first colon after which the text before it is a
/// file (reading) or could be one (writing: its directory exists) ends the path; the rest is the
/// image name. Returns the real path and the `name:tag` (or `name`) meant.
pub(crate) fn split_name_from_path(
    path: &Path,
    tag: Option<&str>,
    must_exist: bool,
) -> (PathBuf, Option<String>) {
    let unchanged = (path.to_path_buf(), tag.map(str::to_string));
    if must_exist && path.exists() {
        return unchanged;
    }
    let Some(text) = path.to_str() else {
        return unchanged;
    };
    for (i, _) in text.match_indices(':') {
        let (file, name) = (&text[..i], &text[i + 1..]);
        if file.is_empty() || name.is_empty() || file.ends_with('/') {
            continue;
        }
        let candidate = Path::new(file);
        let fits = if must_exist {
            candidate.is_file()
        } else {
            !candidate.is_dir() && crate::sink::parent_dir(candidate).is_dir()
        };
        if fits {
            let name = match tag {
                Some(tag) => format!("{name}:{tag}"),
                None => name.to_string(),
            };
            return (candidate.to_path_buf(), Some(name));
        }
    }
    unchanged
}

/// Whether `RepoTags` entry `repo_tag` answers a request for `wanted` (`name:tag`, `name`
/// meaning `name:latest`, a bare `tag`, or any of these fully qualified).
pub(crate) fn repo_tag_matches(repo_tag: &str, wanted: &str) -> bool {
    if repo_tag == wanted {
        return true;
    }
    let normalised = |s: &str| {
        s.parse::<Reference>().ok().map(|r| {
            (
                r.registry().to_string(),
                r.repository().to_string(),
                r.tag().unwrap_or("latest").to_string(),
            )
        })
    };
    if let (Some(a), Some(b)) = (normalised(repo_tag), normalised(wanted)) {
        if a == b {
            return true;
        }
    }
    !wanted.contains([':', '/'])
        && repo_tag
            .rsplit_once(':')
            .is_some_and(|(repo, tag)| !tag.contains('/') && !repo.is_empty() && tag == wanted)
}

fn config_digest_from_name(name: &str) -> Option<Digest> {
    if let Some(rest) = name.strip_prefix("blobs/") {
        let (alg, hex) = rest.split_once('/')?;
        return format!("{alg}:{hex}").parse().ok();
    }
    let hex = name.strip_suffix(".json")?;
    format!("sha256:{hex}").parse().ok()
}

fn select<'a>(
    entries: &'a [DockerArchiveEntry],
    selector: &ManifestSelector,
    reference: &str,
) -> Result<&'a DockerArchiveEntry, ImageError> {
    let available = || {
        entries
            .iter()
            .flat_map(|e| match e.repo_tags.as_deref() {
                Some(tags) if !tags.is_empty() => tags.to_vec(),
                _ => vec![format!("untagged image with config {}", e.config)],
            })
            .collect()
    };
    let chosen: Vec<&DockerArchiveEntry> = match selector {
        ManifestSelector::Only => entries.iter().collect(),
        ManifestSelector::Tag(wanted) => entries
            .iter()
            .filter(|e| {
                e.repo_tags
                    .iter()
                    .flatten()
                    .any(|t| repo_tag_matches(t, wanted))
            })
            .collect(),
        ManifestSelector::Digest(wanted) => entries
            .iter()
            .filter(|e| config_digest_from_name(&e.config).as_ref() == Some(wanted))
            .collect(),
    };
    match (chosen.as_slice(), selector) {
        ([only], _) => Ok(only),
        ([], ManifestSelector::Only) => Err(ImageError::malformed(
            reference.to_string(),
            "its manifest.json lists no images",
        )),
        ([], ManifestSelector::Tag(t)) => Err(ImageError::ManifestSelection {
            reference: reference.to_string(),
            problem: format!("has no image tagged `{t}`"),
            available: available(),
        }),
        ([], ManifestSelector::Digest(d)) => Err(ImageError::ManifestSelection {
            reference: reference.to_string(),
            problem: format!("has no image whose config digest is {d}"),
            available: available(),
        }),
        _ => Err(ImageError::ManifestSelection {
            reference: reference.to_string(),
            problem: "holds several images".to_string(),
            available: available(),
        }),
    }
}

pub(crate) fn open(
    path: &Path,
    selector: &ManifestSelector,
    options: &OpenOptions,
) -> Result<Image, ImageError> {
    let tag = match selector {
        ManifestSelector::Tag(t) => Some(t.as_str()),
        _ => None,
    };
    let (path, tag) = split_name_from_path(path, tag, true);
    let selector = match tag {
        Some(t) => ManifestSelector::Tag(t),
        None => selector.clone(),
    };
    let reference = ImageRef::DockerArchive {
        path: path.clone(),
        selector: selector.clone(),
    }
    .to_string();
    let limits = &options.limits;
    let archive = ArchiveFile::open(
        &path,
        format!("docker archive `{}`", path.display()),
        limits,
    )?;
    let manifest_json = archive
        .read_member("manifest.json", limits.max_manifest_bytes, "MAX_MANIFEST_BYTES")?
        .ok_or_else(|| {
            ImageError::malformed(
                archive.what().to_string(),
                "it has no `manifest.json`, so it is not what `docker save` writes (oci-archive: reads a tar of an OCI layout)",
            )
        })?;
    let entries = parse_docker_manifest(&manifest_json, archive.what())?;
    let entry = select(&entries, &selector, &reference)?.clone();
    let unsafe_name = |name: &str, reason| ImageError::UnsafePath {
        what: format!("`manifest.json` of {}", archive.what()),
        path: name.to_string(),
        reason,
    };

    let config_name = normalise_member_name(entry.config.as_bytes())
        .map_err(|r| unsafe_name(&entry.config, r))?;
    let config_bytes = archive
        .read_member(&config_name, limits.max_config_bytes, "MAX_CONFIG_BYTES")?
        .ok_or_else(|| missing(&archive, "config", &config_name))?;
    let config_digest = Digest::sha256_of(&config_bytes);
    if let Some(named) = config_digest_from_name(&config_name) {
        let actual = match named.algorithm() {
            seatbelt_types::Algorithm::Sha256 => config_digest.clone(),
            other => {
                let mut h = Hasher::new(other);
                h.update(&config_bytes);
                h.finish()
            }
        };
        if actual != named {
            return Err(ImageError::DigestMismatch {
                what: format!("config `{config_name}` of {}", archive.what()),
                expected: named,
                actual,
            });
        }
    }
    let config = RawConfig::from_verified_bytes(config_bytes, config_digest.clone())?;
    let diff_ids = config.diff_ids()?;
    if diff_ids.len() != entry.layers.len() {
        return Err(ImageError::malformed(
            archive.what().to_string(),
            format!(
                "manifest.json lists {} layers but the config's rootfs.diff_ids lists {}",
                entry.layers.len(),
                diff_ids.len()
            ),
        ));
    }
    let layer_names = entry
        .layers
        .iter()
        .map(|l| normalise_member_name(l.as_bytes()).map_err(|r| unsafe_name(l, r)))
        .collect::<Result<Vec<_>, _>>()?;

    let mut blobs = DockerBlobs {
        archive,
        names: HashMap::new(),
    };
    blobs
        .names
        .insert(config_digest.clone(), config_name.clone());
    let platform = config.platform().unwrap_or_else(Platform::host);
    if let Some(manifest) = find_oci_manifest(
        &blobs,
        &config_digest,
        &layer_names,
        &platform,
        limits,
        &reference,
    ) {
        let blobs: Arc<dyn BlobSource> = Arc::new(blobs);
        return layout::image_from_manifest(reference, manifest, limits, blobs);
    }

    let mut layer_descriptors = Vec::with_capacity(layer_names.len());
    for (name, diff_id) in layer_names.iter().zip(&diff_ids) {
        let (mut reader, size) = blobs
            .archive
            .open_member(name)?
            .ok_or_else(|| missing(&blobs.archive, "layer", name))?;
        let member_what = format!("layer `{name}` of {}", blobs.archive.what());
        let mut magic = [0u8; 4];
        let n = read_up_to(&mut reader, &mut magic)
            .map_err(|e| ImageError::from_stream(member_what.clone(), e))?;
        let (digest, media_type) = match Compression::sniff(&magic[..n]) {
            Compression::None => (diff_id.clone(), OCI_LAYER_TAR),
            compressed => {
                let (mut reader, _) = blobs
                    .archive
                    .open_member(name)?
                    .ok_or_else(|| missing(&blobs.archive, "layer", name))?;
                let digest = hash_stream(&mut reader, &member_what)?;
                let media_type = if compressed == Compression::Gzip {
                    OCI_LAYER_GZIP
                } else {
                    OCI_LAYER_ZSTD
                };
                (digest, media_type)
            }
        };
        blobs.names.insert(digest.clone(), name.clone());
        layer_descriptors.push(serde_json::json!({
            "mediaType": media_type, "size": size, "digest": digest.to_string(),
        }));
    }
    let manifest_value = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {
            "mediaType": OCI_CONFIG,
            "size": config.bytes.len(),
            "digest": config_digest.to_string(),
        },
        "layers": layer_descriptors,
    });
    let bytes = manifest_value.to_string().into_bytes();
    let parsed: ImageManifest = serde_json::from_slice(&bytes).map_err(|e| {
        ImageError::malformed(
            reference.clone(),
            format!("cannot synthesise its manifest: {e}"),
        )
    })?;
    let manifest = RawManifest {
        digest: Digest::sha256_of(&bytes),
        bytes,
        media_type: OCI_MANIFEST.to_string(),
        parsed,
    };
    let layers = manifest
        .parsed
        .layers()
        .iter()
        .cloned()
        .map(LayerSource::Blob)
        .collect();
    Image::new(
        reference,
        Some(manifest),
        config,
        layers,
        *limits,
        Arc::new(blobs),
    )
}

fn missing(archive: &ArchiveFile, kind: &str, name: &str) -> ImageError {
    ImageError::malformed(
        archive.what().to_string(),
        format!("its manifest.json names {kind} `{name}`, which the archive does not contain; the archive is incomplete"),
    )
}

fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

fn hash_stream(reader: &mut impl Read, what: &str) -> Result<Digest, ImageError> {
    let mut hasher = Hasher::new(seatbelt_types::Algorithm::Sha256);
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return Ok(hasher.finish()),
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ImageError::from_stream(what.to_string(), e)),
        }
    }
}

/// A Docker 25+ archive is also an OCI layout: if its `index.json` lists a manifest with this
/// config and exactly these layer files, that manifest is the image's real one (an index entry,
/// as containerd-backed Docker writes, is followed to the config's own platform). Any problem
/// here only means falling back to a synthesised manifest, which is verified on its own.
fn find_oci_manifest(
    blobs: &DockerBlobs,
    config_digest: &Digest,
    layer_names: &[String],
    platform: &Platform,
    limits: &Limits,
    reference: &str,
) -> Option<RawManifest> {
    let index_bytes = blobs
        .archive
        .read_member(
            "index.json",
            limits.max_manifest_bytes,
            "MAX_MANIFEST_BYTES",
        )
        .ok()??;
    let index = layout::parse_index(&index_bytes, reference).ok()?;
    for descriptor in index.manifests() {
        let Ok(manifest) = layout::resolve_manifest(
            blobs,
            Start::Descriptor(Box::new(descriptor.clone())),
            platform,
            limits,
            reference,
        ) else {
            continue;
        };
        let config_matches =
            manifest.parsed.config().digest().to_string() == config_digest.to_string();
        let layers_match = manifest.parsed.layers().len() == layer_names.len()
            && manifest
                .parsed
                .layers()
                .iter()
                .zip(layer_names)
                .all(|(d, name)| {
                    layout::descriptor_digest(d, reference)
                        .is_ok_and(|digest| layout::blob_name(&digest) == *name)
                });
        if config_matches && layers_match {
            return Some(manifest);
        }
    }
    None
}

/// Blobs of a docker archive: by the file names manifest.json gave, else where an OCI layout
/// would keep them.
struct DockerBlobs {
    archive: ArchiveFile,
    names: HashMap<Digest, String>,
}

impl BlobSource for DockerBlobs {
    fn open_raw(
        &self,
        digest: &Digest,
        _size: Option<u64>,
    ) -> Result<Box<dyn Read + Send>, ImageError> {
        let name = self
            .names
            .get(digest)
            .cloned()
            .unwrap_or_else(|| layout::blob_name(digest));
        match self.archive.open_member(&name)? {
            Some((reader, _)) => Ok(Box::new(reader)),
            None => Err(ImageError::malformed(
                self.archive.what().to_string(),
                format!("blob {digest} is missing (no member `{name}`); the archive is incomplete"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_tags_match_in_every_spelling() {
        assert!(repo_tag_matches("alpine:3.19", "alpine:3.19"));
        assert!(repo_tag_matches(
            "docker.io/library/alpine:3.19",
            "alpine:3.19"
        ));
        assert!(repo_tag_matches("alpine:latest", "alpine"));
        assert!(repo_tag_matches("alpine:3.19", "3.19"));
        assert!(!repo_tag_matches("alpine:3.19", "alpine"));
        assert!(!repo_tag_matches("alpine:3.19", "debian:3.19"));
    }

    #[test]
    fn a_name_after_the_file_is_split_off() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.tar");
        let shown = file.display();
        let (p, t) = split_name_from_path(Path::new(&format!("{shown}:app")), Some("v1"), false);
        assert_eq!(p, file);
        assert_eq!(t.as_deref(), Some("app:v1"));
        let full = format!("{shown}:localhost:5000/library/app");
        let (p, t) = split_name_from_path(Path::new(&full), Some("v1"), false);
        assert_eq!(p, file);
        assert_eq!(t.as_deref(), Some("localhost:5000/library/app:v1"));
        // Reading: only an existing file ends the path.
        let (p, _) = split_name_from_path(Path::new(&format!("{shown}:app")), Some("v1"), true);
        assert_eq!(p, Path::new(&format!("{shown}:app")));
        std::fs::write(&file, b"").unwrap();
        let (p, t) = split_name_from_path(Path::new(&format!("{shown}:app")), Some("v1"), true);
        assert_eq!((p, t.as_deref()), (file.clone(), Some("app:v1")));
        let (p, t) = split_name_from_path(&file, Some("app"), true);
        assert_eq!((p, t.as_deref()), (file, Some("app")));
    }

    #[test]
    fn config_names_carry_their_digest() {
        let hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let want: Digest = format!("sha256:{hex}").parse().unwrap();
        assert_eq!(
            config_digest_from_name(&format!("{hex}.json")),
            Some(want.clone())
        );
        assert_eq!(
            config_digest_from_name(&format!("blobs/sha256/{hex}")),
            Some(want)
        );
        assert_eq!(config_digest_from_name("config.json"), None);
    }
}
