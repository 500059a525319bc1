//! Python versions and specifiers (PEP 440): epochs, pre/post/dev releases, local versions and
//! normalisation (`1.0RC1` is `1.0rc1`), and specifiers `~=`, `==` (with `.*`), `!=`, `<=`,
//! `>=`, `<`, `>`, `===`, evaluated by `pep440_rs`, the implementation uv is built on.
//!
//! Pre-releases: `packaging` leaves a pre-release out of a specifier that names none unless
//! asked; a vulnerability range must include it (an installed `2.0rc1` can be vulnerable), so
//! here a specifier contains every version its bounds contain.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::scheme::{eq_from_ord, VersionScheme};

/// The PEP 440 scheme.
pub(crate) struct Pep440;

/// A PEP 440 version.
#[derive(Debug, Clone)]
pub(crate) struct Pep440Version(pep440_rs::Version);

impl VersionScheme for Pep440 {
    type Version = Pep440Version;
    const VERSION_SHAPE: &'static str =
        "[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local] (`1.0`, `2!1.0.post1`, `1.0rc1`, `1.0+ubuntu1`)";
    const RANGE_SHAPE: &'static str =
        "comma-separated PEP 440 specifiers (`>=1.0,<2.0`, `~=1.4.2`, `==1.*`, `!=1.3`, `===1.0`)";

    fn parse(text: &str) -> Result<Pep440Version, String> {
        pep440_rs::Version::from_str(text.trim())
            .map(Pep440Version)
            .map_err(|e| e.to_string())
    }

    fn satisfies(version: &Pep440Version, range: &str) -> Result<bool, String> {
        let specifiers =
            pep440_rs::VersionSpecifiers::from_str(range.trim()).map_err(|e| e.to_string())?;
        Ok(specifiers.contains(&version.0))
    }
}

impl Ord for Pep440Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}
eq_from_ord!(Pep440Version);

impl fmt::Display for Pep440Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Pep440Version {
        Pep440::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    /// pypa/packaging `tests/test_version.py`: VERSIONS, "an ordered list of versions".
    #[test]
    fn packaging_ordered_versions() {
        let ordered = [
            // Implicit epoch of 0
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0b2-346",
            "1.0c1.dev456",
            "1.0c1",
            "1.0rc2",
            "1.0c3",
            "1.0",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.1.dev1",
            "1.2+123abc",
            "1.2+123abc456",
            "1.2+abc",
            "1.2+abc123",
            "1.2+abc123def",
            "1.2+1234.abc",
            "1.2+123456",
            "1.2.r32+123456",
            "1.2.rev33+123456",
            // Explicit epoch of 1
            "1!1.0.dev456",
            "1!1.0a1",
            "1!1.0a2.dev456",
            "1!1.0a12.dev456",
            "1!1.0a12",
            "1!1.0b1.dev456",
            "1!1.0b2",
            "1!1.0b2.post345.dev456",
            "1!1.0b2.post345",
            "1!1.0b2-346",
            "1!1.0c1.dev456",
            "1!1.0c1",
            "1!1.0rc2",
            "1!1.0c3",
            "1!1.0",
            "1!1.0.post456.dev34",
            "1!1.0.post456",
            "1!1.1.dev1",
            "1!1.2+123abc",
            "1!1.2+123abc456",
            "1!1.2+abc",
            "1!1.2+abc123",
            "1!1.2+abc123def",
            "1!1.2+1234.abc",
            "1!1.2+123456",
            "1!1.2.r32+123456",
            "1!1.2.rev33+123456",
        ];
        for (i, a) in ordered.iter().enumerate() {
            for (j, b) in ordered.iter().enumerate() {
                assert_eq!(v(a).cmp(&v(b)), i.cmp(&j), "{a} vs {b}");
            }
        }
    }

    /// pypa/packaging `tests/test_version.py`: test_normalized_versions / test_invalid_versions.
    #[test]
    fn packaging_normalisation_and_refusals() {
        let normalised = [
            ("1.0.dev456", "1.0.dev456"),
            ("1.0a1", "1.0a1"),
            ("1.0alpha1", "1.0a1"),
            ("1.0beta2", "1.0b2"),
            ("1.0c1", "1.0rc1"),
            ("1.0pre1", "1.0rc1"),
            ("1.0preview1", "1.0rc1"),
            ("1.0-1", "1.0.post1"),
            ("1.0_r1", "1.0.post1"),
            ("1.0.rev1", "1.0.post1"),
            ("v1.0", "1.0"),
            ("1.0RC1", "1.0rc1"),
            ("1.0+ubuntu-1", "1.0+ubuntu.1"),
            (" 1.0 ", "1.0"),
        ];
        for (input, want) in normalised {
            assert_eq!(v(input).to_string(), want, "{input}");
        }
        for bad in [
            "french toast",
            "1.0+a+",
            "1.0++",
            "1.0+_foobar",
            "1.0+foo&asd",
            "1.0+1+1",
        ] {
            assert!(Pep440::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(v("1.0"), v("1.0.0"));
    }

    /// pypa/packaging `tests/test_specifiers.py`: SpecifierSet containment (prereleases allowed).
    #[test]
    fn packaging_specifiers() {
        let cases = [
            ("2.0", "==2", true),
            ("2.0", "==2.0", true),
            ("2.0", "==2.0.0", true),
            ("2.0+deadbeef", "==2", true),
            ("2.0+deadbeef", "==2.0.0+deadbeef", true),
            ("2.0", "==2.*", true),
            ("2.0.1", "==2.0.*", true),
            ("2.1", "==2.0.*", false),
            ("2.0", "!=2.1", true),
            ("2.0", "!=2.0.*", false),
            ("2.0", "~=2.0", true),
            ("2.9", "~=2.0", true),
            ("3.0", "~=2.0", false),
            ("2.0.9", "~=2.0.0", true),
            ("2.1.0", "~=2.0.0", false),
            ("2.0", "<=2", true),
            ("2.0", ">=2", true),
            // `<V` leaves out pre-releases of V itself (PEP 440, exclusive ordered comparison).
            ("2.0.dev1", "<2", false),
            ("1.9", "<2", true),
            ("2.1", ">2.0", true),
            ("2.0.post1", ">2", false),
            ("2.0.post1", ">2.0.post0", true),
            ("1.1.post1", "<=1.1.post1", true),
            ("1.5", ">=1.0,<2.0", true),
            ("2.0", ">=1.0,<2.0", false),
            ("1.0", "===1.0", true),
            ("1.0.0", "===1.0", false),
            // Pre-releases count as the versions they are…
            ("2.0rc1", ">=1.0,<2.1", true),
            // …except that `<V` leaves out V's own pre-releases.
            ("2.0rc1", ">=1.0,<2.0", false),
        ];
        for (version, spec, want) in cases {
            assert_eq!(
                Pep440::satisfies(&v(version), spec),
                Ok(want),
                "{version} in {spec}"
            );
        }
        assert!(Pep440::satisfies(&v("1.0"), ">=1.0,,").is_err());
        assert!(Pep440::satisfies(&v("1.0"), "=>1.0").is_err());
    }
}
