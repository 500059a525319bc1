//! The OCI manifest cosign keeps signatures (and attestations) in: one layer per signed payload,
//! the signature in the layer annotation [`SIGNATURE_ANNOTATION`], and a config listing the
//! layers as diff IDs. Field order and the config's shape follow what cosign 2.x writes, so
//! both tools append to each other's manifests.

use std::collections::BTreeMap;

use seatbelt_types::Digest;
use serde::{Deserialize, Serialize};

use crate::limits::MAX_SIGNATURES;
use crate::SignError;

/// The layer annotation holding the base64 signature.
pub const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
/// The OCI image manifest media type.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
/// The zero time Go writes for an unset timestamp.
const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// A content descriptor.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Descriptor {
    /// Media type.
    #[serde(rename = "mediaType")]
    pub media_type: String,
    /// Size in bytes (as claimed; checked on read).
    pub size: u64,
    /// Digest.
    pub digest: String,
    /// Annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}

impl Descriptor {
    /// An annotation's value.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.as_ref()?.get(key).map(String::as_str)
    }
}

/// A signature (or attestation) manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignatureManifest {
    /// Always 2.
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    /// [`OCI_MANIFEST`].
    #[serde(rename = "mediaType", default)]
    pub media_type: Option<String>,
    /// The config.
    pub config: Descriptor,
    /// One layer per signed payload.
    pub layers: Vec<Descriptor>,
}

#[derive(Serialize)]
struct Config<'a> {
    architecture: &'a str,
    created: &'a str,
    history: Vec<History<'a>>,
    os: &'a str,
    rootfs: RootFs<'a>,
    config: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct History<'a> {
    created: &'a str,
}

#[derive(Serialize)]
struct RootFs<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    diff_ids: Vec<&'a str>,
}

/// A manifest ready to store, with the config blob it names.
#[derive(Debug)]
pub struct Built {
    /// The manifest bytes.
    pub manifest: Vec<u8>,
    /// The config blob.
    pub config: Vec<u8>,
}

impl SignatureManifest {
    /// Parses stored manifest bytes, refusing more layers than [`MAX_SIGNATURES`].
    pub fn parse(bytes: &[u8], what: &str) -> Result<SignatureManifest, SignError> {
        let manifest: SignatureManifest = serde_json::from_slice(bytes)
            .map_err(|e| SignError::malformed(what, format!("not an OCI manifest: {e}")))?;
        if manifest.schema_version != 2 {
            return Err(SignError::malformed(
                what,
                format!("schemaVersion is {}, not 2", manifest.schema_version),
            ));
        }
        if manifest.layers.len() > MAX_SIGNATURES {
            return Err(SignError::TooMany {
                what: what.to_string(),
                count: manifest.layers.len(),
                limit: MAX_SIGNATURES,
            });
        }
        Ok(manifest)
    }

    /// Builds the manifest and config for `layers` as cosign lays them out.
    pub fn build(layers: Vec<Descriptor>) -> Built {
        let config = Config {
            architecture: "",
            created: ZERO_TIME,
            history: layers
                .iter()
                .map(|_| History { created: ZERO_TIME })
                .collect(),
            os: "",
            rootfs: RootFs {
                kind: "layers",
                diff_ids: layers.iter().map(|l| l.digest.as_str()).collect(),
            },
            config: BTreeMap::new(),
        };
        // Plain structs of strings: serialisation cannot fail.
        let config = serde_json::to_vec(&config).unwrap_or_default();
        let manifest = SignatureManifest {
            schema_version: 2,
            media_type: Some(OCI_MANIFEST.to_string()),
            config: Descriptor {
                media_type: OCI_CONFIG.to_string(),
                size: config.len() as u64,
                digest: Digest::sha256_of(&config).to_string(),
                annotations: None,
            },
            layers,
        };
        Built {
            manifest: serde_json::to_vec(&manifest).unwrap_or_default(),
            config,
        }
    }
}

/// The tag cosign uses for `digest` with `suffix` (`sig`, `att`).
pub fn tag_for(digest: &Digest, suffix: &str) -> String {
    format!("{}-{}.{suffix}", digest.algorithm().name(), digest.hex())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_matches_cosign() {
        // cosign 2.5.0's signature manifest for one payload (layer sha256:0786…) had this config.
        let layer = Descriptor {
            media_type: crate::payload::MEDIA_TYPE.to_string(),
            size: 249,
            digest: "sha256:07865fd09935db88be1eb1d870830fa0775753ff7d5d295c0c5e59e86eb70ed4"
                .to_string(),
            annotations: Some(BTreeMap::from([(
                SIGNATURE_ANNOTATION.to_string(),
                "MEYCIQC7htRIPV7QI2nFcDCN/jvB8q82fv1zBkzJLWNQA+G3hAIhAO7FULjj48sm93dhBlf7pRrVhysXG6O1r0E1i8RFVgP3".to_string(),
            )])),
        };
        let built = SignatureManifest::build(vec![layer]);
        assert_eq!(
            Digest::sha256_of(&built.config).to_string(),
            "sha256:d701a374874cf56aa86908dae23b72ac9c660b3f8a56822bc79a1a6afa166a75"
        );
        let cosign = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":233,"digest":"sha256:d701a374874cf56aa86908dae23b72ac9c660b3f8a56822bc79a1a6afa166a75"},"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":249,"digest":"sha256:07865fd09935db88be1eb1d870830fa0775753ff7d5d295c0c5e59e86eb70ed4","annotations":{"dev.cosignproject.cosign/signature":"MEYCIQC7htRIPV7QI2nFcDCN/jvB8q82fv1zBkzJLWNQA+G3hAIhAO7FULjj48sm93dhBlf7pRrVhysXG6O1r0E1i8RFVgP3"}}]}"#;
        assert_eq!(String::from_utf8(built.manifest).unwrap(), cosign);
    }

    #[test]
    fn too_many_layers_is_refused() {
        let layer = r#"{"mediaType":"m","size":1,"digest":"sha256:00"}"#;
        let layers = vec![layer; MAX_SIGNATURES + 1].join(",");
        let text = format!(
            r#"{{"schemaVersion":2,"config":{{"mediaType":"m","size":1,"digest":"sha256:00"}},"layers":[{layers}]}}"#
        );
        assert!(matches!(
            SignatureManifest::parse(text.as_bytes(), "m"),
            Err(SignError::TooMany { .. })
        ));
    }
}
