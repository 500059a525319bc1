//! in-toto attestation Statements (<https://github.com/in-toto/attestation>, spec v1): what a
//! DSSE envelope of type [`PAYLOAD_TYPE`] carries — the subjects (artifacts by digest), the
//! predicate's type URI and the predicate itself.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::SignError;

/// The DSSE payload type of an in-toto Statement.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// The `_type` seatbelt writes.
pub const STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";

/// The `_type` cosign 2.x still writes; read, never written.
pub const STATEMENT_V01: &str = "https://in-toto.io/Statement/v0.1";

/// The most subjects read from one statement. cosign writes one per image; thousands is
/// hostile, and each is compared against the image digest.
pub const MAX_SUBJECTS: usize = 1024;

/// A resource descriptor: a subject, or a resolved dependency in SLSA provenance.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct ResourceDescriptor {
    /// A name (cosign writes the repository).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Where it can be found.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uri: String,
    /// Algorithm to lowercase hex digest.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub digest: BTreeMap<String, String>,
    /// Signed key-value annotations (seatbelt's `attest -a key=value`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, Value>,
}

impl ResourceDescriptor {
    /// A descriptor naming `digest` (an OCI `alg:hex` digest).
    pub fn for_digest(name: &str, digest: &seatbelt_types::Digest) -> ResourceDescriptor {
        ResourceDescriptor {
            name: name.to_string(),
            uri: String::new(),
            digest: BTreeMap::from([(
                digest.algorithm().name().to_string(),
                digest.hex().to_string(),
            )]),
            annotations: BTreeMap::new(),
        }
    }

    /// Whether every `key=value` asked for is among the annotations.
    pub fn has_annotations(&self, wanted: &BTreeMap<String, String>) -> bool {
        wanted.iter().all(|(k, v)| {
            self.annotations
                .get(k)
                .is_some_and(|got| got.as_str() == Some(v.as_str()))
        })
    }

    /// Whether this descriptor names `digest` (same algorithm, same hex, case-insensitively as
    /// the spec allows).
    pub fn matches(&self, digest: &seatbelt_types::Digest) -> bool {
        self.digest
            .get(digest.algorithm().name())
            .is_some_and(|hex| hex.eq_ignore_ascii_case(digest.hex()))
    }
}

/// A statement.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Statement {
    /// [`STATEMENT_V1`] (or [`STATEMENT_V01`] from cosign).
    #[serde(rename = "_type")]
    pub kind: String,
    /// What the statement is about.
    pub subject: Vec<ResourceDescriptor>,
    /// The predicate's type URI.
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// The predicate (any JSON; cosign's `spdx` type writes a string).
    #[serde(default)]
    pub predicate: Value,
}

impl Statement {
    /// A v1 statement about one subject.
    pub fn new(subject: ResourceDescriptor, predicate_type: &str, predicate: Value) -> Statement {
        Statement {
            kind: STATEMENT_V1.to_string(),
            subject: vec![subject],
            predicate_type: predicate_type.to_string(),
            predicate,
        }
    }

    /// The statement's JSON bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        // A JSON value and strings: serialisation cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Parses statement bytes (the caller bounds their size), accepting only the v1 and v0.1
    /// statement types and a bounded number of subjects.
    pub fn parse(bytes: &[u8], what: &str) -> Result<Statement, SignError> {
        let statement: Statement = serde_json::from_slice(bytes)
            .map_err(|e| SignError::malformed(what, format!("not an in-toto statement: {e}")))?;
        if statement.kind != STATEMENT_V1 && statement.kind != STATEMENT_V01 {
            return Err(SignError::malformed(
                what,
                format!(
                    "_type is `{}`, not `{STATEMENT_V1}` or `{STATEMENT_V01}`",
                    statement.kind
                ),
            ));
        }
        if statement.subject.is_empty() {
            return Err(SignError::malformed(what, "the statement has no subject"));
        }
        if statement.subject.len() > MAX_SUBJECTS {
            return Err(SignError::TooMany {
                what: format!("the subjects of {what}"),
                count: statement.subject.len(),
                limit: MAX_SUBJECTS,
            });
        }
        Ok(statement)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use seatbelt_types::Digest;

    #[test]
    fn reads_what_cosign_writes() {
        // The statement of `cosign attest --type cyclonedx` (cosign 2.5.0), predicate cut short.
        let text = r#"{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://cyclonedx.org/bom","subject":[{"name":"127.0.0.1:5000/a","digest":{"sha256":"0bf1dcdfffcb2129ef6e33dac1ff31c2a7a7ec6626a057a0b7b4839decc22311"}}],"predicate":{"bomFormat":"CycloneDX"}}"#;
        let statement = Statement::parse(text.as_bytes(), "s").unwrap();
        let digest: Digest =
            "sha256:0BF1DCDFFFCB2129EF6E33DAC1FF31C2A7A7EC6626A057A0B7B4839DECC22311"
                .to_lowercase()
                .parse()
                .unwrap();
        assert!(statement.subject[0].matches(&digest));
        assert!(!statement.subject[0].matches(&Digest::sha256_of(b"x")));
        assert_eq!(statement.predicate["bomFormat"], "CycloneDX");
    }

    #[test]
    fn writes_v1_and_round_trips() {
        let digest = Digest::sha256_of(b"image");
        let statement = Statement::new(
            ResourceDescriptor::for_digest("r/a", &digest),
            "https://example.com/p",
            serde_json::json!({"k": "v"}),
        );
        let bytes = statement.to_bytes();
        assert!(String::from_utf8_lossy(&bytes).starts_with(r#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"r/a","digest":{"sha256":""#));
        assert_eq!(Statement::parse(&bytes, "s").unwrap(), statement);
    }

    #[test]
    fn other_documents_are_refused() {
        for text in [
            r#"{"_type":"https://in-toto.io/Link/v1","subject":[{"digest":{}}],"predicateType":"p"}"#,
            r#"{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"p"}"#,
            r#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"p"}"#,
            "null",
        ] {
            assert!(Statement::parse(text.as_bytes(), "s").is_err(), "{text}");
        }
    }
}
