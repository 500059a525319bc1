//! OSV `affected` evaluation, as the OSV schema's "Evaluation" section states it: each range's
//! events are sorted by version (`introduced: "0"` first); walking them, `introduced` at or
//! below the version turns "affected" on, `fixed` at or below turns it off, `last_affected`
//! below turns it off; a range with `limit` events only covers versions below one of its limits
//! (`"*"` is no limit). `ECOSYSTEM` ranges compare with the package's scheme, `SEMVER` ranges
//! with SemVer (leniently, as OSV producers write it), `GIT` ranges cannot be evaluated against
//! a version string and are skipped (and said so). A `versions` list matches exactly.

use std::cmp::Ordering;

use seatbelt_types::{AffectedRange, RangeEvent, RangeKind};

use crate::{Scheme, Version, VersionError};

/// What OSV's data says of one installed version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeVerdict {
    /// Whether the version is affected.
    pub affected: bool,
    /// The `fixed` event ending the range that contains the version (the lowest such fix
    /// above it), when the version is affected and a fix is known.
    pub fixed: Option<String>,
    /// Whether some `GIT` ranges were skipped (they cannot be evaluated against a version).
    pub git_ranges_skipped: bool,
}

/// Evaluates OSV `ranges` and `versions` for `version`, ordering `ECOSYSTEM` ranges with
/// `scheme` and `SEMVER` ranges with SemVer.
pub fn osv_affected(
    scheme: Scheme,
    version: &str,
    ranges: &[AffectedRange],
    versions: &[String],
) -> Result<RangeVerdict, VersionError> {
    evaluate_all(scheme, version, Installed::Lazy(None), ranges, versions)
}

/// [`osv_affected`] for a version already parsed with `scheme` (`installed` must be
/// `scheme.parse(version)`): a scanner checking one package against many advisories reads its
/// version once instead of once per advisory.
pub fn osv_affected_parsed(
    scheme: Scheme,
    version: &str,
    installed: &Version,
    ranges: &[AffectedRange],
    versions: &[String],
) -> Result<RangeVerdict, VersionError> {
    evaluate_all(
        scheme,
        version,
        Installed::Parsed(installed),
        ranges,
        versions,
    )
}

/// The installed version under the package's own scheme: given, or read on first need (so a
/// record with only SEMVER or GIT ranges never fails on it).
enum Installed<'a> {
    Parsed(&'a Version),
    Lazy(Option<Version>),
}

fn evaluate_all(
    scheme: Scheme,
    version: &str,
    mut as_ecosystem: Installed<'_>,
    ranges: &[AffectedRange],
    versions: &[String],
) -> Result<RangeVerdict, VersionError> {
    let mut verdict = RangeVerdict {
        affected: false,
        fixed: None,
        git_ranges_skipped: false,
    };
    let mut as_semver: Option<Version> = None;
    for range in ranges {
        let (range_scheme, installed): (Scheme, &Version) = match range.kind {
            RangeKind::Git => {
                verdict.git_ranges_skipped = true;
                continue;
            }
            RangeKind::Ecosystem => match &mut as_ecosystem {
                Installed::Parsed(parsed) => (scheme, *parsed),
                Installed::Lazy(slot) => match slot.take() {
                    Some(parsed) => (scheme, &*slot.insert(parsed)),
                    None => (scheme, &*slot.insert(scheme.parse(version)?)),
                },
            },
            RangeKind::Semver => match as_semver.take() {
                Some(parsed) => (Scheme::Semver, &*as_semver.insert(parsed)),
                None => (
                    Scheme::Semver,
                    &*as_semver.insert(Scheme::Semver.parse(version)?),
                ),
            },
        };
        if let Some(fix) = evaluate(range_scheme, installed, &range.events)? {
            verdict.affected = true;
            verdict.fixed = match (verdict.fixed.take(), fix) {
                (Some(a), Some(b)) => Some(lower(range_scheme, a, b)),
                (a, b) => a.or(b),
            };
        }
    }
    if !verdict.affected && !versions.is_empty() {
        let parsed_here;
        let installed = match &as_ecosystem {
            Installed::Parsed(parsed) => Some(*parsed),
            Installed::Lazy(Some(parsed)) => Some(parsed),
            Installed::Lazy(None) => {
                parsed_here = scheme.parse(version).ok();
                parsed_here.as_ref()
            }
        };
        if listed(scheme, version, installed, versions) {
            verdict.affected = true;
        }
    }
    Ok(verdict)
}

/// The lower of two fixed versions (both parsed before, so parsing cannot fail here; if it
/// did, the first is kept).
fn lower(scheme: Scheme, a: String, b: String) -> String {
    match scheme.compare(&a, &b) {
        Ok(Ordering::Greater) => b,
        _ => a,
    }
}

/// Whether `version` is in the `versions` list: equal under the scheme, or the same text
/// where a listed version does not parse.
fn listed(scheme: Scheme, version: &str, installed: Option<&Version>, versions: &[String]) -> bool {
    versions.iter().any(|listed| {
        listed == version
            || match (installed, scheme.parse(listed)) {
                (Some(installed), Ok(listed)) => *installed == listed,
                _ => false,
            }
    })
}

/// An event with its version parsed; `None` for `introduced: "0"` and `limit: "*"`.
struct Parsed<'a> {
    event: &'a RangeEvent,
    version: Option<Version>,
}

/// `None` if the range does not cover `installed`; `Some(fix)` if it does.
fn evaluate(
    scheme: Scheme,
    installed: &Version,
    events: &[RangeEvent],
) -> Result<Option<Option<String>>, VersionError> {
    let mut parsed = Vec::with_capacity(events.len());
    for event in events {
        let text = event_text(event);
        let version = match (event, text) {
            (RangeEvent::Introduced(_), "0") | (RangeEvent::Limit(_), "*") => None,
            _ => Some(
                scheme
                    .parse(text)
                    .map_err(|e| VersionError::InvalidOsvRange {
                        reason: format!("{} event {text:?}: {e}", event_name(event)),
                    })?,
            ),
        };
        parsed.push(Parsed { event, version });
    }
    // `introduced: "0"` sorts first; on equal versions an `introduced` comes first, so a
    // range that opens and closes at the same version covers nothing.
    parsed.sort_by(|a, b| match (&a.version, &b.version) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(y).then_with(|| rank(a.event).cmp(&rank(b.event))),
    });

    let limits: Vec<&Parsed<'_>> = parsed
        .iter()
        .filter(|p| matches!(p.event, RangeEvent::Limit(_)))
        .collect();
    if !limits.is_empty()
        && !limits
            .iter()
            .any(|p| p.version.as_ref().is_none_or(|limit| installed < limit))
    {
        return Ok(None);
    }

    let mut affected = false;
    for p in &parsed {
        match (p.event, &p.version) {
            (RangeEvent::Introduced(_), None) => affected = true,
            (RangeEvent::Introduced(_), Some(v)) if installed >= v => affected = true,
            (RangeEvent::Fixed(_), Some(v)) if installed >= v => affected = false,
            (RangeEvent::LastAffected(_), Some(v)) if installed > v => affected = false,
            _ => {}
        }
    }
    if !affected {
        return Ok(None);
    }
    // The fix closing this stretch: the first `fixed` above the installed version.
    let fix = parsed.iter().find_map(|p| match (p.event, &p.version) {
        (RangeEvent::Fixed(text), Some(v)) if installed < v => Some(text.clone()),
        _ => None,
    });
    Ok(Some(fix))
}

fn event_text(event: &RangeEvent) -> &str {
    match event {
        RangeEvent::Introduced(v)
        | RangeEvent::Fixed(v)
        | RangeEvent::LastAffected(v)
        | RangeEvent::Limit(v) => v,
    }
}

fn event_name(event: &RangeEvent) -> &'static str {
    match event {
        RangeEvent::Introduced(_) => "introduced",
        RangeEvent::Fixed(_) => "fixed",
        RangeEvent::LastAffected(_) => "last_affected",
        RangeEvent::Limit(_) => "limit",
    }
}

fn rank(event: &RangeEvent) -> u8 {
    match event {
        RangeEvent::Introduced(_) => 0,
        RangeEvent::LastAffected(_) => 1,
        RangeEvent::Fixed(_) => 2,
        RangeEvent::Limit(_) => 3,
    }
}

#[cfg(test)]
mod tests;
