//! Maven versions (ComparableVersion) — being written.

use std::fmt;

use crate::scheme::VersionScheme;

/// The Maven scheme.
pub(crate) struct Maven;

/// A Maven version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct MavenVersion(String);

impl VersionScheme for Maven {
    type Version = MavenVersion;
    const VERSION_SHAPE: &'static str = "a Maven version (`1.2.3`, `2.0-SNAPSHOT`, `1.0.0.Final`)";
    const RANGE_SHAPE: &'static str =
        "a Maven range (`[1.0,2.0)`, `(,1.0]`, `[1.0]`, unions joined by commas)";

    fn parse(_text: &str) -> Result<MavenVersion, String> {
        Err("Maven versions are not supported yet".into())
    }

    fn satisfies(_version: &MavenVersion, _range: &str) -> Result<bool, String> {
        Err("Maven ranges are not supported yet".into())
    }
}

impl fmt::Display for MavenVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
