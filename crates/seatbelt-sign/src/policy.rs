//! A small policy on verified predicates: a JSON file of rules, each naming a field of the
//! predicate by JSON pointer (RFC 6901) and what it must hold. Every rule must pass.
//!
//! ```json
//! {"rules": [
//!   {"path": "/buildDefinition/buildType", "equals": "https://example.com/build/v1"},
//!   {"path": "/runDetails/builder/id", "oneOf": ["https://ci.example.com", "https://ci2.example.com"]},
//!   {"path": "/metadata/component", "exists": true},
//!   {"path": "/scanner/result/findings", "maxItems": 0}
//! ]}
//! ```
//!
//! Deliberately not a policy language (Rego, CUE): these four checks cover "was it built by X
//! with Y" and "no findings", and their meaning needs no interpreter to audit.

use std::io::Read;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::SignError;

/// The largest policy file read.
pub const MAX_POLICY_BYTES: u64 = 1024 * 1024;

/// The most rules in one policy; each is checked against every verified attestation.
pub const MAX_RULES: usize = 1024;

/// A policy: every rule must pass.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The rules.
    pub rules: Vec<Rule>,
}

/// One rule. Exactly one of the checks is given.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// A JSON pointer into the predicate (`""` is the whole predicate).
    pub path: String,
    /// The value must equal this.
    #[serde(default)]
    pub equals: Option<Value>,
    /// The value must equal one of these.
    #[serde(default, rename = "oneOf")]
    pub one_of: Option<Vec<Value>>,
    /// The field must be present (`true`) or absent (`false`).
    #[serde(default)]
    pub exists: Option<bool>,
    /// The value must be an array of at most this many items.
    #[serde(default, rename = "maxItems")]
    pub max_items: Option<usize>,
}

impl Policy {
    /// Reads and checks a policy file.
    pub fn load(path: &Path) -> Result<Policy, SignError> {
        let what = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| SignError::Malformed {
            what: what.clone(),
            reason: format!("cannot open the policy file: {e}"),
        })?;
        let mut bytes = Vec::new();
        file.take(MAX_POLICY_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| SignError::malformed(&what, format!("cannot read it: {e}")))?;
        if bytes.len() as u64 > MAX_POLICY_BYTES {
            return Err(SignError::TooLarge {
                what,
                size: bytes.len() as u64,
                limit: MAX_POLICY_BYTES,
            });
        }
        Policy::parse(&bytes, &what)
    }

    /// Parses policy bytes.
    pub fn parse(bytes: &[u8], what: &str) -> Result<Policy, SignError> {
        let policy: Policy = serde_json::from_slice(bytes).map_err(|e| {
            SignError::malformed(
                what,
                format!("not a policy ({{\"rules\": [{{\"path\": \"/json/pointer\", \"equals\"|\"oneOf\"|\"exists\"|\"maxItems\": …}}]}}): {e}"),
            )
        })?;
        if policy.rules.len() > MAX_RULES {
            return Err(SignError::TooMany {
                what: what.to_string(),
                count: policy.rules.len(),
                limit: MAX_RULES,
            });
        }
        for (i, rule) in policy.rules.iter().enumerate() {
            let checks = usize::from(rule.equals.is_some())
                + usize::from(rule.one_of.is_some())
                + usize::from(rule.exists.is_some())
                + usize::from(rule.max_items.is_some());
            if checks != 1 {
                return Err(SignError::malformed(
                    what,
                    format!(
                        "rule {} ({}) must have exactly one of equals, oneOf, exists, maxItems",
                        i + 1,
                        rule.path
                    ),
                ));
            }
            if !(rule.path.is_empty() || rule.path.starts_with('/')) {
                return Err(SignError::malformed(
                    what,
                    format!(
                        "rule {}: path `{}` is not a JSON pointer (it starts with `/`)",
                        i + 1,
                        rule.path
                    ),
                ));
            }
        }
        Ok(policy)
    }

    /// The failures of `predicate` against the rules; empty when it passes.
    pub fn check(&self, predicate: &Value) -> Vec<String> {
        self.rules
            .iter()
            .filter_map(|rule| rule.check(predicate).err())
            .collect()
    }
}

impl Rule {
    fn check(&self, predicate: &Value) -> Result<(), String> {
        let found = predicate.pointer(&self.path);
        let path = &self.path;
        if let Some(exists) = self.exists {
            return match (exists, found.is_some()) {
                (true, false) => Err(format!("{path} is missing")),
                (false, true) => Err(format!("{path} is present")),
                _ => Ok(()),
            };
        }
        let value = found.ok_or_else(|| format!("{path} is missing"))?;
        if let Some(expected) = &self.equals {
            if value != expected {
                return Err(format!("{path} is {}, not {expected}", short(value)));
            }
        }
        if let Some(choices) = &self.one_of {
            if !choices.contains(value) {
                return Err(format!(
                    "{path} is {}, not one of those allowed",
                    short(value)
                ));
            }
        }
        if let Some(max) = self.max_items {
            let items = value
                .as_array()
                .ok_or_else(|| format!("{path} is not an array"))?;
            if items.len() > max {
                return Err(format!("{path} has {} items, over {max}", items.len()));
            }
        }
        Ok(())
    }
}

/// A value for a message, cut short: predicates can be megabytes.
fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", text.get(..at).unwrap_or_default()),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules_pass_and_fail() {
        let policy = Policy::parse(
            br#"{"rules":[
                {"path":"/buildDefinition/buildType","equals":"t"},
                {"path":"/runDetails/builder/id","oneOf":["a","b"]},
                {"path":"/x","exists":false},
                {"path":"/findings","maxItems":1}]}"#,
            "p",
        )
        .unwrap();
        let good = json!({"buildDefinition":{"buildType":"t"},"runDetails":{"builder":{"id":"b"}},"findings":[1]});
        assert!(policy.check(&good).is_empty());
        let bad = json!({"buildDefinition":{"buildType":"u"},"runDetails":{"builder":{"id":"c"}},"x":1,"findings":[1,2]});
        assert_eq!(policy.check(&bad).len(), 4, "{:?}", policy.check(&bad));
        assert_eq!(policy.check(&json!({})).len(), 3);
    }

    #[test]
    fn malformed_policies_are_refused() {
        for text in [
            r#"{"rules":[{"path":"/a"}]}"#,
            r#"{"rules":[{"path":"/a","equals":1,"exists":true}]}"#,
            r#"{"rules":[{"path":"a","equals":1}]}"#,
            r#"{"rules":[{"path":"/a","regex":"x"}]}"#,
            r#"{"rule":[]}"#,
            "[]",
        ] {
            assert!(Policy::parse(text.as_bytes(), "p").is_err(), "{text}");
        }
    }
}
