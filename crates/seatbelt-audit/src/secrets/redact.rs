//! Redaction: what outputs show instead of a secret.

/// A short prefix of `secret` (at most `keep` characters and never more than a quarter of it,
/// so a short secret shows nearly nothing) followed by `****`. Non-printable bytes in the
/// prefix are dropped.
pub fn redact(secret: &[u8], keep: usize) -> String {
    let shown = keep.min(secret.len() / 4);
    let prefix: String = secret
        .iter()
        .take(shown)
        .filter(|b| b.is_ascii_graphic())
        .map(|&b| char::from(b))
        .collect();
    format!("{prefix}****")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_at_most_a_quarter() {
        assert_eq!(
            redact(b"ghp_0123456789abcdefghijklmnopqrstuvwxyz", 4),
            "ghp_****"
        );
        assert_eq!(redact(b"hunter22", 4), "hu****");
        assert_eq!(redact(b"abc", 4), "****");
        assert_eq!(redact(b"", 4), "****");
        assert_eq!(redact(b"\x00\x01\x02\x03xxxxxxxxxxxx", 4), "****");
    }
}
