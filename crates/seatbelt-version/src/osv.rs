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
    let mut verdict = RangeVerdict {
        affected: false,
        fixed: None,
        git_ranges_skipped: false,
    };
    // The installed version, read once per scheme it is compared under.
    let mut as_ecosystem: Option<Version> = None;
    let mut as_semver: Option<Version> = None;
    for range in ranges {
        let range_scheme = match range.kind {
            RangeKind::Git => {
                verdict.git_ranges_skipped = true;
                continue;
            }
            RangeKind::Ecosystem => scheme,
            RangeKind::Semver => Scheme::Semver,
        };
        let slot = match range.kind {
            RangeKind::Semver => &mut as_semver,
            _ => &mut as_ecosystem,
        };
        let installed = match slot.take() {
            Some(parsed) => slot.insert(parsed),
            None => slot.insert(range_scheme.parse(version)?),
        };
        if let Some(fix) = evaluate(range_scheme, installed, &range.events)? {
            verdict.affected = true;
            verdict.fixed = match (verdict.fixed.take(), fix) {
                (Some(a), Some(b)) => Some(lower(range_scheme, a, b)),
                (a, b) => a.or(b),
            };
        }
    }
    if !verdict.affected && !versions.is_empty() && listed(scheme, version, versions) {
        verdict.affected = true;
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
fn listed(scheme: Scheme, version: &str, versions: &[String]) -> bool {
    let installed = scheme.parse(version).ok();
    versions.iter().any(|listed| {
        listed == version
            || match (&installed, scheme.parse(listed)) {
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
