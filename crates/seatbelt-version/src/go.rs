//! Go versions: module versions as `golang.org/x/mod/semver` reads them (`v1.2.3`, the `v1` and
//! `v1.2` shorthands, `+incompatible` and other build metadata ignored, pseudo-versions such as
//! `v0.0.0-20191109021931-daa7c04131f5` ordered as the pre-releases they are), the same without
//! the `v` as OSV writes them, and toolchain versions as `go/version` reads them (`go1.21.3`,
//! `go1.22rc1`, `1.22rc1`, the language version `go1.21`).
//!
//! Toolchain versions are mapped onto SemVer the way the Go vulnerability database writes the
//! standard library's ranges: `go1.22rc1` → `1.22.0-rc.1`, `go1.9.2beta2` → `1.9.2-beta.2`, and
//! a language version from Go 1.21 on (`go1.21`, which sorts before `go1.21rc1`) → `1.21.0-0`.

use std::cmp::Ordering;
use std::fmt;

use crate::comparators;
use crate::digits::is_digits;
use crate::scheme::{eq_from_ord, VersionScheme};
use crate::semver::{Ident, Num, SemVer, Syntax};

/// The Go scheme.
pub(crate) struct Go;

/// A Go module or toolchain version, as SemVer.
#[derive(Debug, Clone)]
pub(crate) struct GoVersion(SemVer);

/// x/mod/semver: `v` optional here (OSV omits it), shorthands allowed only without a
/// pre-release or build, no leading zeros.
const MODULE_SYNTAX: Syntax = Syntax {
    v_prefix: true,
    partial: true,
    partial_qualifiers: false,
    leading_zeros: false,
};

impl VersionScheme for Go {
    type Version = GoVersion;
    const VERSION_SHAPE: &'static str =
        "a module version `[v]MAJOR[.MINOR[.PATCH[-PRERELEASE]]][+BUILD]` (`v1.2.3`, `v2.0.0+incompatible`, `v0.0.0-20191109021931-daa7c04131f5`) or a toolchain version (`go1.21.3`, `go1.22rc1`)";
    const RANGE_SHAPE: &'static str = comparators::SHAPE;

    fn parse(text: &str) -> Result<GoVersion, String> {
        if let Some(rest) = text.strip_prefix("go") {
            return toolchain(rest).map(GoVersion);
        }
        match SemVer::parse(text, MODULE_SYNTAX) {
            Ok(version) => Ok(GoVersion(version)),
            Err(module_error) => {
                if text.starts_with('v') {
                    return Err(module_error);
                }
                toolchain(text).map(GoVersion).map_err(|_| module_error)
            }
        }
    }

    fn satisfies(version: &GoVersion, range: &str) -> Result<bool, String> {
        comparators::satisfies(version, range, Self::parse)
    }
}

/// Go's toolchain grammar (`go/version`, `internal/gover`): `MAJOR[.MINOR[.PATCH]][KIND[N]]`,
/// KIND lower-case letters (`alpha`, `beta`, `rc`), and a `-suffix` that is ignored.
fn toolchain(text: &str) -> Result<SemVer, String> {
    let text = text
        .split_once('-')
        .map_or(text, |(version, _suffix)| version);
    let numbers_end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (numbers, qualifier) = text.split_at(numbers_end);
    let parts: Vec<&str> = numbers.split('.').collect();
    if parts.len() > 3 || parts.iter().any(|p| !is_digits(p)) {
        return Err(format!(
            "{text:?} is not a Go toolchain version (go1.21.3, go1.22rc1)"
        ));
    }
    let number = |i: usize| parts.get(i).map(|p| Num::from_digits(p));
    let major = number(0).unwrap_or_else(Num::zero);
    let minor = number(1).unwrap_or_else(Num::zero);
    let patch = number(2);
    let kind_end = qualifier
        .find(|c: char| !c.is_ascii_lowercase())
        .unwrap_or(qualifier.len());
    let (kind, kind_number) = qualifier.split_at(kind_end);
    if !kind_number.is_empty() && !is_digits(kind_number) {
        return Err(format!(
            "{qualifier:?} is not a pre-release like rc1 or beta2"
        ));
    }
    let mut version = SemVer::new(major, minor, patch.clone().unwrap_or_else(Num::zero));
    if !kind.is_empty() {
        version.pre.push(Ident::Alpha(kind.to_string()));
        if !kind_number.is_empty() {
            version
                .pre
                .push(Ident::Numeric(Num::from_digits(kind_number)));
        }
    } else if patch.is_none() && is_language_version(&version) {
        // From Go 1.21 on, `go1.21` names the language, below `go1.21rc1` and `go1.21.0`.
        version.pre.push(Ident::Numeric(Num::zero()));
    }
    Ok(version)
}

/// Before Go 1.21, `go1.20` named the release `1.20.0`; from 1.21 on it names the language.
fn is_language_version(version: &SemVer) -> bool {
    let one = Num::from_digits("1");
    version.major > one || (version.major == one && version.minor >= Num::from_digits("21"))
}

impl Ord for GoVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}
eq_from_ord!(GoVersion);

impl fmt::Display for GoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        let a = Go::parse(a).unwrap_or_else(|e| panic!("{a}: {e}"));
        let b = Go::parse(b).unwrap_or_else(|e| panic!("{b}: {e}"));
        a.cmp(&b)
    }

    /// golang.org/x/mod `semver/semver_test.go`: `tests` is in ascending order; entries with
    /// the same canonical form are equal, invalid ones are refused.
    #[test]
    fn x_mod_semver_tests() {
        let tests: &[(&str, &str)] = &[
            ("bad", ""),
            ("v1-alpha.beta.gamma", ""),
            ("v1-pre", ""),
            ("v1+meta", ""),
            ("v1-pre+meta", ""),
            ("v1.2-pre", ""),
            ("v1.2+meta", ""),
            ("v1.2-pre+meta", ""),
            ("v1.0.0-alpha", "v1.0.0-alpha"),
            ("v1.0.0-alpha.1", "v1.0.0-alpha.1"),
            ("v1.0.0-alpha.beta", "v1.0.0-alpha.beta"),
            ("v1.0.0-beta", "v1.0.0-beta"),
            ("v1.0.0-beta.2", "v1.0.0-beta.2"),
            ("v1.0.0-beta.11", "v1.0.0-beta.11"),
            ("v1.0.0-rc.1", "v1.0.0-rc.1"),
            ("v1", "v1.0.0"),
            ("v1.0", "v1.0.0"),
            ("v1.0.0", "v1.0.0"),
            ("v1.2", "v1.2.0"),
            ("v1.2.0", "v1.2.0"),
            ("v1.2.3-456", "v1.2.3-456"),
            ("v1.2.3-456.789", "v1.2.3-456.789"),
            ("v1.2.3-456-789", "v1.2.3-456-789"),
            ("v1.2.3-456a", "v1.2.3-456a"),
            ("v1.2.3-pre", "v1.2.3-pre"),
            ("v1.2.3-pre+meta", "v1.2.3-pre"),
            ("v1.2.3-pre.1", "v1.2.3-pre.1"),
            ("v1.2.3-zzz", "v1.2.3-zzz"),
            ("v1.2.3", "v1.2.3"),
            ("v1.2.3+meta", "v1.2.3"),
            ("v1.2.3+meta-pre", "v1.2.3"),
            ("v1.2.3+meta-pre.sha.256a", "v1.2.3"),
        ];
        let valid: Vec<(usize, &str, &str)> = tests
            .iter()
            .enumerate()
            .filter(|(_, (_, out))| !out.is_empty())
            .map(|(i, (input, out))| (i, *input, *out))
            .collect();
        for (input, out) in tests {
            let parsed = Go::parse(input);
            assert_eq!(parsed.is_ok(), !out.is_empty(), "{input}");
            if let Ok(v) = parsed {
                // Canonical drops build metadata; Display keeps it, so compare without it.
                let shown = v.to_string();
                let canonical = shown.split('+').next().unwrap_or_default();
                assert_eq!(canonical, *out, "{input}");
            }
        }
        for (i, a, out_a) in &valid {
            for (j, b, out_b) in &valid {
                let want = if out_a == out_b {
                    Ordering::Equal
                } else {
                    i.cmp(j)
                };
                assert_eq!(cmp(a, b), want, "{a} vs {b}");
            }
        }
        assert_eq!(cmp("v1", "v1"), Ordering::Equal);
        assert_eq!(cmp("v2", "v1"), Ordering::Greater);
        assert_eq!(cmp("v1.19", "v1.2"), Ordering::Greater);
    }

    /// Go `src/go/version/version_test.go`, compareTests (the valid versions).
    #[test]
    fn go_version_compare_tests() {
        let cases = [
            ("go1", "go1.1", Ordering::Less),
            ("go1.5", "go1.6", Ordering::Less),
            ("go1.5", "go1.10", Ordering::Less),
            ("go1.6", "go1.6.1", Ordering::Less),
            ("go1.19", "go1.19.0", Ordering::Equal),
            ("go1.19rc1", "go1.19", Ordering::Less),
            ("go1.20", "go1.20.0", Ordering::Equal),
            ("go1.20", "go1.20.0-bigcorp", Ordering::Equal),
            ("go1.20rc1", "go1.20", Ordering::Less),
            ("go1.21", "go1.21.0", Ordering::Less),
            ("go1.21", "go1.21.0-bigcorp", Ordering::Less),
            ("go1.21", "go1.21rc1", Ordering::Less),
            ("go1.21rc1", "go1.21.0", Ordering::Less),
            ("go1.6", "go1.19", Ordering::Less),
            ("go1.19", "go1.19.1", Ordering::Less),
            ("go1.19rc1", "go1.19.1", Ordering::Less),
            ("go1.19rc1", "go1.19rc2", Ordering::Less),
            ("go1.19.0", "go1.19.1", Ordering::Less),
            ("go1.19rc1", "go1.19.0", Ordering::Less),
            ("go1.19alpha3", "go1.19beta2", Ordering::Less),
            ("go1.19beta2", "go1.19rc1", Ordering::Less),
            ("go1.1", "go1.99999999999999998", Ordering::Less),
            ("go1.9.2rc2", "go1.9.2", Ordering::Less),
            ("go1.9.2rc2", "go1.9.2rc3", Ordering::Less),
            ("go1.9.2beta2", "go1.9.2rc3", Ordering::Less),
            ("go1.9.2alpha1", "go1.9.2beta2", Ordering::Less),
            (
                "go1.99999999999999998",
                "go1.99999999999999999",
                Ordering::Less,
            ),
        ];
        for (a, b, want) in cases {
            assert_eq!(cmp(a, b), want, "{a} vs {b}");
            assert_eq!(cmp(b, a), want.reverse(), "{b} vs {a}");
        }
        // isValidTests: the invalid ones.
        for bad in ["go", "gox", "go1.600+auto", "go1.9.2+rc2"] {
            assert!(Go::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn toolchains_meet_the_vulndb_stdlib_ranges() {
        assert_eq!(cmp("go1.22rc1", "1.22.0-rc.1"), Ordering::Equal);
        assert_eq!(cmp("1.22rc1", "1.22.0-rc.1"), Ordering::Equal);
        assert_eq!(cmp("go1.21.3", "1.21.3"), Ordering::Equal);
        assert_eq!(cmp("go1.21", "1.21.0-0"), Ordering::Equal);
        assert_eq!(cmp("go1.21.3", "1.21.5"), Ordering::Less);
    }

    #[test]
    fn incompatible_and_pseudo_versions() {
        assert_eq!(cmp("v2.0.0+incompatible", "v2.0.0"), Ordering::Equal);
        assert_eq!(
            cmp("v2.0.0+incompatible", "v2.0.1+incompatible"),
            Ordering::Less
        );
        // A pseudo-version based on no tag sorts below every release.
        assert_eq!(
            cmp("v0.0.0-20191109021931-daa7c04131f5", "v0.0.1"),
            Ordering::Less
        );
        // Pseudo-versions built on v1.2.3 sort after it and before v1.2.4.
        let pseudo = "v1.2.4-0.20191109021931-daa7c04131f5";
        assert_eq!(cmp("v1.2.3", pseudo), Ordering::Less);
        assert_eq!(cmp(pseudo, "v1.2.4"), Ordering::Less);
        assert_eq!(
            cmp(
                "v0.0.0-20191109021931-daa7c04131f5",
                "v0.0.0-20200101000000-000000000000"
            ),
            Ordering::Less
        );
        assert_eq!(
            cmp(
                "0.0.0-20191109021931-daa7c04131f5",
                "v0.0.0-20191109021931-daa7c04131f5"
            ),
            Ordering::Equal
        );
    }
}
