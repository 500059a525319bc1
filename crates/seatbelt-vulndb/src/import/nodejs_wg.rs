//! The Node.js security WG's npm advisories (`vuln/npm/<n>.json` in nodejs/security-wg): not OSV,
//! but mapped to OSV-shaped records with ecosystem `npm` when `vulnerable_versions` is a union of
//! comparator sets OSV events can express (`<`, `<=`, `>=`, `=`, exact versions). Other ranges
//! (`>`, `^`, `~`, x-ranges) are skipped and counted rather than approximated.

use seatbelt_types::{AffectedRange, FixState, RangeEvent, RangeKind};
use serde::Deserialize;
use serde_json::Value;

use super::bounded::Bounded;
use super::osv::MAX_LIST;
use super::ParseError;
use crate::model::{source, Advisory, AdvisoryRecord, Affected, SeverityScore};

#[derive(Deserialize)]
struct Advisory0 {
    id: u64,
    module_name: String,
    vulnerable_versions: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    overview: Option<String>,
    #[serde(default)]
    cves: Bounded<String, MAX_LIST>,
    #[serde(default)]
    references: Bounded<String, MAX_LIST>,
    #[serde(default)]
    cvss_vector: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
    #[serde(default)]
    publish_date: Option<String>,
}

/// Parses one advisory; `Ok(None)` when its range cannot be expressed as OSV events.
pub fn parse(bytes: &[u8]) -> Result<Option<AdvisoryRecord>, ParseError> {
    let value: Value = serde_json::from_slice(bytes).map_err(ParseError::json)?;
    from_value(value)
}

pub(crate) fn from_value(value: Value) -> Result<Option<AdvisoryRecord>, ParseError> {
    let a: Advisory0 = serde_json::from_value(value).map_err(ParseError::json)?;
    let name = a.module_name.trim();
    if name.is_empty() {
        return Err(ParseError::new("empty module_name"));
    }
    let Some(ranges) = a.vulnerable_versions.as_deref().and_then(to_ranges) else {
        return Ok(None);
    };
    let id = format!("NSWG-ECO-{}", a.id);
    let fixed = ranges
        .iter()
        .any(|r| r.events.iter().any(|e| matches!(e, RangeEvent::Fixed(_))));
    let date = |d: Option<String>| {
        d.map(|d| {
            if d.len() == 10 {
                format!("{d}T00:00:00Z")
            } else {
                d
            }
        })
    };
    Ok(Some(AdvisoryRecord {
        advisory: Advisory {
            id: id.clone(),
            source: source::NODEJS_WG.to_string(),
            summary: a.title,
            details: a.overview,
            aliases: a.cves.0,
            published: date(a.publish_date.or(a.created_at)),
            modified: date(a.updated_at),
            severity: a
                .cvss_vector
                .filter(|v| v.starts_with("CVSS:3"))
                .map(|score| SeverityScore {
                    kind: "CVSS_V3".into(),
                    score,
                })
                .into_iter()
                .collect(),
            references: a.references.0,
            ..Advisory::default()
        },
        affected: vec![Affected {
            advisory_id: id,
            ecosystem: "npm".into(),
            package: name.to_string(),
            ranges,
            versions: Vec::new(),
            state: if fixed {
                FixState::Fixed
            } else {
                FixState::Unfixed
            },
            vendor_severity: None,
            source: source::NODEJS_WG.to_string(),
        }],
    }))
}

/// `<1.2 || >=2.0 <2.1` → one SEMVER range per comparator set.
fn to_ranges(text: &str) -> Option<Vec<AffectedRange>> {
    let mut ranges = Vec::new();
    for set in text.split("||") {
        let mut lower: Option<String> = None;
        let mut upper: Option<RangeEvent> = None;
        let mut tokens = set.split_whitespace().peekable();
        while let Some(token) = tokens.next() {
            // Operators may stand apart from their version ("<= 1.0.3").
            let token = if matches!(token, "<" | "<=" | ">=" | "=") {
                format!("{token}{}", tokens.next()?)
            } else {
                token.to_string()
            };
            let (op, version) = split_op(&token)?;
            if !is_plain_version(version) {
                return None;
            }
            match op {
                ">=" if lower.is_none() => lower = Some(version.to_string()),
                "<" if upper.is_none() => upper = Some(RangeEvent::Fixed(version.to_string())),
                "<=" if upper.is_none() => {
                    upper = Some(RangeEvent::LastAffected(version.to_string()))
                }
                "=" | "" if lower.is_none() && upper.is_none() => {
                    lower = Some(version.to_string());
                    upper = Some(RangeEvent::LastAffected(version.to_string()));
                }
                _ => return None,
            }
        }
        if lower.is_none() && upper.is_none() {
            return None;
        }
        let mut events = vec![RangeEvent::Introduced(lower.unwrap_or_else(|| "0".into()))];
        // "<=99.999.99999" is the WG's spelling of "every version" (malicious modules).
        match upper {
            Some(RangeEvent::LastAffected(v)) if v.starts_with("99.999.") => {}
            Some(RangeEvent::Fixed(v)) if v.starts_with("99.999.") => {}
            Some(event) => events.push(event),
            None => {}
        }
        ranges.push(AffectedRange {
            kind: RangeKind::Semver,
            events,
        });
    }
    (!ranges.is_empty()).then_some(ranges)
}

fn split_op(token: &str) -> Option<(&str, &str)> {
    for op in [">=", "<=", "<", "=", ">"] {
        if let Some(rest) = token.strip_prefix(op) {
            return (op != ">").then_some((op, rest));
        }
    }
    Some(("", token))
}

fn is_plain_version(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(text: &str) -> Option<Vec<Vec<RangeEvent>>> {
        to_ranges(text).map(|r| r.into_iter().map(|r| r.events).collect())
    }

    #[test]
    fn maps_comparator_sets() {
        let intro = |v: &str| RangeEvent::Introduced(v.into());
        assert_eq!(
            events("<13.0.8"),
            Some(vec![vec![intro("0"), RangeEvent::Fixed("13.0.8".into())]])
        );
        assert_eq!(
            events(">=2.0.0 <= 4.0.4"),
            Some(vec![vec![
                intro("2.0.0"),
                RangeEvent::LastAffected("4.0.4".into())
            ]])
        );
        assert_eq!(events("<=99.999.99999"), Some(vec![vec![intro("0")]]));
        assert_eq!(
            events("2.1.4"),
            Some(vec![vec![
                intro("2.1.4"),
                RangeEvent::LastAffected("2.1.4".into())
            ]])
        );
        assert_eq!(events("<1.6.5 || < 2.1.7 > 2.0.0"), None);
        assert_eq!(events("^1.2.3"), None);
        assert_eq!(events(""), None);
    }

    #[test]
    fn builds_an_npm_record() {
        // Field names of nodejs/security-wg vuln/npm/*.json; values invented.
        let record = parse(br#"{"id":10,"created_at":"2099-01-01","updated_at":"2099-01-02","title":"Traversal",
            "module_name":"example-mod","cves":["CVE-2099-0001"],"vulnerable_versions":"<1.0.1","patched_versions":">=1.0.1",
            "cvss_vector":"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N","references":[]}"#)
            .unwrap()
            .unwrap();
        assert_eq!(record.advisory.id, "NSWG-ECO-10");
        assert_eq!(record.advisory.aliases, ["CVE-2099-0001"]);
        assert_eq!(
            record.advisory.modified.as_deref(),
            Some("2099-01-02T00:00:00Z")
        );
        assert_eq!(record.affected[0].ecosystem, "npm");
        assert_eq!(record.affected[0].state, FixState::Fixed);
    }
}
