//! npm: SemVer versions (a leading `v` allowed, as node-semver allows it) and node-semver ranges:
//! `^`, `~`/`~>`, x-ranges (`1.2.x`, `*`), hyphen ranges (`1.2 - 2.3.4`), space-joined
//! comparator sets and `||`, with node-semver's pre-release rule (a pre-release only matches a
//! set that names a pre-release of the same major.minor.patch).
//!
//! Written by hand: the Rust ports of node-semver either follow an older range grammar or
//! bring a parser-combinator stack for a grammar this small; the desugaring below follows
//! node-semver's documented rules and its own `test/fixtures` are the tests.

use crate::comparators::Op;
use crate::scheme::VersionScheme;
use crate::semver::{parse_prerelease, Ident, Num, SemVer, Syntax};

/// The npm scheme.
pub(crate) struct Npm;

const NPM_SYNTAX: Syntax = Syntax {
    v_prefix: true,
    ..Syntax::STRICT
};

impl VersionScheme for Npm {
    type Version = SemVer;
    const VERSION_SHAPE: &'static str =
        "MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], optionally after a `v` (`1.2.3`, `v2.0.0-rc.1`)";
    const RANGE_SHAPE: &'static str =
        "a node-semver range (`^1.2.3`, `~1.2`, `>=1.0.0 <2.0.0`, `1.2.x`, `1.0.0 - 2.0.0`, `… || …`)";

    fn parse(text: &str) -> Result<SemVer, String> {
        SemVer::parse(text.trim(), NPM_SYNTAX)
    }

    fn satisfies(version: &SemVer, range: &str) -> Result<bool, String> {
        let sets = parse_range(range)?;
        Ok(sets.iter().any(|set| test_set(set, version)))
    }
}

/// One comparator of a desugared set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Comparator {
    op: Op,
    version: SemVer,
}

/// `||`-separated sets; each set's comparators must all hold. An empty set matches anything.
pub(crate) fn parse_range(range: &str) -> Result<Vec<Vec<Comparator>>, String> {
    range.split("||").map(parse_set).collect()
}

fn test_set(set: &[Comparator], version: &SemVer) -> bool {
    if !set.iter().all(|c| c.op.accepts(version.cmp(&c.version))) {
        return false;
    }
    if version.is_prerelease() {
        // node-semver: a pre-release is in range only if some comparator of the set is a
        // pre-release of the same major.minor.patch; otherwise `^1.0.0` would let in
        // `1.5.0-alpha`, which nobody asked for.
        return set
            .iter()
            .any(|c| c.version.is_prerelease() && c.version.same_triple(version));
    }
    true
}

/// A possibly partial version in a range: `None` for a missing or wildcard part.
#[derive(Debug, Clone)]
struct Partial {
    major: Option<Num>,
    minor: Option<Num>,
    patch: Option<Num>,
    pre: Vec<Ident>,
}

fn parse_set(text: &str) -> Result<Vec<Comparator>, String> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    if let [from, "-", to] = tokens.as_slice() {
        return hyphen(&parse_partial(from)?, &parse_partial(to)?);
    }
    // node-semver allows a space between an operator and its version (`>= 1.2`, `~ 1.0`).
    let mut joined: Vec<String> = Vec::with_capacity(tokens.len());
    let mut pending: Option<&str> = None;
    for token in tokens {
        match pending.take() {
            Some(op) => joined.push(format!("{op}{token}")),
            None if is_operator(token) => pending = Some(token),
            None => joined.push(token.to_string()),
        }
    }
    if let Some(op) = pending {
        return Err(format!("the operator {op:?} has no version after it"));
    }
    let mut set = Vec::new();
    for token in &joined {
        set.extend(desugar(token)?);
    }
    Ok(set)
}

fn is_operator(token: &str) -> bool {
    matches!(token, "<" | "<=" | ">" | ">=" | "=" | "~" | "~>" | "^")
}

fn desugar(token: &str) -> Result<Vec<Comparator>, String> {
    if let Some(rest) = token.strip_prefix('^') {
        return Ok(caret(&parse_partial(rest)?));
    }
    if let Some(rest) = token.strip_prefix("~>").or_else(|| token.strip_prefix('~')) {
        return Ok(tilde(&parse_partial(rest)?));
    }
    let (op, rest) = if let Some(rest) = token.strip_prefix(">=") {
        (Some(Op::Ge), rest)
    } else if let Some(rest) = token.strip_prefix("<=") {
        (Some(Op::Le), rest)
    } else if let Some(rest) = token.strip_prefix('>') {
        (Some(Op::Gt), rest)
    } else if let Some(rest) = token.strip_prefix('<') {
        (Some(Op::Lt), rest)
    } else if let Some(rest) = token.strip_prefix('=') {
        (None, rest)
    } else {
        (None, token)
    };
    Ok(xrange(op, &parse_partial(rest)?))
}

fn parse_partial(text: &str) -> Result<Partial, String> {
    // node-semver's ranges accept any run of `v` and `=` before a version.
    let text = text.trim_start_matches(['v', '=']);
    let (text, _build) = match text.split_once('+') {
        Some((text, build)) => (text, Some(build)),
        None => (text, None),
    };
    let (core, pre) = match text.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (text, None),
    };
    let mut parts: [Option<Num>; 3] = [None, None, None];
    let mut wildcard = false;
    if !core.is_empty() {
        let pieces: Vec<&str> = core.split('.').collect();
        if pieces.len() > 3 {
            return Err(format!("{text:?} has more than three numbers"));
        }
        for (slot, piece) in parts.iter_mut().zip(pieces.iter().copied()) {
            if matches!(piece, "x" | "X" | "*") {
                wildcard = true;
            } else if wildcard {
                // `1.x.3`: node-semver reads everything after a wildcard as a wildcard.
                if !crate::digits::is_digits(piece) {
                    return Err(format!("{piece:?} in {text:?} is not a number"));
                }
            } else if crate::digits::is_digits(piece) {
                if piece.len() > 1 && piece.starts_with('0') {
                    return Err(format!("{piece:?} in {text:?} has a leading zero"));
                }
                *slot = Some(Num::from_digits(piece));
            } else {
                return Err(format!("{piece:?} in {text:?} is not a number or x"));
            }
        }
    }
    let pre = match pre {
        Some(pre) if parts[2].is_some() => parse_prerelease(pre)?,
        Some(_) => return Err(format!("{text:?}: a pre-release needs MAJOR.MINOR.PATCH")),
        None => Vec::new(),
    };
    let [major, minor, patch] = parts;
    Ok(Partial {
        major,
        minor,
        patch,
        pre,
    })
}

fn cmp(op: Op, version: SemVer) -> Comparator {
    Comparator { op, version }
}

/// `< 0.0.0-0`: matches nothing.
fn nothing() -> Vec<Comparator> {
    vec![cmp(
        Op::Lt,
        SemVer::lowest(Num::zero(), Num::zero(), Num::zero()),
    )]
}

fn full(major: &Num, minor: &Num, patch: &Num, pre: &[Ident]) -> SemVer {
    SemVer {
        pre: pre.to_vec(),
        ..SemVer::new(major.clone(), minor.clone(), patch.clone())
    }
}

fn xrange(op: Option<Op>, p: &Partial) -> Vec<Comparator> {
    let zero = Num::zero;
    let Some(major) = &p.major else {
        return match op {
            Some(Op::Gt | Op::Lt) => nothing(),
            _ => Vec::new(),
        };
    };
    match (&p.minor, &p.patch, op) {
        (Some(minor), Some(patch), op) => {
            vec![cmp(op.unwrap_or(Op::Eq), full(major, minor, patch, &p.pre))]
        }
        (None, _, None) => vec![
            cmp(Op::Ge, SemVer::new(major.clone(), zero(), zero())),
            cmp(Op::Lt, SemVer::lowest(major.succ(), zero(), zero())),
        ],
        (Some(minor), None, None) => vec![
            cmp(Op::Ge, SemVer::new(major.clone(), minor.clone(), zero())),
            cmp(Op::Lt, SemVer::lowest(major.clone(), minor.succ(), zero())),
        ],
        (minor, _, Some(op)) => {
            let (m, n) = match minor {
                Some(minor) => (major.clone(), Some(minor.clone())),
                None => (major.clone(), None),
            };
            match op {
                // `>1` is `>=2.0.0`, `>1.2` is `>=1.3.0`.
                Op::Gt => vec![cmp(
                    Op::Ge,
                    match n {
                        Some(n) => SemVer::new(m, n.succ(), zero()),
                        None => SemVer::new(m.succ(), zero(), zero()),
                    },
                )],
                // `<=1.2` is `<1.3.0-0`, `<=1` is `<2.0.0-0`.
                Op::Le => vec![cmp(
                    Op::Lt,
                    match n {
                        Some(n) => SemVer::lowest(m, n.succ(), zero()),
                        None => SemVer::lowest(m.succ(), zero(), zero()),
                    },
                )],
                Op::Lt => vec![cmp(
                    Op::Lt,
                    SemVer::lowest(m, n.unwrap_or_else(zero), zero()),
                )],
                Op::Ge => vec![cmp(Op::Ge, SemVer::new(m, n.unwrap_or_else(zero), zero()))],
                Op::Eq | Op::Ne => xrange(None, p),
            }
        }
    }
}

fn tilde(p: &Partial) -> Vec<Comparator> {
    let zero = Num::zero;
    let Some(major) = &p.major else {
        return Vec::new();
    };
    match (&p.minor, &p.patch) {
        (None, _) => vec![
            cmp(Op::Ge, SemVer::new(major.clone(), zero(), zero())),
            cmp(Op::Lt, SemVer::lowest(major.succ(), zero(), zero())),
        ],
        (Some(minor), None) => vec![
            cmp(Op::Ge, SemVer::new(major.clone(), minor.clone(), zero())),
            cmp(Op::Lt, SemVer::lowest(major.clone(), minor.succ(), zero())),
        ],
        (Some(minor), Some(patch)) => vec![
            cmp(Op::Ge, full(major, minor, patch, &p.pre)),
            cmp(Op::Lt, SemVer::lowest(major.clone(), minor.succ(), zero())),
        ],
    }
}

fn caret(p: &Partial) -> Vec<Comparator> {
    let zero = Num::zero;
    let Some(major) = &p.major else {
        return Vec::new();
    };
    match (&p.minor, &p.patch) {
        (None, _) => vec![
            cmp(Op::Ge, SemVer::new(major.clone(), zero(), zero())),
            cmp(Op::Lt, SemVer::lowest(major.succ(), zero(), zero())),
        ],
        (Some(minor), None) => {
            let upper = if major.is_zero() {
                SemVer::lowest(major.clone(), minor.succ(), zero())
            } else {
                SemVer::lowest(major.succ(), zero(), zero())
            };
            vec![
                cmp(Op::Ge, SemVer::new(major.clone(), minor.clone(), zero())),
                cmp(Op::Lt, upper),
            ]
        }
        (Some(minor), Some(patch)) => {
            // The leftmost non-zero number may not change.
            let upper = if !major.is_zero() {
                SemVer::lowest(major.succ(), zero(), zero())
            } else if !minor.is_zero() {
                SemVer::lowest(major.clone(), minor.succ(), zero())
            } else {
                SemVer::lowest(major.clone(), minor.clone(), patch.succ())
            };
            vec![
                cmp(Op::Ge, full(major, minor, patch, &p.pre)),
                cmp(Op::Lt, upper),
            ]
        }
    }
}

fn hyphen(from: &Partial, to: &Partial) -> Result<Vec<Comparator>, String> {
    let zero = Num::zero;
    let mut set = Vec::new();
    if let Some(major) = &from.major {
        let minor = from.minor.clone().unwrap_or_else(zero);
        let patch = from.patch.clone().unwrap_or_else(zero);
        set.push(cmp(Op::Ge, full(major, &minor, &patch, &from.pre)));
    }
    if let Some(major) = &to.major {
        set.push(match (&to.minor, &to.patch) {
            (None, _) => cmp(Op::Lt, SemVer::lowest(major.succ(), zero(), zero())),
            (Some(minor), None) => cmp(Op::Lt, SemVer::lowest(major.clone(), minor.succ(), zero())),
            (Some(minor), Some(patch)) => cmp(Op::Le, full(major, minor, patch, &to.pre)),
        });
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn satisfies(range: &str, version: &str) -> bool {
        let v = Npm::parse(version).unwrap_or_else(|e| panic!("{version}: {e}"));
        Npm::satisfies(&v, range).unwrap_or_else(|e| panic!("{range}: {e}"))
    }

    /// node-semver `test/fixtures/range-include.js`, the cases without options (loose mode and
    /// includePrerelease are not npm's matching behaviour).
    #[test]
    fn node_semver_range_include() {
        let cases = [
            ("1.0.0 - 2.0.0", "1.2.3"),
            ("^1.2.3+build", "1.2.3"),
            ("^1.2.3+build", "1.3.0"),
            ("1.2.3-pre+asdf - 2.4.3-pre+asdf", "1.2.3"),
            ("1.2.3-pre+asdf - 2.4.3-pre+asdf", "1.2.3-pre.2"),
            ("1.2.3-pre+asdf - 2.4.3-pre+asdf", "2.4.3-alpha"),
            ("1.2.3+asdf - 2.4.3+asdf", "1.2.3"),
            ("1.0.0", "1.0.0"),
            (">=*", "0.2.4"),
            ("", "1.0.0"),
            ("*", "1.2.3"),
            (">=1.0.0", "1.0.0"),
            (">=1.0.0", "1.0.1"),
            (">=1.0.0", "1.1.0"),
            (">1.0.0", "1.0.1"),
            (">1.0.0", "1.1.0"),
            ("<=2.0.0", "2.0.0"),
            ("<=2.0.0", "1.9999.9999"),
            ("<=2.0.0", "0.2.9"),
            ("<2.0.0", "1.9999.9999"),
            ("<2.0.0", "0.2.9"),
            (">= 1.0.0", "1.0.0"),
            (">=  1.0.0", "1.0.1"),
            (">=   1.0.0", "1.1.0"),
            ("> 1.0.0", "1.0.1"),
            (">  1.0.0", "1.1.0"),
            ("<=   2.0.0", "2.0.0"),
            ("<= 2.0.0", "1.9999.9999"),
            ("<=  2.0.0", "0.2.9"),
            ("<    2.0.0", "1.9999.9999"),
            ("<\t2.0.0", "0.2.9"),
            (">=0.1.97", "v0.1.97"),
            (">=0.1.97", "0.1.97"),
            ("0.1.20 || 1.2.4", "1.2.4"),
            (">=0.2.3 || <0.0.1", "0.0.0"),
            (">=0.2.3 || <0.0.1", "0.2.3"),
            (">=0.2.3 || <0.0.1", "0.2.4"),
            ("||", "1.3.4"),
            ("2.x.x", "2.1.3"),
            ("1.2.x", "1.2.3"),
            ("1.2.x || 2.x", "2.1.3"),
            ("1.2.x || 2.x", "1.2.3"),
            ("x", "1.2.3"),
            ("2.*.*", "2.1.3"),
            ("1.2.*", "1.2.3"),
            ("1.2.* || 2.*", "2.1.3"),
            ("1.2.* || 2.*", "1.2.3"),
            ("*", "1.2.3"),
            ("2", "2.1.2"),
            ("2.3", "2.3.1"),
            ("~0.0.1", "0.0.1"),
            ("~0.0.1", "0.0.2"),
            ("~x", "0.0.9"),
            ("~2", "2.0.9"),
            ("~2.4", "2.4.0"),
            ("~2.4", "2.4.5"),
            ("~>3.2.1", "3.2.2"),
            ("~1", "1.2.3"),
            ("~>1", "1.2.3"),
            ("~> 1", "1.2.3"),
            ("~1.0", "1.0.2"),
            ("~ 1.0", "1.0.2"),
            ("~ 1.0.3", "1.0.12"),
            (">=1", "1.0.0"),
            (">= 1", "1.0.0"),
            ("<1.2", "1.1.1"),
            ("< 1.2", "1.1.1"),
            ("~v0.5.4-pre", "0.5.5"),
            ("~v0.5.4-pre", "0.5.4"),
            ("=0.7.x", "0.7.2"),
            ("<=0.7.x", "0.7.2"),
            (">=0.7.x", "0.7.2"),
            ("<=0.7.x", "0.6.2"),
            ("~1.2.1 >=1.2.3", "1.2.3"),
            ("~1.2.1 =1.2.3", "1.2.3"),
            ("~1.2.1 1.2.3", "1.2.3"),
            ("~1.2.1 >=1.2.3 1.2.3", "1.2.3"),
            ("~1.2.1 1.2.3 >=1.2.3", "1.2.3"),
            (">=1.2.1 1.2.3", "1.2.3"),
            ("1.2.3 >=1.2.1", "1.2.3"),
            (">=1.2.3 >=1.2.1", "1.2.3"),
            (">=1.2.1 >=1.2.3", "1.2.3"),
            (">=1.2", "1.2.8"),
            ("^1.2.3", "1.8.1"),
            ("^0.1.2", "0.1.2"),
            ("^0.1", "0.1.2"),
            ("^0.0.1", "0.0.1"),
            ("^1.2", "1.4.2"),
            ("^1.2 ^1", "1.4.2"),
            ("^1.2.3-alpha", "1.2.3-pre"),
            ("^1.2.0-alpha", "1.2.0-pre"),
            ("^0.0.1-alpha", "0.0.1-beta"),
            ("^0.0.1-alpha", "0.0.1"),
            ("^0.1.1-alpha", "0.1.1-beta"),
            ("^x", "1.2.3"),
            ("x - 1.0.0", "0.9.7"),
            ("x - 1.x", "0.9.7"),
            ("1.0.0 - x", "1.9.7"),
            ("1.x - x", "1.9.7"),
            ("<=7.x", "7.9.9"),
        ];
        for (range, version) in cases {
            assert!(
                satisfies(range, version),
                "{version} should satisfy {range:?}"
            );
        }
    }

    /// node-semver `test/fixtures/range-exclude.js`, the cases without options and with
    /// valid versions.
    #[test]
    fn node_semver_range_exclude() {
        let cases = [
            ("1.0.0 - 2.0.0", "2.2.3"),
            ("1.2.3+asdf - 2.4.3+asdf", "1.2.3-pre.2"),
            ("1.2.3+asdf - 2.4.3+asdf", "2.4.3-alpha"),
            ("^1.2.3+build", "2.0.0"),
            ("^1.2.3+build", "1.2.0"),
            ("^1.2.3", "1.2.3-pre"),
            ("^1.2", "1.2.0-pre"),
            (">1.2", "1.3.0-beta"),
            ("<=1.2.3", "1.2.3-beta"),
            ("^1.2.3", "1.2.3-beta"),
            ("=0.7.x", "0.7.0-asdf"),
            (">=0.7.x", "0.7.0-asdf"),
            ("<=0.7.x", "0.7.0-asdf"),
            ("1.0.0", "1.0.1"),
            (">=1.0.0", "0.0.0"),
            (">=1.0.0", "0.0.1"),
            (">=1.0.0", "0.1.0"),
            (">1.0.0", "0.0.1"),
            (">1.0.0", "0.1.0"),
            ("<=2.0.0", "3.0.0"),
            ("<=2.0.0", "2.9999.9999"),
            ("<=2.0.0", "2.2.9"),
            ("<2.0.0", "2.9999.9999"),
            ("<2.0.0", "2.2.9"),
            (">=0.1.97", "0.1.93"),
            ("0.1.20 || 1.2.4", "1.2.3"),
            (">=0.2.3 || <0.0.1", "0.0.3"),
            (">=0.2.3 || <0.0.1", "0.2.2"),
            ("2.x.x", "1.1.3"),
            ("2.x.x", "3.1.3"),
            ("1.2.x", "1.3.3"),
            ("1.2.x || 2.x", "3.1.3"),
            ("1.2.x || 2.x", "1.1.3"),
            ("2.*.*", "1.1.3"),
            ("2.*.*", "3.1.3"),
            ("1.2.*", "1.3.3"),
            ("1.2.* || 2.*", "3.1.3"),
            ("1.2.* || 2.*", "1.1.3"),
            ("2", "1.1.2"),
            ("2.3", "2.4.1"),
            ("~0.0.1", "0.1.0-alpha"),
            ("~0.0.1", "0.1.0"),
            ("~2.4", "2.5.0"),
            ("~2.4", "2.3.9"),
            ("~>3.2.1", "3.3.2"),
            ("~>3.2.1", "3.2.0"),
            ("~1", "0.2.3"),
            ("~>1", "2.2.3"),
            ("~1.0", "1.1.0"),
            ("<1", "1.0.0"),
            (">=1.2", "1.1.1"),
            ("~v0.5.4-beta", "0.5.4-alpha"),
            ("=0.7.x", "0.8.2"),
            (">=0.7.x", "0.6.2"),
            ("<0.7.x", "0.7.2"),
            ("<1.2.3", "1.2.3-beta"),
            ("=1.2.3", "1.2.3-beta"),
            (">1.2", "1.2.8"),
            ("^0.0.1", "0.0.2-alpha"),
            ("^0.0.1", "0.0.2"),
            ("^1.2.3", "2.0.0-alpha"),
            ("^1.2.3", "1.2.2"),
            ("^1.2", "1.1.9"),
            ("^1.0.0", "2.0.0-rc1"),
            ("1 - 2", "2.0.0-pre"),
            ("1 - 2", "1.0.0-pre"),
            ("1.0 - 2", "1.0.0-pre"),
            ("1.1.x", "1.0.0-a"),
            ("1.1.x", "1.1.0-a"),
            ("1.1.x", "1.2.0-a"),
            ("1.x", "1.0.0-a"),
            ("1.x", "1.1.0-a"),
            ("1.x", "1.2.0-a"),
            (">=1.0.0 <1.1.0", "1.1.0"),
            (">=1.0.0 <1.1.0", "1.1.0-pre"),
            (">=1.0.0 <1.1.0-pre", "1.1.0-pre"),
        ];
        for (range, version) in cases {
            assert!(
                !satisfies(range, version),
                "{version} should not satisfy {range:?}"
            );
        }
    }

    #[test]
    fn invalid_versions_and_ranges_are_errors() {
        // node-semver returns false for these; seatbelt reports them instead of guessing.
        assert!(Npm::parse("not a version").is_err());
        assert!(Npm::parse("glorp").is_err());
        let v = Npm::parse("1.0.0").unwrap();
        assert!(Npm::satisfies(&v, ">= foo").is_err());
        assert!(Npm::satisfies(&v, ">=").is_err());
    }
}
