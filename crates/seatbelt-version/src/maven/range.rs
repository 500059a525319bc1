//! Maven version ranges, as `VersionRange.createFromVersionSpec` reads them: restrictions
//! `[a,b]`, `[a,b)`, `(a,b]`, `(a,b)`, open ends `(,b]` and `[a,)`, the exact `[a]`, and unions
//! of restrictions separated by commas.
//!
//! A bare version (`1.0`) is Maven's "soft requirement", which accepts every version while
//! recommending that one; as a check that would always answer yes, so here it means `[1.0]`.

use std::cmp::Ordering;

use super::{Maven, MavenVersion};
use crate::scheme::VersionScheme;

struct Restriction {
    lower: Option<(MavenVersion, bool)>,
    upper: Option<(MavenVersion, bool)>,
}

impl Restriction {
    fn contains(&self, version: &MavenVersion) -> bool {
        let above = match &self.lower {
            None => true,
            Some((bound, inclusive)) => match version.cmp(bound) {
                Ordering::Greater => true,
                Ordering::Equal => *inclusive,
                Ordering::Less => false,
            },
        };
        let below = match &self.upper {
            None => true,
            Some((bound, inclusive)) => match version.cmp(bound) {
                Ordering::Less => true,
                Ordering::Equal => *inclusive,
                Ordering::Greater => false,
            },
        };
        above && below
    }
}

pub(super) fn satisfies(version: &MavenVersion, spec: &str) -> Result<bool, String> {
    let restrictions = parse(spec)?;
    Ok(restrictions.iter().any(|r| r.contains(version)))
}

fn parse(spec: &str) -> Result<Vec<Restriction>, String> {
    let mut rest = spec.trim();
    if rest.is_empty() {
        return Err("the range is empty".into());
    }
    let mut restrictions = Vec::new();
    while rest.starts_with(['[', '(']) {
        let Some(end) = rest.find([']', ')']) else {
            return Err(format!("unbounded range {rest:?}: a `]` or `)` is missing"));
        };
        let (restriction, after) = rest.split_at(end + 1);
        restrictions.push(parse_restriction(restriction)?);
        rest = after.trim_start();
        if let Some(after_comma) = rest.strip_prefix(',') {
            rest = after_comma.trim_start();
        }
    }
    if !rest.is_empty() {
        if !restrictions.is_empty() {
            return Err(format!(
                "{rest:?} after the restrictions: only bracketed restrictions can be joined"
            ));
        }
        let exact = parse_version(rest)?;
        restrictions.push(Restriction {
            lower: Some((exact.clone(), true)),
            upper: Some((exact, true)),
        });
    }
    if restrictions.is_empty() {
        return Err("no restriction found".into());
    }
    Ok(restrictions)
}

fn parse_version(text: &str) -> Result<MavenVersion, String> {
    Maven::parse(text).map_err(|reason| format!("{text:?}: {reason}"))
}

fn parse_restriction(text: &str) -> Result<Restriction, String> {
    let lower_inclusive = text.starts_with('[');
    let upper_inclusive = text.ends_with(']');
    let inner = text
        .get(1..text.len().saturating_sub(1))
        .unwrap_or_default()
        .trim();
    match inner.split_once(',') {
        None => {
            if !(lower_inclusive && upper_inclusive) {
                return Err(format!("{text:?}: a single version must be in [ ]"));
            }
            let exact = parse_version(inner)?;
            Ok(Restriction {
                lower: Some((exact.clone(), true)),
                upper: Some((exact, true)),
            })
        }
        Some((lower, upper)) => {
            let (lower, upper) = (lower.trim(), upper.trim());
            if upper.contains(',') {
                return Err(format!("{text:?} has more than two bounds"));
            }
            let lower = match lower {
                "" => None,
                v => Some((parse_version(v)?, lower_inclusive)),
            };
            let upper = match upper {
                "" => None,
                v => Some((parse_version(v)?, upper_inclusive)),
            };
            if let (Some((l, li)), Some((u, ui))) = (&lower, &upper) {
                match l.cmp(u) {
                    Ordering::Greater => {
                        return Err(format!(
                            "{text:?}: the lower bound is above the upper bound"
                        ))
                    }
                    Ordering::Equal if !(*li && *ui) => {
                        return Err(format!("{text:?}: identical bounds must both be inclusive"))
                    }
                    _ => {}
                }
            }
            Ok(Restriction { lower, upper })
        }
    }
}
