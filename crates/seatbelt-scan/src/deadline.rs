//! The remediation-deadline policy: known exploited or critical within 24 hours, high within 7
//! days, medium within 30 days, low at the next maintenance window. Configurable under
//! `scan: deadlines:` in `seatbelt.yaml` / `.seatbelt.yaml`.

use std::path::Path;

use jiff::{civil, tz::TimeZone, Span, Timestamp};
use seatbelt_types::Severity;
use serde::Deserialize;

use crate::error::{read_bounded, ScanError};
use crate::report::{DeadlineClass, Remediation};

/// Largest config file read: a hand-written policy file is a few hundred bytes.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// When a class of findings must be fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Within this many hours of the scan.
    Within(i64),
    /// At the next weekly maintenance window.
    MaintenanceWindow,
    /// No deadline.
    None,
}

impl Due {
    fn parse(text: &str) -> Result<Due, String> {
        let text = text.trim();
        match text {
            "maintenance-window" | "next-maintenance-window" => return Ok(Due::MaintenanceWindow),
            "none" | "never" => return Ok(Due::None),
            _ => {}
        }
        let split = text.len().saturating_sub(1);
        let (number, unit) = (
            text.get(..split).unwrap_or(""),
            text.get(split..).unwrap_or(""),
        );
        let n: i64 = number.trim().parse().map_err(|_| {
            format!("{text:?} is not a duration like 24h, 7d, 2w, or maintenance-window / none")
        })?;
        // Ten years: any longer is a typo, and keeps the arithmetic far from overflow.
        if !(0..=87_600).contains(&n) {
            return Err(format!("{text:?} is out of range"));
        }
        let hours = match unit {
            "h" => n,
            "d" => n * 24,
            "w" => n * 24 * 7,
            _ => return Err(format!("{text:?}: the unit must be h, d or w")),
        };
        Ok(Due::Within(hours))
    }

    fn describe(self) -> String {
        match self {
            // "24h" and "7d" read better than "1d" and "1w".
            Due::Within(h) if h % (24 * 7) == 0 && h >= 2 * 24 * 7 => format!("{}w", h / (24 * 7)),
            Due::Within(h) if h % 24 == 0 && h >= 48 => format!("{}d", h / 24),
            Due::Within(h) => format!("{h}h"),
            Due::MaintenanceWindow => "maintenance-window".to_string(),
            Due::None => "none".to_string(),
        }
    }
}

/// The deadline policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlinePolicy {
    /// Known exploited (KEV), whatever the severity.
    pub kev: Due,
    /// Critical.
    pub critical: Due,
    /// High.
    pub high: Due,
    /// Medium.
    pub medium: Due,
    /// Low.
    pub low: Due,
    /// Negligible and unknown.
    pub other: Due,
    /// The weekly window: weekday and time of day, UTC.
    pub window: (civil::Weekday, civil::Time),
}

impl Default for DeadlinePolicy {
    fn default() -> Self {
        DeadlinePolicy {
            kev: Due::Within(24),
            critical: Due::Within(24),
            high: Due::Within(24 * 7),
            medium: Due::Within(24 * 30),
            low: Due::MaintenanceWindow,
            other: Due::None,
            window: (civil::Weekday::Sunday, civil::time(2, 0, 0, 0)),
        }
    }
}

/// `scan: deadlines:` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeadlines {
    kev: Option<String>,
    critical: Option<String>,
    high: Option<String>,
    medium: Option<String>,
    low: Option<String>,
    other: Option<String>,
    #[serde(rename = "maintenance-window")]
    maintenance_window: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct RawScan {
    #[serde(default)]
    deadlines: Option<RawDeadlines>,
}

/// Other commands own other top-level keys of the same file; only `scan:` is read here.
#[derive(Debug, Default, Deserialize)]
struct RawConfig {
    #[serde(default)]
    scan: Option<RawScan>,
}

impl DeadlinePolicy {
    /// The class a finding falls in: KEV first, then severity.
    pub fn class(kev: bool, severity: Severity) -> DeadlineClass {
        if kev {
            return DeadlineClass::Kev;
        }
        match severity {
            Severity::Critical => DeadlineClass::Critical,
            Severity::High => DeadlineClass::High,
            Severity::Medium => DeadlineClass::Medium,
            Severity::Low => DeadlineClass::Low,
            Severity::Negligible | Severity::Unknown => DeadlineClass::Other,
        }
    }

    fn due_for(&self, class: DeadlineClass) -> Due {
        match class {
            DeadlineClass::Kev => self.kev,
            DeadlineClass::Critical => self.critical,
            DeadlineClass::High => self.high,
            DeadlineClass::Medium => self.medium,
            DeadlineClass::Low => self.low,
            DeadlineClass::Other => self.other,
        }
    }

    /// The remediation for a finding scanned at `now`.
    pub fn remediation(&self, kev: bool, severity: Severity, now: Timestamp) -> Remediation {
        let class = DeadlinePolicy::class(kev, severity);
        let due = self.due_for(class);
        let at = match due {
            Due::Within(hours) => now.checked_add(Span::new().hours(hours)).ok(),
            Due::MaintenanceWindow => self.next_window(now),
            Due::None => None,
        };
        Remediation {
            class,
            policy: due.describe(),
            due: at.map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()),
        }
    }

    /// The first window strictly after `now`.
    fn next_window(&self, now: Timestamp) -> Option<Timestamp> {
        let today = now.to_zoned(TimeZone::UTC).date();
        (0..=7).find_map(|days| {
            let date = today.checked_add(Span::new().days(days)).ok()?;
            if date.weekday() != self.window.0 {
                return None;
            }
            let at = date
                .to_datetime(self.window.1)
                .to_zoned(TimeZone::UTC)
                .ok()?
                .timestamp();
            (at > now).then_some(at)
        })
    }

    /// Reads `scan: deadlines:` from a YAML config file; absent keys keep the defaults.
    pub fn from_config_file(path: &Path) -> Result<DeadlinePolicy, ScanError> {
        let bytes = read_bounded(path, MAX_CONFIG_BYTES, "config")?;
        let text = String::from_utf8(bytes).map_err(|_| ScanError::Config {
            path: path.to_path_buf(),
            reason: "not UTF-8".into(),
        })?;
        DeadlinePolicy::from_yaml(&text).map_err(|reason| ScanError::Config {
            path: path.to_path_buf(),
            reason,
        })
    }

    /// Parses the policy from YAML text.
    pub fn from_yaml(text: &str) -> Result<DeadlinePolicy, String> {
        let mut policy = DeadlinePolicy::default();
        if text.trim().is_empty() {
            return Ok(policy);
        }
        let raw: RawConfig = serde_saphyr::from_str(text).map_err(|e| e.to_string())?;
        let Some(raw) = raw.scan.and_then(|s| s.deadlines) else {
            return Ok(policy);
        };
        let set = |slot: &mut Due, value: Option<String>, key: &str| -> Result<(), String> {
            if let Some(v) = value {
                *slot = Due::parse(&v).map_err(|e| format!("deadlines.{key}: {e}"))?;
            }
            Ok(())
        };
        set(&mut policy.kev, raw.kev, "kev")?;
        set(&mut policy.critical, raw.critical, "critical")?;
        set(&mut policy.high, raw.high, "high")?;
        set(&mut policy.medium, raw.medium, "medium")?;
        set(&mut policy.low, raw.low, "low")?;
        set(&mut policy.other, raw.other, "other")?;
        if let Some(window) = raw.maintenance_window {
            policy.window =
                parse_window(&window).map_err(|e| format!("deadlines.maintenance-window: {e}"))?;
        }
        Ok(policy)
    }
}

/// `sunday 02:00` (UTC).
fn parse_window(text: &str) -> Result<(civil::Weekday, civil::Time), String> {
    let mut parts = text.split_whitespace();
    let (Some(day), Some(time), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!(
            "{text:?} is not `WEEKDAY HH:MM` (UTC), e.g. `sunday 02:00`"
        ));
    };
    let weekday = match day.to_ascii_lowercase().get(..3).unwrap_or("") {
        "mon" => civil::Weekday::Monday,
        "tue" => civil::Weekday::Tuesday,
        "wed" => civil::Weekday::Wednesday,
        "thu" => civil::Weekday::Thursday,
        "fri" => civil::Weekday::Friday,
        "sat" => civil::Weekday::Saturday,
        "sun" => civil::Weekday::Sunday,
        _ => return Err(format!("{day:?} is not a weekday")),
    };
    let (h, m) = time
        .split_once(':')
        .and_then(|(h, m)| Some((h.parse::<i8>().ok()?, m.parse::<i8>().ok()?)))
        .ok_or_else(|| format!("{time:?} is not HH:MM"))?;
    let time = civil::Time::new(h, m, 0, 0).map_err(|e| format!("{time:?}: {e}"))?;
    Ok((weekday, time))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().expect("timestamp")
    }

    #[test]
    fn default_policy_follows_the_issue() {
        let policy = DeadlinePolicy::default();
        // 2026-11-23 is a Monday.
        let now = at("2026-11-23T10:00:00Z");
        let due = |kev, sev| policy.remediation(kev, sev, now).due;
        assert_eq!(
            due(true, Severity::Low).as_deref(),
            Some("2026-11-24T10:00:00Z")
        );
        assert_eq!(
            due(false, Severity::Critical).as_deref(),
            Some("2026-11-24T10:00:00Z")
        );
        assert_eq!(
            due(false, Severity::High).as_deref(),
            Some("2026-11-30T10:00:00Z")
        );
        assert_eq!(
            due(false, Severity::Medium).as_deref(),
            Some("2026-12-23T10:00:00Z")
        );
        assert_eq!(
            due(false, Severity::Low).as_deref(),
            Some("2026-11-29T02:00:00Z")
        );
        assert_eq!(due(false, Severity::Unknown), None);
        assert_eq!(
            policy.remediation(true, Severity::Low, now).class,
            DeadlineClass::Kev
        );
    }

    #[test]
    fn the_window_is_strictly_after_now() {
        let policy = DeadlinePolicy::default();
        // Sunday 02:00 exactly: the next one is a week later.
        let now = at("2026-11-29T02:00:00Z");
        assert_eq!(
            policy.remediation(false, Severity::Low, now).due.as_deref(),
            Some("2026-12-06T02:00:00Z")
        );
    }

    #[test]
    fn config_overrides_and_keeps_defaults() {
        let policy = DeadlinePolicy::from_yaml(
            "lint:\n  ignored: [DL3008]\nscan:\n  deadlines:\n    high: 2w\n    other: 90d\n    maintenance-window: wed 22:30\n",
        )
        .expect("valid");
        assert_eq!(policy.high, Due::Within(14 * 24));
        assert_eq!(policy.other, Due::Within(90 * 24));
        assert_eq!(policy.critical, Due::Within(24));
        assert_eq!(policy.window.0, civil::Weekday::Wednesday);
        let now = at("2026-11-23T10:00:00Z");
        assert_eq!(policy.remediation(false, Severity::High, now).policy, "2w");
        assert_eq!(
            policy.remediation(false, Severity::Low, now).due.as_deref(),
            Some("2026-11-25T22:30:00Z")
        );
    }

    #[test]
    fn bad_config_says_which_key() {
        let err =
            DeadlinePolicy::from_yaml("scan:\n  deadlines:\n    high: soon\n").expect_err("bad");
        assert!(err.contains("deadlines.high"), "{err}");
        assert!(DeadlinePolicy::from_yaml("scan:\n  deadlines:\n    hihg: 7d\n").is_err());
        assert!(DeadlinePolicy::from_yaml("scan:\n  deadlines:\n    low: 1000000d\n").is_err());
        assert!(DeadlinePolicy::from_yaml(
            "scan:\n  deadlines:\n    maintenance-window: someday\n"
        )
        .is_err());
        assert_eq!(
            DeadlinePolicy::from_yaml("").expect("empty"),
            DeadlinePolicy::default()
        );
    }
}
