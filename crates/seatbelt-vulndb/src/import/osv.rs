//! OSV records (<https://ossf.github.io/osv-schema/>) into [`AdvisoryRecord`]s.

use seatbelt_types::{AffectedRange, FixState, RangeEvent, RangeKind};
use serde::Deserialize;
use serde_json::Value;

use super::bounded::Bounded;
use super::ParseError;
use crate::model::{source, Advisory, AdvisoryRecord, Affected, SeverityScore};

/// Most `affected` entries one record may carry. Real records list a few hundred at most
/// (a Debian DSA over every release, a Go module's many packages); beyond this it is an attack
/// or a broken export, and it would bloat every lookup of those packages.
pub const MAX_AFFECTED_PER_RECORD: usize = 5_000;
/// Most events in one range: real ranges have a handful; branchy ones a few dozen.
pub const MAX_EVENTS_PER_RANGE: usize = 1_000;
/// Most ranges per affected entry.
pub const MAX_RANGES_PER_AFFECTED: usize = 1_000;
/// Most explicit versions per affected entry: GHSA-derived records enumerate every release of
/// long-lived packages (tens of thousands for some Maven and npm packages).
pub const MAX_VERSIONS_PER_AFFECTED: usize = 100_000;
/// Most aliases, references, scores and other small lists per record.
pub const MAX_LIST: usize = 10_000;

#[derive(Deserialize)]
struct Record {
    id: String,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    aliases: Bounded<String, MAX_LIST>,
    #[serde(default)]
    upstream: Bounded<String, MAX_LIST>,
    #[serde(default)]
    related: Bounded<String, MAX_LIST>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    modified: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    severity: Bounded<Severity, MAX_LIST>,
    #[serde(default)]
    affected: Bounded<AffectedEntry, MAX_AFFECTED_PER_RECORD>,
    #[serde(default)]
    references: Bounded<Reference, MAX_LIST>,
    #[serde(default)]
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct Severity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct Reference {
    #[serde(default)]
    url: Option<String>,
}

#[derive(Deserialize)]
struct AffectedEntry {
    #[serde(default)]
    package: Option<Package>,
    #[serde(default)]
    ranges: Bounded<Range, MAX_RANGES_PER_AFFECTED>,
    #[serde(default)]
    versions: Bounded<String, MAX_VERSIONS_PER_AFFECTED>,
    #[serde(default)]
    ecosystem_specific: Option<Value>,
    #[serde(default)]
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct Package {
    ecosystem: String,
    name: String,
}

#[derive(Deserialize)]
struct Range {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Bounded<Event, MAX_EVENTS_PER_RANGE>,
}

#[derive(Deserialize)]
struct Event {
    #[serde(default)]
    introduced: Option<String>,
    #[serde(default)]
    fixed: Option<String>,
    #[serde(default)]
    last_affected: Option<String>,
    #[serde(default)]
    limit: Option<String>,
}

/// Parses one OSV record.
pub fn parse(bytes: &[u8]) -> Result<AdvisoryRecord, ParseError> {
    let record: Record = serde_json::from_slice(bytes).map_err(ParseError::json)?;
    convert(record)
}

/// Converts an already-parsed JSON value (used when the format was sniffed from a value).
pub(crate) fn from_value(value: Value) -> Result<AdvisoryRecord, ParseError> {
    let record: Record = serde_json::from_value(value).map_err(ParseError::json)?;
    convert(record)
}

fn convert(record: Record) -> Result<AdvisoryRecord, ParseError> {
    let id = record.id.trim().to_string();
    if id.is_empty() {
        return Err(ParseError::new("the record has an empty `id`"));
    }
    let advisory = Advisory {
        id: id.clone(),
        source: source::OSV.to_string(),
        summary: record.summary.filter(|s| !s.is_empty()),
        details: record.details.filter(|s| !s.is_empty()),
        aliases: record.aliases.0,
        upstream: record.upstream.0,
        related: record.related.0,
        published: record.published,
        modified: record.modified,
        withdrawn: record.withdrawn,
        severity: record
            .severity
            .0
            .into_iter()
            .map(|s| SeverityScore {
                kind: s.kind,
                score: s.score,
            })
            .collect(),
        database_severity: string_field(record.database_specific.as_ref(), "severity"),
        references: record
            .references
            .0
            .into_iter()
            .filter_map(|r| r.url)
            .collect(),
    };
    let mut affected = Vec::with_capacity(record.affected.0.len());
    for entry in record.affected.0 {
        // Entries without a package describe products by other means (CPEs); nothing to match.
        let Some(package) = entry.package else {
            continue;
        };
        let ecosystem = package.ecosystem.trim().to_string();
        if ecosystem.is_empty() || package.name.trim().is_empty() {
            return Err(ParseError::new(format!(
                "{id}: an affected package has an empty ecosystem or name"
            )));
        }
        let ranges = entry
            .ranges
            .0
            .into_iter()
            .filter_map(convert_range)
            .collect::<Vec<_>>();
        let versions = entry.versions.0;
        let state = if ranges
            .iter()
            .any(|r| r.events.iter().any(|e| matches!(e, RangeEvent::Fixed(_))))
        {
            FixState::Fixed
        } else {
            FixState::Unfixed
        };
        let vendor_severity = string_field(entry.ecosystem_specific.as_ref(), "severity")
            .or_else(|| string_field(entry.ecosystem_specific.as_ref(), "urgency"))
            .or_else(|| string_field(entry.database_specific.as_ref(), "severity"));
        affected.push(Affected {
            advisory_id: id.clone(),
            package: crate::normalize_package(&ecosystem, package.name.trim()),
            ecosystem,
            ranges,
            versions,
            state,
            vendor_severity,
            source: source::OSV.to_string(),
        });
    }
    Ok(AdvisoryRecord { advisory, affected })
}

/// Ranges of a type this build does not know are dropped: they cannot be evaluated.
fn convert_range(range: Range) -> Option<AffectedRange> {
    let kind = match range.kind.as_str() {
        "ECOSYSTEM" => RangeKind::Ecosystem,
        "SEMVER" => RangeKind::Semver,
        "GIT" => RangeKind::Git,
        _ => return None,
    };
    let mut events = Vec::with_capacity(range.events.0.len());
    for event in range.events.0 {
        // The schema allows exactly one key per event; take whichever is present.
        if let Some(v) = event.introduced {
            events.push(RangeEvent::Introduced(v));
        } else if let Some(v) = event.fixed {
            events.push(RangeEvent::Fixed(v));
        } else if let Some(v) = event.last_affected {
            events.push(RangeEvent::LastAffected(v));
        } else if let Some(v) = event.limit {
            events.push(RangeEvent::Limit(v));
        }
    }
    Some(AffectedRange { kind, events })
}

fn string_field(value: Option<&Value>, key: &str) -> Option<String> {
    value?
        .get(key)?
        .as_str()
        .map(str::to_string)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shaped like PyPA's PYSEC records (pypa/advisory-database), written for this test.
    const PYSEC: &str = r#"{
      "id": "PYSEC-2099-1", "modified": "2099-01-02T00:00:00Z", "published": "2099-01-01T00:00:00Z",
      "aliases": ["CVE-2099-0001", "GHSA-aaaa-bbbb-cccc"],
      "details": "Example flaw.",
      "affected": [{"package": {"ecosystem": "PyPI", "name": "Example_Pkg"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}]},
                   {"type": "GIT", "repo": "https://example.invalid/x", "events": [{"introduced": "abc"}]}],
        "versions": ["1.0", "1.1"]}],
      "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
      "references": [{"type": "WEB", "url": "https://example.invalid/advisory"}],
      "database_specific": {"severity": "HIGH"}
    }"#;

    #[test]
    fn parses_a_pypi_record() {
        let record = parse(PYSEC.as_bytes()).unwrap();
        assert_eq!(record.advisory.id, "PYSEC-2099-1");
        assert_eq!(
            record.advisory.aliases,
            ["CVE-2099-0001", "GHSA-aaaa-bbbb-cccc"]
        );
        assert_eq!(record.advisory.database_severity.as_deref(), Some("HIGH"));
        assert_eq!(record.advisory.severity[0].kind, "CVSS_V3");
        assert_eq!(record.affected.len(), 1);
        let a = &record.affected[0];
        assert_eq!(a.package, "example-pkg");
        assert_eq!(a.state, FixState::Fixed);
        assert_eq!(a.ranges.len(), 2);
        assert_eq!(
            a.ranges[0].events,
            [
                RangeEvent::Introduced("0".into()),
                RangeEvent::Fixed("1.2.3".into())
            ]
        );
        assert_eq!(a.versions, ["1.0", "1.1"]);
    }

    #[test]
    fn refuses_wrong_types_and_huge_lists() {
        assert!(parse(br#"{"id": 5}"#).is_err());
        assert!(parse(br#"{"id": "X", "affected": {"package": 1}}"#).is_err());
        assert!(parse(b"{\"id\": \"X\xff\"}").is_err());
        let mut huge = String::from(r#"{"id":"X","affected":["#);
        for i in 0..=MAX_AFFECTED_PER_RECORD {
            if i > 0 {
                huge.push(',');
            }
            huge.push_str(r#"{"package":{"ecosystem":"npm","name":"a"}}"#);
        }
        huge.push_str("]}");
        let err = parse(huge.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("more than"), "{err}");
    }

    #[test]
    fn an_open_range_is_unfixed_and_withdrawn_is_kept() {
        let record = parse(
            br#"{"id":"GO-2099-1","withdrawn":"2099-02-01T00:00:00Z","affected":[{"package":{"ecosystem":"Go","name":"stdlib"},
                "ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}],
                "ecosystem_specific":{"severity":"LOW"}}]}"#,
        )
        .unwrap();
        assert_eq!(
            record.advisory.withdrawn.as_deref(),
            Some("2099-02-01T00:00:00Z")
        );
        assert_eq!(record.affected[0].state, FixState::Unfixed);
        assert_eq!(record.affected[0].vendor_severity.as_deref(), Some("LOW"));
    }
}
