//! License strings as SBOM formats want them: a known SPDX identifier, a valid SPDX
//! expression, or free text that needs a `LicenseRef-`.

use std::cmp::Ordering;

use super::license_list::IDS;

/// The canonical spelling of an SPDX license or exception id, matched case-insensitively
/// (SPDX ids are case-insensitive; `mit` is `MIT`).
pub(crate) fn canonical_id(id: &str) -> Option<&'static str> {
    IDS.binary_search_by(|probe| cmp_ignore_case(probe, id))
        .ok()
        .and_then(|i| IDS.get(i).copied())
}

fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// What a declared license is, for the writers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum License {
    /// One SPDX license id, canonically spelt (`GPL-2.0+` included).
    Id(String),
    /// A compound SPDX expression, normalised (ids canonical, operators uppercase).
    Expression(String),
    /// Anything else, as written.
    Text(String),
}

/// Classifies one license string: a known SPDX id, a well-formed expression over known ids
/// (and `LicenseRef-`s), or text.
pub(crate) fn classify(text: &str) -> License {
    let trimmed = text.trim();
    match normalize_expression(trimmed) {
        Some((expr, 1)) if !expr.starts_with("LicenseRef-") && !expr.contains([' ', '(']) => {
            License::Id(expr)
        }
        Some((expr, _)) => License::Expression(expr),
        None => License::Text(trimmed.to_string()),
    }
}

fn is_ref(token: &str) -> bool {
    (token.starts_with("LicenseRef-") || token.starts_with("DocumentRef-"))
        && token.len() > 11
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:".contains(&b))
}

/// Normalises an SPDX expression (grammar of SPDX 2.3 annex D), returning it and the number
/// of license terms; `None` when it is not one.
fn normalize_expression(text: &str) -> Option<(String, usize)> {
    let spaced = text.replace('(', " ( ").replace(')', " ) ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    if tokens.is_empty() || tokens.len() > 512 {
        return None;
    }
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut depth = 0usize;
    // `true` when the grammar expects a license (or `(`) next.
    let mut want_term = true;
    let mut after_with = false;
    let mut terms = 0;
    for token in tokens {
        let upper = token.to_ascii_uppercase();
        match upper.as_str() {
            "(" if want_term && !after_with => {
                depth += 1;
                out.push("(".into());
            }
            ")" if !want_term => {
                depth = depth.checked_sub(1)?;
                out.push(")".into());
            }
            "AND" | "OR" if !want_term => {
                out.push(upper);
                want_term = true;
            }
            "WITH" if !want_term => {
                out.push(upper);
                want_term = true;
                after_with = true;
            }
            _ if want_term => {
                let term = if is_ref(token) && !after_with {
                    token.to_string()
                } else if let Some(base) = token.strip_suffix('+').filter(|_| !after_with) {
                    format!("{}+", canonical_id(base)?)
                } else {
                    canonical_id(token)?.to_string()
                };
                out.push(term);
                if !after_with {
                    terms += 1;
                }
                after_with = false;
                want_term = false;
            }
            _ => return None,
        }
    }
    if want_term || depth != 0 {
        return None;
    }
    let mut joined = out.join(" ");
    joined = joined.replace("( ", "(").replace(" )", ")");
    Some((joined, terms))
}

/// `LicenseRef-` + the text with every character SPDX does not allow in an id replaced.
pub(crate) fn license_ref(text: &str) -> String {
    let cleaned: String = text
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('-');
    if cleaned.is_empty() {
        "LicenseRef-unnamed".to_string()
    } else {
        format!("LicenseRef-{cleaned}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_expressions_and_text() {
        assert_eq!(classify("mit"), License::Id("MIT".into()));
        assert_eq!(classify("GPL-2.0+"), License::Id("GPL-2.0+".into()));
        assert_eq!(
            classify("GPL-2.0-or-later with GCC-exception-3.1"),
            License::Expression("GPL-2.0-or-later WITH GCC-exception-3.1".into())
        );
        assert_eq!(
            classify("apache-2.0 or  MIT"),
            License::Expression("Apache-2.0 OR MIT".into())
        );
        assert_eq!(
            classify("(GPL-2.0-only WITH Classpath-exception-2.0) and BSD-3-Clause"),
            License::Expression(
                "(GPL-2.0-only WITH Classpath-exception-2.0) AND BSD-3-Clause".into()
            )
        );
        assert_eq!(
            classify("LicenseRef-foo"),
            License::Expression("LicenseRef-foo".into())
        );
        for text in [
            "BSD",
            "Apache License 2.0",
            "MIT AND",
            "(MIT",
            "MIT)",
            "",
            "AND MIT",
            "MIT WITH (X)",
        ] {
            assert!(matches!(classify(text), License::Text(_)), "{text}");
        }
        assert_eq!(
            license_ref("Apache License, 2.0"),
            "LicenseRef-Apache-License--2.0"
        );
        assert_eq!(license_ref(" ?? "), "LicenseRef-unnamed");
    }
}
