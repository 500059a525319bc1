//! RFC 3339 timestamps without a date library: civil-from-days and back (Howard Hinnant's
//! algorithms for the proleptic Gregorian calendar).

use std::time::{SystemTime, UNIX_EPOCH};

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `secs` since the Unix epoch as `YYYY-MM-DDThh:mm:ssZ`, the form SPDX requires (use it for
/// `SOURCE_DATE_EPOCH`).
pub fn rfc3339_utc(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

pub(crate) fn now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2));
    rfc3339_utc(secs)
}

fn number(s: &str, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|n| range.contains(n))
}

/// Parses an RFC 3339 date-time and writes it in UTC with whole seconds.
pub(crate) fn normalize(text: &str) -> Option<String> {
    let t = text.trim();
    let (date, rest) = t.split_once(['T', 't', ' '])?;
    let mut parts = date.split('-');
    let y = number(parts.next()?, 0..=9999)?;
    let mo = number(parts.next()?, 1..=12)?;
    let d = number(parts.next()?, 1..=31)?;
    if parts.next().is_some() {
        return None;
    }
    let (clock, offset) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else {
        let split = rest.rfind(['+', '-'])?;
        let (c, off) = rest.split_at(split);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (oh, om) = off.get(1..)?.split_once(':')?;
        (
            c,
            sign * (number(oh, 0..=23)? * 3600 + number(om, 0..=59)? * 60),
        )
    };
    let clock = clock.split('.').next()?;
    let mut hms = clock.split(':');
    let h = number(hms.next()?, 0..=23)?;
    let mi = number(hms.next()?, 0..=59)?;
    let s = number(hms.next()?, 0..=60)?;
    if hms.next().is_some() {
        return None;
    }
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset;
    Some(rfc3339_utc(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_normalises() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(
            normalize("2023-11-14T23:13:20.123+01:00").as_deref(),
            Some("2023-11-14T22:13:20Z")
        );
        assert_eq!(
            normalize("2023-11-14T22:13:20Z").as_deref(),
            Some("2023-11-14T22:13:20Z")
        );
        for bad in [
            "",
            "yesterday",
            "2023-13-01T00:00:00Z",
            "2023-11-14",
            "2023-11-14T22:13Z",
            "2023-11-14T22:13:20",
        ] {
            assert!(normalize(bad).is_none(), "{bad}");
        }
    }
}
