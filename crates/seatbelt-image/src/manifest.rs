//! Parsing manifests and indexes (OCI and Docker schema 2 alike), refusing schema 1, and
//! choosing one platform's manifest from an index.

use oci_spec::image::{Descriptor, ImageIndex, ImageManifest};
use serde::Deserialize;

use crate::media_types::{
    DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST_SCHEMA1, DOCKER_MANIFEST_SCHEMA1_SIGNED,
    OCI_INDEX, OCI_MANIFEST,
};
use crate::{ImageError, Platform};

/// A parsed manifest or index.
#[derive(Debug, Clone)]
pub enum Parsed {
    /// One image's manifest.
    Image(Box<ImageManifest>),
    /// An index (manifest list) of per-platform manifests.
    Index(Box<ImageIndex>),
}

/// Just enough of any manifest to know what it is.
#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "schemaVersion")]
    schema_version: Option<i64>,
    #[serde(rename = "mediaType")]
    media_type: Option<String>,
    manifests: Option<serde_json::Value>,
    layers: Option<serde_json::Value>,
}

/// Parses manifest or index bytes. The kind comes from the document's own `mediaType`, then the
/// media type it was served or described with, then its shape (an OCI index may omit `mediaType`).
pub fn parse(
    bytes: &[u8],
    declared_media_type: Option<&str>,
    what: &str,
    max_bytes: u64,
) -> Result<(Parsed, String), ImageError> {
    if bytes.len() as u64 > max_bytes {
        return Err(ImageError::LimitExceeded {
            limit: "MAX_MANIFEST_BYTES",
            max: max_bytes,
            what: format!("the manifest of {what} ({} bytes)", bytes.len()),
        });
    }
    let probe: Probe = serde_json::from_slice(bytes)
        .map_err(|e| ImageError::malformed(format!("the manifest of {what}"), e.to_string()))?;
    let media_type = probe
        .media_type
        .clone()
        .or_else(|| declared_media_type.map(str::to_string))
        .unwrap_or_else(|| {
            if probe.manifests.is_some() {
                OCI_INDEX.to_string()
            } else {
                OCI_MANIFEST.to_string()
            }
        });
    if probe.schema_version == Some(1)
        || media_type == DOCKER_MANIFEST_SCHEMA1
        || media_type == DOCKER_MANIFEST_SCHEMA1_SIGNED
    {
        return Err(ImageError::Schema1 {
            reference: what.to_string(),
        });
    }
    if probe.schema_version != Some(2) {
        return Err(ImageError::malformed(
            format!("the manifest of {what}"),
            "schemaVersion must be 2",
        ));
    }
    let malformed = |e: serde_json::Error| {
        ImageError::malformed(format!("the manifest of {what}"), e.to_string())
    };
    match media_type.as_str() {
        OCI_INDEX | DOCKER_MANIFEST_LIST => Ok((
            Parsed::Index(Box::new(serde_json::from_slice(bytes).map_err(malformed)?)),
            media_type,
        )),
        OCI_MANIFEST | DOCKER_MANIFEST => {
            if probe.layers.is_none() {
                return Err(ImageError::malformed(
                    format!("the manifest of {what}"),
                    "it has no `layers`",
                ));
            }
            Ok((
                Parsed::Image(Box::new(serde_json::from_slice(bytes).map_err(malformed)?)),
                media_type,
            ))
        }
        other => Err(ImageError::UnsupportedMediaType {
            what: format!("the manifest of {what}"),
            media_type: other.to_string(),
        }),
    }
}

/// The platform an index entry declares, if any.
pub fn descriptor_platform(descriptor: &Descriptor) -> Option<Platform> {
    descriptor.platform().as_ref().map(|p| Platform {
        os: p.os().to_string(),
        architecture: p.architecture().to_string(),
        variant: p.variant().clone(),
    })
}

/// Chooses the manifest for `wanted` from an index. Entries that are not images (attestation
/// manifests with platform `unknown/unknown`, nested artifacts) never match.
pub fn select_platform<'a>(
    index: &'a ImageIndex,
    wanted: &Platform,
    what: &str,
) -> Result<&'a Descriptor, ImageError> {
    let is_image = |d: &Descriptor| {
        let mt = d.media_type().to_string();
        mt == OCI_MANIFEST || mt == DOCKER_MANIFEST
    };
    if let Some(found) = index
        .manifests()
        .iter()
        .filter(|d| is_image(d))
        .find(|d| descriptor_platform(d).is_some_and(|p| wanted.matches(&p)))
    {
        return Ok(found);
    }
    let mut available: Vec<String> = index
        .manifests()
        .iter()
        .filter(|d| is_image(d))
        .filter_map(descriptor_platform)
        .map(|p| p.to_string())
        .filter(|p| p != "unknown/unknown")
        .collect();
    available.sort();
    available.dedup();
    Err(ImageError::NoMatchingPlatform {
        reference: what.to_string(),
        wanted: wanted.to_string(),
        available,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const D1: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const D2: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    fn index() -> String {
        format!(
            r#"{{"schemaVersion":2,"mediaType":"{DOCKER_MANIFEST_LIST}","manifests":[
              {{"mediaType":"{DOCKER_MANIFEST}","digest":"{D1}","size":10,"platform":{{"os":"linux","architecture":"amd64"}}}},
              {{"mediaType":"{DOCKER_MANIFEST}","digest":"{D2}","size":10,"platform":{{"os":"linux","architecture":"arm","variant":"v7"}}}},
              {{"mediaType":"{OCI_MANIFEST}","digest":"{D2}","size":10,"platform":{{"os":"unknown","architecture":"unknown"}}}}]}}"#
        )
    }

    #[test]
    fn selects_by_platform_and_lists_the_others() {
        let (Parsed::Index(idx), _) = parse(index().as_bytes(), None, "x", 1 << 20).unwrap() else {
            panic!("index expected")
        };
        let d = select_platform(&idx, &"linux/amd64".parse().unwrap(), "x").unwrap();
        assert_eq!(d.digest().to_string(), D1);
        let err = select_platform(&idx, &"linux/s390x".parse().unwrap(), "x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("linux/amd64, linux/arm/v7"), "{err}");
        assert!(!err.contains("unknown"), "{err}");
    }

    #[test]
    fn refuses_schema1_oversize_and_garbage() {
        let s1 = br#"{"schemaVersion":1,"name":"x","tag":"y","fsLayers":[]}"#;
        assert!(matches!(
            parse(s1, None, "x", 1 << 20),
            Err(ImageError::Schema1 { .. })
        ));
        let big = vec![b' '; 100];
        assert!(matches!(
            parse(&big, None, "x", 10),
            Err(ImageError::LimitExceeded { .. })
        ));
        assert!(matches!(
            parse(b"\xff\xfe", None, "x", 1 << 20),
            Err(ImageError::Malformed { .. })
        ));
        assert!(matches!(
            parse(br#"{"schemaVersion":2}"#, None, "x", 1 << 20),
            Err(ImageError::Malformed { .. })
        ));
        let weird = br#"{"schemaVersion":2,"mediaType":"text/plain","layers":[]}"#;
        assert!(matches!(
            parse(weird, None, "x", 1 << 20),
            Err(ImageError::UnsupportedMediaType { .. })
        ));
    }
}
