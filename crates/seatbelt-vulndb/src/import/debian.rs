//! The Debian security tracker JSON (`security-tracker.debian.org/tracker/data/json`):
//! `{source package: {CVE: {description, releases: {codename: {status, fixed_version, urgency,
//! nodsa, nodsa_reason}}}}}`, mapped per release to ecosystem `Debian:<n>`. Read as a stream,
//! one source package at a time (see [`stream`]).

use seatbelt_types::{AffectedRange, FixState, RangeEvent, RangeKind};
use serde::de::{Error as _, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{ParseError, Parsed};
use crate::model::{source, Advisory, AdvisoryRecord, Affected};
use crate::DbError;

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
    let mut items = Vec::new();
    let mut parsed = stream(bytes, &mut |record| {
        items.push(record);
        Ok(())
    })
    .map_err(|e| match e {
        StreamError::Parse(e) => e,
        StreamError::Sink(e) => ParseError::new(e.to_string()),
    })?;
    parsed.items = items;
    Ok(parsed)
}

/// Why streaming stopped: the document, or the sink the records went to.
#[derive(Debug)]
pub(crate) enum StreamError {
    /// The document is not tracker JSON.
    Parse(ParseError),
    /// Storing a record failed.
    Sink(DbError),
}

/// Reads the tracker one source package at a time, handing each record to `each` as soon as
/// it is built: the real file is 60-90 MiB of JSON, which as one `serde_json::Value` takes
/// several times that, while one package's entries are at most a few MiB. The returned counts
/// have no `items` (they went to `each`); `imported` says how many did.
pub(crate) fn stream(
    bytes: &[u8],
    each: &mut dyn FnMut(AdvisoryRecord) -> Result<(), DbError>,
) -> Result<Parsed<AdvisoryRecord>, StreamError> {
    let mut parsed = Parsed::default();
    let mut failure = None;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let visitor = Packages {
        parsed: &mut parsed,
        each,
        failure: &mut failure,
    };
    let result = serde::Deserializer::deserialize_map(&mut de, visitor).and_then(|()| de.end());
    if let Some(e) = failure {
        return Err(StreamError::Sink(e));
    }
    result.map_err(|e| StreamError::Parse(ParseError::json(e)))?;
    Ok(parsed)
}

/// Visits the top-level object, package by package.
struct Packages<'a> {
    parsed: &'a mut Parsed<AdvisoryRecord>,
    each: &'a mut dyn FnMut(AdvisoryRecord) -> Result<(), DbError>,
    failure: &'a mut Option<DbError>,
}

impl<'de> Visitor<'de> for Packages<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object of source packages")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(package) = map.next_key::<String>()? {
            let cves: Value = map.next_value()?;
            let result = package_records(&package, cves, self.parsed, &mut |record| {
                (self.each)(record)
            });
            if let Err(e) = result {
                *self.failure = Some(e);
                return Err(A::Error::custom("storing a record failed"));
            }
        }
        Ok(())
    }
}

/// The records of one source package's entry.
fn package_records(
    package: &str,
    cves: Value,
    parsed: &mut Parsed<AdvisoryRecord>,
    each: &mut dyn FnMut(AdvisoryRecord) -> Result<(), DbError>,
) -> Result<(), DbError> {
    let Value::Object(cves) = cves else {
        parsed.malformed(format!("{package}: not an object of CVEs"));
        return Ok(());
    };
    for (cve, entry) in cves {
        match convert(package, &cve, entry) {
            Ok((record, skipped)) => {
                parsed.skipped += skipped;
                if !record.affected.is_empty() {
                    parsed.imported += 1;
                    each(record)?;
                }
            }
            Err(reason) => parsed.malformed(format!("{package} {cve}: {reason}")),
        }
    }
    Ok(())
}

pub(crate) fn from_value(value: Value) -> Result<Parsed<AdvisoryRecord>, ParseError> {
    let Value::Object(packages) = value else {
        return Err(ParseError::new("expected an object of source packages"));
    };
    let mut parsed = Parsed::default();
    let mut items = Vec::new();
    for (package, cves) in packages {
        package_records(&package, cves, &mut parsed, &mut |record| {
            items.push(record);
            Ok(())
        })
        .map_err(|e| ParseError::new(e.to_string()))?;
    }
    parsed.items = items;
    Ok(parsed)
}

/// Whether `value` is shaped like the tracker file (checks one entry, not all).
pub(crate) fn looks_like(value: &Map<String, Value>) -> bool {
    value.values().take(8).any(package_looks_like)
}

fn package_looks_like(cves: &Value) -> bool {
    cves.as_object().is_some_and(|cves| {
        cves.values()
            .take(4)
            .any(|e| e.get("releases").is_some_and(Value::is_object))
    })
}

/// [`looks_like`] on the document's bytes, reading only its first few packages, so the
/// tracker can be recognised without building it whole.
pub(crate) fn looks_like_bytes(bytes: &[u8]) -> bool {
    struct Probe<'a>(&'a mut bool);
    impl<'de> Visitor<'de> for Probe<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            for _ in 0..8 {
                let Some((_, cves)) = map.next_entry::<IgnoredAny, Value>()? else {
                    break;
                };
                if package_looks_like(&cves) {
                    *self.0 = true;
                    break;
                }
            }
            // Stops here: the rest of the document is read by the importer proper. The
            // deserializer's complaint about the unread rest is expected and ignored.
            Ok(())
        }
    }
    let mut verdict = false;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let _ = serde::Deserializer::deserialize_map(&mut de, Probe(&mut verdict));
    verdict
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

    #[test]
    fn streams_records_one_package_at_a_time() {
        let two = r#"{"pkg-a": {"CVE-2099-0010": {"releases": {"bookworm": {"status": "open", "urgency": "low"}}}},
                      "pkg-b": {"CVE-2099-0011": {"releases": {"bookworm": {"status": "resolved", "fixed_version": "2.0-1"}}},
                                "CVE-2099-0012": {"releases": {"sid": {"status": "open"}}}}}"#;
        assert!(looks_like_bytes(two.as_bytes()));
        let mut seen = Vec::new();
        let parsed = stream(two.as_bytes(), &mut |r| {
            seen.push((r.affected[0].package.clone(), r.advisory.id));
            Ok(())
        })
        .unwrap();
        assert!(parsed.items.is_empty(), "records go to the callback");
        assert_eq!(parsed.imported, 2);
        assert_eq!(parsed.skipped, 1, "sid has no number");
        // Document order of packages: streamed, not collected and sorted.
        assert_eq!(
            seen,
            [
                ("pkg-a".to_string(), "CVE-2099-0010".to_string()),
                ("pkg-b".to_string(), "CVE-2099-0011".to_string())
            ]
        );
    }

    #[test]
    fn a_truncated_tracker_is_an_error_after_the_whole_packages() {
        let cut = TRACKER.find("\"broken\"").unwrap();
        let truncated = &TRACKER.as_bytes()[..cut + 4];
        let mut seen = 0;
        let result = stream(truncated, &mut |_| {
            seen += 1;
            Ok(())
        });
        assert!(matches!(result, Err(StreamError::Parse(_))));
        assert_eq!(
            seen, 3,
            "examplelib's records came through before the break"
        );
    }

    #[test]
    fn other_documents_do_not_look_like_the_tracker() {
        for doc in [
            r#"{"id": "GHSA-1", "modified": "2025-01-01T00:00:00Z", "affected": []}"#,
            r#"{"distroversion": "v3.19", "packages": []}"#,
            r#"[1, 2]"#,
            "not json",
            r#"{"a": {"CVE-1": {"no": "releases"}}}"#,
        ] {
            assert!(!looks_like_bytes(doc.as_bytes()), "{doc}");
        }
        assert!(looks_like_bytes(TRACKER.as_bytes()));
    }

    #[test]
    fn a_failing_sink_stops_the_stream_with_its_error() {
        let result = stream(TRACKER.as_bytes(), &mut |_| {
            Err(DbError::Corrupt {
                path: "db".into(),
                reason: "disk full".into(),
            })
        });
        assert!(matches!(
            result,
            Err(StreamError::Sink(DbError::Corrupt { .. }))
        ));
    }
}
