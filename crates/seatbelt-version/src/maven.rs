//! Maven versions ordered as `ComparableVersion` orders them (Maven's POM reference, "Version
//! Order Specification"): `.` and `-` separators and digit/letter transitions; numbers at any
//! length; qualifiers `alpha`(`a`) < `beta`(`b`) < `milestone`(`m`) < `rc` = `cr` < `snapshot`
//! < release (`""` = `ga` = `final` = `release`) < `sp`, unknown qualifiers after them in lexical
//! order, case-insensitively; trailing zeros and release qualifiers insignificant. Ranges as
//! `VersionRange` reads them: `[1.0,2.0)`, `(,1.0]`, `[1.0]`, `[1.2,)`, unions `[1,2),[3,4)`.
//!
//! Written by hand: no Rust crate implements ComparableVersion; the item model below follows
//! Maven's own (numbers, strings, letter+number combinations, nested lists after `-`).

use std::cmp::Ordering;
use std::fmt;

use crate::digits::is_digits;
use crate::scheme::{eq_from_ord, VersionScheme};
use crate::semver::Num;

mod range;
#[cfg(test)]
mod tests;

/// The Maven scheme.
pub(crate) struct Maven;

/// Maven's own bound on a version string (`ComparableVersion.MAX_VERSION_LENGTH`): every `-`
/// nests a list, and comparison recurses per level, so the length bounds the depth.
pub(crate) const MAX_MAVEN_VERSION_LEN: usize = 256;

/// A parsed Maven version.
#[derive(Debug, Clone)]
pub(crate) struct MavenVersion {
    items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Number(Num),
    /// A qualifier, lower-cased, aliases resolved (`cr` → `rc`; `a1` → `alpha`…).
    Text(String),
    /// Letters directly followed by a number (`rc1`, `sp-2`).
    Combination(String, Num),
    /// What follows a `-` (or a digit/letter transition).
    List(Vec<Item>),
}

impl VersionScheme for Maven {
    type Version = MavenVersion;
    const VERSION_SHAPE: &'static str =
        "a Maven version of at most 256 characters (`1.2.3`, `2.0-SNAPSHOT`, `5.3.31.RELEASE`, `1.0-rc-2`)";
    const RANGE_SHAPE: &'static str =
        "a Maven version range (`[1.0,2.0)`, `(,1.0]`, `[1.0]`, `[1.2,)`, unions `[1,2),[3,4)`)";

    fn parse(text: &str) -> Result<MavenVersion, String> {
        if text.is_empty() {
            return Err("the version is empty".into());
        }
        if text.chars().count() > MAX_MAVEN_VERSION_LEN {
            return Err(format!(
                "longer than Maven's own limit of {MAX_MAVEN_VERSION_LEN} characters"
            ));
        }
        if text.chars().any(char::is_whitespace) {
            return Err("the version contains spaces".into());
        }
        Ok(MavenVersion {
            items: parse_items(text),
        })
    }

    fn satisfies(version: &MavenVersion, range: &str) -> Result<bool, String> {
        range::satisfies(version, range)
    }
}

/// The known qualifiers in order; the empty one is the release.
const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
/// Qualifiers that mean the release itself.
const RELEASE_QUALIFIERS: [&str; 3] = ["ga", "final", "release"];
/// The rank of the release (of the empty qualifier).
const RELEASE_RANK: usize = 5;

/// A qualifier's place: known ones by rank, unknown ones after all of them, lexically.
fn qualifier_key(qualifier: &str) -> (usize, &str) {
    if RELEASE_QUALIFIERS.contains(&qualifier) {
        return (RELEASE_RANK, "");
    }
    match QUALIFIERS.iter().position(|q| *q == qualifier) {
        Some(rank) => (rank, ""),
        None => (QUALIFIERS.len(), qualifier),
    }
}

fn text_item(value: &str, followed_by_digit: bool) -> String {
    let value = match (followed_by_digit, value) {
        (true, "a") => "alpha",
        (true, "b") => "beta",
        (true, "m") => "milestone",
        (_, "cr") => "rc",
        (_, other) => other,
    };
    value.to_string()
}

fn parse_item(combination: bool, digits: bool, text: &str) -> Item {
    if combination {
        let text = text.replace('-', "");
        let split = text.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
        let (letters, number) = text.split_at(split);
        let number = if is_digits(number) {
            Num::from_digits(number)
        } else {
            Num::zero()
        };
        return Item::Combination(text_item(letters, true), number);
    }
    if digits {
        return Item::Number(Num::from_digits(text));
    }
    Item::Text(text_item(text, false))
}

/// The lists being filled, outermost first. A nested list is always the last item of its
/// parent and nothing is added to the parent after it, so they are folded together at the end.
struct Builder {
    stack: Vec<Vec<Item>>,
}

impl Builder {
    fn current(&mut self) -> &mut Vec<Item> {
        if self.stack.is_empty() {
            self.stack.push(Vec::new());
        }
        let last = self.stack.len() - 1;
        &mut self.stack[last]
    }

    fn push(&mut self, item: Item) {
        self.current().push(item);
    }

    /// Starts a nested list at the end of the current one.
    fn nest(&mut self) {
        self.stack.push(Vec::new());
    }

    fn current_is_empty(&mut self) -> bool {
        self.current().is_empty()
    }

    fn finish(mut self) -> Vec<Item> {
        let mut inner = self.stack.pop().unwrap_or_default();
        while let Some(mut parent) = self.stack.pop() {
            parent.push(Item::List(inner));
            inner = parent;
        }
        inner
    }
}

fn parse_items(version: &str) -> Vec<Item> {
    let lower = version.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let text = |from: usize, to: usize| -> String { chars[from..to].iter().collect() };
    let mut builder = Builder { stack: Vec::new() };
    let mut is_digit = false;
    let mut is_combination = false;
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '.' {
            if i == start {
                builder.push(Item::Number(Num::zero()));
            } else {
                builder.push(parse_item(is_combination, is_digit, &text(start, i)));
            }
            is_combination = false;
            start = i + 1;
        } else if c == '-' {
            if i == start {
                builder.push(Item::Number(Num::zero()));
            } else {
                // `X-1` reads as `X1`.
                if !is_digit && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
                    is_combination = true;
                    i += 1;
                    continue;
                }
                builder.push(parse_item(is_combination, is_digit, &text(start, i)));
            }
            start = i + 1;
            if !builder.current_is_empty() {
                builder.nest();
            }
            is_combination = false;
        } else if c.is_ascii_digit() {
            if !is_digit && i > start {
                // Letters then a digit: `rc1`.
                is_combination = true;
                if !builder.current_is_empty() {
                    builder.nest();
                }
            }
            is_digit = true;
        } else {
            if is_digit && i > start {
                builder.push(parse_item(is_combination, true, &text(start, i)));
                start = i;
                builder.nest();
                is_combination = false;
            }
            is_digit = false;
        }
        i += 1;
    }
    if chars.len() > start {
        // `1.0.0.X1` < `1.0.0-X2`: a trailing `.X` reads as `-X`.
        if !is_digit && !builder.current_is_empty() {
            builder.nest();
        }
        builder.push(parse_item(
            is_combination,
            is_digit,
            &text(start, chars.len()),
        ));
    }
    let mut root = builder.finish();
    normalize(&mut root);
    root
}

fn is_null(item: &Item) -> bool {
    match item {
        Item::Number(n) => n.is_zero(),
        Item::Text(t) => t.is_empty(),
        Item::Combination(..) => false,
        Item::List(items) => items.is_empty(),
    }
}

/// Drops insignificant zeros and empty qualifiers, innermost lists first.
fn normalize(items: &mut Vec<Item>) {
    for item in items.iter_mut() {
        if let Item::List(inner) = item {
            normalize(inner);
        }
    }
    let mut i = items.len();
    while i > 0 {
        i -= 1;
        if !items.get(i).is_some_and(is_null) {
            continue;
        }
        let remove = match items.get(i + 1) {
            None | Some(Item::Text(_)) => true,
            Some(Item::List(next)) => {
                matches!(next.first(), Some(Item::Combination(..) | Item::Text(_)))
            }
            Some(_) => false,
        };
        if remove {
            items.remove(i);
        }
    }
    if let [Item::List(_)] = items.as_slice() {
        // Removing a zero prefix must not leave an extra level of nesting.
        if let Some(Item::List(inner)) = items.pop() {
            *items = inner;
        }
    }
}

/// `item.compareTo(other)`; `None` stands for "nothing" (a missing item past the end).
fn cmp_item(item: &Item, other: Option<&Item>) -> Ordering {
    match item {
        Item::Number(n) => match other {
            None => {
                if n.is_zero() {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            Some(Item::Number(m)) => n.cmp(m),
            Some(_) => Ordering::Greater,
        },
        Item::Text(s) => match other {
            None => qualifier_key(s).cmp(&(RELEASE_RANK, "")),
            Some(Item::Number(_)) => Ordering::Less,
            Some(Item::Text(t)) => qualifier_key(s).cmp(&qualifier_key(t)),
            Some(Item::Combination(t, digits)) => {
                let result = qualifier_key(s).cmp(&qualifier_key(t));
                if result != Ordering::Equal {
                    return result;
                }
                if cmp_item(item, None) == Ordering::Equal {
                    return number_vs_nothing(digits).reverse();
                }
                Ordering::Less
            }
            Some(list @ Item::List(_)) => cmp_item(list, Some(item)).reverse(),
        },
        Item::Combination(s, digits) => match other {
            None => {
                let result = qualifier_key(s).cmp(&(RELEASE_RANK, ""));
                if result == Ordering::Equal {
                    return number_vs_nothing(digits);
                }
                result
            }
            Some(Item::Number(_)) => Ordering::Less,
            Some(Item::Text(t)) => {
                let result = qualifier_key(s).cmp(&qualifier_key(t));
                if result != Ordering::Equal {
                    return result;
                }
                if qualifier_key(s) == (RELEASE_RANK, "") {
                    return number_vs_nothing(digits);
                }
                // `X1` > `X`.
                Ordering::Greater
            }
            Some(list @ Item::List(_)) => cmp_item(list, Some(item)).reverse(),
            Some(Item::Combination(t, other_digits)) => qualifier_key(s)
                .cmp(&qualifier_key(t))
                .then_with(|| digits.cmp(other_digits)),
        },
        Item::List(items) => match other {
            None => items
                .iter()
                .map(|i| cmp_item(i, None))
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(Ordering::Equal),
            Some(Item::Number(_)) => Ordering::Less,
            Some(scalar @ (Item::Text(_) | Item::Combination(..))) => {
                let mut result = match items.first() {
                    None => cmp_item(scalar, None).reverse(),
                    Some(first) => cmp_item(first, Some(scalar)),
                };
                for rest in items.iter().skip(1) {
                    if result != Ordering::Equal {
                        break;
                    }
                    result = cmp_item(rest, None);
                }
                result
            }
            Some(Item::List(others)) => cmp_lists(items, others),
        },
    }
}

fn number_vs_nothing(n: &Num) -> Ordering {
    if n.is_zero() {
        Ordering::Equal
    } else {
        Ordering::Greater
    }
}

fn cmp_lists(left: &[Item], right: &[Item]) -> Ordering {
    for i in 0..left.len().max(right.len()) {
        let result = match (left.get(i), right.get(i)) {
            (Some(l), r) => cmp_item(l, r),
            (None, Some(r)) => cmp_item(r, None).reverse(),
            (None, None) => Ordering::Equal,
        };
        if result != Ordering::Equal {
            return result;
        }
    }
    Ordering::Equal
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_lists(&self.items, &other.items)
    }
}
eq_from_ord!(MavenVersion);

fn write_items(items: &[Item], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(if matches!(item, Item::List(_)) {
                "-"
            } else {
                "."
            })?;
        }
        match item {
            Item::Number(n) => write!(f, "{n}")?,
            Item::Text(t) => f.write_str(t)?,
            Item::Combination(t, n) => write!(f, "{t}{n}")?,
            Item::List(inner) => write_items(inner, f)?,
        }
    }
    Ok(())
}

impl fmt::Display for MavenVersion {
    /// Maven's canonical form (`getCanonical`), except that a version equal to zero, whose
    /// canonical form is empty, shows as `0` so that it parses back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.items.is_empty() {
            return f.write_str("0");
        }
        write_items(&self.items, f)
    }
}
