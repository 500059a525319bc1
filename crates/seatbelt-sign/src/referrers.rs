//! Signatures as OCI 1.1 referrers: the same manifest cosign keeps at `sha256-<hex>.sig`, but
//! with `subject` naming the signed image and the config media type set to cosign's signature
//! artifact type ([`SIGNATURE_ARTIFACT_TYPE`]), pushed by digest. What cosign 2.x writes with
//! `--registry-referrers-mode=oci-1-1` and reads with `--experimental-oci11`.
//!
//! Discovery follows the distribution spec 1.1: the referrers API
//! (`GET /v2/<name>/referrers/<digest>`), and when the registry does not serve it, the
//! "referrers tag schema" — an image index at the tag `sha256-<hex>` that clients maintain
//! themselves. In an `oci-dir:` layout, referrers are listed untagged in `index.json` with their
//! `artifactType`.

use std::collections::BTreeMap;

use seatbelt_registry::RegistryError;
use seatbelt_types::Digest;
use serde::{Deserialize, Serialize};

use crate::limits::{MAX_MANIFEST_BYTES, MAX_SIGNATURES};
use crate::manifest::{Descriptor, SignatureManifest, OCI_MANIFEST};
use crate::target::IMAGE_MEDIA_TYPES;
use crate::{SignError, Subject, Target};

/// The artifact type of a cosign signature referrer (cosign sets it as the config media type;
/// registries and clients index it as the manifest's artifact type).
pub const SIGNATURE_ARTIFACT_TYPE: &str = "application/vnd.dev.cosign.artifact.sig.v1+json";

/// The media type (and content, `{}`) of the empty config OCI 1.1 artifacts carry.
pub const EMPTY_CONFIG: &str = "application/vnd.oci.empty.v1+json";

/// The OCI image index media type (the referrers list, in the API and at the fallback tag).
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";

/// Where `seatbelt sign` stores a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReferrersMode {
    /// cosign's default: a layer appended to the manifest at the `sha256-<hex>.sig` tag.
    #[default]
    Legacy,
    /// An OCI 1.1 referrer manifest whose `subject` is the signed image.
    Oci11,
}

/// A referrer manifest as cosign writes it (field order of its Go structs; the optional fields
/// are those cosign's newer writers add).
#[derive(Serialize)]
struct ReferrerManifest<'a> {
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    #[serde(rename = "mediaType")]
    media_type: &'a str,
    config: ConfigDescriptor,
    layers: &'a [Descriptor],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: &'a BTreeMap<String, String>,
    subject: &'a Subjected,
    #[serde(rename = "artifactType", skip_serializing_if = "Option::is_none")]
    artifact_type: Option<&'a str>,
}

#[derive(Serialize)]
struct ConfigDescriptor {
    #[serde(rename = "mediaType")]
    media_type: String,
    size: u64,
    digest: String,
    #[serde(rename = "artifactType", skip_serializing_if = "Option::is_none")]
    artifact_type: Option<String>,
}

/// A descriptor without annotations (how `subject` is written).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Subjected {
    /// Media type of the subject manifest.
    #[serde(rename = "mediaType")]
    pub media_type: String,
    /// Its digest.
    pub digest: String,
    /// Its size in bytes.
    pub size: u64,
}

/// The parts of a stored referrer manifest verification needs beyond its layers.
#[derive(Deserialize)]
struct ReferrerHead {
    #[serde(rename = "artifactType", default)]
    artifact_type: Option<String>,
    config: Option<ConfigHead>,
    subject: Option<Subjected>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct ConfigHead {
    #[serde(rename = "mediaType")]
    media_type: String,
}

/// One entry of a referrers list (an image index's `manifests`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReferrerEntry {
    /// The referrer manifest's media type.
    #[serde(rename = "mediaType")]
    pub media_type: String,
    /// Its digest.
    pub digest: String,
    /// Its size.
    pub size: u64,
    /// Its artifact type (the manifest's `artifactType`, else its config media type).
    #[serde(
        rename = "artifactType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub artifact_type: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct ReferrersIndex {
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    #[serde(rename = "mediaType", default)]
    media_type: Option<String>,
    manifests: Vec<ReferrerEntry>,
}

/// A referrer manifest ready to store.
#[derive(Debug)]
pub struct BuiltReferrer {
    /// The manifest bytes.
    pub manifest: Vec<u8>,
    /// The config blob it names.
    pub config: Vec<u8>,
    /// Its entry in a referrers list.
    pub entry: ReferrerEntry,
}

/// The referrers tag schema's tag for `digest`: `<alg>-<hex>`, the algorithm cut to 32 and the
/// hex to 64 characters (distribution spec 1.1).
pub fn fallback_tag(digest: &Digest) -> String {
    let alg = digest.algorithm().name();
    let hex = digest.hex();
    format!(
        "{}-{}",
        alg.get(..32).unwrap_or(alg),
        hex.get(..64).unwrap_or(hex)
    )
}

/// Builds the signature referrer holding `layers` for `subject`: cosign's `.sig` manifest with
/// the artifact type as its config media type.
pub fn build(layers: Vec<Descriptor>, subject: &Subjected) -> BuiltReferrer {
    // The config is the one cosign writes for the `.sig` manifest; only its media type differs.
    let legacy = SignatureManifest::build(layers.clone());
    assemble(
        Shape {
            config_media_type: SIGNATURE_ARTIFACT_TYPE,
            config: legacy.config,
            artifact_type: None,
            annotations: &BTreeMap::new(),
        },
        &layers,
        subject,
        SIGNATURE_ARTIFACT_TYPE,
    )
}

/// Builds an artifact referrer as cosign's generic referrer writer does (its attestations):
/// the empty config, `artifactType` on both the config descriptor and the manifest, and
/// manifest `annotations`.
pub fn build_artifact(
    artifact_type: &str,
    layers: &[Descriptor],
    annotations: &BTreeMap<String, String>,
    subject: &Subjected,
) -> BuiltReferrer {
    assemble(
        Shape {
            config_media_type: EMPTY_CONFIG,
            config: b"{}".to_vec(),
            artifact_type: Some(artifact_type),
            annotations,
        },
        layers,
        subject,
        artifact_type,
    )
}

struct Shape<'a> {
    config_media_type: &'a str,
    config: Vec<u8>,
    artifact_type: Option<&'a str>,
    annotations: &'a BTreeMap<String, String>,
}

fn assemble(
    shape: Shape<'_>,
    layers: &[Descriptor],
    subject: &Subjected,
    listed_as: &str,
) -> BuiltReferrer {
    let manifest = ReferrerManifest {
        schema_version: 2,
        media_type: OCI_MANIFEST,
        config: ConfigDescriptor {
            media_type: shape.config_media_type.to_string(),
            size: shape.config.len() as u64,
            digest: Digest::sha256_of(&shape.config).to_string(),
            artifact_type: shape.artifact_type.map(str::to_string),
        },
        layers,
        annotations: shape.annotations,
        subject,
        artifact_type: shape.artifact_type,
    };
    // Plain structs of strings: serialisation cannot fail.
    let bytes = serde_json::to_vec(&manifest).unwrap_or_default();
    let entry = ReferrerEntry {
        media_type: OCI_MANIFEST.to_string(),
        digest: Digest::sha256_of(&bytes).to_string(),
        size: bytes.len() as u64,
        artifact_type: Some(listed_as.to_string()),
    };
    BuiltReferrer {
        manifest: bytes,
        config: shape.config,
        entry,
    }
}

/// Parses a referrers list, refusing more than [`MAX_SIGNATURES`] entries.
pub fn parse_index(bytes: &[u8], what: &str) -> Result<Vec<ReferrerEntry>, SignError> {
    let index: ReferrersIndex = serde_json::from_slice(bytes)
        .map_err(|e| SignError::malformed(what, format!("not an OCI image index: {e}")))?;
    if index.schema_version != 2 {
        return Err(SignError::malformed(
            what,
            format!("schemaVersion is {}, not 2", index.schema_version),
        ));
    }
    if index.manifests.len() > MAX_SIGNATURES {
        return Err(SignError::TooMany {
            what: what.to_string(),
            count: index.manifests.len(),
            limit: MAX_SIGNATURES,
        });
    }
    Ok(index.manifests)
}

/// A stored referrer manifest, checked to be of an expected kind and about `subject`.
#[derive(Debug)]
pub struct Referrer {
    /// The referrer manifest's digest.
    pub digest: String,
    /// Its artifact type (the manifest's `artifactType`, else its config media type).
    pub artifact_type: String,
    /// Its layers.
    pub manifest: SignatureManifest,
    /// Its manifest annotations (unsigned hints).
    pub annotations: BTreeMap<String, String>,
}

/// Parses a listed signature referrer: `Ok(None)` for other artifact kinds (attestations,
/// SBOMs), which are skipped, not failures; an error when it is a signature of another image.
pub fn parse_referrer(
    bytes: &[u8],
    digest: &str,
    subject: &Digest,
) -> Result<Option<Referrer>, SignError> {
    parse_referrer_of(bytes, digest, subject, &[SIGNATURE_ARTIFACT_TYPE])
}

/// Parses a listed referrer whose artifact type is one of `kinds`: `Ok(None)` for any other
/// kind; an error when its `subject` is not `subject` — a registry (or whoever wrote the list)
/// listed another image's artifact here.
pub fn parse_referrer_of(
    bytes: &[u8],
    digest: &str,
    subject: &Digest,
    kinds: &[&str],
) -> Result<Option<Referrer>, SignError> {
    let what = format!("referrer {digest}");
    let head: ReferrerHead = serde_json::from_slice(bytes)
        .map_err(|e| SignError::malformed(what.clone(), format!("not an OCI manifest: {e}")))?;
    let Some(kind) = head
        .artifact_type
        .or_else(|| head.config.map(|c| c.media_type))
        .filter(|kind| kinds.contains(&kind.as_str()))
    else {
        return Ok(None);
    };
    let named = head.subject.map(|s| s.digest);
    if named.as_deref() != Some(subject.to_string().as_str()) {
        return Err(SignError::ForeignSubject {
            what,
            named: named.unwrap_or_else(|| "missing".to_string()),
            subject: subject.to_string(),
            kind,
        });
    }
    Ok(Some(Referrer {
        digest: digest.to_string(),
        artifact_type: kind,
        manifest: SignatureManifest::parse(bytes, &what)?,
        annotations: head.annotations,
    }))
}

/// What [`Target::find_referrers`] found.
#[derive(Debug, Default)]
pub struct Found {
    /// The referrers read and bound to the subject.
    pub referrers: Vec<Referrer>,
    /// Listed referrers that could not be read or are about another image, with why.
    pub broken: Vec<(String, SignError)>,
}

fn registry_error(what: String) -> impl FnOnce(RegistryError) -> SignError {
    move |source| SignError::Registry {
        what,
        source: Box::new(source),
    }
}

impl Target {
    /// The descriptor of the resolved image (media type and size), for a referrer's `subject`.
    pub fn subject_descriptor(&self, subject: &Subject) -> Result<Subjected, SignError> {
        let bytes = self.manifest_by_digest(&subject.digest, IMAGE_MEDIA_TYPES)?;
        #[derive(Deserialize)]
        struct MediaType {
            #[serde(rename = "mediaType")]
            media_type: Option<String>,
        }
        let media_type = serde_json::from_slice::<MediaType>(&bytes)
            .ok()
            .and_then(|m| m.media_type)
            // An OCI manifest may omit its media type; Docker's always carry one.
            .unwrap_or_else(|| OCI_MANIFEST.to_string());
        Ok(Subjected {
            media_type,
            digest: subject.digest.to_string(),
            size: bytes.len() as u64,
        })
    }

    /// A manifest by digest, bounded and digest-checked.
    pub fn manifest_by_digest(
        &self,
        digest: &Digest,
        accept: &[&str],
    ) -> Result<Vec<u8>, SignError> {
        match self {
            Target::Registry { client, reference } => {
                let at = reference.with_digest(digest.clone());
                let fetched = client
                    .get_manifest(&at, accept, MAX_MANIFEST_BYTES)
                    .map_err(registry_error(format!("fetching {at}")))?;
                let actual = Digest::sha256_of(&fetched.bytes);
                if actual != *digest {
                    return Err(SignError::DigestMismatch {
                        what: format!("manifest {at}"),
                        expected: digest.to_string(),
                        actual: actual.to_string(),
                    });
                }
                Ok(fetched.bytes)
            }
            Target::Layout(layout) => layout.manifest_by_digest(digest),
        }
    }

    /// Every referrer listed for `subject` (all artifact types; callers filter). Through the
    /// referrers API when the registry serves it, else the `sha256-<hex>` fallback tag; in a
    /// layout, the untagged `index.json` entries with an artifact type.
    pub fn referrers(&self, subject: &Subject) -> Result<Vec<ReferrerEntry>, SignError> {
        match self {
            Target::Registry { client, reference } => {
                let what = format!("the referrers of {}", subject.digest);
                // Registries without the API answer 404 (the spec's signal to fall back); some
                // answer other errors for an unknown route. Either way the tag schema is
                // where OCI 1.1 clients then keep the list.
                if let Ok(Some(fetched)) =
                    client.referrers(reference, &subject.digest, None, MAX_MANIFEST_BYTES)
                {
                    return parse_index(&fetched.bytes, &what);
                }
                let tag = fallback_tag(&subject.digest);
                match self.index_at(&tag)? {
                    Some(bytes) => parse_index(&bytes, &format!("the referrers tag {tag}")),
                    None => Ok(Vec::new()),
                }
            }
            Target::Layout(layout) => {
                let entries = layout.artifact_entries()?;
                if entries.len() > MAX_SIGNATURES {
                    return Err(SignError::TooMany {
                        what: "the referrers in index.json".to_string(),
                        count: entries.len(),
                        limit: MAX_SIGNATURES,
                    });
                }
                entries
                    .into_iter()
                    .map(|e| {
                        serde_json::from_value(e).map_err(|e| {
                            SignError::malformed(
                                "an index.json referrer entry",
                                format!("not a descriptor: {e}"),
                            )
                        })
                    })
                    .collect()
            }
        }
    }

    /// The referrers of `subject` whose artifact type is one of `kinds`, each fetched and bound
    /// to `subject`. Entries listed under another type are not fetched, except those listed
    /// under `also_listed` or under none (some writers list the config media type, some
    /// nothing). A referrer that fails to read or names another subject is returned among
    /// `broken`, for the caller to report; the others still count. At most [`MAX_SIGNATURES`]
    /// layers in all.
    pub fn find_referrers(
        &self,
        subject: &Subject,
        kinds: &[&str],
        also_listed: &[&str],
    ) -> Result<Found, SignError> {
        let mut found = Found::default();
        let mut layers = 0usize;
        for entry in self.referrers(subject)? {
            let fetch = entry
                .artifact_type
                .as_deref()
                .is_none_or(|t| kinds.contains(&t) || also_listed.contains(&t));
            if !fetch {
                continue;
            }
            match self.read_referrer(&entry.digest, &subject.digest, kinds) {
                // A layout's index.json lists the referrers of all its images together.
                Err(SignError::ForeignSubject { .. }) if matches!(self, Target::Layout(_)) => {}
                Ok(Some(referrer)) => {
                    layers += referrer.manifest.layers.len();
                    found.referrers.push(referrer);
                }
                Ok(None) => {}
                Err(e) => found.broken.push((entry.digest, e)),
            }
            if layers > MAX_SIGNATURES {
                return Err(SignError::TooMany {
                    what: format!("the layers of the referrers of {}", subject.digest),
                    count: layers,
                    limit: MAX_SIGNATURES,
                });
            }
        }
        Ok(found)
    }

    fn read_referrer(
        &self,
        digest: &str,
        subject: &Digest,
        kinds: &[&str],
    ) -> Result<Option<Referrer>, SignError> {
        let parsed: Digest = digest.parse().map_err(|e| {
            SignError::malformed(format!("referrer {digest}"), format!("bad digest: {e}"))
        })?;
        let bytes = self.manifest_by_digest(&parsed, &[OCI_MANIFEST])?;
        parse_referrer_of(&bytes, digest, subject, kinds)
    }

    /// The image index at `tag` in a registry, if any.
    fn index_at(&self, tag: &str) -> Result<Option<Vec<u8>>, SignError> {
        let Target::Registry { client, reference } = self else {
            return Ok(None);
        };
        let at = reference
            .with_tag(tag)
            .map_err(|e| registry_error(format!("tag {tag}"))(e.into()))?;
        match client.get_manifest(&at, &[OCI_INDEX], MAX_MANIFEST_BYTES) {
            Ok(fetched) => Ok(Some(fetched.bytes)),
            Err(RegistryError::NotFound { .. }) => Ok(None),
            Err(e) => Err(registry_error(format!("fetching {at}"))(e)),
        }
    }

    /// Stores a referrer manifest (its blobs already stored) and makes it discoverable: pushed
    /// by digest; when the registry has no referrers API, also added to the list at the
    /// `sha256-<hex>` fallback tag. Returns where it is listed.
    pub fn put_referrer(
        &self,
        subject: &Subject,
        built: &BuiltReferrer,
    ) -> Result<String, SignError> {
        match self {
            Target::Registry { client, reference } => {
                client
                    .put_manifest(
                        reference,
                        &built.entry.digest,
                        OCI_MANIFEST,
                        &built.manifest,
                    )
                    .map_err(registry_error(format!(
                        "pushing the referrer {}",
                        built.entry.digest
                    )))?;
                if let Ok(Some(_)) =
                    client.referrers(reference, &subject.digest, None, MAX_MANIFEST_BYTES)
                {
                    return Ok(format!("referrer {} (referrers API)", built.entry.digest));
                }
                // Read-modify-write of the fallback list: the spec's own scheme, racy by design
                // when two clients add at once (the loser's referrer stays pushed, unlisted).
                let tag = fallback_tag(&subject.digest);
                let what = format!("the referrers tag {tag}");
                let mut manifests = match self.index_at(&tag)? {
                    Some(bytes) => parse_index(&bytes, &what)?,
                    None => Vec::new(),
                };
                manifests.retain(|e| e.digest != built.entry.digest);
                manifests.push(built.entry.clone());
                if manifests.len() > MAX_SIGNATURES {
                    return Err(SignError::TooMany {
                        what,
                        count: manifests.len(),
                        limit: MAX_SIGNATURES,
                    });
                }
                let index = ReferrersIndex {
                    schema_version: 2,
                    media_type: Some(OCI_INDEX.to_string()),
                    manifests,
                };
                let bytes = serde_json::to_vec(&index).unwrap_or_default();
                client
                    .put_manifest(reference, &tag, OCI_INDEX, &bytes)
                    .map_err(registry_error(format!("pushing {what}")))?;
                Ok(format!(
                    "referrer {} (listed at tag {tag})",
                    built.entry.digest
                ))
            }
            Target::Layout(layout) => {
                let descriptor = serde_json::to_value(&built.entry).unwrap_or_default();
                layout.put_untagged(&built.manifest, descriptor)?;
                Ok(format!(
                    "referrer {} (listed in index.json)",
                    built.entry.digest
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_tags_follow_the_tag_schema() {
        let digest = Digest::sha256_of(b"x");
        assert_eq!(fallback_tag(&digest), format!("sha256-{}", digest.hex()));
    }

    fn subject() -> Subjected {
        Subjected {
            media_type: OCI_MANIFEST.to_string(),
            digest: Digest::sha256_of(b"image").to_string(),
            size: 5,
        }
    }

    #[test]
    fn built_referrers_parse_back_and_name_their_subject() {
        let layer = Descriptor {
            media_type: crate::payload::MEDIA_TYPE.to_string(),
            size: 2,
            digest: Digest::sha256_of(b"{}").to_string(),
            annotations: None,
        };
        let built = build(vec![layer.clone()], &subject());
        let text = String::from_utf8(built.manifest.clone()).unwrap();
        assert!(text.contains(&format!(r#""mediaType":"{SIGNATURE_ARTIFACT_TYPE}""#)));
        assert!(text.ends_with(&format!(
            r#""subject":{{"mediaType":"{OCI_MANIFEST}","digest":"{}","size":5}}}}"#,
            subject().digest
        )));
        assert_eq!(
            built.entry.digest,
            Digest::sha256_of(&built.manifest).to_string()
        );
        let image: Digest = subject().digest.parse().unwrap();
        let parsed = parse_referrer(&built.manifest, &built.entry.digest, &image)
            .unwrap()
            .unwrap();
        assert_eq!(parsed.manifest.layers, vec![layer]);
        // Listed for another image: refused, naming both.
        let other = Digest::sha256_of(b"other");
        let err = parse_referrer(&built.manifest, &built.entry.digest, &other).unwrap_err();
        assert!(err.to_string().contains("not this image"), "{err}");
    }

    #[test]
    fn other_artifacts_are_skipped_and_lists_are_bounded() {
        let attestation = br#"{"schemaVersion":2,"config":{"mediaType":"application/vnd.dev.cosign.artifact.att.v1+json","size":2,"digest":"sha256:00"},"layers":[]}"#;
        let image = Digest::sha256_of(b"image");
        assert!(parse_referrer(attestation, "sha256:aa", &image)
            .unwrap()
            .is_none());
        assert!(parse_referrer(b"not json", "sha256:aa", &image).is_err());
        let entry = r#"{"mediaType":"m","digest":"sha256:00","size":1}"#;
        let many = format!(
            r#"{{"schemaVersion":2,"manifests":[{}]}}"#,
            vec![entry; MAX_SIGNATURES + 1].join(",")
        );
        assert!(matches!(
            parse_index(many.as_bytes(), "list"),
            Err(SignError::TooMany { .. })
        ));
        let one = format!(r#"{{"schemaVersion":2,"manifests":[{entry}]}}"#);
        assert_eq!(parse_index(one.as_bytes(), "list").unwrap().len(), 1);
    }
}
