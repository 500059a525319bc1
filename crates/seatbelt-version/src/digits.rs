//! Arbitrary-precision comparison of decimal digit strings, so `99999999999999999999` neither
//! overflows nor wraps: dpkg, rpm, apk and SemVer identifiers all compare digit runs by value.

use std::cmp::Ordering;

/// Compares two ASCII digit strings by numeric value, ignoring leading zeros.
pub(crate) fn cmp_digits(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Whether `text` is a non-empty run of ASCII digits.
pub(crate) fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_not_lengths_decide() {
        assert_eq!(cmp_digits("10", "9"), Ordering::Greater);
        assert_eq!(cmp_digits("0010", "10"), Ordering::Equal);
        assert_eq!(cmp_digits("", "0"), Ordering::Equal);
        assert_eq!(
            cmp_digits("99999999999999999999999", "99999999999999999999998"),
            Ordering::Greater
        );
    }
}
