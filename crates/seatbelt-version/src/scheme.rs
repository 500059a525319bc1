//! The scheme registry: the public [`Scheme`] names, the [`VersionScheme`] seam each module
//! implements, and the opaque [`Version`] that holds a parsed version of any scheme.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use seatbelt_types::Ecosystem;

use crate::error::shown;
use crate::{VersionError, MAX_RANGE_LEN, MAX_VERSION_LEN};

/// One ecosystem's version rules: parse, order, and its native range syntax.
///
/// Adding a scheme is one new module implementing this trait, one [`Scheme`] variant and one
/// arm in each `dispatch!` below.
pub(crate) trait VersionScheme {
    /// A parsed version; its `Ord` is the scheme's precedence (and `Eq` agrees with it).
    type Version: Ord + Clone + fmt::Debug + fmt::Display;
    /// The shape of a version, for error messages.
    const VERSION_SHAPE: &'static str;
    /// The shape of a native range, for error messages.
    const RANGE_SHAPE: &'static str;
    /// Reads a version; the error says what is wrong.
    fn parse(text: &str) -> Result<Self::Version, String>;
    /// Whether `version` is inside `range` (native syntax); the error says what is wrong.
    fn satisfies(version: &Self::Version, range: &str) -> Result<bool, String>;
}

/// A version scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// Debian and derivatives: `[epoch:]upstream[-revision]` (Debian policy 5.6.12).
    Deb,
    /// Alpine: apk-tools' `1.2.3a_rc1~hash-r4`.
    Apk,
    /// RPM: `[epoch:]version[-release]` compared with rpmvercmp.
    Rpm,
    /// SemVer 2.0, with OSV's leniency (a leading `v`, a missing minor or patch).
    Semver,
    /// npm: SemVer versions, node-semver ranges.
    Npm,
    /// crates.io: SemVer versions, Cargo requirements.
    Cargo,
    /// Go module versions (`v1.2.3`, `+incompatible`, pseudo-versions) and toolchains (`go1.21.3`).
    Go,
    /// Python: PEP 440 versions and specifiers.
    Pep440,
    /// Maven: ComparableVersion order, `[1.0,2.0)` ranges.
    Maven,
    /// RubyGems: `Gem::Version` order, `~> 1.2, != 1.2.3` requirements.
    Gem,
}

/// Every scheme, in the order `seatbelt version` lists them.
pub(crate) const ALL: [Scheme; 10] = [
    Scheme::Deb,
    Scheme::Apk,
    Scheme::Rpm,
    Scheme::Semver,
    Scheme::Npm,
    Scheme::Cargo,
    Scheme::Go,
    Scheme::Pep440,
    Scheme::Maven,
    Scheme::Gem,
];

/// A parsed version of some scheme. Versions of one scheme order by that scheme's rules;
/// versions of different schemes order by scheme first (never meaningful, but total).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    inner: Inner,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Inner {
    Deb(<crate::dpkg::Dpkg as VersionScheme>::Version),
    Apk(<crate::apk::Apk as VersionScheme>::Version),
    Rpm(<crate::rpm::Rpm as VersionScheme>::Version),
    Semver(<crate::semver::Semver as VersionScheme>::Version),
    Npm(<crate::npm::Npm as VersionScheme>::Version),
    Cargo(<crate::cargo::Cargo as VersionScheme>::Version),
    Go(<crate::go::Go as VersionScheme>::Version),
    Pep440(<crate::pep440::Pep440 as VersionScheme>::Version),
    Maven(<crate::maven::Maven as VersionScheme>::Version),
    Gem(<crate::gem::Gem as VersionScheme>::Version),
}

/// Runs `$body` with `$S` bound to the module type implementing `$scheme`, and `$wrap` to the
/// matching `Inner` constructor.
macro_rules! dispatch {
    ($scheme:expr, $S:ident, $wrap:ident => $body:expr) => {
        match $scheme {
            Scheme::Deb => {
                type $S = crate::dpkg::Dpkg;
                let $wrap = Inner::Deb;
                $body
            }
            Scheme::Apk => {
                type $S = crate::apk::Apk;
                let $wrap = Inner::Apk;
                $body
            }
            Scheme::Rpm => {
                type $S = crate::rpm::Rpm;
                let $wrap = Inner::Rpm;
                $body
            }
            Scheme::Semver => {
                type $S = crate::semver::Semver;
                let $wrap = Inner::Semver;
                $body
            }
            Scheme::Npm => {
                type $S = crate::npm::Npm;
                let $wrap = Inner::Npm;
                $body
            }
            Scheme::Cargo => {
                type $S = crate::cargo::Cargo;
                let $wrap = Inner::Cargo;
                $body
            }
            Scheme::Go => {
                type $S = crate::go::Go;
                let $wrap = Inner::Go;
                $body
            }
            Scheme::Pep440 => {
                type $S = crate::pep440::Pep440;
                let $wrap = Inner::Pep440;
                $body
            }
            Scheme::Maven => {
                type $S = crate::maven::Maven;
                let $wrap = Inner::Maven;
                $body
            }
            Scheme::Gem => {
                type $S = crate::gem::Gem;
                let $wrap = Inner::Gem;
                $body
            }
        }
    };
}

impl Scheme {
    /// The scheme for packages a cataloger found, or `None` where no sound scheme exists.
    pub fn for_ecosystem(ecosystem: Ecosystem) -> Option<Scheme> {
        match ecosystem {
            Ecosystem::Deb => Some(Scheme::Deb),
            Ecosystem::Apk => Some(Scheme::Apk),
            Ecosystem::Rpm => Some(Scheme::Rpm),
            Ecosystem::Pypi => Some(Scheme::Pep440),
            Ecosystem::Npm => Some(Scheme::Npm),
            Ecosystem::Cargo => Some(Scheme::Cargo),
            Ecosystem::Go => Some(Scheme::Go),
            Ecosystem::Maven => Some(Scheme::Maven),
            Ecosystem::Gem => Some(Scheme::Gem),
            // Packagist and NuGet versions are SemVer in practice; the ones that are not
            // (NuGet's fourth component, Composer's `dev-` branches) fail to parse and are
            // reported, never misordered.
            Ecosystem::Composer | Ecosystem::Nuget => Some(Scheme::Semver),
        }
    }

    /// The scheme for an OSV `affected[].package.ecosystem` (`Debian:12`, `PyPI`…); the part
    /// before the first `:` decides.
    pub fn for_osv_ecosystem(name: &str) -> Option<Scheme> {
        let base = name.split(':').next().unwrap_or(name).trim();
        let scheme = match base {
            "Debian" | "Ubuntu" => Scheme::Deb,
            "Alpine" | "Wolfi" | "Chainguard" | "Alpaquita" | "BellSoft Hardened Containers" => {
                Scheme::Apk
            }
            "Red Hat" | "AlmaLinux" | "Rocky Linux" | "openSUSE" | "SUSE" | "Mageia"
            | "openEuler" | "Photon OS" | "Azure Linux" => Scheme::Rpm,
            "PyPI" => Scheme::Pep440,
            "npm" => Scheme::Npm,
            "crates.io" => Scheme::Cargo,
            "Go" => Scheme::Go,
            "Maven" => Scheme::Maven,
            "RubyGems" => Scheme::Gem,
            "Packagist" | "NuGet" | "Hex" | "Pub" | "Bitnami" => Scheme::Semver,
            _ => return None,
        };
        Some(scheme)
    }

    /// The scheme's name as the CLI and `Display` spell it.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Deb => "deb",
            Scheme::Apk => "apk",
            Scheme::Rpm => "rpm",
            Scheme::Semver => "semver",
            Scheme::Npm => "npm",
            Scheme::Cargo => "cargo",
            Scheme::Go => "go",
            Scheme::Pep440 => "pep440",
            Scheme::Maven => "maven",
            Scheme::Gem => "gem",
        }
    }

    /// The shape a version of this scheme has (as error messages state it).
    pub fn version_shape(self) -> &'static str {
        dispatch!(self, S, _wrap => S::VERSION_SHAPE)
    }

    /// The shape of this scheme's native range syntax.
    pub fn range_shape(self) -> &'static str {
        dispatch!(self, S, _wrap => S::RANGE_SHAPE)
    }

    /// Reads `version` under this scheme.
    pub fn parse(self, version: &str) -> Result<Version, VersionError> {
        self.check_len("version", version, MAX_VERSION_LEN)?;
        dispatch!(self, S, wrap => S::parse(version)
            .map(|v| Version { inner: wrap(v) })
            .map_err(|reason| self.invalid_version(version, reason, S::VERSION_SHAPE)))
    }

    /// Orders two versions by this scheme's rules.
    pub fn compare(self, a: &str, b: &str) -> Result<Ordering, VersionError> {
        Ok(self.parse(a)?.cmp(&self.parse(b)?))
    }

    /// Whether `version` is inside `native_range`: npm ranges, PEP 440 specifiers, Maven ranges,
    /// RubyGems requirements, Cargo requirements; for dpkg, apk, rpm, Go and SemVer a comparator
    /// list (`>= 1.0, < 2.0`, alternatives joined by `||`).
    pub fn satisfies(self, version: &str, native_range: &str) -> Result<bool, VersionError> {
        self.check_len("version", version, MAX_VERSION_LEN)?;
        self.check_len("range", native_range, MAX_RANGE_LEN)?;
        dispatch!(self, S, _wrap => {
            let parsed = S::parse(version)
                .map_err(|reason| self.invalid_version(version, reason, S::VERSION_SHAPE))?;
            S::satisfies(&parsed, native_range).map_err(|reason| VersionError::InvalidRange {
                scheme: self,
                range: shown(native_range),
                reason,
                expected: S::RANGE_SHAPE,
            })
        })
    }

    fn check_len(self, what: &'static str, text: &str, max: usize) -> Result<(), VersionError> {
        if text.len() > max {
            return Err(VersionError::TooLong {
                scheme: self,
                what,
                len: text.len(),
                max,
            });
        }
        Ok(())
    }

    fn invalid_version(
        self,
        version: &str,
        reason: String,
        expected: &'static str,
    ) -> VersionError {
        VersionError::InvalidVersion {
            scheme: self,
            version: shown(version),
            reason,
            expected,
        }
    }
}

impl Version {
    /// The scheme this version was read with.
    pub fn scheme(&self) -> Scheme {
        match self.inner {
            Inner::Deb(_) => Scheme::Deb,
            Inner::Apk(_) => Scheme::Apk,
            Inner::Rpm(_) => Scheme::Rpm,
            Inner::Semver(_) => Scheme::Semver,
            Inner::Npm(_) => Scheme::Npm,
            Inner::Cargo(_) => Scheme::Cargo,
            Inner::Go(_) => Scheme::Go,
            Inner::Pep440(_) => Scheme::Pep440,
            Inner::Maven(_) => Scheme::Maven,
            Inner::Gem(_) => Scheme::Gem,
        }
    }
}

impl fmt::Display for Version {
    /// The scheme's canonical spelling; parsing it gives an equal version.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Deb(v) => v.fmt(f),
            Inner::Apk(v) => v.fmt(f),
            Inner::Rpm(v) => v.fmt(f),
            Inner::Semver(v) => v.fmt(f),
            Inner::Npm(v) => v.fmt(f),
            Inner::Cargo(v) => v.fmt(f),
            Inner::Go(v) => v.fmt(f),
            Inner::Pep440(v) => v.fmt(f),
            Inner::Maven(v) => v.fmt(f),
            Inner::Gem(v) => v.fmt(f),
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A scheme name that is not one of [`ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown version scheme {0:?}; expected one of deb, apk, rpm, semver, npm, cargo, go, pep440, maven, gem")]
pub struct UnknownScheme(pub String);

impl FromStr for Scheme {
    type Err = UnknownScheme;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ALL.into_iter()
            .find(|scheme| scheme.name() == text)
            .ok_or_else(|| UnknownScheme(shown(text)))
    }
}

/// Implements `PartialEq`, `Eq` and `PartialOrd` from a type's `Ord`, so equality means
/// "same precedence" (`1.0` equals `1.0.0` where the scheme says so) rather than same spelling.
macro_rules! eq_from_ord {
    ($t:ty) => {
        impl PartialEq for $t {
            fn eq(&self, other: &Self) -> bool {
                self.cmp(other) == std::cmp::Ordering::Equal
            }
        }
        impl Eq for $t {}
        impl PartialOrd for $t {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
    };
}
pub(crate) use eq_from_ord;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for scheme in ALL {
            assert_eq!(scheme.name().parse::<Scheme>(), Ok(scheme));
            assert_eq!(scheme.to_string(), scheme.name());
        }
        assert!("debian".parse::<Scheme>().is_err());
    }

    #[test]
    fn osv_ecosystems_map_by_their_base_name() {
        assert_eq!(Scheme::for_osv_ecosystem("Debian:12"), Some(Scheme::Deb));
        assert_eq!(
            Scheme::for_osv_ecosystem("Ubuntu:22.04:LTS"),
            Some(Scheme::Deb)
        );
        assert_eq!(Scheme::for_osv_ecosystem("Alpine:v3.19"), Some(Scheme::Apk));
        assert_eq!(Scheme::for_osv_ecosystem("Wolfi"), Some(Scheme::Apk));
        assert_eq!(
            Scheme::for_osv_ecosystem("Rocky Linux:9"),
            Some(Scheme::Rpm)
        );
        assert_eq!(Scheme::for_osv_ecosystem("PyPI"), Some(Scheme::Pep440));
        assert_eq!(Scheme::for_osv_ecosystem("crates.io"), Some(Scheme::Cargo));
        assert_eq!(Scheme::for_osv_ecosystem("GIT"), None);
    }

    #[test]
    fn oversized_input_is_refused_before_parsing() {
        let huge = "1".repeat(MAX_VERSION_LEN + 1);
        for scheme in ALL {
            assert!(matches!(
                scheme.parse(&huge),
                Err(VersionError::TooLong { .. })
            ));
        }
    }

    #[test]
    fn errors_name_the_version_and_the_expected_shape() {
        let err = Scheme::Deb.parse("a:1.0").unwrap_err().to_string();
        assert!(err.contains("\"a:1.0\""), "{err}");
        assert!(err.contains("epoch"), "{err}");
        assert!(err.contains("expected"), "{err}");
    }
}
