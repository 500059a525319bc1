//! One severity scale for every finding seatbelt reports: vulnerabilities, lint rules, audit
//! checks and secrets, so `--severity` and `--fail-on` mean the same thing everywhere.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How bad a finding is, in increasing order (`Unknown` sorts lowest).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// No rating could be found or computed.
    #[default]
    Unknown,
    /// Not worth acting on by itself (Debian's `unimportant`, style-only lint findings).
    Negligible,
    /// CVSS 0.1–3.9.
    Low,
    /// CVSS 4.0–6.9.
    Medium,
    /// CVSS 7.0–8.9.
    High,
    /// CVSS 9.0–10.0.
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 6] = [
        Severity::Unknown,
        Severity::Negligible,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The rating CVSS v3.x and v4.0 give a base score (0.0 is "none": negligible here).
    pub fn from_cvss_score(score: f64) -> Severity {
        match score {
            s if s >= 9.0 => Severity::Critical,
            s if s >= 7.0 => Severity::High,
            s if s >= 4.0 => Severity::Medium,
            s if s > 0.0 => Severity::Low,
            _ => Severity::Negligible,
        }
    }

    /// Lower-case name, as written in flags and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "unknown",
            Severity::Negligible => "negligible",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A severity name that is not one of seatbelt's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown severity {0:?}: expected one of unknown, negligible, low, medium, high, critical")]
pub struct SeverityError(pub String);

impl FromStr for Severity {
    type Err = SeverityError;

    /// Case-insensitive; also takes the names other tools write (`moderate`, `important`, `none`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "unknown" => Ok(Severity::Unknown),
            "negligible" | "none" | "unimportant" | "info" => Ok(Severity::Negligible),
            "low" => Ok(Severity::Low),
            "medium" | "moderate" => Ok(Severity::Medium),
            "high" | "important" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(SeverityError(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cvss_bands_follow_the_spec_table() {
        assert_eq!(Severity::from_cvss_score(0.0), Severity::Negligible);
        assert_eq!(Severity::from_cvss_score(0.1), Severity::Low);
        assert_eq!(Severity::from_cvss_score(3.9), Severity::Low);
        assert_eq!(Severity::from_cvss_score(4.0), Severity::Medium);
        assert_eq!(Severity::from_cvss_score(6.9), Severity::Medium);
        assert_eq!(Severity::from_cvss_score(7.0), Severity::High);
        assert_eq!(Severity::from_cvss_score(8.9), Severity::High);
        assert_eq!(Severity::from_cvss_score(9.0), Severity::Critical);
        assert_eq!(Severity::from_cvss_score(10.0), Severity::Critical);
    }

    #[test]
    fn names_round_trip_and_aliases_parse() {
        for severity in Severity::ALL {
            assert_eq!(severity.as_str().parse::<Severity>(), Ok(severity));
        }
        assert_eq!("MODERATE".parse::<Severity>(), Ok(Severity::Medium));
        assert!("severe".parse::<Severity>().is_err());
        assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Unknown);
    }
}
