//! An opened image: its manifest, config and layers, and verified access to its blobs.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use oci_spec::image::{Descriptor, ImageManifest};
use seatbelt_types::Digest;
use serde_json::Value;

use crate::source::BlobSource;
use crate::{open_decompressed, Compression, ImageError, Limits, Platform, VerifyingReader};

/// A manifest exactly as the source stored it, so writers can keep it byte for byte.
#[derive(Debug, Clone)]
pub struct RawManifest {
    /// The bytes as stored.
    pub bytes: Vec<u8>,
    /// Their digest (verified).
    pub digest: Digest,
    /// Its media type (from the manifest itself, its descriptor, or the registry's header).
    pub media_type: String,
    /// The parsed form (Docker schema 2 manifests parse into the same shape).
    pub parsed: ImageManifest,
}

/// An image config exactly as stored, kept as JSON so rewrites keep fields seatbelt does not know.
#[derive(Debug, Clone)]
pub struct RawConfig {
    /// The bytes as stored.
    pub bytes: Vec<u8>,
    /// Their digest (verified).
    pub digest: Digest,
    /// The parsed JSON.
    pub value: Value,
}

impl RawConfig {
    /// Parses config bytes whose digest has been verified.
    pub fn from_verified_bytes(bytes: Vec<u8>, digest: Digest) -> Result<RawConfig, ImageError> {
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| ImageError::malformed(format!("image config {digest}"), e.to_string()))?;
        if !value.is_object() {
            return Err(ImageError::malformed(
                format!("image config {digest}"),
                "it is not a JSON object",
            ));
        }
        Ok(RawConfig {
            bytes,
            digest,
            value,
        })
    }

    fn runtime(&self, key: &str) -> Option<&Value> {
        self.value
            .get("config")
            .and_then(|c| c.get(key))
            .filter(|v| !v.is_null())
    }

    fn strings(&self, key: &str) -> Vec<String> {
        self.runtime(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `config.User` (empty means root).
    pub fn user(&self) -> &str {
        self.runtime("User").and_then(Value::as_str).unwrap_or("")
    }

    /// `config.Entrypoint`.
    pub fn entrypoint(&self) -> Vec<String> {
        self.strings("Entrypoint")
    }

    /// `config.Cmd`.
    pub fn cmd(&self) -> Vec<String> {
        self.strings("Cmd")
    }

    /// `config.Env` as `NAME=value` strings.
    pub fn env(&self) -> Vec<String> {
        self.strings("Env")
    }

    /// `config.WorkingDir`.
    pub fn working_dir(&self) -> &str {
        self.runtime("WorkingDir")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// `config.Labels`, sorted by name.
    pub fn labels(&self) -> Vec<(String, String)> {
        let mut labels: Vec<(String, String)> = self
            .runtime("Labels")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        labels.sort();
        labels
    }

    /// `os`, `architecture` and `variant` as a platform, when present.
    pub fn platform(&self) -> Option<Platform> {
        let os = self.value.get("os")?.as_str()?;
        let architecture = self.value.get("architecture")?.as_str()?;
        Some(Platform {
            os: os.to_string(),
            architecture: architecture.to_string(),
            variant: self
                .value
                .get("variant")
                .and_then(Value::as_str)
                .map(str::to_string),
        })
    }

    /// `created`, as written (RFC 3339).
    pub fn created(&self) -> Option<&str> {
        self.value.get("created").and_then(Value::as_str)
    }

    /// `rootfs.diff_ids`: the digests of the uncompressed layers.
    pub fn diff_ids(&self) -> Result<Vec<Digest>, ImageError> {
        let Some(ids) = self
            .value
            .get("rootfs")
            .and_then(|r| r.get("diff_ids"))
            .and_then(Value::as_array)
        else {
            return Ok(Vec::new());
        };
        ids.iter()
            .map(|v| {
                v.as_str()
                    .and_then(|s| s.parse::<Digest>().ok())
                    .ok_or_else(|| {
                        ImageError::malformed(
                            format!("image config {}", self.digest),
                            format!("rootfs.diff_ids holds {v}, which is not a digest"),
                        )
                    })
            })
            .collect()
    }
}

/// Where one layer's content comes from.
#[derive(Debug, Clone)]
#[expect(
    clippy::large_enum_variant,
    reason = "an image has a handful of layers; boxing buys nothing"
)]
pub enum LayerSource {
    /// A blob named by a manifest descriptor.
    Blob(Descriptor),
    /// A directory on disk standing for the whole filesystem (the `dir:` source).
    Directory(PathBuf),
}

/// An image ready to be read: resolved to one manifest (for one platform), its config parsed.
#[derive(Clone)]
pub struct Image {
    /// The reference it was opened from, for messages and reports.
    pub reference: String,
    /// The manifest, absent for a `dir:` root filesystem.
    pub manifest: Option<RawManifest>,
    /// The config (synthesised for a `dir:` root filesystem).
    pub config: RawConfig,
    /// The layers, oldest first, as the manifest lists them.
    pub layers: Vec<LayerSource>,
    /// The limits every read of this image obeys.
    pub limits: Limits,
    pub(crate) blobs: Arc<dyn BlobSource>,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("reference", &self.reference)
            .field("manifest", &self.manifest.as_ref().map(|m| &m.digest))
            .field("config", &self.config.digest)
            .field("layers", &self.layers.len())
            .finish_non_exhaustive()
    }
}

impl Image {
    /// Builds an image from parts; sources call this once they have verified manifest and config.
    pub fn new(
        reference: String,
        manifest: Option<RawManifest>,
        config: RawConfig,
        layers: Vec<LayerSource>,
        limits: Limits,
        blobs: Arc<dyn BlobSource>,
    ) -> Result<Image, ImageError> {
        if layers.len() > limits.max_layers {
            return Err(ImageError::LimitExceeded {
                limit: "MAX_LAYERS",
                max: limits.max_layers as u64,
                what: format!("the layer count of {reference} ({})", layers.len()),
            });
        }
        Ok(Image {
            reference,
            manifest,
            config,
            layers,
            limits,
            blobs,
        })
    }

    /// Where this image's blobs are read from, raw: for building a derived image that serves
    /// some of them ([`Image::new`]), whose own [`Image::open_blob`] then verifies them, so
    /// they are not hashed twice on the way.
    pub fn blob_source(&self) -> Arc<dyn BlobSource> {
        Arc::clone(&self.blobs)
    }

    /// The manifest digest, if the image has a manifest.
    pub fn digest(&self) -> Option<&Digest> {
        self.manifest.as_ref().map(|m| &m.digest)
    }

    /// Opens a blob of this image; the stream fails at its end if the digest or size is wrong.
    pub fn open_blob(
        &self,
        descriptor: &Descriptor,
    ) -> Result<VerifyingReader<Box<dyn Read + Send>>, ImageError> {
        let digest: Digest =
            descriptor
                .digest()
                .to_string()
                .parse()
                .map_err(|e: seatbelt_types::DigestError| {
                    ImageError::malformed(
                        format!("a descriptor in {}", self.reference),
                        e.to_string(),
                    )
                })?;
        let raw = self.blobs.open_raw(&digest, Some(descriptor.size()))?;
        Ok(VerifyingReader::new(
            raw,
            format!("blob {digest} of {}", self.reference),
            digest,
            Some(descriptor.size()),
        ))
    }

    /// Opens a blob layer decompressed (gzip, zstd or plain, sniffed), digest-verified, and
    /// bounded by the decompression limit.
    pub fn open_layer(
        &self,
        descriptor: &Descriptor,
    ) -> Result<(Compression, Box<dyn Read + Send>), ImageError> {
        let verified = self.open_blob(descriptor)?;
        open_decompressed(
            verified,
            &format!("layer {} of {}", descriptor.digest(), self.reference),
            self.limits.max_decompressed_bytes,
        )
    }
}
