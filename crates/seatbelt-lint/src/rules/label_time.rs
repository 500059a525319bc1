use seatbelt_findings::LabelType;

use super::util::label_format;
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports a `LABEL` whose `label-schema` format is `rfc3339` and whose value is not an
    /// RFC 3339 date-time (`2024-05-01T12:30:00Z`, `2024-05-01T12:30:00.5+02:00`) naming a
    /// real calendar day.
    ///
    /// ## Why it matters
    /// `org.opencontainers.image.created` is compared and sorted by tools; a date without a
    /// time or offset, or a local format, sorts wrong or fails to parse.
    ///
    /// ## Example
    /// ```dockerfile
    /// # .seatbelt.yaml: label-schema: {org.opencontainers.image.created: rfc3339}
    /// LABEL org.opencontainers.image.created="2024-05-01 12:30"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL org.opencontainers.image.created="2024-05-01T12:30:00Z"
    /// ```
    ///
    /// ## References
    /// - hadolint DL3053
    /// - RFC 3339 section 5.6
    LABEL_TIME {
        id: "SB1053",
        aliases: ["DL3053"],
        name: "label-not-rfc3339",
        severity: Medium,
        summary: "Label is not a valid RFC 3339 time",
        check: check,
    }
}

/// The number `digits` spell, if they are all ASCII digits.
fn number(digits: Option<&str>) -> Option<i16> {
    let digits = digits?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `time-offset` of RFC 3339: `Z`, or `+hh:mm` / `-hh:mm`.
fn valid_offset(offset: &str) -> bool {
    if offset.eq_ignore_ascii_case("z") {
        return true;
    }
    let Some(rest) = offset.strip_prefix(['+', '-']) else {
        return false;
    };
    rest.len() == 5
        && rest.get(2..3) == Some(":")
        && number(rest.get(0..2)).is_some_and(|h| h < 24)
        && number(rest.get(3..5)).is_some_and(|m| m < 60)
}

/// RFC 3339 `date-time`, parsed by hand because the grammar is stricter than what date
/// libraries accept (they also take a space for `T`, `,` fractions, offsets without `:`);
/// jiff checks that the day exists.
pub(crate) fn valid_rfc3339(value: &str) -> bool {
    let (Some(date), Some(sep), Some(time)) = (value.get(..10), value.get(10..11), value.get(11..))
    else {
        return false;
    };
    let date_ok = date.get(4..5) == Some("-")
        && date.get(7..8) == Some("-")
        && match (
            number(date.get(0..4)),
            number(date.get(5..7)),
            number(date.get(8..10)),
        ) {
            (Some(y), Some(m), Some(d)) => jiff::civil::Date::new(y, m as i8, d as i8).is_ok(),
            _ => false,
        };
    let hms_ok = time.get(2..3) == Some(":")
        && time.get(5..6) == Some(":")
        && number(time.get(0..2)).is_some_and(|h| h < 24)
        && number(time.get(3..5)).is_some_and(|m| m < 60)
        // 60: a leap second.
        && number(time.get(6..8)).is_some_and(|s| s <= 60);
    let Some(mut rest) = time.get(8..) else {
        return false;
    };
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = fraction.get(digits..).unwrap_or_default();
    }
    date_ok && sep.eq_ignore_ascii_case("t") && hms_ok && valid_offset(rest)
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    label_format(
        model,
        sink,
        LabelType::Rfc3339,
        valid_rfc3339,
        "is not a valid time format: it must conform to RFC 3339",
    );
}

#[cfg(test)]
mod tests {
    use super::valid_rfc3339;

    #[test]
    fn rfc3339_date_times_only() {
        // Examples from RFC 3339 section 5.8.
        for good in [
            "1985-04-12T23:20:50.52Z",
            "1996-12-19T16:39:57-08:00",
            "1990-12-31T23:59:60Z",
            "1937-01-01T12:00:27.87+00:20",
            "2024-01-02t03:04:05z",
            "2024-02-29T00:00:00Z",
        ] {
            assert!(valid_rfc3339(good), "{good}");
        }
        for bad in [
            "",
            "2024-01-02",
            "2024-01-02T03:04:05",
            "2024-01-02 03:04:05Z",
            "2024-01-02T03:04Z",
            "2024-01-02T03:04:05,5Z",
            "2024-01-02T03:04:05+0200",
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-02T24:00:00Z",
            "2024-01-02T03:04:05.Z",
            "２０２４-01-02T03:04:05Z",
        ] {
            assert!(!valid_rfc3339(bad), "{bad}");
        }
    }
}
