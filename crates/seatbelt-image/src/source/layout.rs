//! Reading an OCI image layout wherever it is stored (a directory, a tar): the `oci-layout`
//! version check, choosing an image from `index.json`, descending through indexes to one
//! platform's manifest, and reading manifest and config with their digests verified.
//! Spec: <https://github.com/opencontainers/image-spec/blob/main/image-layout.md>.

use std::io::Read;
use std::sync::Arc;

use oci_spec::image::{Descriptor, ImageIndex};
use seatbelt_types::Digest;

use crate::manifest::{self, Parsed};
use crate::source::BlobSource;
use crate::{
    Image, ImageError, LayerSource, Limits, ManifestSelector, Platform, RawConfig, RawManifest,
    VerifyingReader,
};

/// How deep indexes may nest (an index of indexes of manifests is already unusual); stops a
/// layout whose index names itself through a chain of blobs.
pub(crate) const MAX_INDEX_DEPTH: usize = 4;

/// The largest `oci-layout` file accepted: it holds one short JSON field.
const MAX_LAYOUT_FILE_BYTES: u64 = 64 * 1024;

/// The annotation that tags an image in a layout's `index.json`.
pub(crate) const REF_NAME: &str = "org.opencontainers.image.ref.name";
/// The annotation containerd and Docker add with the full image name.
pub(crate) const CONTAINERD_NAME: &str = "io.containerd.image.name";

/// A stored OCI layout: its small metadata files and its blobs.
pub(crate) trait LayoutStore: BlobSource + 'static {
    /// Reads `oci-layout` or `index.json`, refusing more than `max` bytes; `None` if absent.
    fn read_small(
        &self,
        name: &str,
        max: u64,
        limit: &'static str,
    ) -> Result<Option<Vec<u8>>, ImageError>;

    /// Where the layout is, for messages.
    fn location(&self) -> String;
}

/// The file name of a blob inside a layout.
pub(crate) fn blob_name(digest: &Digest) -> String {
    format!("blobs/{}/{}", digest.algorithm().name(), digest.hex())
}

/// Opens the image `selector` and `platform` choose from the layout in `store`.
pub(crate) fn open_layout<S: LayoutStore>(
    store: Arc<S>,
    reference: String,
    selector: &ManifestSelector,
    platform: &Platform,
    limits: &Limits,
) -> Result<Image, ImageError> {
    check_layout_version(store.as_ref())?;
    let index_name = format!("`index.json` of {}", store.location());
    let index_bytes = store
        .read_small(
            "index.json",
            limits.max_manifest_bytes,
            "MAX_MANIFEST_BYTES",
        )?
        .ok_or_else(|| {
            ImageError::malformed(
                store.location(),
                "it has no `index.json`, so it is not a complete OCI image layout",
            )
        })?;
    let index = parse_index(&index_bytes, &index_name)?;
    let start = select_entry(&index, selector, &reference)?;
    let blobs: Arc<dyn BlobSource> = store;
    let manifest = resolve_manifest(blobs.as_ref(), start, platform, limits, &reference)?;
    image_from_manifest(reference, manifest, limits, blobs)
}

fn check_layout_version(store: &dyn LayoutStore) -> Result<(), ImageError> {
    let what = format!("`oci-layout` of {}", store.location());
    let bytes = store
        .read_small("oci-layout", MAX_LAYOUT_FILE_BYTES, "MAX_LAYOUT_FILE_BYTES")?
        .ok_or_else(|| {
            ImageError::malformed(
                store.location(),
                "it has no `oci-layout` file, so it is not an OCI image layout (docker-archive: reads what `docker save` writes)",
            )
        })?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| ImageError::malformed(what.clone(), e.to_string()))?;
    match value.get("imageLayoutVersion").and_then(|v| v.as_str()) {
        Some("1.0.0") => Ok(()),
        Some(other) => Err(ImageError::malformed(
            what,
            format!("imageLayoutVersion is `{other}`; seatbelt reads version 1.0.0"),
        )),
        None => Err(ImageError::malformed(what, "it has no imageLayoutVersion")),
    }
}

/// Parses `index.json` (its media type may be omitted).
pub(crate) fn parse_index(bytes: &[u8], what: &str) -> Result<ImageIndex, ImageError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ImageError::malformed(
            what.to_string(),
            format!("{e}; the layout is corrupt, re-create it"),
        )
    })
}

/// Where resolution starts: a descriptor of `index.json`, or a blob named by digest only.
#[derive(Debug, Clone)]
pub(crate) enum Start {
    Descriptor(Box<Descriptor>),
    Digest(Digest),
}

/// Whether an index entry's name annotation `name` answers a request for tag `wanted`: equal, or
/// a full `repo:tag` whose tag is `wanted` (some tools write the whole name).
pub(crate) fn ref_name_matches(name: &str, wanted: &str) -> bool {
    if name == wanted {
        return true;
    }
    match name.rsplit_once(':') {
        Some((repo, tag)) => !repo.is_empty() && !tag.contains('/') && tag == wanted,
        None => false,
    }
}

fn entry_names(index: &ImageIndex) -> Vec<String> {
    index
        .manifests()
        .iter()
        .map(|d| {
            let annotations = d.annotations().as_ref();
            match annotations.and_then(|a| a.get(REF_NAME).or_else(|| a.get(CONTAINERD_NAME))) {
                Some(name) => format!("{name} ({})", d.digest()),
                None => d.digest().to_string(),
            }
        })
        .collect()
}

/// Whether a tag is one the signature tools derive from a digest rather than an image's name:
/// cosign's `sha256-<hex>.sig`/`.att`/`.sbom` and the OCI 1.1 referrers tag schema
/// `sha256-<hex>` (distribution spec 1.1, "Referrers Tag Schema").
fn is_attachment_tag(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("sha256-") else {
        return false;
    };
    let hex = [".sig", ".att", ".sbom"]
        .iter()
        .find_map(|suffix| rest.strip_suffix(suffix))
        .unwrap_or(rest);
    hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether an `index.json` entry is something stored *about* an image (a signature, an
/// attestation, an OCI 1.1 referrer, which carries an `artifactType`) rather than an image: a
/// layout an image was signed in still has one image to pick without a tag.
fn is_attachment(descriptor: &Descriptor) -> bool {
    descriptor.artifact_type().is_some()
        || descriptor
            .annotations()
            .as_ref()
            .and_then(|a| a.get(REF_NAME))
            .is_some_and(|name| is_attachment_tag(name))
}

/// Chooses the entry of `index` that `selector` names.
pub(crate) fn select_entry(
    index: &ImageIndex,
    selector: &ManifestSelector,
    reference: &str,
) -> Result<Start, ImageError> {
    let entries = index.manifests();
    let selection_error = |problem: String| ImageError::ManifestSelection {
        reference: reference.to_string(),
        problem,
        available: entry_names(index),
    };
    match selector {
        ManifestSelector::Only => match entries
            .iter()
            .filter(|d| !is_attachment(d))
            .collect::<Vec<_>>()
            .as_slice()
        {
            [] => Err(ImageError::malformed(
                reference.to_string(),
                "its index.json lists no images",
            )),
            [only] => Ok(Start::Descriptor(Box::new((*only).clone()))),
            _ => Err(selection_error("holds several images".to_string())),
        },
        ManifestSelector::Digest(wanted) => Ok(entries
            .iter()
            .find(|d| d.digest().to_string() == wanted.to_string())
            .map(|d| Start::Descriptor(Box::new(d.clone())))
            // Not listed at the top: a manifest inside a listed index may still be named.
            .unwrap_or_else(|| Start::Digest(wanted.clone()))),
        ManifestSelector::Tag(tag) => {
            let annotation = |d: &Descriptor, key: &str| {
                d.annotations().as_ref().and_then(|a| a.get(key)).cloned()
            };
            let exact: Vec<&Descriptor> = entries
                .iter()
                .filter(|d| annotation(d, REF_NAME).as_deref() == Some(tag.as_str()))
                .collect();
            let candidates = if exact.is_empty() {
                entries
                    .iter()
                    .filter(|d| {
                        [REF_NAME, CONTAINERD_NAME]
                            .iter()
                            .filter_map(|k| annotation(d, k))
                            .any(|name| ref_name_matches(&name, tag))
                    })
                    .collect()
            } else {
                exact
            };
            let mut digests: Vec<String> =
                candidates.iter().map(|d| d.digest().to_string()).collect();
            digests.sort();
            digests.dedup();
            match (candidates.first(), digests.len()) {
                (Some(found), 1) => Ok(Start::Descriptor(Box::new((*found).clone()))),
                (None, _) => Err(selection_error(format!("has no image tagged `{tag}`"))),
                _ => Err(selection_error(format!(
                    "has several different images tagged `{tag}`; name one by digest"
                ))),
            }
        }
    }
}

/// Reads a blob of at most `max` bytes, verified against `digest` (and `size` when known).
pub(crate) fn read_verified(
    blobs: &dyn BlobSource,
    digest: &Digest,
    size: Option<u64>,
    max: u64,
    limit: &'static str,
    what: &str,
) -> Result<Vec<u8>, ImageError> {
    if let Some(size) = size.filter(|s| *s > max) {
        return Err(ImageError::LimitExceeded {
            limit,
            max,
            what: format!("{what} ({size} bytes)"),
        });
    }
    let raw = blobs.open_raw(digest, size)?;
    let mut verified = VerifyingReader::new(
        raw.take(max.saturating_add(1)),
        what.to_string(),
        digest.clone(),
        size,
    );
    let mut bytes = Vec::new();
    verified
        .read_to_end(&mut bytes)
        .map_err(|e| ImageError::from_stream(what.to_string(), e))?;
    if bytes.len() as u64 > max {
        return Err(ImageError::LimitExceeded {
            limit,
            max,
            what: format!("{what} (more than {max} bytes)"),
        });
    }
    Ok(bytes)
}

/// A descriptor's digest as seatbelt's validated type.
pub(crate) fn descriptor_digest(descriptor: &Descriptor, what: &str) -> Result<Digest, ImageError> {
    descriptor
        .digest()
        .to_string()
        .parse()
        .map_err(|e: seatbelt_types::DigestError| {
            ImageError::malformed(what.to_string(), e.to_string())
        })
}

/// Follows `start` through indexes (choosing `platform`) to one image manifest.
pub(crate) fn resolve_manifest(
    blobs: &dyn BlobSource,
    start: Start,
    platform: &Platform,
    limits: &Limits,
    reference: &str,
) -> Result<RawManifest, ImageError> {
    let (mut digest, mut size, mut media_type) = match start {
        Start::Descriptor(d) => (
            descriptor_digest(&d, reference)?,
            Some(d.size()),
            Some(d.media_type().to_string()),
        ),
        Start::Digest(d) => (d, None, None),
    };
    for _ in 0..=MAX_INDEX_DEPTH {
        let what = format!("manifest {digest} of {reference}");
        let bytes = read_verified(
            blobs,
            &digest,
            size,
            limits.max_manifest_bytes,
            "MAX_MANIFEST_BYTES",
            &what,
        )?;
        let (parsed, found_type) = manifest::parse(
            &bytes,
            media_type.as_deref(),
            reference,
            limits.max_manifest_bytes,
        )?;
        match parsed {
            Parsed::Image(parsed) => {
                return Ok(RawManifest {
                    bytes,
                    digest,
                    media_type: found_type,
                    parsed: *parsed,
                })
            }
            Parsed::Index(index) => {
                let chosen = manifest::select_platform(&index, platform, reference)?;
                digest = descriptor_digest(chosen, reference)?;
                size = Some(chosen.size());
                media_type = Some(chosen.media_type().to_string());
            }
        }
    }
    Err(ImageError::malformed(
        reference.to_string(),
        format!("its indexes nest deeper than MAX_INDEX_DEPTH ({MAX_INDEX_DEPTH})"),
    ))
}

/// Reads and verifies the config `manifest` names and builds the image.
pub(crate) fn image_from_manifest(
    reference: String,
    manifest: RawManifest,
    limits: &Limits,
    blobs: Arc<dyn BlobSource>,
) -> Result<Image, ImageError> {
    let config_descriptor = manifest.parsed.config();
    let config_digest = descriptor_digest(config_descriptor, &reference)?;
    let config_bytes = read_verified(
        blobs.as_ref(),
        &config_digest,
        Some(config_descriptor.size()),
        limits.max_config_bytes,
        "MAX_CONFIG_BYTES",
        &format!("config {config_digest} of {reference}"),
    )?;
    let config = RawConfig::from_verified_bytes(config_bytes, config_digest)?;
    let layers = manifest
        .parsed
        .layers()
        .iter()
        .cloned()
        .map(LayerSource::Blob)
        .collect();
    Image::new(reference, Some(manifest), config, layers, *limits, blobs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(digest: &str, json_extra: &str) -> String {
        format!(
            r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{digest}","size":2{json_extra}}}"#
        )
    }

    #[test]
    fn the_only_image_ignores_signatures_attestations_and_referrers() {
        let image = "a".repeat(64);
        let subject = "b".repeat(64);
        let entries = [
            entry(
                &image,
                r#","annotations":{"org.opencontainers.image.ref.name":"t"}"#,
            ),
            entry(
                &"c".repeat(64),
                &format!(
                    r#","annotations":{{"org.opencontainers.image.ref.name":"sha256-{subject}.sig"}}"#
                ),
            ),
            entry(
                &"d".repeat(64),
                &format!(
                    r#","annotations":{{"org.opencontainers.image.ref.name":"sha256-{subject}.att"}}"#
                ),
            ),
            entry(
                &"e".repeat(64),
                r#","artifactType":"application/vnd.dev.cosign.artifact.sig.v1+json""#,
            ),
        ];
        let index = parse_index(
            format!(
                r#"{{"schemaVersion":2,"manifests":[{}]}}"#,
                entries.join(",")
            )
            .as_bytes(),
            "index.json",
        )
        .unwrap();
        match select_entry(&index, &ManifestSelector::Only, "oci-dir:x").unwrap() {
            Start::Descriptor(d) => assert_eq!(d.digest().to_string(), format!("sha256:{image}")),
            Start::Digest(_) => panic!("expected a descriptor"),
        }
        // Two real images stay ambiguous; a lone signature is no image.
        let two = format!(
            r#"{{"schemaVersion":2,"manifests":[{},{}]}}"#,
            entries[0],
            entry(&"f".repeat(64), "")
        );
        let index = parse_index(two.as_bytes(), "index.json").unwrap();
        assert!(select_entry(&index, &ManifestSelector::Only, "oci-dir:x").is_err());
        let lone = format!(r#"{{"schemaVersion":2,"manifests":[{}]}}"#, entries[1]);
        let index = parse_index(lone.as_bytes(), "index.json").unwrap();
        assert!(select_entry(&index, &ManifestSelector::Only, "oci-dir:x").is_err());
    }

    #[test]
    fn attachment_tags_are_derived_from_digests() {
        let hex = "0123456789abcdef".repeat(4);
        assert!(is_attachment_tag(&format!("sha256-{hex}.sig")));
        assert!(is_attachment_tag(&format!("sha256-{hex}.att")));
        assert!(is_attachment_tag(&format!("sha256-{hex}")));
        assert!(!is_attachment_tag("sha256-abc.sig"));
        assert!(!is_attachment_tag("latest"));
        assert!(!is_attachment_tag(&format!("sha256-{hex}.tar")));
    }

    #[test]
    fn tags_match_exactly_or_as_the_tag_of_a_full_name() {
        assert!(ref_name_matches("v1", "v1"));
        assert!(ref_name_matches("docker.io/library/alpine:v1", "v1"));
        assert!(ref_name_matches("localhost:5000/app:v1", "v1"));
        assert!(!ref_name_matches("localhost:5000/app", "5000/app"));
        assert!(!ref_name_matches("v10", "v1"));
        assert!(!ref_name_matches(":v1", "v1"));
    }
}
