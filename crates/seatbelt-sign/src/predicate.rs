//! Predicate types by the names cosign's `--type` takes, the URIs it maps them to, and how a
//! predicate file becomes a statement's `predicate` for each — so `seatbelt attest --type T`
//! and `cosign attest --type T` write the same statement, and `verify-attestation --type T`
//! selects the same attestations in both tools.

use serde_json::{json, Map, Value};

use crate::SignError;

/// cosign's `custom` predicate type.
pub const CUSTOM: &str = "https://cosign.sigstore.dev/attestation/v1";
/// cosign's vulnerability-scan predicate type (`vuln`).
pub const VULN: &str = "https://cosign.sigstore.dev/attestation/vuln/v1";
/// SLSA provenance v0.2 (`slsaprovenance`, `slsaprovenance02`).
pub const SLSA_PROVENANCE_V02: &str = "https://slsa.dev/provenance/v0.2";
/// SLSA provenance v1 (`slsaprovenance1`).
pub const SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";
/// SPDX (`spdx`, `spdxjson`).
pub const SPDX: &str = "https://spdx.dev/Document";
/// CycloneDX (`cyclonedx`).
pub const CYCLONEDX: &str = "https://cyclonedx.org/bom";
/// in-toto link (`link`).
pub const LINK: &str = "https://in-toto.io/Link/v1";
/// OpenVEX (`openvex`).
pub const OPENVEX: &str = "https://openvex.dev/ns";

/// The `--type` names cosign 2.5 knows, with their URIs (cosign's `PredicateTypeMap`).
pub const NAMES: [(&str, &str); 10] = [
    ("custom", CUSTOM),
    ("slsaprovenance", SLSA_PROVENANCE_V02),
    ("slsaprovenance02", SLSA_PROVENANCE_V02),
    ("slsaprovenance1", SLSA_PROVENANCE_V1),
    ("spdx", SPDX),
    ("spdxjson", SPDX),
    ("cyclonedx", CYCLONEDX),
    ("link", LINK),
    ("vuln", VULN),
    ("openvex", OPENVEX),
];

/// A `--type` argument, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PredicateType {
    /// One of cosign's names (the name, its URI).
    Named(&'static str, &'static str),
    /// seatbelt's `sbom`: CycloneDX or SPDX, told apart by the document when attesting;
    /// either when verifying.
    Sbom,
    /// Any other type, given as its URI.
    Uri(String),
}

impl PredicateType {
    /// Resolves a name or a URI, as cosign does (a URI must at least have a scheme).
    pub fn parse(text: &str) -> Result<PredicateType, SignError> {
        if text == "sbom" {
            return Ok(PredicateType::Sbom);
        }
        if let Some((name, uri)) = NAMES.iter().find(|(name, _)| *name == text) {
            return Ok(PredicateType::Named(name, uri));
        }
        let has_scheme = text
            .split_once(':')
            .is_some_and(|(scheme, rest)| is_scheme(scheme) && !rest.is_empty());
        if has_scheme && !text.chars().any(char::is_whitespace) {
            return Ok(PredicateType::Uri(text.to_string()));
        }
        let names: Vec<&str> = NAMES.iter().map(|(n, _)| *n).collect();
        Err(SignError::Unsupported {
            reference: text.to_string(),
            reason: format!(
                "not a predicate type: use sbom, {} or a URI such as https://example.com/my-predicate/v1",
                names.join(", ")
            ),
        })
    }

    /// The URIs an attestation of this type may carry.
    pub fn uris(&self) -> Vec<&str> {
        match self {
            PredicateType::Named(_, uri) => vec![uri],
            PredicateType::Sbom => vec![CYCLONEDX, SPDX],
            PredicateType::Uri(uri) => vec![uri.as_str()],
        }
    }

    /// The statement's `predicateType` and `predicate` for a predicate file's bytes, built as
    /// cosign builds them: `custom` wraps the text as `{"Data": …, "Timestamp": …}`, `spdx`
    /// keeps it a string, every other type must be a JSON object.
    pub fn predicate(
        &self,
        bytes: &[u8],
        timestamp: &str,
        what: &str,
    ) -> Result<(String, Value), SignError> {
        match self {
            PredicateType::Named("custom", uri) => {
                let text = std::str::from_utf8(bytes)
                    .map_err(|_| SignError::malformed(what, "a custom predicate must be text"))?;
                Ok((
                    uri.to_string(),
                    json!({"Data": text, "Timestamp": timestamp}),
                ))
            }
            PredicateType::Named("spdx", uri) => {
                let text = std::str::from_utf8(bytes)
                    .map_err(|_| SignError::malformed(what, "an SPDX document must be text"))?;
                Ok((uri.to_string(), Value::String(text.to_string())))
            }
            PredicateType::Sbom => {
                let object = json_object(bytes, what)?;
                let uri = if object.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
                    CYCLONEDX
                } else if object.contains_key("spdxVersion") {
                    SPDX
                } else {
                    return Err(SignError::malformed(
                        what,
                        "--type sbom needs a CycloneDX (bomFormat) or SPDX (spdxVersion) JSON document; name the type with --type for anything else",
                    ));
                };
                Ok((uri.to_string(), Value::Object(object)))
            }
            PredicateType::Named(name, uri) => {
                let object = json_object(bytes, what)?;
                check_shape(name, &object, what)?;
                Ok((uri.to_string(), Value::Object(object)))
            }
            PredicateType::Uri(uri) => Ok((uri.clone(), Value::Object(json_object(bytes, what)?))),
        }
    }
}

fn is_scheme(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn json_object(bytes: &[u8], what: &str) -> Result<Map<String, Value>, SignError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(SignError::malformed(
            what,
            "the predicate must be a JSON object",
        )),
        Err(e) => Err(SignError::malformed(
            what,
            format!("the predicate is not JSON: {e}"),
        )),
    }
}

/// The fields cosign requires of the types it parses into fixed shapes, checked here so
/// seatbelt never writes an attestation cosign then refuses to read.
fn check_shape(name: &str, object: &Map<String, Value>, what: &str) -> Result<(), SignError> {
    let required: &[&str] = match name {
        "slsaprovenance" | "slsaprovenance02" => &["builder", "buildType"],
        "slsaprovenance1" => &["buildDefinition", "runDetails"],
        "link" => &["name"],
        "vuln" => &["scanner", "metadata"],
        _ => &[],
    };
    for field in required {
        if !object.contains_key(*field) {
            return Err(SignError::malformed(
                what,
                format!("a `{name}` predicate needs the field `{field}`"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_as_cosign_maps_them() {
        assert_eq!(
            PredicateType::parse("slsaprovenance1").unwrap().uris(),
            [SLSA_PROVENANCE_V1]
        );
        assert_eq!(PredicateType::parse("spdxjson").unwrap().uris(), [SPDX]);
        assert_eq!(
            PredicateType::parse("sbom").unwrap().uris(),
            [CYCLONEDX, SPDX]
        );
        assert_eq!(
            PredicateType::parse("https://example.com/p/v1").unwrap(),
            PredicateType::Uri("https://example.com/p/v1".into())
        );
        for bad in ["", "nonsense", "sbom2", "1http://x", "http:", "a b:c"] {
            assert!(PredicateType::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn predicates_are_built_as_cosign_builds_them() {
        let custom = PredicateType::parse("custom").unwrap();
        let (uri, value) = custom
            .predicate(b"hi", "2024-01-01T00:00:00Z", "p")
            .unwrap();
        assert_eq!(uri, CUSTOM);
        assert_eq!(
            value,
            json!({"Data": "hi", "Timestamp": "2024-01-01T00:00:00Z"})
        );
        let spdx = PredicateType::parse("spdx").unwrap();
        assert_eq!(spdx.predicate(b"{}", "t", "p").unwrap().1, json!("{}"));
        let sbom = PredicateType::Sbom;
        assert_eq!(
            sbom.predicate(br#"{"spdxVersion":"SPDX-2.3"}"#, "t", "p")
                .unwrap()
                .0,
            SPDX
        );
        assert_eq!(
            sbom.predicate(br#"{"bomFormat":"CycloneDX"}"#, "t", "p")
                .unwrap()
                .0,
            CYCLONEDX
        );
        assert!(sbom.predicate(br#"{"x":1}"#, "t", "p").is_err());
        let slsa = PredicateType::parse("slsaprovenance1").unwrap();
        assert!(slsa
            .predicate(br#"{"buildDefinition":{}}"#, "t", "p")
            .is_err());
        assert!(PredicateType::parse("cyclonedx")
            .unwrap()
            .predicate(b"[1]", "t", "p")
            .is_err());
    }
}
