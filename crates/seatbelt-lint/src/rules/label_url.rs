use seatbelt_findings::LabelType;

use super::util::label_format;
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports a `LABEL` whose `label-schema` format is `url` and whose value is not an
    /// absolute URI (RFC 3986: a scheme, then only URI characters, `%` followed by two hex
    /// digits).
    ///
    /// ## Why it matters
    /// Labels such as `org.opencontainers.image.source` and `…documentation` are followed by
    /// tools and people; a relative path, a bare host name or a URL with spaces leads nowhere.
    ///
    /// ## Example
    /// ```dockerfile
    /// # .seatbelt.yaml: label-schema: {org.opencontainers.image.source: url}
    /// LABEL org.opencontainers.image.source="github.com/example/app"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL org.opencontainers.image.source="https://github.com/example/app"
    /// ```
    ///
    /// ## References
    /// - hadolint DL3052
    /// - RFC 3986
    LABEL_URL {
        id: "SB1052",
        aliases: ["DL3052"],
        name: "label-not-url",
        severity: Medium,
        summary: "Label is not a valid URL",
        check: check,
    }
}

/// Characters RFC 3986 allows in a URI (unreserved, reserved, and `%` of percent-encodings).
fn uri_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

/// Whether every `%` starts a percent-encoded octet.
fn percent_encodings_valid(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.iter().enumerate().all(|(i, b)| {
        *b != b'%'
            || (bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

/// An absolute URI: the url crate checks the structure (scheme, authority, port), and the
/// character checks refuse what it would silently repair (spaces, non-ASCII, bad `%`).
pub(crate) fn valid_url(value: &str) -> bool {
    value.chars().all(uri_char) && percent_encodings_valid(value) && url::Url::parse(value).is_ok()
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    label_format(model, sink, LabelType::Url, valid_url, "is not a valid URL");
}

#[cfg(test)]
mod tests {
    use super::valid_url;

    #[test]
    fn absolute_uris_only() {
        for good in [
            "https://example.com/x",
            "mailto:a@b.c",
            "urn:isbn:0451450523",
            "HTTPS://A.B",
            "http:foo",
            "https://a.b/%20",
        ] {
            assert!(valid_url(good), "{good}");
        }
        for bad in [
            "",
            "example.com",
            "/relative",
            "https://exa mple.com",
            "https://a.b/%zz",
            "https://例え.jp/",
        ] {
            assert!(!valid_url(bad), "{bad}");
        }
    }
}
