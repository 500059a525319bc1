//! Where an image and its signatures live: a registry repository or an `oci-dir:` layout.
//! Every operation first resolves the reference to one manifest digest ([`Target::resolve`]);
//! everything after uses that digest, never the tag again.

use std::io::Read;

use seatbelt_image::{ImageRef, ManifestSelector};
use seatbelt_registry::{Client, ClientOptions, Reference, RegistryError};
use seatbelt_types::Digest;

use crate::layout::Layout;
use crate::limits::MAX_MANIFEST_BYTES;
use crate::manifest::OCI_MANIFEST;
use crate::SignError;

/// What the manifest reference accepts when resolving an image.
pub(crate) const IMAGE_MEDIA_TYPES: &[&str] = &[
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];

/// A resolved image: the digest everything is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// The manifest (or index) digest.
    pub digest: Digest,
    /// `registry/repository` for registry images (the simple-signing identity); `None` for
    /// layouts, which have no repository.
    pub identity: Option<String>,
}

/// A store of an image and its signatures.
#[derive(Debug)]
pub enum Target {
    /// A registry repository.
    Registry {
        /// The client.
        client: Client,
        /// The image's reference.
        reference: Reference,
    },
    /// An OCI image layout directory.
    Layout(Layout),
}

fn registry_error(what: impl Into<String>) -> impl FnOnce(RegistryError) -> SignError {
    let what = what.into();
    move |source| SignError::Registry {
        what,
        source: Box::new(source),
    }
}

impl Target {
    /// Opens the store an image reference names. Only registries and `oci-dir:` layouts keep
    /// signatures.
    pub fn open(image: &ImageRef, options: ClientOptions) -> Result<Target, SignError> {
        match image {
            ImageRef::Registry(reference) => Ok(Target::Registry {
                client: Client::new(options).map_err(registry_error("registry client"))?,
                reference: reference.clone(),
            }),
            ImageRef::OciDir { path, selector } => Ok(Target::Layout(Layout::new(
                path.clone(),
                selector.clone(),
            ))),
            other => Err(SignError::Unsupported {
                reference: format!("{other:?}"),
                reason: "signatures live in registries and OCI layouts; copy the image to one (`seatbelt copy SRC oci-dir:DIR:TAG`) and sign it there".to_string(),
            }),
        }
    }

    /// Resolves the reference to one manifest digest, fetched and hashed here (a registry's
    /// `Docker-Content-Digest` header is a claim, not a fact).
    pub fn resolve(&self) -> Result<Subject, SignError> {
        match self {
            Target::Registry { client, reference } => {
                let what = format!("resolving {reference}");
                let fetched = client
                    .get_manifest(reference, IMAGE_MEDIA_TYPES, MAX_MANIFEST_BYTES)
                    .map_err(registry_error(what.clone()))?;
                let digest = match reference.digest() {
                    Some(pinned) => {
                        let actual = Digest::sha256_of(&fetched.bytes);
                        if pinned.algorithm() == actual.algorithm() && *pinned != actual {
                            return Err(SignError::DigestMismatch {
                                what,
                                expected: pinned.to_string(),
                                actual: actual.to_string(),
                            });
                        }
                        pinned.clone()
                    }
                    None => Digest::sha256_of(&fetched.bytes),
                };
                Ok(Subject {
                    digest,
                    identity: self.identity(),
                })
            }
            Target::Layout(layout) => Ok(Subject {
                digest: layout.resolve()?,
                identity: None,
            }),
        }
    }

    /// `registry/repository` for registry images (the identity signatures and statements
    /// name), `None` for layouts.
    pub fn identity(&self) -> Option<String> {
        match self {
            Target::Registry { reference, .. } => Some(format!(
                "{}/{}",
                reference.registry(),
                reference.repository()
            )),
            Target::Layout(_) => None,
        }
    }

    /// The manifest stored at `tag`, if any, bounded by [`MAX_MANIFEST_BYTES`].
    pub fn manifest_at(&self, tag: &str) -> Result<Option<Vec<u8>>, SignError> {
        match self {
            Target::Registry { client, reference } => {
                let at = reference
                    .with_tag(tag)
                    .map_err(|e| registry_error(format!("tag {tag}"))(e.into()))?;
                match client.get_manifest(&at, &[OCI_MANIFEST], MAX_MANIFEST_BYTES) {
                    Ok(fetched) => Ok(Some(fetched.bytes)),
                    Err(RegistryError::NotFound { .. }) => Ok(None),
                    Err(e) => Err(registry_error(format!("fetching {at}"))(e)),
                }
            }
            Target::Layout(layout) => layout.manifest_at(tag),
        }
    }

    /// A blob, read whole only if its claimed size is within `limit`, and digest-checked.
    pub fn blob(&self, digest: &str, size: u64, limit: u64) -> Result<Vec<u8>, SignError> {
        let what = format!("blob {digest}");
        if size > limit {
            return Err(SignError::TooLarge { what, size, limit });
        }
        let parsed: Digest = digest
            .parse()
            .map_err(|e| SignError::malformed(what.clone(), format!("bad digest: {e}")))?;
        let reader: Box<dyn Read> = match self {
            Target::Registry { client, reference } => Box::new(
                client
                    .get_blob(reference, &parsed)
                    .map_err(registry_error(what.clone()))?
                    .reader,
            ),
            Target::Layout(layout) => layout.open_blob(&parsed)?,
        };
        let mut bytes = Vec::new();
        reader
            .take(size.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| SignError::malformed(what.clone(), format!("read failed: {e}")))?;
        let actual = Digest::sha256_of(&bytes);
        if bytes.len() as u64 != size || actual != parsed {
            return Err(SignError::DigestMismatch {
                what,
                expected: format!("{parsed} ({size} bytes)"),
                actual: format!("{actual} ({} bytes or more)", bytes.len()),
            });
        }
        Ok(bytes)
    }

    /// Stores a blob unless already present.
    pub fn put_blob(&self, bytes: &[u8]) -> Result<(), SignError> {
        let digest = Digest::sha256_of(bytes);
        match self {
            Target::Registry { client, reference } => {
                let what = format!("pushing blob {digest}");
                if client
                    .blob_exists(reference, &digest)
                    .map_err(registry_error(what.clone()))?
                {
                    return Ok(());
                }
                client
                    .push_blob(reference, &digest, bytes.len() as u64, &mut &bytes[..])
                    .map_err(registry_error(what))
            }
            Target::Layout(layout) => layout.put_blob(&digest, bytes),
        }
    }

    /// Stores a manifest at `tag`.
    pub fn put_manifest(&self, tag: &str, bytes: &[u8]) -> Result<(), SignError> {
        match self {
            Target::Registry { client, reference } => client
                .put_manifest(reference, tag, OCI_MANIFEST, bytes)
                .map(|_| ())
                .map_err(registry_error(format!("pushing {tag}"))),
            Target::Layout(layout) => layout.put_manifest(tag, bytes),
        }
    }
}

/// The selector's tag, for messages.
pub(crate) fn describe(selector: &ManifestSelector) -> String {
    match selector {
        ManifestSelector::Only => "the only image".to_string(),
        ManifestSelector::Tag(tag) => format!("tag {tag}"),
        ManifestSelector::Digest(digest) => digest.to_string(),
    }
}
