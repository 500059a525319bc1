//! SemVer 2.0 versions (semver.org): the shared core of the `semver`, `npm` and `go` schemes.
//! Numbers are kept as digit strings and compared by value, so no component can overflow.
//! The `semver` scheme itself reads versions with OSV's leniency (a leading `v`, a missing
//! minor or patch read as 0, leading zeros read by value).

use std::cmp::Ordering;
use std::fmt;

use crate::comparators;
use crate::digits::{cmp_digits, is_digits};
use crate::scheme::{eq_from_ord, VersionScheme};

/// The lenient SemVer scheme (OSV `SEMVER` ranges, Packagist, NuGet).
pub(crate) struct Semver;

impl VersionScheme for Semver {
    type Version = SemVer;
    const VERSION_SHAPE: &'static str =
        "MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD] (`1.2.3`, `2.0.0-rc.1`; a leading `v` and a missing minor or patch are accepted)";
    const RANGE_SHAPE: &'static str = comparators::SHAPE;

    fn parse(text: &str) -> Result<SemVer, String> {
        SemVer::parse(text, Syntax::LENIENT)
    }

    fn satisfies(version: &SemVer, range: &str) -> Result<bool, String> {
        comparators::satisfies(version, range, Self::parse)
    }
}

/// A non-negative integer of any size: inline while it has at most [`SMALL_DIGITS`] digits (every
/// real version number), as its digits beyond that, so no value overflows and the common case
/// allocates nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Num {
    /// Fewer than 10^19.
    Small(u64),
    /// At least 10^19: the digits, without leading zeros.
    Big(String),
}

/// Any run of this many digits fits a `u64` (10^19 - 1 < 2^64).
const SMALL_DIGITS: usize = 19;

impl Num {
    /// Zero.
    pub(crate) fn zero() -> Num {
        Num::Small(0)
    }

    /// Reads a run of ASCII digits (the caller has checked they are digits).
    pub(crate) fn from_digits(digits: &str) -> Num {
        let trimmed = digits.trim_start_matches('0');
        if trimmed.len() <= SMALL_DIGITS {
            Num::Small(trimmed.parse().unwrap_or(0))
        } else {
            Num::Big(trimmed.to_string())
        }
    }

    /// This number plus one, at any length.
    pub(crate) fn succ(&self) -> Num {
        match self {
            Num::Small(n) if *n < 9_999_999_999_999_999_999 => Num::Small(n + 1),
            Num::Small(n) => Num::from_digits(&increment(&n.to_string())),
            Num::Big(digits) => Num::Big(increment(digits)),
        }
    }

    /// Whether this is zero.
    pub(crate) fn is_zero(&self) -> bool {
        matches!(self, Num::Small(0))
    }
}

/// Adds one to a string of digits.
fn increment(digits: &str) -> String {
    let mut bytes = digits.as_bytes().to_vec();
    for digit in bytes.iter_mut().rev() {
        if *digit == b'9' {
            *digit = b'0';
        } else {
            *digit += 1;
            return String::from_utf8(bytes).unwrap_or_default();
        }
    }
    bytes.insert(0, b'1');
    String::from_utf8(bytes).unwrap_or_default()
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Num::Small(a), Num::Small(b)) => a.cmp(b),
            (Num::Small(_), Num::Big(_)) => Ordering::Less,
            (Num::Big(_), Num::Small(_)) => Ordering::Greater,
            (Num::Big(a), Num::Big(b)) => cmp_digits(a, b),
        }
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Num::Small(n) => n.fmt(f),
            Num::Big(digits) => f.write_str(digits),
        }
    }
}

/// One dot-separated pre-release identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Ident {
    /// All digits: compared by value, and lower than any alphanumeric identifier.
    Numeric(Num),
    /// Anything else: compared as ASCII.
    Alpha(String),
}

impl Ord for Ident {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Ident::Numeric(a), Ident::Numeric(b)) => a.cmp(b),
            (Ident::Numeric(_), Ident::Alpha(_)) => Ordering::Less,
            (Ident::Alpha(_), Ident::Numeric(_)) => Ordering::Greater,
            (Ident::Alpha(a), Ident::Alpha(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Ident {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ident::Numeric(n) => n.fmt(f),
            Ident::Alpha(s) => f.write_str(s),
        }
    }
}

/// A SemVer 2.0 version. Build metadata is kept for display and ignored in comparisons.
#[derive(Debug, Clone)]
pub(crate) struct SemVer {
    pub(crate) major: Num,
    pub(crate) minor: Num,
    pub(crate) patch: Num,
    pub(crate) pre: Vec<Ident>,
    pub(crate) build: Vec<String>,
}

/// How strictly to read a version.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Syntax {
    /// Accept a leading `v`.
    pub(crate) v_prefix: bool,
    /// Accept `1` and `1.2` for `1.0.0` and `1.2.0`.
    pub(crate) partial: bool,
    /// Accept a pre-release or build after a partial version (`1.2-rc1`).
    pub(crate) partial_qualifiers: bool,
    /// Accept leading zeros in numbers (read by value).
    pub(crate) leading_zeros: bool,
}

impl Syntax {
    /// semver.org exactly.
    pub(crate) const STRICT: Syntax = Syntax {
        v_prefix: false,
        partial: false,
        partial_qualifiers: false,
        leading_zeros: false,
    };
    /// What OSV `SEMVER` ranges and the ecosystems mapped to them need.
    pub(crate) const LENIENT: Syntax = Syntax {
        v_prefix: true,
        partial: true,
        partial_qualifiers: true,
        leading_zeros: true,
    };
}

impl SemVer {
    /// `major.minor.patch` with no pre-release or build.
    pub(crate) fn new(major: Num, minor: Num, patch: Num) -> SemVer {
        SemVer {
            major,
            minor,
            patch,
            pre: Vec::new(),
            build: Vec::new(),
        }
    }

    /// `major.minor.patch-0`: the lowest version of that triple (node-semver's upper bounds).
    pub(crate) fn lowest(major: Num, minor: Num, patch: Num) -> SemVer {
        SemVer {
            pre: vec![Ident::Numeric(Num::zero())],
            ..SemVer::new(major, minor, patch)
        }
    }

    /// Reads `text` under `syntax`.
    pub(crate) fn parse(text: &str, syntax: Syntax) -> Result<SemVer, String> {
        let mut rest = text;
        if syntax.v_prefix {
            rest = rest.strip_prefix('v').unwrap_or(rest);
        }
        if rest.is_empty() {
            return Err("the version is empty".into());
        }
        let (rest, build) = match rest.split_once('+') {
            Some((rest, build)) => (rest, Some(build)),
            None => (rest, None),
        };
        let (core, pre) = match rest.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (rest, None),
        };
        let mut numbers = Vec::with_capacity(3);
        for part in core.split('.') {
            numbers.push(parse_number(part, syntax.leading_zeros)?);
        }
        if numbers.len() > 3 {
            return Err(format!(
                "{} dot-separated numbers; SemVer has three (MAJOR.MINOR.PATCH)",
                numbers.len()
            ));
        }
        let partial = numbers.len() < 3;
        if partial && !syntax.partial {
            return Err("MAJOR.MINOR.PATCH needs all three numbers".into());
        }
        if partial && (pre.is_some() || build.is_some()) && !syntax.partial_qualifiers {
            return Err("a pre-release or build needs all three numbers before it".into());
        }
        let mut numbers = numbers.into_iter();
        let major = numbers.next().unwrap_or_else(Num::zero);
        let minor = numbers.next().unwrap_or_else(Num::zero);
        let patch = numbers.next().unwrap_or_else(Num::zero);
        let pre = match pre {
            Some(pre) => parse_prerelease(pre)?,
            None => Vec::new(),
        };
        let build = match build {
            Some(build) => parse_build(build)?,
            None => Vec::new(),
        };
        Ok(SemVer {
            major,
            minor,
            patch,
            pre,
            build,
        })
    }

    /// Whether this is a pre-release.
    pub(crate) fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }

    /// Whether major, minor and patch equal `other`'s.
    pub(crate) fn same_triple(&self, other: &SemVer) -> bool {
        self.major == other.major && self.minor == other.minor && self.patch == other.patch
    }
}

fn parse_number(part: &str, leading_zeros: bool) -> Result<Num, String> {
    if part.is_empty() {
        return Err("a version number is empty".into());
    }
    if !is_digits(part) {
        return Err(format!("{part:?} is not a number"));
    }
    if part.len() > 1 && part.starts_with('0') && !leading_zeros {
        return Err(format!("{part:?} has a leading zero"));
    }
    Ok(Num::from_digits(part))
}

/// Reads dot-separated pre-release identifiers (`rc.1`).
pub(crate) fn parse_prerelease(text: &str) -> Result<Vec<Ident>, String> {
    text.split('.')
        .map(|id| {
            check_identifier(id, "pre-release")?;
            if is_digits(id) {
                if id.len() > 1 && id.starts_with('0') {
                    return Err(format!("pre-release identifier {id:?} has a leading zero"));
                }
                Ok(Ident::Numeric(Num::from_digits(id)))
            } else {
                Ok(Ident::Alpha(id.to_string()))
            }
        })
        .collect()
}

fn parse_build(text: &str) -> Result<Vec<String>, String> {
    text.split('.')
        .map(|id| check_identifier(id, "build").map(|()| id.to_string()))
        .collect()
}

fn check_identifier(id: &str, what: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err(format!("a {what} identifier is empty"));
    }
    if let Some(bad) = id
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || c == '-'))
    {
        return Err(format!("{what} identifier {id:?} contains {bad:?}"));
    }
    Ok(())
}

impl Ord for SemVer {
    fn cmp(&self, other: &Self) -> Ordering {
        self.major
            .cmp(&other.major)
            .then_with(|| self.minor.cmp(&other.minor))
            .then_with(|| self.patch.cmp(&other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                // A pre-release sorts before its release.
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.pre.cmp(&other.pre),
            })
    }
}
eq_from_ord!(SemVer);

impl fmt::Display for SemVer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        for (i, id) in self.pre.iter().enumerate() {
            f.write_str(if i == 0 { "-" } else { "." })?;
            id.fmt(f)?;
        }
        for (i, id) in self.build.iter().enumerate() {
            f.write_str(if i == 0 { "+" } else { "." })?;
            f.write_str(id)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict(text: &str) -> SemVer {
        SemVer::parse(text, Syntax::STRICT).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    /// semver.org §11: the precedence example chain.
    #[test]
    fn semver_org_precedence() {
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ];
        for pair in chain.windows(2) {
            assert!(
                strict(pair[0]) < strict(pair[1]),
                "{} < {}",
                pair[0],
                pair[1]
            );
        }
        assert_eq!(strict("1.0.0+build.1"), strict("1.0.0+other"));
    }

    /// semver.org's BNF: versions it refuses.
    #[test]
    fn strict_refusals() {
        for bad in [
            "",
            "1",
            "1.2",
            "01.2.3",
            "1.02.3",
            "1.2.03",
            "1.2.3-01",
            "1.2.3-",
            "1.2.3+",
            "1.2.3-a..b",
            "v1.2.3",
            "1.2.3.4",
            "1.2.3-α",
            " 1.2.3",
            "1.2.-3",
        ] {
            assert!(SemVer::parse(bad, Syntax::STRICT).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn lenient_reading_pads_and_strips() {
        let v = |t| SemVer::parse(t, Syntax::LENIENT).unwrap_or_else(|e| panic!("{t}: {e}"));
        assert_eq!(v("v1"), strict("1.0.0"));
        assert_eq!(v("1.2"), strict("1.2.0"));
        assert_eq!(v("01.002.3"), strict("1.2.3"));
        assert!(v("1.2-rc.1") < v("1.2"));
    }

    #[test]
    fn huge_numbers_compare_by_value() {
        assert!(strict("1.0.99999999999999999999999") > strict("1.0.99999999999999999999998"));
        assert!(strict("1.0.0-99999999999999999999999") < strict("1.0.0-a"));
        assert_eq!(Num::from_digits("999").succ(), Num::from_digits("1000"));
        assert_eq!(Num::from_digits("0").succ(), Num::from_digits("1"));
        let edge = Num::from_digits("9999999999999999999");
        assert_eq!(edge.succ(), Num::from_digits("10000000000000000000"));
        assert!(edge < edge.succ());
        assert_eq!(edge.succ().to_string(), "10000000000000000000");
        assert_eq!(
            Num::from_digits("00000000000000000000000042"),
            Num::from_digits("42")
        );
    }

    #[test]
    fn display_round_trips() {
        for text in ["1.2.3", "1.2.3-rc.1+build.5", "0.0.0-0"] {
            assert_eq!(strict(text).to_string(), text);
        }
    }
}
