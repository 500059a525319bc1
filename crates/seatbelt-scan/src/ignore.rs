//! The ignore file (`.seatbeltignore.yaml`): findings a team has decided to accept, each with a
//! reason and optionally an expiry date after which it stops suppressing and is reported.
//!
//! ```yaml
//! ignore:
//!   - id: CVE-2023-4911          # or any alias (GHSA-…, DSA-…)
//!     package: glibc             # optional: name, source package name, or purl
//!     path: usr/lib/x86_64-linux-gnu   # optional: a location path or a directory above it
//!     reason: not reachable, no setuid binaries in this image
//!     expires: 2026-12-31        # optional: date (end of day, UTC) or RFC 3339 time
//! ```

use std::path::Path;

use jiff::{civil, tz::TimeZone, Timestamp};
use seatbelt_types::Purl;
use serde::{Deserialize, Serialize};

use crate::error::{read_bounded, ScanError};
use crate::report::{Finding, Suppression, SuppressionKind};

/// Largest ignore file read: hand-written lists are kilobytes.
pub const MAX_IGNORE_BYTES: u64 = 4 * 1024 * 1024;

/// One entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreRule {
    /// Vulnerability id or alias.
    pub id: String,
    /// Package name, source name, or purl.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub package: Option<String>,
    /// A location path, or a directory containing it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub path: Option<String>,
    /// Why it is accepted (required: an ignore without a reason is not a decision).
    pub reason: String,
    /// When the decision must be revisited.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expires: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    ignore: Vec<IgnoreRule>,
}

/// A parsed ignore file, split into rules in force and expired ones.
#[derive(Debug, Clone, Default)]
pub struct IgnoreFile {
    /// Display name (the path).
    pub name: String,
    active: Vec<(IgnoreRule, Option<Purl>)>,
    /// Entries past their `expires`.
    pub expired: Vec<IgnoreRule>,
}

impl IgnoreFile {
    /// Reads `path`; entries expired at `now` go to [`IgnoreFile::expired`].
    pub fn load(path: &Path, now: Timestamp) -> Result<IgnoreFile, ScanError> {
        let bytes = read_bounded(path, MAX_IGNORE_BYTES, "ignore")?;
        let text = String::from_utf8(bytes).map_err(|_| ScanError::IgnoreFile {
            path: path.to_path_buf(),
            reason: "not UTF-8".into(),
        })?;
        IgnoreFile::parse(&text, &path.display().to_string(), now).map_err(|reason| {
            ScanError::IgnoreFile {
                path: path.to_path_buf(),
                reason,
            }
        })
    }

    /// Parses ignore-file text.
    pub fn parse(text: &str, name: &str, now: Timestamp) -> Result<IgnoreFile, String> {
        let raw: RawFile = if text.trim().is_empty() {
            RawFile { ignore: vec![] }
        } else {
            serde_saphyr::from_str(text).map_err(|e| e.to_string())?
        };
        let mut file = IgnoreFile {
            name: name.to_string(),
            ..IgnoreFile::default()
        };
        for (index, rule) in raw.ignore.into_iter().enumerate() {
            if rule.id.trim().is_empty() {
                return Err(format!("ignore[{index}]: `id` is empty"));
            }
            if rule.reason.trim().is_empty() {
                return Err(format!(
                    "ignore[{index}] ({}): `reason` is empty; say why it is accepted",
                    rule.id
                ));
            }
            let expired = match &rule.expires {
                Some(expires) => {
                    expiry(expires).map_err(|e| format!("ignore[{index}] ({}): {e}", rule.id))?
                        <= now
                }
                None => false,
            };
            let purl = match rule.package.as_deref() {
                Some(p) if p.starts_with("pkg:") => Some(
                    p.parse::<Purl>()
                        .map_err(|e| format!("ignore[{index}] ({}): package: {e}", rule.id))?,
                ),
                _ => None,
            };
            if expired {
                file.expired.push(rule);
            } else {
                file.active.push((rule, purl));
            }
        }
        Ok(file)
    }

    /// The suppression for `finding`, from the first entry in force that matches it.
    pub fn suppression_for(&self, finding: &Finding) -> Option<Suppression> {
        let (rule, _) = self.active.iter().find(|(rule, purl)| {
            finding
                .all_ids()
                .any(|id| id.eq_ignore_ascii_case(rule.id.trim()))
                && package_matches(rule.package.as_deref(), purl.as_ref(), finding)
                && path_matches(rule.path.as_deref(), finding)
        })?;
        Some(Suppression {
            kind: SuppressionKind::Ignore,
            source: self.name.clone(),
            status: "ignored".to_string(),
            justification: Some(rule.reason.clone()),
        })
    }
}

/// The instant an `expires` value ends: a date means the end of that day, UTC.
fn expiry(text: &str) -> Result<Timestamp, String> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts);
    }
    let date: civil::Date = text
        .parse()
        .map_err(|_| format!("expires: {text:?} is not a date (YYYY-MM-DD) or an RFC 3339 time"))?;
    date.tomorrow()
        .and_then(|d| d.to_zoned(TimeZone::UTC))
        .map(|z| z.timestamp())
        .map_err(|e| format!("expires: {text:?}: {e}"))
}

fn package_matches(package: Option<&str>, purl: Option<&Purl>, finding: &Finding) -> bool {
    let Some(package) = package else {
        return true;
    };
    let found = &finding.package;
    match purl {
        Some(purl) => {
            purl.ty == found.purl.ty
                && purl.namespace == found.purl.namespace
                && purl.name == found.purl.name
                && purl
                    .version
                    .as_ref()
                    .is_none_or(|v| found.purl.version.as_ref() == Some(v))
        }
        None => package == found.name || package == found.matched_as.name,
    }
}

fn path_matches(path: Option<&str>, finding: &Finding) -> bool {
    let Some(path) = path else {
        return true;
    };
    let path = path.trim().trim_start_matches('/').trim_end_matches('/');
    finding.package.locations.iter().any(|location| {
        location.path == path
            || path.is_empty()
            || location
                .path
                .strip_prefix(path)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::sample;

    fn now() -> Timestamp {
        "2026-11-23T10:00:00Z".parse().expect("time")
    }

    fn finding(id: &str) -> Finding {
        sample::report()
            .findings
            .into_iter()
            .find(|f| f.id == id)
            .expect("in sample")
    }

    #[test]
    fn entries_match_by_alias_package_and_path() {
        let file = IgnoreFile::parse(
            "ignore:\n\
             - id: DSA-5640-1\n  package: openssl\n  reason: accepted risk\n\
             - id: CVE-2018-18074\n  package: pkg:pypi/requests@2.19.0\n  path: /opt/venv/lib\n  reason: internal only\n  expires: 2026-11-23\n\
             - id: CVE-2023-4911\n  package: libc6\n  path: usr/lib\n  reason: wrong path\n",
            ".seatbeltignore.yaml",
            now(),
        )
        .expect("valid");
        let s = file
            .suppression_for(&finding("CVE-2024-0727"))
            .expect("by alias and source name");
        assert_eq!(s.justification.as_deref(), Some("accepted risk"));
        assert_eq!(s.kind, SuppressionKind::Ignore);
        // Expires at the end of 2026-11-23: still in force at 10:00 that day.
        assert!(file.suppression_for(&finding("CVE-2018-18074")).is_some());
        assert!(
            file.suppression_for(&finding("CVE-2023-4911")).is_none(),
            "path does not match"
        );
        assert!(file.expired.is_empty());
    }

    #[test]
    fn expired_entries_stop_suppressing_and_are_kept() {
        let file = IgnoreFile::parse(
            "ignore:\n- id: CVE-2024-0727\n  reason: until the rebuild\n  expires: 2026-11-22\n",
            "x",
            now(),
        )
        .expect("valid");
        assert!(file.suppression_for(&finding("CVE-2024-0727")).is_none());
        assert_eq!(file.expired.len(), 1);
        assert_eq!(file.expired[0].expires.as_deref(), Some("2026-11-22"));
    }

    #[test]
    fn bad_files_are_errors_that_name_the_entry() {
        let err = IgnoreFile::parse("ignore:\n- id: CVE-1\n  reason: ''\n", "x", now())
            .expect_err("no reason");
        assert!(err.contains("CVE-1"), "{err}");
        assert!(IgnoreFile::parse(
            "ignore:\n- id: CVE-1\n  reason: r\n  expires: soon\n",
            "x",
            now()
        )
        .is_err());
        assert!(IgnoreFile::parse(
            "ignore:\n- id: CVE-1\n  reason: r\n  pacakge: x\n",
            "x",
            now()
        )
        .is_err());
        assert!(IgnoreFile::parse("ignore: 3\n", "x", now()).is_err());
        assert!(IgnoreFile::parse(
            "ignore:\n- id: CVE-1\n  reason: r\n  package: 'pkg:'\n",
            "x",
            now()
        )
        .is_err());
        assert!(IgnoreFile::parse("", "x", now())
            .expect("empty")
            .expired
            .is_empty());
    }

    #[test]
    fn alias_bombs_are_refused() {
        // A billion-laughs document: serde-saphyr's alias budget stops it.
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("b{}", i - 1)
            };
            text.push_str(&format!("b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        text.push_str("ignore: []\n");
        assert!(IgnoreFile::parse(&text, "x", now()).is_err());
    }
}
