//! Alpine versions as apk-tools reads them (`src/version.c`):
//! `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-rN}`. Suffixes `_alpha`, `_beta`,
//! `_pre`, `_rc` sort before the release, `_cvs`, `_svn`, `_git`, `_hg`, `_p` after it; a
//! number with a leading zero after a dot compares as a string (Gentoo's rule).

use std::cmp::Ordering;
use std::fmt;

use crate::comparators;
use crate::digits::cmp_digits;
use crate::scheme::{eq_from_ord, VersionScheme};

/// The apk scheme.
pub(crate) struct Apk;

/// A valid apk version (validated when parsed; compared token by token).
#[derive(Debug, Clone)]
pub(crate) struct ApkVersion(String);

impl VersionScheme for Apk {
    type Version = ApkVersion;
    const VERSION_SHAPE: &'static str =
        "digits{.digits}[letter]{_alpha|_beta|_pre|_rc|_cvs|_svn|_git|_hg|_p[N]}[~hash][-rN] (`1.2.3_rc1-r4`, `3.0.7-r0`)";
    const RANGE_SHAPE: &'static str = comparators::SHAPE;

    fn parse(text: &str) -> Result<ApkVersion, String> {
        validate(text)?;
        Ok(ApkVersion(text.to_string()))
    }

    fn satisfies(version: &ApkVersion, range: &str) -> Result<bool, String> {
        comparators::satisfies(version, range, Self::parse)
    }
}

/// Token kinds, in the order apk-tools gives them: a later kind may not precede an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    InitialDigit,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    CommitHash,
    RevisionNo,
    End,
    Invalid,
}

/// Suffix ranks: below [`NONE`] sorts before the release.
const SUFFIXES: [(&str, u8); 9] = [
    ("alpha", 1),
    ("beta", 2),
    ("pre", 3),
    ("rc", 4),
    ("cvs", 6),
    ("svn", 7),
    ("git", 8),
    ("hg", 9),
    ("p", 10),
];
const NONE: u8 = 5;

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    kind: Kind,
    /// The token's text (digits, the letter, the suffix name, the hash).
    value: &'a str,
    suffix: u8,
}

struct Tokens<'a> {
    rest: &'a str,
    current: Token<'a>,
}

impl<'a> Tokens<'a> {
    fn new(text: &'a str) -> Tokens<'a> {
        let mut tokens = Tokens {
            rest: text,
            current: Token {
                kind: Kind::InitialDigit,
                value: "",
                suffix: 0,
            },
        };
        tokens.digits(Kind::InitialDigit);
        tokens
    }

    fn take_while(&mut self, keep: impl Fn(u8) -> bool) -> &'a str {
        let end = self
            .rest
            .bytes()
            .position(|b| !keep(b))
            .unwrap_or(self.rest.len());
        let (taken, rest) = self.rest.split_at(end);
        self.rest = rest;
        taken
    }

    fn digits(&mut self, kind: Kind) {
        let value = self.take_while(|b| b.is_ascii_digit());
        self.current = Token {
            kind: if value.is_empty() {
                Kind::Invalid
            } else {
                kind
            },
            value,
            suffix: 0,
        };
    }

    fn invalid(&mut self) {
        self.current.kind = Kind::Invalid;
    }

    fn advance(&mut self) {
        let previous = self.current.kind;
        let Some(&first) = self.rest.as_bytes().first() else {
            self.current.kind = Kind::End;
            return;
        };
        match first {
            b'a'..=b'z' => {
                if previous > Kind::Digit {
                    return self.invalid();
                }
                let (letter, rest) = self.rest.split_at(1);
                self.rest = rest;
                self.current = Token {
                    kind: Kind::Letter,
                    value: letter,
                    suffix: 0,
                };
            }
            b'.' | b'0'..=b'9' => {
                if first == b'.' {
                    if previous > Kind::Digit {
                        return self.invalid();
                    }
                    self.rest = &self.rest[1..];
                }
                let kind = match previous {
                    Kind::InitialDigit | Kind::Digit => Kind::Digit,
                    Kind::Suffix => Kind::SuffixNo,
                    _ => return self.invalid(),
                };
                self.digits(kind);
            }
            b'_' => {
                if previous > Kind::SuffixNo {
                    return self.invalid();
                }
                self.rest = &self.rest[1..];
                let name = self.take_while(|b| b.is_ascii_lowercase());
                match SUFFIXES.iter().find(|(text, _)| *text == name) {
                    Some(&(_, rank)) => {
                        self.current = Token {
                            kind: Kind::Suffix,
                            value: name,
                            suffix: rank,
                        };
                    }
                    None => self.invalid(),
                }
            }
            b'~' => {
                if previous >= Kind::CommitHash {
                    return self.invalid();
                }
                self.rest = &self.rest[1..];
                let hash = self.take_while(|b| b.is_ascii_hexdigit());
                if hash.is_empty() {
                    return self.invalid();
                }
                self.current = Token {
                    kind: Kind::CommitHash,
                    value: hash,
                    suffix: 0,
                };
            }
            b'-' => {
                if previous >= Kind::RevisionNo {
                    return self.invalid();
                }
                match self.rest.strip_prefix("-r") {
                    Some(rest) => {
                        self.rest = rest;
                        self.digits(Kind::RevisionNo);
                    }
                    None => self.invalid(),
                }
            }
            _ => self.invalid(),
        }
    }
}

/// apk's `apk_version_validate`.
fn validate(text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Err("the version is empty".into());
    }
    let mut tokens = Tokens::new(text);
    while tokens.current.kind < Kind::End {
        tokens.advance();
    }
    if tokens.current.kind == Kind::Invalid {
        let at = text.len() - tokens.rest.len();
        return Err(format!(
            "it stops following apk's grammar at byte {at} ({:?})",
            crate::error::shown(&text[at..])
        ));
    }
    Ok(())
}

fn token_cmp(a: &Token<'_>, b: &Token<'_>) -> Ordering {
    match a.kind {
        Kind::Digit if a.value.starts_with('0') || b.value.starts_with('0') => {
            // A leading zero makes the number a decimal fraction: compare as a string.
            a.value.cmp(b.value)
        }
        Kind::Digit | Kind::InitialDigit | Kind::SuffixNo | Kind::RevisionNo => {
            cmp_digits(a.value, b.value)
        }
        Kind::Letter => a.value.cmp(b.value),
        Kind::Suffix => a.suffix.cmp(&b.suffix),
        _ => a.value.cmp(b.value),
    }
}

/// apk's `apk_version_compare`, on any two strings (valid or not).
pub(crate) fn compare(a: &str, b: &str) -> Ordering {
    let mut ta = Tokens::new(a);
    let mut tb = Tokens::new(b);
    while ta.current.kind == tb.current.kind && ta.current.kind < Kind::End {
        let order = token_cmp(&ta.current, &tb.current);
        if order != Ordering::Equal {
            return order;
        }
        ta.advance();
        tb.advance();
    }
    let (ka, kb) = (ta.current.kind, tb.current.kind);
    if ka == kb {
        return Ordering::Equal;
    }
    // Equal so far: the longer version is newer, unless what it continues with is a
    // pre-release suffix.
    if ka == Kind::Suffix && ta.current.suffix < NONE {
        return Ordering::Less;
    }
    if kb == Kind::Suffix && tb.current.suffix < NONE {
        return Ordering::Greater;
    }
    kb.cmp(&ka)
}

impl Ord for ApkVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(&self.0, &other.0)
    }
}
eq_from_ord!(ApkVersion);

impl fmt::Display for ApkVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests;
