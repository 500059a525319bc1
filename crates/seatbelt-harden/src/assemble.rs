//! The hardened image as an [`Image`]: the original layers (same descriptors, so the same
//! digests), the added layer, the new config and manifest. Blobs are served from the original
//! image or from what hardening staged, so `seatbelt_image::copy` writes it to any destination;
//! like every image's, they are verified by whoever reads them (`open_blob`, the copy sinks).

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
    /// The original image's blobs, raw: the hardened image's `open_blob` (and every copy
    /// destination) verifies what is read from here.
    original: Arc<dyn BlobSource>,
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
            Some(d) => self.original.open_raw(digest, Some(d.size())),
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
        original: original.blob_source(),
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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use seatbelt_image::Limits;

    use super::*;

    /// Blobs served from memory, whatever their bytes (a tampered store).
    struct Memory(HashMap<Digest, Vec<u8>>);

    impl BlobSource for Memory {
        fn open_raw(
            &self,
            digest: &Digest,
            _size: Option<u64>,
        ) -> Result<Box<dyn Read + Send>, ImageError> {
            let bytes = self.0.get(digest).cloned().unwrap_or_default();
            Ok(Box::new(io::Cursor::new(bytes)))
        }
    }

    #[test]
    fn original_blobs_served_raw_are_still_verified_when_read() {
        let layer_bytes = b"the original layer".to_vec();
        let layer_digest = Digest::sha256_of(&layer_bytes);
        let config = serde_json::to_vec(&json!({"architecture": "amd64", "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": [layer_digest.to_string()]}}))
        .expect("config");
        let config_digest = Digest::sha256_of(&config);
        let manifest = serde_json::to_vec(&json!({"schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": config_digest.to_string(), "size": config.len()},
            "layers": [{"mediaType": OCI_LAYER_GZIP, "digest": layer_digest.to_string(),
                        "size": layer_bytes.len()}]}))
        .expect("manifest");
        let parsed: ImageManifest = serde_json::from_slice(&manifest).expect("parsed");
        let layers = parsed
            .layers()
            .iter()
            .cloned()
            .map(LayerSource::Blob)
            .collect();
        let raw = RawManifest {
            digest: Digest::sha256_of(&manifest),
            bytes: manifest,
            media_type: "application/vnd.oci.image.manifest.v1+json".into(),
            parsed,
        };
        // The store now holds other bytes under the layer's digest.
        let store = Memory(HashMap::from([(
            layer_digest.clone(),
            b"tampered".to_vec(),
        )]));
        let original = Image::new(
            "test".into(),
            Some(raw.clone()),
            RawConfig::from_verified_bytes(config, config_digest).expect("config"),
            layers,
            Limits::default(),
            Arc::new(store),
        )
        .expect("image");
        let mut file = tempfile::NamedTempFile::new().expect("temp");
        file.write_all(b"added").expect("write");
        let added = BuiltLayer {
            file,
            digest: Digest::sha256_of(b"added"),
            size: 5,
            diff_id: Digest::sha256_of(b"added tar"),
        };
        let hardened =
            assemble(&original, &raw, &json!({"os": "linux"}), added).expect("assembled");
        let Some(LayerSource::Blob(first)) = hardened.layers.first() else {
            panic!("no layer");
        };
        let mut reader = hardened.open_blob(first).expect("open");
        let mut sink = Vec::new();
        let read = reader.read_to_end(&mut sink);
        let verdict = read
            .map_err(|e| e.to_string())
            .and_then(|_| reader.finish().map_err(|e| e.to_string()));
        assert!(
            verdict
                .as_ref()
                .is_err_and(|e| e.contains("sha256:") && e.contains("tampered")),
            "{verdict:?}"
        );
    }
}
