//! The hardened image as an [`Image`]: the original layers (same descriptors, so the same
//! digests), the added layer, the new config and manifest. Blobs are served from the original
//! image or from what hardening staged, so `seatbelt_image::copy` writes it to any destination.

use std::collections::HashMap;
use std::io::{self, Read};
use std::sync::Arc;

use oci_spec::image::{Descriptor, ImageManifest};
use seatbelt_image::media_types::{DOCKER_LAYER_GZIP, DOCKER_MANIFEST, OCI_LAYER_GZIP};
use seatbelt_image::source::BlobSource;
use seatbelt_image::{Image, ImageError, LayerSource, RawConfig, RawManifest};
use seatbelt_types::Digest;
use serde_json::{json, Value};

use crate::layer::BuiltLayer;

struct Blobs {
    original: Image,
    descriptors: HashMap<Digest, Descriptor>,
    config: (Digest, Vec<u8>),
    layer: BuiltLayer,
}

impl BlobSource for Blobs {
    fn open_raw(
        &self,
        digest: &Digest,
        _size: Option<u64>,
    ) -> Result<Box<dyn Read + Send>, ImageError> {
        if digest == &self.config.0 {
            return Ok(Box::new(io::Cursor::new(self.config.1.clone())));
        }
        if digest == &self.layer.digest {
            let file = self.layer.file.reopen().map_err(|e| {
                ImageError::io("cannot read", self.layer.file.path().to_path_buf(), e)
            })?;
            return Ok(Box::new(file));
        }
        match self.descriptors.get(digest) {
            Some(d) => Ok(Box::new(self.original.open_blob(d)?)),
            None => Err(ImageError::malformed(
                "the hardened image",
                format!("it has no blob {digest}"),
            )),
        }
    }
}

/// Builds the hardened image from `original`, its new config and the added layer.
pub fn assemble(
    original: &Image,
    manifest: &RawManifest,
    config: &Value,
    layer: BuiltLayer,
) -> Result<Image, ImageError> {
    let config_bytes = serde_json::to_vec(config)
        .map_err(|e| ImageError::malformed("the hardened config", e.to_string()))?;
    let config_digest = Digest::sha256_of(&config_bytes);
    let mut value: Value = serde_json::from_slice(&manifest.bytes)
        .map_err(|e| ImageError::malformed(original.reference.clone(), e.to_string()))?;
    let layer_type = if manifest.media_type == DOCKER_MANIFEST {
        DOCKER_LAYER_GZIP
    } else {
        OCI_LAYER_GZIP
    };
    if let Some(c) = value.get_mut("config").and_then(Value::as_object_mut) {
        c.insert("digest".into(), json!(config_digest.to_string()));
        c.insert("size".into(), json!(config_bytes.len()));
    }
    if let Some(layers) = value.get_mut("layers").and_then(Value::as_array_mut) {
        layers.push(json!({"mediaType": layer_type, "digest": layer.digest.to_string(), "size": layer.size}));
    }
    let bytes = serde_json::to_vec(&value)
        .map_err(|e| ImageError::malformed("the hardened manifest", e.to_string()))?;
    let parsed: ImageManifest = serde_json::from_slice(&bytes)
        .map_err(|e| ImageError::malformed("the hardened manifest", e.to_string()))?;
    let layers: Vec<LayerSource> = parsed
        .layers()
        .iter()
        .cloned()
        .map(LayerSource::Blob)
        .collect();
    let mut descriptors = HashMap::new();
    for l in &original.layers {
        if let LayerSource::Blob(d) = l {
            if let Ok(digest) = d.digest().to_string().parse::<Digest>() {
                descriptors.insert(digest, d.clone());
            }
        }
    }
    let raw = RawManifest {
        digest: Digest::sha256_of(&bytes),
        bytes,
        media_type: manifest.media_type.clone(),
        parsed,
    };
    let raw_config = RawConfig::from_verified_bytes(config_bytes.clone(), config_digest.clone())?;
    let blobs = Blobs {
        original: original.clone(),
        descriptors,
        config: (config_digest, config_bytes),
        layer,
    };
    Image::new(
        format!("{} (hardened)", original.reference),
        Some(raw),
        raw_config,
        layers,
        original.limits,
        Arc::new(blobs),
    )
}
