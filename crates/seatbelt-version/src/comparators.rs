//! The comparator-list range syntax for schemes that have no range language of their own
//! (dpkg, apk, rpm, Go): `>= 1.0, < 2.0`, alternatives joined with `||`. Operators: `=`/`==`,
//! `!=`, `<`, `<=`, `>`, `>=`, and dpkg's `<<`/`>>` for strictly less/greater.

use std::cmp::Ordering;

/// The range shape reported in errors for schemes that use comparator lists.
pub(crate) const SHAPE: &str =
    "comparators joined by commas, alternatives by `||` (`>= 1.0, < 2.0 || = 3.1`)";

/// One comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    /// Whether `ordering` (the version against the bound) passes.
    pub(crate) fn accepts(self, ordering: Ordering) -> bool {
        match self {
            Op::Eq => ordering == Ordering::Equal,
            Op::Ne => ordering != Ordering::Equal,
            Op::Lt => ordering == Ordering::Less,
            Op::Le => ordering != Ordering::Greater,
            Op::Gt => ordering == Ordering::Greater,
            Op::Ge => ordering != Ordering::Less,
        }
    }
}

/// Splits a leading operator off `clause`; a bare version means equality.
pub(crate) fn split_op(clause: &str) -> (Op, &str) {
    // Longest operators first, so `<=` is not read as `<` followed by `=1.0`.
    const OPS: [(&str, Op); 9] = [
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("!=", Op::Ne),
        ("==", Op::Eq),
        (">>", Op::Gt),
        ("<<", Op::Lt),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("=", Op::Eq),
    ];
    for (text, op) in OPS {
        if let Some(rest) = clause.strip_prefix(text) {
            return (op, rest.trim());
        }
    }
    (Op::Eq, clause.trim())
}

/// Whether `version` satisfies `range`, reading each bound with `parse`.
pub(crate) fn satisfies<V: Ord>(
    version: &V,
    range: &str,
    parse: impl Fn(&str) -> Result<V, String>,
) -> Result<bool, String> {
    if range.trim().is_empty() {
        return Err("the range is empty".to_string());
    }
    let mut any = false;
    for alternative in range.split("||") {
        let mut all = true;
        for clause in alternative.split(',') {
            let clause = clause.trim();
            if clause.is_empty() {
                return Err("a comparator is empty (two commas, or a comma at an end)".into());
            }
            let (op, bound) = split_op(clause);
            if bound.is_empty() {
                return Err(format!("the comparator {clause:?} has no version"));
            }
            let bound = parse(bound).map_err(|reason| format!("in {clause:?}: {reason}"))?;
            all &= op.accepts(version.cmp(&bound));
        }
        any |= all;
    }
    Ok(any)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(text: &str) -> Result<u32, String> {
        text.parse()
            .map_err(|_| format!("{text:?} is not a number"))
    }

    #[test]
    fn lists_are_conjunctions_and_bars_disjunctions() {
        assert_eq!(satisfies(&5, ">= 1, < 10", int), Ok(true));
        assert_eq!(satisfies(&10, ">= 1, < 10", int), Ok(false));
        assert_eq!(satisfies(&10, ">= 1, < 10 || = 10", int), Ok(true));
        assert_eq!(satisfies(&3, "!= 3", int), Ok(false));
        assert_eq!(satisfies(&3, "3", int), Ok(true));
        assert_eq!(satisfies(&3, ">> 2, << 4", int), Ok(true));
    }

    #[test]
    fn malformed_lists_are_errors() {
        assert!(satisfies(&5, "", int).is_err());
        assert!(satisfies(&5, ">= 1,", int).is_err());
        assert!(satisfies(&5, ">=", int).is_err());
        assert!(satisfies(&5, ">= x", int).is_err());
    }
}
