//! Signatures in an OCI image layout: blobs under `blobs/<alg>/<hex>` and the signature
//! manifest tagged in `index.json` with `org.opencontainers.image.ref.name` = `sha256-<hex>.sig`,
//! the tag scheme cosign uses in registries. Writes are atomic (temp file + rename).

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use seatbelt_image::ManifestSelector;
use seatbelt_types::Digest;
use serde_json::{json, Value};

use crate::limits::{MAX_INDEX_BYTES, MAX_MANIFEST_BYTES};
use crate::manifest::OCI_MANIFEST;
use crate::target::describe;
use crate::SignError;

const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// An OCI layout directory and which image in it is meant.
#[derive(Debug, Clone)]
pub struct Layout {
    root: PathBuf,
    selector: ManifestSelector,
}

/// Whether a tag is one of cosign's signature-scheme tags, not an image of its own.
fn is_signature_tag(tag: &str) -> bool {
    tag.starts_with("sha256-")
        && (tag.ends_with(".sig") || tag.ends_with(".att") || tag.ends_with(".sbom"))
}

impl Layout {
    pub(crate) fn new(root: PathBuf, selector: ManifestSelector) -> Layout {
        Layout { root, selector }
    }

    fn error(&self, reason: impl Into<String>) -> SignError {
        SignError::Layout {
            path: self.root.clone(),
            reason: reason.into(),
        }
    }

    fn read_bounded(&self, path: &Path, limit: u64) -> Result<Vec<u8>, SignError> {
        let file = File::open(path)
            .map_err(|e| self.error(format!("cannot open {}: {e}", path.display())))?;
        let mut bytes = Vec::new();
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| self.error(format!("cannot read {}: {e}", path.display())))?;
        if bytes.len() as u64 > limit {
            return Err(SignError::TooLarge {
                what: path.display().to_string(),
                size: bytes.len() as u64,
                limit,
            });
        }
        Ok(bytes)
    }

    fn index(&self) -> Result<Value, SignError> {
        let bytes = self.read_bounded(&self.root.join("index.json"), MAX_INDEX_BYTES)?;
        let index: Value = serde_json::from_slice(&bytes)
            .map_err(|e| self.error(format!("index.json is not JSON: {e}")))?;
        if !index.get("manifests").is_some_and(Value::is_array) {
            return Err(self.error("index.json has no `manifests` array"));
        }
        Ok(index)
    }

    fn entries(index: &Value) -> impl Iterator<Item = &Value> {
        index
            .get("manifests")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
    }

    fn tag_of(entry: &Value) -> Option<&str> {
        entry.get("annotations")?.get(REF_NAME)?.as_str()
    }

    fn digest_of(&self, entry: &Value) -> Result<Digest, SignError> {
        entry
            .get("digest")
            .and_then(Value::as_str)
            .ok_or_else(|| self.error("an index.json entry has no digest"))?
            .parse()
            .map_err(|e| self.error(format!("an index.json digest is invalid: {e}")))
    }

    /// The digest of the selected image.
    pub(crate) fn resolve(&self) -> Result<Digest, SignError> {
        let index = self.index()?;
        let images: Vec<&Value> = Layout::entries(&index)
            .filter(|e| !Layout::tag_of(e).is_some_and(is_signature_tag))
            // OCI 1.1 referrers (signatures stored with a `subject`) are listed untagged with
            // their artifactType; they are about an image, not images.
            .filter(|e| e.get("artifactType").is_none())
            .collect();
        let found: Vec<&Value> = match &self.selector {
            ManifestSelector::Tag(tag) => images
                .into_iter()
                .filter(|e| Layout::tag_of(e) == Some(tag.as_str()))
                .collect(),
            ManifestSelector::Digest(digest) => {
                let matching: Vec<&Value> = images
                    .into_iter()
                    .filter(|e| self.digest_of(e).is_ok_and(|d| d == *digest))
                    .collect();
                matching.into_iter().take(1).collect()
            }
            ManifestSelector::Only => images,
        };
        match found.as_slice() {
            [one] => self.digest_of(one),
            [] => Err(self.error(format!("{} is not in index.json", describe(&self.selector)))),
            _ => Err(self.error(format!(
                "index.json holds {} images for {}; name one with :TAG or @sha256:…",
                found.len(),
                describe(&self.selector)
            ))),
        }
    }

    fn blob_path(&self, digest: &Digest) -> PathBuf {
        self.root
            .join("blobs")
            .join(digest.algorithm().name())
            .join(digest.hex())
    }

    pub(crate) fn open_blob(&self, digest: &Digest) -> Result<Box<dyn Read>, SignError> {
        let path = self.blob_path(digest);
        let file =
            File::open(&path).map_err(|e| self.error(format!("blob {digest} is missing ({e})")))?;
        Ok(Box::new(file))
    }

    pub(crate) fn manifest_at(&self, tag: &str) -> Result<Option<Vec<u8>>, SignError> {
        let index = self.index()?;
        let Some(entry) = Layout::entries(&index).find(|e| Layout::tag_of(e) == Some(tag)) else {
            return Ok(None);
        };
        let digest = self.digest_of(entry)?;
        let bytes = self.read_bounded(&self.blob_path(&digest), MAX_MANIFEST_BYTES)?;
        let actual = Digest::sha256_of(&bytes);
        if actual != digest {
            return Err(SignError::DigestMismatch {
                what: format!("manifest {tag} in {}", self.root.display()),
                expected: digest.to_string(),
                actual: actual.to_string(),
            });
        }
        Ok(Some(bytes))
    }

    fn write_atomic(&self, path: &Path, bytes: &[u8]) -> Result<(), SignError> {
        let dir = path
            .parent()
            .ok_or_else(|| self.error(format!("{} has no parent", path.display())))?;
        std::fs::create_dir_all(dir)
            .map_err(|e| self.error(format!("cannot create {}: {e}", dir.display())))?;
        let mut temp = tempfile::NamedTempFile::new_in(dir)
            .map_err(|e| self.error(format!("cannot write in {}: {e}", dir.display())))?;
        temp.write_all(bytes)
            .and_then(|()| temp.as_file().sync_all())
            .map_err(|e| self.error(format!("cannot write in {}: {e}", dir.display())))?;
        temp.persist(path)
            .map_err(|e| self.error(format!("cannot write {}: {e}", path.display())))?;
        Ok(())
    }

    pub(crate) fn put_blob(&self, digest: &Digest, bytes: &[u8]) -> Result<(), SignError> {
        let path = self.blob_path(digest);
        if path.exists() {
            return Ok(());
        }
        self.write_atomic(&path, bytes)
    }

    /// A manifest blob by digest, bounded by [`MAX_MANIFEST_BYTES`] and digest-checked.
    pub(crate) fn manifest_by_digest(&self, digest: &Digest) -> Result<Vec<u8>, SignError> {
        let bytes = self.read_bounded(&self.blob_path(digest), MAX_MANIFEST_BYTES)?;
        let actual = Digest::sha256_of(&bytes);
        if actual != *digest {
            return Err(SignError::DigestMismatch {
                what: format!("manifest {digest} in {}", self.root.display()),
                expected: digest.to_string(),
                actual: actual.to_string(),
            });
        }
        Ok(bytes)
    }

    /// The untagged `index.json` entries that carry an `artifactType`: the layout's OCI 1.1
    /// referrers (each names its subject inside the manifest, checked by the caller).
    pub(crate) fn artifact_entries(&self) -> Result<Vec<Value>, SignError> {
        let index = self.index()?;
        Ok(Layout::entries(&index)
            .filter(|e| e.get("artifactType").is_some() && Layout::tag_of(e).is_none())
            .cloned()
            .collect())
    }

    /// Stores a manifest by digest and lists `descriptor` for it in `index.json` (untagged),
    /// unless an entry for that digest is already there.
    pub(crate) fn put_untagged(&self, bytes: &[u8], descriptor: Value) -> Result<(), SignError> {
        let digest = Digest::sha256_of(bytes);
        self.put_blob(&digest, bytes)?;
        let mut index = self.index()?;
        let digest_text = digest.to_string();
        if let Some(manifests) = index.get_mut("manifests").and_then(Value::as_array_mut) {
            if manifests.iter().any(|e| {
                Layout::tag_of(e).is_none()
                    && e.get("digest").and_then(Value::as_str) == Some(digest_text.as_str())
            }) {
                return Ok(());
            }
            manifests.push(descriptor);
        }
        let text = serde_json::to_vec(&index)
            .map_err(|e| self.error(format!("cannot serialise index.json: {e}")))?;
        self.write_atomic(&self.root.join("index.json"), &text)
    }

    pub(crate) fn put_manifest(&self, tag: &str, bytes: &[u8]) -> Result<(), SignError> {
        let digest = Digest::sha256_of(bytes);
        self.put_blob(&digest, bytes)?;
        let mut index = self.index()?;
        let descriptor = json!({
            "mediaType": OCI_MANIFEST,
            "digest": digest.to_string(),
            "size": bytes.len(),
            "annotations": { REF_NAME: tag },
        });
        if let Some(manifests) = index.get_mut("manifests").and_then(Value::as_array_mut) {
            manifests.retain(|e| Layout::tag_of(e) != Some(tag));
            manifests.push(descriptor);
        }
        let text = serde_json::to_vec(&index)
            .map_err(|e| self.error(format!("cannot serialise index.json: {e}")))?;
        self.write_atomic(&self.root.join("index.json"), &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_tags_are_not_images() {
        assert!(is_signature_tag("sha256-abc.sig"));
        assert!(is_signature_tag("sha256-abc.att"));
        assert!(!is_signature_tag("latest"));
        assert!(!is_signature_tag("sha256-abc"));
    }
}
