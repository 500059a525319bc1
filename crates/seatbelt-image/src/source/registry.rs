//! An image in a registry: the manifest (through an index when the tag names several platforms)
//! and the config are fetched and checked against the digests that name them before anything
//! trusts them; layers stay in the registry and stream on demand, verified by
//! [`crate::Image::open_blob`].

use std::io::Read;
use std::sync::Arc;

use oci_spec::image::Descriptor;
use seatbelt_registry::{Client, FetchedManifest, Reference};
use seatbelt_types::{Digest, DigestError, Hasher};

use crate::manifest::{self, Parsed};
use crate::media_types::MANIFEST_ACCEPT;
use crate::source::{BlobSource, OpenOptions};
use crate::{Image, ImageError, LayerSource, Platform, RawConfig, RawManifest, VerifyingReader};

/// Serves an image's blobs from its registry repository.
struct RegistryBlobs {
    client: Client,
    reference: Reference,
}

impl BlobSource for RegistryBlobs {
    fn open_raw(
        &self,
        digest: &Digest,
        size: Option<u64>,
    ) -> Result<Box<dyn Read + Send>, ImageError> {
        let blob = self.client.get_blob(&self.reference, digest)?;
        if let (Some(expected), Some(served)) = (size, blob.size) {
            // Refuse before downloading what cannot be right.
            if expected != served {
                return Err(ImageError::SizeMismatch {
                    what: format!("blob {digest} of {}", self.reference),
                    expected,
                    actual: served,
                });
            }
        }
        Ok(blob.reader)
    }
}

fn digest_of(algorithm_of: &Digest, bytes: &[u8]) -> Digest {
    let mut hasher = Hasher::new(algorithm_of.algorithm());
    hasher.update(bytes);
    hasher.finish()
}

fn descriptor_digest(descriptor: &Descriptor, what: &str) -> Result<Digest, ImageError> {
    descriptor
        .digest()
        .to_string()
        .parse()
        .map_err(|e: DigestError| ImageError::malformed(what.to_string(), e.to_string()))
}

/// Checks fetched manifest bytes against the digest that must name them (from the reference or
/// an index) and against the registry's own claim; returns their digest.
fn verify_manifest(
    fetched: &FetchedManifest,
    expected: Option<&Digest>,
    what: &str,
) -> Result<Digest, ImageError> {
    if let Some(expected) = expected {
        let actual = digest_of(expected, &fetched.bytes);
        if &actual != expected {
            return Err(ImageError::DigestMismatch {
                what: what.to_string(),
                expected: expected.clone(),
                actual,
            });
        }
    }
    if let Some(claimed) = &fetched.digest {
        let actual = digest_of(claimed, &fetched.bytes);
        if &actual != claimed {
            return Err(ImageError::DigestMismatch {
                what: format!("{what} (per the registry's Docker-Content-Digest)"),
                expected: claimed.clone(),
                actual,
            });
        }
    }
    Ok(expected
        .cloned()
        .unwrap_or_else(|| Digest::sha256_of(&fetched.bytes)))
}

pub(crate) fn open(
    reference: &Reference,
    platform: &Platform,
    options: &OpenOptions,
) -> Result<Image, ImageError> {
    let client = Client::new(options.registry.clone())?;
    let limits = options.limits;
    let name = reference.to_string();
    let what = format!("the manifest of {name}");
    let fetched = client.get_manifest(reference, MANIFEST_ACCEPT, limits.max_manifest_bytes)?;
    let digest = verify_manifest(&fetched, reference.digest(), &what)?;
    let (parsed, media_type) = manifest::parse(
        &fetched.bytes,
        fetched.media_type.as_deref(),
        &name,
        limits.max_manifest_bytes,
    )?;
    let (manifest, bytes, digest, media_type) = match parsed {
        Parsed::Image(m) => (*m, fetched.bytes, digest, media_type),
        Parsed::Index(index) => {
            let chosen = manifest::select_platform(&index, platform, &name)?;
            let child_digest = descriptor_digest(chosen, &format!("the index of {name}"))?;
            let child_what = format!("the {platform} manifest {child_digest} of {name}");
            if chosen.size() > limits.max_manifest_bytes {
                return Err(ImageError::LimitExceeded {
                    limit: "MAX_MANIFEST_BYTES",
                    max: limits.max_manifest_bytes,
                    what: format!("{child_what} ({} bytes)", chosen.size()),
                });
            }
            let child = client.get_manifest(
                &reference.with_digest(child_digest.clone()),
                MANIFEST_ACCEPT,
                limits.max_manifest_bytes,
            )?;
            verify_manifest(&child, Some(&child_digest), &child_what)?;
            if child.bytes.len() as u64 != chosen.size() {
                return Err(ImageError::SizeMismatch {
                    what: child_what,
                    expected: chosen.size(),
                    actual: child.bytes.len() as u64,
                });
            }
            let declared = Some(chosen.media_type().to_string());
            let (parsed, media_type) = manifest::parse(
                &child.bytes,
                declared.as_deref().or(child.media_type.as_deref()),
                &name,
                limits.max_manifest_bytes,
            )?;
            let Parsed::Image(m) = parsed else {
                return Err(ImageError::malformed(
                    child_what,
                    "an index entry for a platform names another index",
                ));
            };
            (*m, child.bytes, child_digest, media_type)
        }
    };
    // Pinned: what was opened is this exact manifest, whatever the tag points to later.
    let pinned = Reference::new(
        reference.registry(),
        reference.repository(),
        None,
        Some(digest.clone()),
    )
    .map_err(seatbelt_registry::RegistryError::from)?;
    let pinned_name = pinned.to_string();

    let config_descriptor = manifest.config();
    let config_digest =
        descriptor_digest(config_descriptor, &format!("the manifest of {pinned_name}"))?;
    let config_what = format!("the config {config_digest} of {pinned_name}");
    if config_descriptor.size() > limits.max_config_bytes {
        return Err(ImageError::LimitExceeded {
            limit: "MAX_CONFIG_BYTES",
            max: limits.max_config_bytes,
            what: format!("{config_what} ({} bytes)", config_descriptor.size()),
        });
    }
    let blobs = RegistryBlobs {
        client,
        reference: pinned.clone(),
    };
    let raw = blobs.open_raw(&config_digest, Some(config_descriptor.size()))?;
    let mut verifying = VerifyingReader::new(
        raw,
        config_what.clone(),
        config_digest.clone(),
        Some(config_descriptor.size()),
    );
    let mut config_bytes = Vec::new();
    (&mut verifying)
        .take(limits.max_config_bytes.saturating_add(1))
        .read_to_end(&mut config_bytes)
        .map_err(|e| ImageError::from_stream(config_what.clone(), e))?;
    // The declared size is within the limit and the reader refuses to pass it, so reaching
    // here means the whole config was read and checked; `finish` confirms the end.
    verifying.finish()?;
    let config = RawConfig::from_verified_bytes(config_bytes, config_digest)?;

    let layers = manifest
        .layers()
        .iter()
        .cloned()
        .map(LayerSource::Blob)
        .collect();
    let raw_manifest = RawManifest {
        bytes,
        digest,
        media_type,
        parsed: manifest,
    };
    Image::new(
        pinned_name,
        Some(raw_manifest),
        config,
        layers,
        limits,
        Arc::new(blobs),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_are_checked_against_the_reference_and_the_header() {
        let bytes = b"{}".to_vec();
        let right = Digest::sha256_of(&bytes);
        let wrong = Digest::sha256_of(b"other");
        let fetched = |claim: Option<Digest>| FetchedManifest {
            bytes: bytes.clone(),
            media_type: None,
            digest: claim,
        };
        assert_eq!(verify_manifest(&fetched(None), None, "m").unwrap(), right);
        assert_eq!(
            verify_manifest(&fetched(Some(right.clone())), Some(&right), "m").unwrap(),
            right
        );
        assert!(matches!(
            verify_manifest(&fetched(None), Some(&wrong), "m"),
            Err(ImageError::DigestMismatch { .. })
        ));
        assert!(matches!(
            verify_manifest(&fetched(Some(wrong)), None, "m"),
            Err(ImageError::DigestMismatch { .. })
        ));
    }
}
