//! The Debian security tracker JSON (`security-tracker.debian.org/tracker/data/json`):
//! `{source package: {CVE: {description, releases: {codename: {status, fixed_version, urgency,
//! nodsa, nodsa_reason}}}}}`, mapped per release to ecosystem `Debian:<n>`.

use seatbelt_types::{AffectedRange, FixState, RangeEvent, RangeKind};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{ParseError, Parsed};
use crate::model::{source, Advisory, AdvisoryRecord, Affected};

/// Release codenames and the numbers OSV ecosystems use (`Debian:12`).
pub const RELEASES: &[(&str, &str)] = &[
    ("woody", "3.0"),
    ("sarge", "3.1"),
    ("etch", "4"),
    ("lenny", "5"),
    ("squeeze", "6"),
    ("wheezy", "7"),
    ("jessie", "8"),
    ("stretch", "9"),
    ("buster", "10"),
    ("bullseye", "11"),
    ("bookworm", "12"),
    ("trixie", "13"),
    ("forky", "14"),
];

#[derive(Deserialize)]
struct Release {
    status: String,
    #[serde(default)]
    fixed_version: Option<String>,
    #[serde(default)]
    urgency: Option<String>,
    #[serde(default)]
    nodsa_reason: Option<String>,
}

/// Parses the whole tracker file: one record per (source package, CVE). Entries that do not
/// decode are counted; releases without a number (sid, experimental) are skipped.
pub fn parse(bytes: &[u8]) -> Result<Parsed<AdvisoryRecord>, ParseError> {
    let value: Value = serde_json::from_slice(bytes).map_err(ParseError::json)?;
    from_value(value)
}

pub(crate) fn from_value(value: Value) -> Result<Parsed<AdvisoryRecord>, ParseError> {
    let Value::Object(packages) = value else {
        return Err(ParseError::new("expected an object of source packages"));
    };
    let mut parsed = Parsed::default();
    for (package, cves) in packages {
        let Value::Object(cves) = cves else {
            parsed.malformed(format!("{package}: not an object of CVEs"));
            continue;
        };
        for (cve, entry) in cves {
            match convert(&package, &cve, entry) {
                Ok((record, skipped)) => {
                    parsed.skipped += skipped;
                    if !record.affected.is_empty() {
                        parsed.items.push(record);
                    }
                }
                Err(reason) => parsed.malformed(format!("{package} {cve}: {reason}")),
            }
        }
    }
    Ok(parsed)
}

/// Whether `value` is shaped like the tracker file (checks one entry, not all).
pub(crate) fn looks_like(value: &Map<String, Value>) -> bool {
    value.values().take(8).any(|cves| {
        cves.as_object().is_some_and(|cves| {
            cves.values()
                .take(4)
                .any(|e| e.get("releases").is_some_and(Value::is_object))
        })
    })
}

fn convert(package: &str, cve: &str, entry: Value) -> Result<(AdvisoryRecord, u64), String> {
    let Value::Object(mut entry) = entry else {
        return Err("not an object".into());
    };
    let description = match entry.remove("description") {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        _ => None,
    };
    let releases = match entry.remove("releases") {
        Some(Value::Object(r)) => r,
        Some(_) => return Err("`releases` is not an object".into()),
        None => Map::new(),
    };
    let mut affected = Vec::new();
    let mut skipped = 0;
    for (codename, release) in releases {
        let Some(number) = RELEASES
            .iter()
            .find(|(name, _)| *name == codename)
            .map(|(_, n)| *n)
        else {
            skipped += 1;
            continue;
        };
        let release: Release =
            serde_json::from_value(release).map_err(|e| format!("{codename}: {e}"))?;
        let urgency = release
            .urgency
            .filter(|u| !u.is_empty() && u != "not yet assigned");
        let fixed = release.fixed_version.filter(|v| !v.is_empty());
        let (state, ranges) = match release.status.as_str() {
            "resolved" => match fixed.as_deref() {
                Some("0") => (FixState::NotAffected, Vec::new()),
                Some(version) => (
                    FixState::Fixed,
                    vec![AffectedRange {
                        kind: RangeKind::Ecosystem,
                        events: vec![
                            RangeEvent::Introduced("0".into()),
                            RangeEvent::Fixed(version.to_string()),
                        ],
                    }],
                ),
                None => return Err(format!("{codename}: resolved without a fixed_version")),
            },
            // Undetermined: the tracker has not decided; treat as affected so it stays visible.
            "open" | "undetermined" => {
                let state = if urgency.as_deref() == Some("end-of-life") {
                    FixState::EndOfLife
                } else if release.nodsa_reason.as_deref() == Some("ignored") {
                    FixState::WillNotFix
                } else {
                    FixState::Unfixed
                };
                (
                    state,
                    vec![AffectedRange {
                        kind: RangeKind::Ecosystem,
                        events: vec![RangeEvent::Introduced("0".into())],
                    }],
                )
            }
            other => return Err(format!("{codename}: unknown status `{other}`")),
        };
        affected.push(Affected {
            advisory_id: cve.to_string(),
            ecosystem: format!("Debian:{number}"),
            package: package.to_string(),
            ranges,
            versions: Vec::new(),
            state,
            vendor_severity: urgency,
            source: source::DEBIAN_TRACKER.to_string(),
        });
    }
    Ok((
        AdvisoryRecord {
            advisory: Advisory {
                id: cve.to_string(),
                source: source::DEBIAN_TRACKER.to_string(),
                summary: description,
                ..Advisory::default()
            },
            affected,
        },
        skipped,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shaped like security-tracker.debian.org/tracker/data/json (values invented).
    const TRACKER: &str = r#"{
      "examplelib": {
        "CVE-2099-0001": {"description": "heap overflow", "scope": "remote", "debianbug": 1,
          "releases": {
            "bookworm": {"status": "resolved", "repositories": {"bookworm": "1.2-1+deb12u1"}, "fixed_version": "1.2-1+deb12u1", "urgency": "medium"},
            "bullseye": {"status": "open", "repositories": {}, "urgency": "unimportant"},
            "buster": {"status": "open", "repositories": {}, "urgency": "end-of-life"},
            "trixie": {"status": "resolved", "repositories": {}, "fixed_version": "0", "urgency": "unimportant"},
            "sid": {"status": "resolved", "repositories": {}, "fixed_version": "1.3-1", "urgency": "medium"}
          }},
        "CVE-2099-0002": {"releases": {"bookworm": {"status": "open", "urgency": "low", "nodsa": "Minor issue", "nodsa_reason": "ignored"}}},
        "CVE-2099-0003": {"releases": {"bookworm": {"status": "weird"}}},
        "CVE-2099-0004": {"releases": {"bookworm": {"status": "open", "urgency": "not yet assigned", "nodsa_reason": "postponed"}}}
      },
      "broken": 5
    }"#;

    #[test]
    fn maps_release_states() {
        let parsed = parse(TRACKER.as_bytes()).unwrap();
        assert_eq!(parsed.malformed, 2);
        assert_eq!(parsed.skipped, 1);
        let first = &parsed.items[0];
        assert_eq!(first.advisory.summary.as_deref(), Some("heap overflow"));
        let by = |eco: &str| first.affected.iter().find(|a| a.ecosystem == eco).unwrap();
        assert_eq!(by("Debian:12").state, FixState::Fixed);
        assert_eq!(by("Debian:12").vendor_severity.as_deref(), Some("medium"));
        assert_eq!(by("Debian:11").state, FixState::Unfixed);
        assert_eq!(
            by("Debian:11").vendor_severity.as_deref(),
            Some("unimportant")
        );
        assert_eq!(by("Debian:10").state, FixState::EndOfLife);
        assert_eq!(by("Debian:13").state, FixState::NotAffected);
        assert_eq!(parsed.items[1].affected[0].state, FixState::WillNotFix);
        let postponed = &parsed.items[2].affected[0];
        assert_eq!(postponed.state, FixState::Unfixed);
        assert_eq!(postponed.vendor_severity, None);
    }
}
