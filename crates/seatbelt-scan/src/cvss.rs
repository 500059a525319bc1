//! CVSS base scores from vectors. The arithmetic is RustSec's `cvss` crate (v3.0/v3.1 per the
//! FIRST specifications, v4.0 with the spec's macro-vector table, checked upstream against Red
//! Hat's full vector set); this module picks the version and guards the input.

use std::str::FromStr;

/// Longest vector accepted: a full CVSS 4.0 vector with every optional metric is ~250 bytes.
const MAX_VECTOR_LEN: usize = 512;

/// A base score and the vector it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct CvssScore {
    /// `3.0`, `3.1` or `4.0`.
    pub version: &'static str,
    /// Base score, 0.0–10.0.
    pub score: f64,
}

/// Why a vector was not scored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CvssError {
    /// CVSS v2 (or no prefix): ignored when a newer vector exists, see [`base_score`].
    #[error("{0:?} is not a CVSS v3.x or v4.0 vector")]
    Unsupported(String),
    /// Malformed.
    #[error("invalid CVSS vector {vector:?}: {reason}")]
    Invalid {
        /// The vector.
        vector: String,
        /// What the parser said.
        reason: String,
    },
}

/// The base score of a `CVSS:3.0/…`, `CVSS:3.1/…` or `CVSS:4.0/…` vector.
///
/// CVSS v2 vectors are refused: their scale differs (no "critical") and every advisory that has
/// one also has a newer vector or a vendor rating, which are better evidence.
pub fn base_score(vector: &str) -> Result<CvssScore, CvssError> {
    let vector = vector.trim();
    if vector.len() > MAX_VECTOR_LEN {
        return Err(CvssError::Invalid {
            vector: vector.chars().take(64).collect(),
            reason: format!("longer than {MAX_VECTOR_LEN} bytes"),
        });
    }
    let invalid = |e: cvss::Error| CvssError::Invalid {
        vector: vector.to_string(),
        reason: e.to_string(),
    };
    if vector.starts_with("CVSS:4.0/") {
        let parsed = cvss::v4::Vector::from_str(vector).map_err(invalid)?;
        return Ok(CvssScore {
            version: "4.0",
            score: parsed.score().value(),
        });
    }
    let version = if vector.starts_with("CVSS:3.1/") {
        "3.1"
    } else if vector.starts_with("CVSS:3.0/") {
        "3.0"
    } else {
        return Err(CvssError::Unsupported(vector.to_string()));
    };
    let parsed = cvss::v3::Vector::from_str(vector).map_err(invalid)?;
    Ok(CvssScore {
        version,
        score: parsed.base_score().value(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn score(vector: &str) -> f64 {
        base_score(vector).expect("valid").score
    }

    #[test]
    fn v3_examples_from_nvd() {
        // CVE-2021-44228 (Log4Shell), NVD: 10.0.
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"), 10.0);
        // CVE-2014-0160 (Heartbleed), NVD v3.1: 7.5.
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"), 7.5);
        // CVE-2023-4911 (glibc "Looney Tunables"), NVD: 7.8.
        assert_eq!(score("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"), 7.8);
        // FIRST CVSS v3.1 user guide, example CVE-2013-1937 (phpMyAdmin reflected XSS): 6.1.
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"), 6.1);
        // v3.0 rounding differs from v3.1 only in floating-point edge cases; same vector, 9.8.
        assert_eq!(score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8);
        assert_eq!(
            base_score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
                .expect("ok")
                .version,
            "3.0"
        );
        // No impact: 0.0.
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"), 0.0);
    }

    #[test]
    fn v4_examples_from_the_first_calculator() {
        // FIRST CVSS v4.0 specification, section 8 / calculator defaults: every impact high,
        // network, no privileges: 9.3.
        assert_eq!(
            score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            9.3
        );
        // Subsequent-system impacts too: 10.0.
        assert_eq!(
            score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"),
            10.0
        );
        // No impact at all: 0.0.
        assert_eq!(
            score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N"),
            0.0
        );
        // CVE-2024-3094-like local vector from GitHub's advisory set, FIRST calculator: 8.5.
        assert_eq!(
            score("CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            8.5
        );
        assert_eq!(
            base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
                .expect("ok")
                .version,
            "4.0"
        );
    }

    #[test]
    fn v2_and_garbage_are_refused() {
        assert!(matches!(
            base_score("AV:N/AC:L/Au:N/C:P/I:P/A:P"),
            Err(CvssError::Unsupported(_))
        ));
        assert!(matches!(
            base_score("CVSS:3.1/AV:X"),
            Err(CvssError::Invalid { .. })
        ));
        assert!(matches!(
            base_score("CVSS:4.0/AV:N"),
            Err(CvssError::Invalid { .. })
        ));
        assert!(base_score(&format!("CVSS:3.1/{}", "A".repeat(10_000))).is_err());
    }
}
