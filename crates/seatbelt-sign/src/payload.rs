//! The payload cosign signs for an image: the "simple signing" JSON of containers/image,
//! `{"critical":{"identity":{"docker-reference":…},"image":{"docker-manifest-digest":…},
//! "type":"cosign container image signature"},"optional":{…annotations}|null}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::SignError;

/// The `critical.type` of an image signature.
pub const SIGNATURE_TYPE: &str = "cosign container image signature";

/// The layer media type of a simple-signing payload.
pub const MEDIA_TYPE: &str = "application/vnd.dev.cosign.simplesigning.v1+json";

/// A simple-signing payload. Field order matches what cosign writes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SimpleSigning {
    /// What the signature is about.
    pub critical: Critical,
    /// Annotations (cosign's `-a key=value`); `null` when there are none.
    pub optional: Option<BTreeMap<String, Value>>,
}

/// The part every verifier must check.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Critical {
    /// The repository the image was signed in.
    pub identity: Identity,
    /// The manifest digest signed.
    pub image: ImageDigest,
    /// Always [`SIGNATURE_TYPE`].
    #[serde(rename = "type")]
    pub kind: String,
}

/// `critical.identity`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Identity {
    /// `registry/repository`, no tag or digest.
    #[serde(rename = "docker-reference")]
    pub docker_reference: String,
}

/// `critical.image`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ImageDigest {
    /// `sha256:<hex>`.
    #[serde(rename = "docker-manifest-digest")]
    pub docker_manifest_digest: String,
}

impl SimpleSigning {
    /// The payload for `digest` in `docker_reference`, with annotations.
    pub fn new(
        docker_reference: &str,
        digest: &str,
        annotations: &BTreeMap<String, String>,
    ) -> SimpleSigning {
        SimpleSigning {
            critical: Critical {
                identity: Identity {
                    docker_reference: docker_reference.to_string(),
                },
                image: ImageDigest {
                    docker_manifest_digest: digest.to_string(),
                },
                kind: SIGNATURE_TYPE.to_string(),
            },
            optional: (!annotations.is_empty()).then(|| {
                annotations
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect()
            }),
        }
    }

    /// The bytes signed.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serialising plain structs and string maps cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Parses payload bytes (already size-bounded by the caller).
    pub fn parse(bytes: &[u8], what: &str) -> Result<SimpleSigning, SignError> {
        let payload: SimpleSigning = serde_json::from_slice(bytes).map_err(|e| {
            SignError::malformed(what, format!("not a simple-signing payload: {e}"))
        })?;
        if payload.critical.kind != SIGNATURE_TYPE {
            return Err(SignError::malformed(
                what,
                format!(
                    "critical.type is `{}`, not `{SIGNATURE_TYPE}`",
                    payload.critical.kind
                ),
            ));
        }
        Ok(payload)
    }

    /// Whether every `key=value` asked for is among the annotations.
    pub fn has_annotations(&self, wanted: &BTreeMap<String, String>) -> bool {
        wanted.iter().all(|(k, v)| {
            self.optional
                .as_ref()
                .and_then(|o| o.get(k))
                .is_some_and(|got| got.as_str() == Some(v.as_str()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_match_what_cosign_writes() {
        // The payload cosign 2.5.0 wrote for `cosign sign -a foo=bar` of this digest.
        let cosign = r#"{"critical":{"identity":{"docker-reference":"127.0.0.1:5991/t/minbase"},"image":{"docker-manifest-digest":"sha256:0bf1dcdfffcb2129ef6e33dac1ff31c2a7a7ec6626a057a0b7b4839decc22311"},"type":"cosign container image signature"},"optional":{"foo":"bar"}}"#;
        let ours = SimpleSigning::new(
            "127.0.0.1:5991/t/minbase",
            "sha256:0bf1dcdfffcb2129ef6e33dac1ff31c2a7a7ec6626a057a0b7b4839decc22311",
            &BTreeMap::from([("foo".to_string(), "bar".to_string())]),
        );
        assert_eq!(String::from_utf8(ours.to_bytes()).unwrap(), cosign);
        let parsed = SimpleSigning::parse(cosign.as_bytes(), "p").unwrap();
        assert_eq!(parsed, ours);
        assert!(parsed.has_annotations(&BTreeMap::from([("foo".into(), "bar".into())])));
        assert!(!parsed.has_annotations(&BTreeMap::from([("foo".into(), "baz".into())])));
    }

    #[test]
    fn other_types_are_refused() {
        let text = r#"{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"sha256:00"},"type":"atomic container signature"},"optional":null}"#;
        assert!(SimpleSigning::parse(text.as_bytes(), "p").is_err());
    }
}
