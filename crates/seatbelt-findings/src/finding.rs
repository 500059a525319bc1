//! One finding, where it is, and the report that carries findings with the rules they cite.

use seatbelt_types::{Digest, Severity};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::RuleInfo;

/// Where a finding is: a file (a Dockerfile, or a path inside an image), optionally a line and
/// column, and for image findings the layer that holds the file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FindingLocation {
    /// A Dockerfile path, or an absolute path inside the image (`/etc/shadow`).
    pub file: String,
    /// 1-based line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    /// Digest of the layer (compressed blob, as the manifest names it) holding this version of
    /// the file; `None` for Dockerfiles, root-filesystem directories and image config findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<Digest>,
    /// 0-based index of that layer, base layer first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer_index: Option<usize>,
}

impl FindingLocation {
    /// A location in a file, without line or layer.
    pub fn file(file: impl Into<String>) -> FindingLocation {
        FindingLocation {
            file: file.into(),
            line: None,
            column: None,
            layer: None,
            layer_index: None,
        }
    }

    /// The same location at a line (and column).
    pub fn at(mut self, line: u64, column: Option<u64>) -> FindingLocation {
        self.line = Some(line);
        self.column = column;
        self
    }

    /// The same location in a layer.
    pub fn in_layer(mut self, layer: Option<Digest>, index: Option<usize>) -> FindingLocation {
        self.layer = layer;
        self.layer_index = index;
        self
    }
}

/// One finding of one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's id (`SB2001`).
    pub rule_id: String,
    /// Severity (the rule's default, or the config's override).
    pub severity: Severity,
    /// What is wrong here. Never holds a secret in clear: producers redact first.
    pub message: String,
    /// Where.
    pub location: FindingLocation,
    /// The fix, when it is certain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// Stable across runs for the same problem (see [`fingerprint`]), so CI systems do not
    /// open a new alert each time.
    pub fingerprint: String,
}

/// A stable fingerprint from the rule id, the file and whatever else identifies the finding
/// (a line's text, a redacted match, a layer digest): hex SHA-256 of the parts joined by NUL.
/// Line numbers are deliberately left to the caller: an edit above a finding should not change
/// its fingerprint.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            hasher.update([0u8]);
        }
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// Everything one run found, with the rules it ran (renderers describe them, e.g. SARIF's rule
/// descriptors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// seatbelt's version.
    pub tool_version: String,
    /// The rules that ran, whether or not they found anything.
    pub rules: Vec<RuleInfo>,
    /// The findings, in the order renderers print them (see [`Report::sort`]).
    pub findings: Vec<Finding>,
}

impl Report {
    /// The rule a finding cites, if the report lists it.
    pub fn rule(&self, id: &str) -> Option<&RuleInfo> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Sorts findings by file, line, layer, rule and message, so output is deterministic
    /// whatever order the producers ran in; drops exact duplicates.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            (
                &a.location.file,
                a.location.line,
                a.location.column,
                a.location.layer_index,
            )
                .cmp(&(
                    &b.location.file,
                    b.location.line,
                    b.location.column,
                    b.location.layer_index,
                ))
                .then_with(|| a.rule_id.cmp(&b.rule_id))
                .then_with(|| a.message.cmp(&b.message))
        });
        self.findings.dedup();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_separate_their_parts() {
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_eq!(fingerprint(&["x"]).len(), 64);
    }
}
