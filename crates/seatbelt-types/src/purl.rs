//! Package URLs (<https://github.com/package-url/purl-spec>): parsing and canonical formatting.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a string is not a valid purl.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{purl}` is not a package URL: {reason}")]
pub struct PurlError {
    /// The text.
    pub purl: String,
    /// What is wrong.
    pub reason: String,
}

/// A package URL. Components are stored decoded; [`fmt::Display`] writes the canonical form
/// (type lowercased, qualifiers sorted, components percent-encoded as the spec requires).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Purl {
    /// Type (`deb`, `pypi`, `maven`…).
    pub ty: String,
    /// Namespace (`debian`, a Maven group id, an npm scope with its `@`), if any.
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// Version.
    pub version: Option<String>,
    /// Qualifiers (`arch`, `distro`, `upstream`…).
    pub qualifiers: BTreeMap<String, String>,
    /// Subpath.
    pub subpath: Option<String>,
}

impl Purl {
    /// A purl with just type, namespace, name and version, normalised as the type requires
    /// (lowercase type; PyPI names lowercased with `_` as `-`; lowercase npm, deb, apk names…).
    pub fn new(ty: &str, namespace: Option<&str>, name: &str, version: Option<&str>) -> Purl {
        let ty = ty.to_ascii_lowercase();
        let namespace = namespace
            .map(|n| crate::purl_codec::normalize_namespace(&ty, n).into_owned())
            .filter(|n| !n.is_empty());
        let name = crate::purl_codec::normalize_name(&ty, name).into_owned();
        Purl {
            ty,
            namespace,
            name,
            version: version.filter(|v| !v.is_empty()).map(str::to_string),
            qualifiers: BTreeMap::new(),
            subpath: None,
        }
    }

    /// Adds a qualifier (empty values are dropped, as the spec says).
    #[must_use]
    pub fn with_qualifier(mut self, key: &str, value: &str) -> Purl {
        if !value.is_empty() {
            self.qualifiers
                .insert(key.to_ascii_lowercase(), value.to_string());
        }
        self
    }
}

impl Serialize for Purl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Purl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Purl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::purl_codec::write(self, f)
    }
}

impl FromStr for Purl {
    type Err = PurlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::purl_codec::parse(s)
    }
}
