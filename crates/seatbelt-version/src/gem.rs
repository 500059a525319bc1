//! RubyGems versions and requirements, as `Gem::Version` and `Gem::Requirement` define them:
//! dot-separated numeric and alphabetic segments (`1.2.3`, `1.0.a.2`; `-` reads as `.pre.`),
//! trailing zeros insignificant, a letter segment marking a pre-release that sorts before any
//! number; requirements `=`, `!=`, `>`, `<`, `>=`, `<=`, `~>` joined by commas.

use std::cmp::Ordering;
use std::fmt;

use crate::comparators::Op;
use crate::digits::is_digits;
use crate::scheme::{eq_from_ord, VersionScheme};
use crate::semver::Num;

/// The RubyGems scheme.
pub(crate) struct Gem;

/// One segment of a gem version.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Number(Num),
    Letters(String),
}

/// A gem version.
#[derive(Debug, Clone)]
pub(crate) struct GemVersion {
    /// The version as written, `-` already read as `.pre.`.
    text: String,
    segments: Vec<Segment>,
    /// `canonical_segments`, computed once: every comparison uses them.
    canonical: Vec<Segment>,
}

impl VersionScheme for Gem {
    type Version = GemVersion;
    const VERSION_SHAPE: &'static str =
        "digits followed by `.`-separated alphanumeric segments, optionally `-pre` (`1.2.3`, `2.0.0.rc1`, `1.0.0-beta.2`)";
    const RANGE_SHAPE: &'static str =
        "comma-separated requirements with =, !=, >, <, >=, <=, ~> (`~> 1.2, >= 1.2.3`)";

    fn parse(text: &str) -> Result<GemVersion, String> {
        let trimmed = text.trim();
        // Gem::Version: an empty version is "0".
        let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
        check_pattern(trimmed)?;
        let text = trimmed.replace('-', ".pre.");
        Ok(GemVersion::new(text))
    }

    fn satisfies(version: &GemVersion, range: &str) -> Result<bool, String> {
        if range.trim().is_empty() {
            return Err("the requirement is empty".into());
        }
        for clause in range.split(',') {
            let clause = clause.trim();
            let (op, bound) = split_op(clause)?;
            let bound = Self::parse(bound).map_err(|reason| format!("in {clause:?}: {reason}"))?;
            let ok = match op {
                GemOp::Plain(op) => op.accepts(version.cmp(&bound)),
                GemOp::Pessimistic => *version >= bound && version.release() < bound.bump(),
            };
            if !ok {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// `Gem::Version::ANCHORED_VERSION_PATTERN`:
/// `[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`.
fn check_pattern(text: &str) -> Result<(), String> {
    let (main, pre) = match text.split_once('-') {
        Some((main, pre)) => (main, Some(pre)),
        None => (text, None),
    };
    let mut parts = main.split('.');
    let first = parts.next().unwrap_or_default();
    if !is_digits(first) {
        return Err("it must start with a number".into());
    }
    for part in parts {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(format!("segment {part:?} is not letters and digits"));
        }
    }
    if let Some(pre) = pre {
        for part in pre.split('.') {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(format!(
                    "pre-release segment {part:?} is not letters, digits and -"
                ));
            }
        }
    }
    Ok(())
}

/// `scan(/[0-9]+|[a-z]+/i)`: runs of digits and runs of letters.
fn split_segments(text: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let digits = bytes[i].is_ascii_digit();
        let same = |b: &u8| {
            if digits {
                b.is_ascii_digit()
            } else {
                b.is_ascii_alphabetic()
            }
        };
        while bytes.get(i).is_some_and(same) {
            i += 1;
        }
        if i == start {
            i += 1; // a separator
            continue;
        }
        let run = &text[start..i];
        segments.push(if digits {
            Segment::Number(Num::from_digits(run))
        } else {
            Segment::Letters(run.to_string())
        });
    }
    segments
}

impl GemVersion {
    fn new(text: String) -> GemVersion {
        let segments = split_segments(&text);
        let canonical = canonical(&segments);
        GemVersion {
            text,
            segments,
            canonical,
        }
    }
}

/// `canonical_segments`: trailing zeros dropped from the numeric part and from the part
/// after the first letters.
fn canonical(segments: &[Segment]) -> Vec<Segment> {
    let split = segments
        .iter()
        .position(|s| matches!(s, Segment::Letters(_)))
        .unwrap_or(segments.len());
    let (numbers, rest) = segments.split_at(split);
    let trim = |part: &[Segment]| {
        let end = part
            .iter()
            .rposition(|s| !matches!(s, Segment::Number(n) if n.is_zero()))
            .map_or(0, |i| i + 1);
        part[..end].to_vec()
    };
    let mut canonical = trim(numbers);
    canonical.extend(trim(rest));
    canonical
}

impl GemVersion {
    fn is_prerelease(&self) -> bool {
        self.text.bytes().any(|b| b.is_ascii_alphabetic())
    }

    fn numbers_before_letters(&self) -> Vec<Segment> {
        let mut segments = self.segments.clone();
        while segments.iter().any(|s| matches!(s, Segment::Letters(_))) {
            segments.pop();
        }
        segments
    }

    fn from_segments(segments: Vec<Segment>) -> GemVersion {
        let text = segments
            .iter()
            .map(|s| match s {
                Segment::Number(n) => n.to_string(),
                Segment::Letters(l) => l.clone(),
            })
            .collect::<Vec<_>>()
            .join(".");
        GemVersion::new(text)
    }

    /// `Gem::Version#release`: the version without its pre-release part.
    fn release(&self) -> GemVersion {
        if self.is_prerelease() {
            GemVersion::from_segments(self.numbers_before_letters())
        } else {
            self.clone()
        }
    }

    /// `Gem::Version#bump`: drop letters and the last number, increment the new last one
    /// (`1.2.3` → `1.3`, `1` → `2`).
    fn bump(&self) -> GemVersion {
        let mut segments = self.numbers_before_letters();
        if segments.len() > 1 {
            segments.pop();
        }
        if let Some(Segment::Number(last)) = segments.last_mut() {
            *last = last.succ();
        }
        GemVersion::from_segments(segments)
    }
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.canonical, &other.canonical);
        let zero = Segment::Number(Num::zero());
        for i in 0..a.len().max(b.len()) {
            let (x, y) = (a.get(i).unwrap_or(&zero), b.get(i).unwrap_or(&zero));
            let order = match (x, y) {
                (Segment::Number(x), Segment::Number(y)) => x.cmp(y),
                (Segment::Letters(_), Segment::Number(_)) => Ordering::Less,
                (Segment::Number(_), Segment::Letters(_)) => Ordering::Greater,
                (Segment::Letters(x), Segment::Letters(y)) => x.cmp(y),
            };
            if order != Ordering::Equal {
                return order;
            }
        }
        Ordering::Equal
    }
}
eq_from_ord!(GemVersion);

impl fmt::Display for GemVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

enum GemOp {
    Plain(Op),
    Pessimistic,
}

/// `Gem::Requirement::PATTERN`: an optional operator, then a version (default `=`).
fn split_op(clause: &str) -> Result<(GemOp, &str), String> {
    const OPS: [(&str, Option<Op>); 7] = [
        ("~>", None),
        (">=", Some(Op::Ge)),
        ("<=", Some(Op::Le)),
        ("!=", Some(Op::Ne)),
        (">", Some(Op::Gt)),
        ("<", Some(Op::Lt)),
        ("=", Some(Op::Eq)),
    ];
    for (text, op) in OPS {
        if let Some(rest) = clause.strip_prefix(text) {
            let rest = rest.trim();
            if rest.is_empty() {
                return Err(format!("the requirement {clause:?} has no version"));
            }
            return Ok((op.map_or(GemOp::Pessimistic, GemOp::Plain), rest));
        }
    }
    if clause.is_empty() {
        return Err("a requirement is empty".into());
    }
    Ok((GemOp::Plain(Op::Eq), clause))
}

#[cfg(test)]
mod tests;
