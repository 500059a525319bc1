//! dpkg versions, `[epoch:]upstream_version[-debian_revision]`, ordered as Debian policy §5.6.12
//! says and as dpkg's `verrevcmp` does it (digit runs compared by value at any length).

use std::cmp::Ordering;
use std::fmt;

use crate::comparators;
use crate::digits::cmp_digits;
use crate::scheme::{eq_from_ord, VersionScheme};

/// The dpkg scheme.
pub(crate) struct Dpkg;

/// A dpkg version.
#[derive(Debug, Clone)]
pub(crate) struct DebVersion {
    epoch: u32,
    upstream: String,
    revision: String,
}

/// dpkg stores the epoch as a C `int` and refuses larger ones ("epoch in version is too big").
const MAX_EPOCH: u32 = i32::MAX as u32;

impl VersionScheme for Dpkg {
    type Version = DebVersion;
    const VERSION_SHAPE: &'static str =
        "[epoch:]upstream_version[-debian_revision], the upstream part starting with a digit (`1:2.36.1-8+deb12u1`)";
    const RANGE_SHAPE: &'static str = comparators::SHAPE;

    fn parse(text: &str) -> Result<DebVersion, String> {
        // dpkg ignores surrounding whitespace but refuses embedded whitespace.
        let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
        if text.is_empty() {
            return Err("the version string is empty".into());
        }
        if text.contains(|c: char| c.is_ascii_whitespace()) {
            return Err("the version has embedded spaces".into());
        }
        let (epoch, rest) = match text.split_once(':') {
            Some((epoch, rest)) => (parse_epoch(epoch)?, rest),
            None => (0, text),
        };
        let (upstream, revision) = match rest.rsplit_once('-') {
            Some((upstream, revision)) => (upstream, revision),
            None => (rest, ""),
        };
        if upstream.is_empty() {
            return Err("the upstream version is empty".into());
        }
        if !upstream.starts_with(|c: char| c.is_ascii_digit()) {
            return Err("the upstream version does not start with a digit".into());
        }
        if let Some(bad) = upstream
            .chars()
            .find(|&c| !(c.is_ascii_alphanumeric() || ".-+~:".contains(c)))
        {
            return Err(format!("the upstream version contains {bad:?}"));
        }
        if let Some(bad) = revision
            .chars()
            .find(|&c| !(c.is_ascii_alphanumeric() || ".+~".contains(c)))
        {
            return Err(format!("the revision contains {bad:?}"));
        }
        Ok(DebVersion {
            epoch,
            upstream: upstream.to_string(),
            revision: revision.to_string(),
        })
    }

    fn satisfies(version: &DebVersion, range: &str) -> Result<bool, String> {
        comparators::satisfies(version, range, Self::parse)
    }
}

fn parse_epoch(epoch: &str) -> Result<u32, String> {
    if epoch.is_empty() {
        return Err("the epoch is empty".into());
    }
    if !epoch.bytes().all(|b| b.is_ascii_digit()) {
        return Err("the epoch is not a number".into());
    }
    match epoch.parse::<u32>() {
        Ok(value) if value <= MAX_EPOCH => Ok(value),
        _ => Err("the epoch is too big".into()),
    }
}

impl Ord for DebVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(&self.upstream, &other.upstream))
            .then_with(|| verrevcmp(&self.revision, &other.revision))
    }
}
eq_from_ord!(DebVersion);

impl fmt::Display for DebVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.epoch != 0 || self.upstream.contains(':') {
            write!(f, "{}:", self.epoch)?;
        }
        f.write_str(&self.upstream)?;
        if !self.revision.is_empty() || self.upstream.contains('-') {
            write!(f, "-{}", self.revision)?;
        }
        Ok(())
    }
}

/// The weight of a non-digit character: `~` sorts before everything, even the end of the
/// string; letters before other characters.
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// Policy §5.6.12: alternate non-digit runs (compared by [`order`]) and digit runs (compared
/// by value).
fn verrevcmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while a.get(i).is_some_and(|c| !c.is_ascii_digit())
            || b.get(j).is_some_and(|c| !c.is_ascii_digit())
        {
            let (ac, bc) = (order(a.get(i).copied()), order(b.get(j).copied()));
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        let start_a = i;
        while a.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let start_b = j;
        while b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        let run_a = std::str::from_utf8(a.get(start_a..i).unwrap_or_default()).unwrap_or("");
        let run_b = std::str::from_utf8(b.get(start_b..j).unwrap_or_default()).unwrap_or("");
        let by_value = cmp_digits(run_a, run_b);
        if by_value != Ordering::Equal {
            return by_value;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> DebVersion {
        Dpkg::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn obj(epoch: u32, upstream: &str, revision: &str) -> DebVersion {
        DebVersion {
            epoch,
            upstream: upstream.into(),
            revision: revision.into(),
        }
    }

    /// dpkg `lib/dpkg/t/t-version.c`, test_version_compare.
    #[test]
    fn dpkg_t_version_compare() {
        assert_ne!(obj(1, "", ""), obj(2, "", ""));
        assert_ne!(obj(0, "1", "1"), obj(0, "2", "1"));
        assert_ne!(obj(0, "1", "1"), obj(0, "1", "2"));
        assert_eq!(obj(0, "0", "0"), obj(0, "0", "0"));
        assert_eq!(obj(0, "0", "00"), obj(0, "00", "0"));
        assert_eq!(obj(1, "2", "3"), obj(1, "2", "3"));
        assert!(obj(0, "0", "0") < obj(1, "0", "0"));
        assert!(obj(0, "a", "0") < obj(0, "b", "0"));
        assert!(obj(0, "0", "a") < obj(0, "0", "b"));
    }

    /// dpkg `lib/dpkg/t/t-version.c`, test_version_parse (the accepted versions).
    #[test]
    fn dpkg_t_version_parse_accepts() {
        let cases: &[(&str, DebVersion)] = &[
            ("0", obj(0, "0", "")),
            ("0:0", obj(0, "0", "")),
            ("0:0-", obj(0, "0", "")),
            ("0:0-0", obj(0, "0", "0")),
            ("0:0.0-0.0", obj(0, "0.0", "0.0")),
            ("1:0", obj(1, "0", "")),
            ("5:1", obj(5, "1", "")),
            ("0:0-0-0", obj(0, "0-0", "0")),
            ("0:0-0-0-0", obj(0, "0-0-0", "0")),
            ("0:0:0-0", obj(0, "0:0", "0")),
            ("0:0:0:0-0", obj(0, "0:0:0", "0")),
            ("0:0:0-0-0", obj(0, "0:0-0", "0")),
            ("0:0-0:0-0", obj(0, "0-0:0", "0")),
            ("0:09azAZ.-+~:-0", obj(0, "09azAZ.-+~:", "0")),
            ("0:0-azAZ09.+~", obj(0, "0", "azAZ09.+~")),
            ("  \t0:0-1", obj(0, "0", "1")),
            ("0:0-1\t  ", obj(0, "0", "1")),
            ("\t  0:0-1  \t", obj(0, "0", "1")),
        ];
        for (text, want) in cases {
            let got = v(text);
            assert_eq!(got.cmp(want), Ordering::Equal, "{text}");
        }
    }

    /// dpkg `lib/dpkg/t/t-version.c`, test_version_parse (the refused versions).
    #[test]
    fn dpkg_t_version_parse_refuses() {
        let mut bad = vec![
            "",
            "  ",
            "0:",
            "0:0 0-1",
            "-1:0-1",
            "999999999999999999999999:0-1",
            "a:0-0",
            "A:0-0",
            "-0",
            "0:-0",
            "0:abc3-0",
            "0:0-0:0",
        ];
        let upstream: Vec<String> = "!#@$%&/|\\<>()[]{};,_=*^'"
            .chars()
            .map(|c| format!("0:0{c}-0"))
            .collect();
        let revision: Vec<String> = "!#@$%&/|\\<>()[]{}:;,_=*^'"
            .chars()
            .map(|c| format!("0:0-0{c}"))
            .collect();
        bad.extend(upstream.iter().map(String::as_str));
        bad.extend(revision.iter().map(String::as_str));
        for text in bad {
            assert!(Dpkg::parse(text).is_err(), "{text:?} should be refused");
        }
    }

    /// Debian policy §5.6.12's examples and the classic `dpkg --compare-versions` cases.
    #[test]
    fn policy_ordering() {
        let ascending = [
            "~~",
            "~~a",
            "~",
            "0",
            "0a",
            "1.0~rc1-1",
            "1.0-1",
            "1.0-1+deb12u1",
            "1.0-1.1",
            "1.0+dfsg-1",
            "1.0.1-1",
            "1:0.9-1",
        ]
        .map(|t| match t.strip_prefix('~') {
            // dpkg refuses an upstream version not starting with a digit; prefix one.
            Some(_) => format!("0{t}"),
            None => t.to_string(),
        });
        for pair in ascending.windows(2) {
            assert!(v(&pair[0]) < v(&pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(v("1.0-1").cmp(&v("0:1.0-1")), Ordering::Equal);
        assert!(v("2.36.1-8+deb12u1") > v("2.36.1-8"));
        assert!(v("1:2.0") > v("9.9"));
    }

    #[test]
    fn digit_runs_never_overflow() {
        assert!(v("1.99999999999999999999999999") > v("1.99999999999999999999999998"));
        assert!(v("1.000000000000000000000000001") == v("1.1"));
    }

    #[test]
    fn display_round_trips() {
        for text in ["1.0", "1:1.0-2", "0:1:2-3", "1-2-3", "1.0-"] {
            let parsed = v(text);
            assert_eq!(v(&parsed.to_string()), parsed, "{text}");
        }
    }

    #[test]
    fn ranges_use_comparator_lists() {
        assert_eq!(Dpkg::satisfies(&v("1.2-1"), ">= 1.0, << 2.0"), Ok(true));
        assert_eq!(Dpkg::satisfies(&v("2.0"), ">= 1.0, << 2.0"), Ok(false));
        assert!(Dpkg::satisfies(&v("2.0"), ">= a:1").is_err());
    }
}
