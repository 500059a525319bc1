//! crates.io: SemVer versions and Cargo's requirement syntax (`1.2`, `^1.2.3`, `~1.2`,
//! `>=1.0, <2.0`, `=1.2.3`, `*`), evaluated by the `semver` crate, which is what Cargo itself
//! uses, so a requirement means here exactly what it means in `Cargo.toml`.

use std::cmp::Ordering;
use std::fmt;

use crate::scheme::{eq_from_ord, VersionScheme};

/// The Cargo scheme.
pub(crate) struct Cargo;

/// A crate version. Ordered by SemVer precedence: build metadata is ignored (the `semver`
/// crate's own `Ord` breaks ties on it, which would make `1.0.0+a` and `1.0.0+b` differ).
#[derive(Debug, Clone)]
pub(crate) struct CargoVersion(semver::Version);

impl VersionScheme for Cargo {
    type Version = CargoVersion;
    const VERSION_SHAPE: &'static str =
        "MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], as in Cargo.toml (`1.2.3`, `0.4.0-alpha.1`)";
    const RANGE_SHAPE: &'static str =
        "a Cargo version requirement (`^1.2`, `~1.2.3`, `>=1.0, <2.0`, `=1.2.3`, `*`)";

    fn parse(text: &str) -> Result<CargoVersion, String> {
        semver::Version::parse(text.trim())
            .map(CargoVersion)
            .map_err(|e| e.to_string())
    }

    fn satisfies(version: &CargoVersion, range: &str) -> Result<bool, String> {
        let req = semver::VersionReq::parse(range.trim()).map_err(|e| e.to_string())?;
        Ok(req.matches(&version.0))
    }
}

impl Ord for CargoVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.0, &other.0);
        (a.major, a.minor, a.patch)
            .cmp(&(b.major, b.minor, b.patch))
            .then_with(|| a.pre.cmp(&b.pre))
    }
}
eq_from_ord!(CargoVersion);

impl fmt::Display for CargoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> CargoVersion {
        Cargo::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    /// The Cargo book, "Specifying Dependencies": the requirement table's examples.
    #[test]
    fn cargo_book_requirements() {
        let cases = [
            ("1.2.3", "1.2.3", true),
            ("1.2.3", "1.9.0", true),
            ("1.2.3", "2.0.0", false),
            ("^0.2.3", "0.2.9", true),
            ("^0.2.3", "0.3.0", false),
            ("^0.0.3", "0.0.3", true),
            ("^0.0.3", "0.0.4", false),
            ("^0.0", "0.0.9", true),
            ("^0.0", "0.1.0", false),
            ("~1.2.3", "1.2.9", true),
            ("~1.2.3", "1.3.0", false),
            ("~1", "1.9.9", true),
            ("1.*", "1.5.0", true),
            ("1.*", "2.0.0", false),
            (">= 1.2.0, < 1.5", "1.4.9", true),
            (">= 1.2.0, < 1.5", "1.5.0", false),
            ("=1.2.3", "1.2.3", true),
            ("=1.2.3", "1.2.4", false),
            ("*", "0.0.1", true),
            // A pre-release only matches a requirement naming a pre-release of the same triple.
            ("^1.0.0", "1.1.0-alpha", false),
            (">=1.1.0-alpha", "1.1.0-beta", true),
        ];
        for (req, version, want) in cases {
            assert_eq!(
                Cargo::satisfies(&v(version), req),
                Ok(want),
                "{version} in {req}"
            );
        }
    }

    #[test]
    fn build_metadata_does_not_order() {
        assert_eq!(v("1.0.0+a"), v("1.0.0+b"));
        assert!(v("1.0.0-alpha") < v("1.0.0"));
    }

    #[test]
    fn cargo_refuses_what_cargo_refuses() {
        for bad in [
            "1.2",
            "v1.2.3",
            "01.2.3",
            "1.2.3.4",
            "18446744073709551616.0.0",
        ] {
            assert!(Cargo::parse(bad).is_err(), "{bad}");
        }
        assert!(Cargo::satisfies(&v("1.0.0"), ">= foo").is_err());
    }
}
