//! RPM versions, `[epoch:]version[-release]`, compared as rpm's `rpmvercmp` does: alphanumeric
//! segments (digits by value, letters as ASCII, a digit segment newer than a letter one), any
//! other character a separator, `~` sorting before everything (pre-releases) and `^` after
//! the end but before any further segment (post-release snapshots).

use std::cmp::Ordering;
use std::fmt;

use crate::comparators;
use crate::digits::{cmp_digits, is_digits};
use crate::scheme::{eq_from_ord, VersionScheme};

/// The RPM scheme.
pub(crate) struct Rpm;

/// An RPM epoch-version-release.
#[derive(Debug, Clone)]
pub(crate) struct RpmVersion {
    epoch: Option<String>,
    version: String,
    release: Option<String>,
}

impl VersionScheme for Rpm {
    type Version = RpmVersion;
    const VERSION_SHAPE: &'static str =
        "[epoch:]version[-release] (`2.34-100.el9_4.2`, `1:3.0.7-27.el9`, `1.0~rc1`, `1.0^git1`)";
    const RANGE_SHAPE: &'static str = comparators::SHAPE;

    fn parse(text: &str) -> Result<RpmVersion, String> {
        if text.is_empty() {
            return Err("the version is empty".into());
        }
        if text.contains(|c: char| c.is_whitespace() || c.is_control()) {
            return Err("the version contains spaces or control characters".into());
        }
        // rpm's parseEVR: an epoch is the leading digits before a `:`; the release follows
        // the last `-`.
        let digits_end = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (epoch, rest) = match text[digits_end..].strip_prefix(':') {
            Some(rest) => {
                let epoch = &text[..digits_end];
                (
                    Some(if epoch.is_empty() { "0" } else { epoch }.to_string()),
                    rest,
                )
            }
            None => (None, text),
        };
        let (version, release) = match rest.rsplit_once('-') {
            Some((version, release)) => (version, Some(release.to_string())),
            None => (rest, None),
        };
        if version.is_empty() {
            return Err("the version part is empty".into());
        }
        if release.as_deref() == Some("") {
            return Err("the release after `-` is empty".into());
        }
        Ok(RpmVersion {
            epoch,
            version: version.to_string(),
            release,
        })
    }

    fn satisfies(version: &RpmVersion, range: &str) -> Result<bool, String> {
        comparators::satisfies(version, range, Self::parse)
    }
}

impl Ord for RpmVersion {
    /// A missing epoch is 0. A missing release sorts before any release: rpm's dependency
    /// matching skips the release when one side has none, but that "equality" is not
    /// transitive, and an order has to be.
    fn cmp(&self, other: &Self) -> Ordering {
        let epoch = |v: &RpmVersion| v.epoch.clone().unwrap_or_else(|| "0".into());
        cmp_digits(&epoch(self), &epoch(other))
            .then_with(|| rpmvercmp(&self.version, &other.version))
            .then_with(|| match (&self.release, &other.release) {
                (Some(a), Some(b)) => rpmvercmp(a, b),
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
            })
    }
}
eq_from_ord!(RpmVersion);

impl fmt::Display for RpmVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(epoch) = &self.epoch {
            write!(f, "{epoch}:")?;
        } else if self.version.contains(':')
            && is_digits(self.version.split(':').next().unwrap_or(""))
        {
            // Keep a version that starts like an epoch from being read as one.
            f.write_str("0:")?;
        }
        f.write_str(&self.version)?;
        if let Some(release) = &self.release {
            write!(f, "-{release}")?;
        }
        Ok(())
    }
}

/// rpm's `rpmvercmp` on two version (or release) strings.
pub(crate) fn rpmvercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    let is_sep =
        |c: Option<&u8>| c.is_some_and(|c| !c.is_ascii_alphanumeric() && *c != b'~' && *c != b'^');
    loop {
        while is_sep(a.get(i)) {
            i += 1;
        }
        while is_sep(b.get(j)) {
            j += 1;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
        if ca.is_none() && cb.is_none() {
            return Ordering::Equal;
        }
        // `~` sorts before anything, even the end.
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        // `^` sorts after the end but before anything else.
        if ca == Some(b'^') || cb == Some(b'^') {
            if ca.is_none() {
                return Ordering::Less;
            }
            if cb.is_none() {
                return Ordering::Greater;
            }
            if ca != Some(b'^') {
                return Ordering::Greater;
            }
            if cb != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        let (Some(first), Some(_)) = (ca, cb) else {
            // One string has a segment left: it is newer.
            return if ca.is_some() {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        };
        let numeric = first.is_ascii_digit();
        let class = |c: &u8| {
            if numeric {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        let start_a = i;
        while a.get(i).is_some_and(class) {
            i += 1;
        }
        let start_b = j;
        while b.get(j).is_some_and(class) {
            j += 1;
        }
        let seg_a = std::str::from_utf8(a.get(start_a..i).unwrap_or_default()).unwrap_or("");
        let seg_b = std::str::from_utf8(b.get(start_b..j).unwrap_or_default()).unwrap_or("");
        if seg_b.is_empty() {
            // Segments of different kinds: a number is newer than letters.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let order = if numeric {
            cmp_digits(seg_a, seg_b)
        } else {
            seg_a.cmp(seg_b)
        };
        if order != Ordering::Equal {
            return order;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rpm `tests/rpmvercmp.at` (and the caret cases of rpm's newer test suite): every
    /// RPMVERCMP(a, b, result) row.
    #[test]
    fn rpm_rpmvercmp_at() {
        let rows: &[(&str, &str, i8)] = &[
            ("1.0", "1.0", 0),
            ("1.0", "2.0", -1),
            ("2.0", "1.0", 1),
            ("2.0.1", "2.0.1", 0),
            ("2.0", "2.0.1", -1),
            ("2.0.1", "2.0", 1),
            ("2.0.1a", "2.0.1a", 0),
            ("2.0.1a", "2.0.1", 1),
            ("2.0.1", "2.0.1a", -1),
            ("5.5p1", "5.5p1", 0),
            ("5.5p1", "5.5p2", -1),
            ("5.5p2", "5.5p1", 1),
            ("5.5p10", "5.5p10", 0),
            ("5.5p1", "5.5p10", -1),
            ("5.5p10", "5.5p1", 1),
            ("10xyz", "10.1xyz", -1),
            ("10.1xyz", "10xyz", 1),
            ("xyz10", "xyz10", 0),
            ("xyz10", "xyz10.1", -1),
            ("xyz10.1", "xyz10", 1),
            ("xyz.4", "xyz.4", 0),
            ("xyz.4", "8", -1),
            ("8", "xyz.4", 1),
            ("xyz.4", "2", -1),
            ("2", "xyz.4", 1),
            ("5.5p2", "5.6p1", -1),
            ("5.6p1", "5.5p2", 1),
            ("5.6p1", "6.5p1", -1),
            ("6.5p1", "5.6p1", 1),
            ("6.0.rc1", "6.0", 1),
            ("6.0", "6.0.rc1", -1),
            ("10b2", "10a1", 1),
            ("10a2", "10b2", -1),
            ("1.0aa", "1.0aa", 0),
            ("1.0a", "1.0aa", -1),
            ("1.0aa", "1.0a", 1),
            ("10.0001", "10.0001", 0),
            ("10.0001", "10.1", 0),
            ("10.1", "10.0001", 0),
            ("10.0001", "10.0039", -1),
            ("10.0039", "10.0001", 1),
            ("4.999.9", "5.0", -1),
            ("5.0", "4.999.9", 1),
            ("20101121", "20101121", 0),
            ("20101121", "20101122", -1),
            ("20101122", "20101121", 1),
            ("2_0", "2_0", 0),
            ("2.0", "2_0", 0),
            ("2_0", "2.0", 0),
            ("a", "a", 0),
            ("a+", "a+", 0),
            ("a+", "a_", 0),
            ("a_", "a+", 0),
            ("+a", "+a", 0),
            ("+a", "_a", 0),
            ("_a", "+a", 0),
            ("+_", "+_", 0),
            ("_+", "+_", 0),
            ("_+", "_+", 0),
            ("+", "_", 0),
            ("_", "+", 0),
            ("1.0~rc1", "1.0~rc1", 0),
            ("1.0~rc1", "1.0", -1),
            ("1.0", "1.0~rc1", 1),
            ("1.0~rc1", "1.0~rc2", -1),
            ("1.0~rc2", "1.0~rc1", 1),
            ("1.0~rc1~git123", "1.0~rc1~git123", 0),
            ("1.0~rc1~git123", "1.0~rc1", -1),
            ("1.0~rc1", "1.0~rc1~git123", 1),
            ("1.0^", "1.0^", 0),
            ("1.0^", "1.0", 1),
            ("1.0", "1.0^", -1),
            ("1.0^git1", "1.0^git1", 0),
            ("1.0^git1", "1.0", 1),
            ("1.0", "1.0^git1", -1),
            ("1.0^git1", "1.0^git2", -1),
            ("1.0^git2", "1.0^git1", 1),
            ("1.0^git1", "1.01", -1),
            ("1.01", "1.0^git1", 1),
            ("1.0^20160101", "1.0^20160101", 0),
            ("1.0^20160101", "1.0.1", -1),
            ("1.0.1", "1.0^20160101", 1),
            ("1.0^20160101^git1", "1.0^20160101^git1", 0),
            ("1.0^20160102", "1.0^20160101^git1", 1),
            ("1.0^20160101^git1", "1.0^20160102", -1),
            ("1.0~rc1^git1", "1.0~rc1^git1", 0),
            ("1.0~rc1^git1", "1.0~rc1", 1),
            ("1.0~rc1", "1.0~rc1^git1", -1),
            ("1.0^git1~pre", "1.0^git1~pre", 0),
            ("1.0^git1", "1.0^git1~pre", 1),
            ("1.0^git1~pre", "1.0^git1", -1),
        ];
        for (a, b, want) in rows {
            let want = want.cmp(&0);
            assert_eq!(rpmvercmp(a, b), want, "rpmvercmp({a}, {b})");
        }
    }

    fn v(text: &str) -> RpmVersion {
        Rpm::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn epoch_version_release() {
        assert!(v("1:1.0-1") > v("2.0-1"));
        assert_eq!(v("0:1.0-1"), v("1.0-1"));
        assert!(v("2.34-100.el9_4.2") > v("2.34-100.el9"));
        assert!(v("3.0.7-27.el9") < v("1:3.0.7-24.el9"));
        assert!(v("1.0") < v("1.0-1"));
        assert!(Rpm::parse("").is_err());
        assert!(Rpm::parse("1.0-").is_err());
        assert!(Rpm::parse("1:").is_err());
    }

    #[test]
    fn display_round_trips() {
        for text in ["1.0", "1:1.0-2", "1.0-2.el9", "a:b-c"] {
            let parsed = v(text);
            assert_eq!(v(&parsed.to_string()), parsed, "{text}");
        }
    }
}
