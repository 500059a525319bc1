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
                let (state, ranges) = if version == "0" {
                    (FixState::NotAffected, Vec::new())
                } else {
                    (
                        FixState::Fixed,
                        vec![AffectedRange {
                            kind: RangeKind::Ecosystem,
                            events: vec![
                                RangeEvent::Introduced("0".into()),
                                RangeEvent::Fixed(version.to_string()),
                            ],
                        }],
                    )
                };
                parsed.items.push(AdvisoryRecord {
                    advisory: Advisory {
                        id: id.to_string(),
                        source: source::ALPINE_SECDB.to_string(),
                        aliases: aliases.iter().map(|s| s.to_string()).collect(),
                        ..Advisory::default()
                    },
                    affected: vec![Affected {
                        advisory_id: id.to_string(),
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
    }
    Ok(parsed)
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

    #[test]
    fn refuses_a_file_without_release() {
        assert!(parse(br#"{"packages":[]}"#).is_err());
        assert!(parse(br#"{"distroversion":"","packages":[]}"#).is_err());
    }
}
