//! A finding's severity: the highest CVSS v3.x/v4.0 base score among the advisory and its
//! aliases; else the highest vendor or database rating; else unknown. CVSS v2 is not used: its
//! scale has no "critical" and every advisory with v2 has a better signal.

use seatbelt_types::Severity;
use seatbelt_vulndb::Advisory;

use crate::cvss::{CvssError, CvssScore};
use crate::report::SeverityOrigin;

pub(super) struct Rated {
    pub(super) severity: Severity,
    pub(super) origin: SeverityOrigin,
    pub(super) score: Option<f64>,
}

pub(super) fn rate(
    advisories: &[std::rc::Rc<Advisory>],
    vendor_ratings: &[(String, String)],
    score_of: &mut dyn FnMut(&str) -> Result<CvssScore, CvssError>,
    on_invalid: &mut dyn FnMut(&str, &str, &CvssError),
) -> Rated {
    let mut best: Option<(f64, SeverityOrigin)> = None;
    for advisory in advisories {
        for score in &advisory.severity {
            if !matches!(score.kind.as_str(), "CVSS_V3" | "CVSS_V4") {
                continue;
            }
            match score_of(&score.score) {
                Ok(computed) => {
                    if best.as_ref().is_none_or(|(b, _)| computed.score > *b) {
                        best = Some((
                            computed.score,
                            SeverityOrigin::Cvss {
                                version: computed.version.to_string(),
                                vector: score.score.clone(),
                                advisory: advisory.id.clone(),
                            },
                        ));
                    }
                }
                Err(err) => on_invalid(&score.score, &advisory.id, &err),
            }
        }
    }
    if let Some((score, origin)) = best {
        return Rated {
            severity: Severity::from_cvss_score(score),
            origin,
            score: Some(score),
        };
    }
    let ratings = vendor_ratings
        .iter()
        .map(|(rating, source)| (rating.as_str(), source.as_str()))
        .chain(advisories.iter().filter_map(|a| {
            a.database_severity
                .as_deref()
                .map(|rating| (rating, a.id.as_str()))
        }));
    let mut vendor: Option<(Severity, SeverityOrigin)> = None;
    for (rating, source) in ratings {
        // Debian's "not yet assigned" and similar do not rate anything.
        let Ok(severity) = rating.parse::<Severity>() else {
            continue;
        };
        if severity == Severity::Unknown {
            continue;
        }
        if vendor.as_ref().is_none_or(|(s, _)| severity > *s) {
            vendor = Some((
                severity,
                SeverityOrigin::Vendor {
                    rating: rating.to_string(),
                    source: source.to_string(),
                },
            ));
        }
    }
    match vendor {
        Some((severity, origin)) => Rated {
            severity,
            origin,
            score: None,
        },
        None => Rated {
            severity: Severity::Unknown,
            origin: SeverityOrigin::Unknown,
            score: None,
        },
    }
}
