//! The formats a required label's value may be held to (hadolint's `label-schema` vocabulary).

use std::fmt;
use std::str::FromStr;

/// The format of a label's value in `label-schema`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LabelType {
    /// Any text, not empty.
    Text,
    /// An absolute URI.
    Url,
    /// An e-mail address (RFC 5322 addr-spec).
    Email,
    /// A git commit hash: 7 or 40 lower-case hex digits.
    Hash,
    /// An RFC 3339 date and time.
    Rfc3339,
    /// A semantic version (semver.org 2.0.0).
    Semver,
    /// An SPDX license identifier.
    Spdx,
}

impl LabelType {
    /// The name used in config files.
    pub fn as_str(self) -> &'static str {
        match self {
            LabelType::Text => "text",
            LabelType::Url => "url",
            LabelType::Email => "email",
            LabelType::Hash => "hash",
            LabelType::Rfc3339 => "rfc3339",
            LabelType::Semver => "semver",
            LabelType::Spdx => "spdx",
        }
    }
}

impl FromStr for LabelType {
    type Err = ();

    fn from_str(name: &str) -> Result<LabelType, ()> {
        [
            LabelType::Text,
            LabelType::Url,
            LabelType::Email,
            LabelType::Hash,
            LabelType::Rfc3339,
            LabelType::Semver,
            LabelType::Spdx,
        ]
        .into_iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(name.trim()))
        .ok_or(())
    }
}

impl fmt::Display for LabelType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
