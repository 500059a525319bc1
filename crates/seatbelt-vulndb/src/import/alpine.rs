//! Alpine secdb (`secdb.alpinelinux.org/vX.Y/main.json`): per package, fixed versions with the
//! CVEs they fix. A fixed version of `0` means the release was never affected.

use std::collections::BTreeMap;

use seatbelt_types::{AffectedRange, FixState, RangeEvent, RangeKind};
use serde::Deserialize;
use serde_json::Value;

use super::bounded::Bounded;
use super::{ParseError, Parsed};
use crate::model::{source, Advisory, AdvisoryRecord, Affected};

/// Most packages in one secdb file: a release's main repository has a few thousand packages.
pub const MAX_PACKAGES: usize = 100_000;

#[derive(Deserialize)]
struct SecDb {
    distroversion: String,
    #[serde(default)]
    packages: Bounded<Value, MAX_PACKAGES>,
}

#[derive(Deserialize)]
struct Entry {
    pkg: Pkg,
}

#[derive(Deserialize)]
struct Pkg {
    name: String,
    #[serde(default)]
    secfixes: BTreeMap<String, Bounded<String, { super::osv::MAX_LIST }>>,
}

/// Parses one secdb file: one record per (package, vulnerability id).
pub fn parse(bytes: &[u8]) -> Result<Parsed<AdvisoryRecord>, ParseError> {
    let value: Value = serde_json::from_slice(bytes).map_err(ParseError::json)?;
    from_value(value)
}

pub(crate) fn from_value(value: Value) -> Result<Parsed<AdvisoryRecord>, ParseError> {
    let db: SecDb = serde_json::from_value(value).map_err(ParseError::json)?;
    let release = db.distroversion.trim();
    if release.is_empty() || release.chars().any(char::is_whitespace) {
        return Err(ParseError::new(format!(
            "`distroversion` `{release}` is not a release such as v3.19"
        )));
    }
    let ecosystem = format!("Alpine:{release}");
    let mut parsed = Parsed::default();
    for (index, entry) in db.packages.0.into_iter().enumerate() {
        let entry: Entry = match serde_json::from_value(entry) {
            Ok(e) => e,
            Err(e) => {
                parsed.malformed(format!("packages[{index}]: {e}"));
                continue;
            }
        };
        let name = entry.pkg.name.trim();
        if name.is_empty() {
            parsed.malformed(format!("packages[{index}]: empty package name"));
            continue;
        }
        // One record per vulnerability id, in the order ids first appear: an id listed under
        // several fixed versions (wpa_supplicant's CVE-2017-13077 under `2.6-r7` and `2.7-r0`,
        // a fix backported and then shipped upstream) keeps every one of them.
        let mut order: Vec<String> = Vec::new();
        let mut by_id: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
        for (version, ids) in entry.pkg.secfixes {
            let version = version.trim();
            for text in ids.0 {
                // Entries are "CVE-…", sometimes "CVE-… XSA-…": the CVE names the record, the
                // rest are aliases.
                let mut tokens: Vec<&str> = text.split_whitespace().collect();
                if let Some(pos) = tokens.iter().position(|t| t.starts_with("CVE-")) {
                    let cve = tokens.remove(pos);
                    tokens.insert(0, cve);
                }
                let Some((&id, aliases)) = tokens.split_first() else {
                    parsed.malformed(format!("{name} {version}: an empty vulnerability id"));
                    continue;
                };
                let (versions, known_aliases) = by_id.entry(id.to_string()).or_insert_with(|| {
                    order.push(id.to_string());
                    (Vec::new(), Vec::new())
                });
                if !versions.iter().any(|v| v == version) {
                    versions.push(version.to_string());
                }
                for alias in aliases {
                    if !known_aliases.iter().any(|a| a == alias) {
                        known_aliases.push((*alias).to_string());
                    }
                }
            }
        }
        for id in order {
            let Some((versions, aliases)) = by_id.remove(&id) else {
                continue;
            };
            let (state, ranges) = state_and_ranges(&versions);
            parsed.items.push(AdvisoryRecord {
                advisory: Advisory {
                    id: id.clone(),
                    source: source::ALPINE_SECDB.to_string(),
                    aliases,
                    ..Advisory::default()
                },
                affected: vec![Affected {
                    advisory_id: id,
                    ecosystem: ecosystem.clone(),
                    package: name.to_string(),
                    ranges,
                    versions: Vec::new(),
                    state,
                    vendor_severity: None,
                    source: source::ALPINE_SECDB.to_string(),
                }],
            });
        }
    }
    Ok(parsed)
}

/// The fixed versions an id is listed under, as OSV ranges: one `introduced 0, fixed V` range
/// per version. By OSV's evaluation a version below the highest of them is affected and the
/// fix reported is the nearest one above it: secdb does not say which version line each fix
/// belongs to, so the conservative reading is kept. `0` alone means the release was never
/// affected; next to real fixes it is contradicted and dropped.
fn state_and_ranges(versions: &[String]) -> (FixState, Vec<AffectedRange>) {
    let ranges: Vec<AffectedRange> = versions
        .iter()
        .filter(|v| v.as_str() != "0")
        .map(|version| AffectedRange {
            kind: RangeKind::Ecosystem,
            events: vec![
                RangeEvent::Introduced("0".into()),
                RangeEvent::Fixed(version.clone()),
            ],
        })
        .collect();
    if ranges.is_empty() {
        (FixState::NotAffected, ranges)
    } else {
        (FixState::Fixed, ranges)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shaped like alpinelinux/alpine-secdb v3.10/main.json (values invented for the test).
    const SECDB: &str = r#"{"distroversion":"v3.10","reponame":"main","archs":["x86_64"],
      "packages":[
        {"pkg":{"name":"examplelib","secfixes":{"1.2.3-r0":["CVE-2099-0001","CVE-2099-0002 XSA-999"],"0":["CVE-2099-0003"]}}},
        {"pkg":{"name":5}},
        {"pkg":{"name":"xen","secfixes":{"4.1-r1":["XSA-1"]}}}
      ]}"#;

    #[test]
    fn maps_fixed_versions_and_zero_as_not_affected() {
        let parsed = parse(SECDB.as_bytes()).unwrap();
        assert_eq!(parsed.malformed, 1);
        let ids: Vec<_> = parsed
            .items
            .iter()
            .map(|r| r.advisory.id.as_str())
            .collect();
        assert_eq!(
            ids,
            ["CVE-2099-0003", "CVE-2099-0001", "CVE-2099-0002", "XSA-1"]
        );
        let zero = &parsed.items[0].affected[0];
        assert_eq!(zero.ecosystem, "Alpine:v3.10");
        assert_eq!(zero.state, FixState::NotAffected);
        assert!(zero.ranges.is_empty());
        let fixed = &parsed.items[1].affected[0];
        assert_eq!(fixed.state, FixState::Fixed);
        assert_eq!(
            fixed.ranges[0].events[1],
            RangeEvent::Fixed("1.2.3-r0".into())
        );
        assert_eq!(parsed.items[2].advisory.aliases, ["XSA-999"]);
    }

    /// Mirrors alpine-secdb v3.9/main.json, where wpa_supplicant lists CVE-2017-13077 under
    /// both `2.6-r7` (the backported patch) and `2.7-r0` (the upstream release), and xen lists
    /// XSA-218 twice under one version.
    const TWICE: &str = r#"{"distroversion":"v3.9","reponame":"main","archs":["x86_64"],
      "packages":[
        {"pkg":{"name":"wpa_supplicant","secfixes":{
          "2.6-r7":["CVE-2017-13077","CVE-2017-13078"],
          "2.7-r0":["CVE-2017-13077","CVE-2017-13078","CVE-2019-9494"]}}},
        {"pkg":{"name":"xen","secfixes":{"4.9.0-r0":["CVE-2017-10912 XSA-218","CVE-2017-10913 XSA-218","CVE-2017-10914 XSA-218"]}}}
      ]}"#;

    #[test]
    fn an_id_under_two_fixed_versions_keeps_both() {
        let parsed = parse(TWICE.as_bytes()).unwrap();
        let wpa: Vec<_> = parsed
            .items
            .iter()
            .filter(|r| r.affected[0].package == "wpa_supplicant")
            .collect();
        assert_eq!(wpa.len(), 3, "one record per CVE");
        let cve = wpa
            .iter()
            .find(|r| r.advisory.id == "CVE-2017-13077")
            .unwrap();
        assert_eq!(cve.affected.len(), 1);
        let fixes: Vec<_> = cve.affected[0]
            .ranges
            .iter()
            .map(|r| r.events.clone())
            .collect();
        assert_eq!(
            fixes,
            [
                vec![
                    RangeEvent::Introduced("0".into()),
                    RangeEvent::Fixed("2.6-r7".into())
                ],
                vec![
                    RangeEvent::Introduced("0".into()),
                    RangeEvent::Fixed("2.7-r0".into())
                ],
            ]
        );
        // The same alias under one version is not duplicated.
        let xen = parsed
            .items
            .iter()
            .find(|r| r.advisory.id == "CVE-2017-10912")
            .unwrap();
        assert_eq!(xen.advisory.aliases, ["XSA-218"]);
        assert_eq!(xen.affected[0].ranges.len(), 1);
    }

    #[test]
    fn both_fixes_survive_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("main.json");
        std::fs::write(&file, TWICE).unwrap();
        let db = dir.path().join("db");
        crate::import(&db, &[file], &crate::ImportOptions::default()).unwrap();
        let db = crate::VulnDb::open(&db).unwrap();
        let rows = db.affected("Alpine:v3.9", "wpa_supplicant").unwrap();
        let cve: Vec<_> = rows
            .iter()
            .filter(|r| r.advisory_id == "CVE-2017-13077")
            .collect();
        assert_eq!(cve.len(), 1);
        assert_eq!(cve[0].ranges.len(), 2, "both fixed versions stored");
    }

    #[test]
    fn refuses_a_file_without_release() {
        assert!(parse(br#"{"packages":[]}"#).is_err());
        assert!(parse(br#"{"distroversion":"","packages":[]}"#).is_err());
    }
}
