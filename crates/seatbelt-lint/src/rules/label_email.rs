use seatbelt_findings::LabelType;

use super::util::label_format;
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports a `LABEL` whose `label-schema` format is `email` and whose value is not an
    /// e-mail address (RFC 5322 `addr-spec`: `local@domain`, no display name).
    ///
    /// ## Why it matters
    /// Contact labels (`maintainer`, `org.opencontainers.image.authors`) are how people
    /// report a problem with the image; a name without an address reaches nobody.
    ///
    /// ## Example
    /// ```dockerfile
    /// # .seatbelt.yaml: label-schema: {maintainer: email}
    /// LABEL maintainer="Platform Team <platform@example.com>"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL maintainer="platform@example.com"
    /// ```
    ///
    /// ## References
    /// - hadolint DL3058
    /// - RFC 5322 section 3.4.1
    LABEL_EMAIL {
        id: "SB1058",
        aliases: ["DL3058"],
        name: "label-not-email",
        severity: Medium,
        summary: "Label is not a valid email address",
        check: check,
    }
}

/// An RFC 5322 `addr-spec` (the `email_address` crate's parser; display names refused).
pub(crate) fn valid_email(value: &str) -> bool {
    !value.contains('<') && email_address::EmailAddress::is_valid(value)
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    label_format(
        model,
        sink,
        LabelType::Email,
        valid_email,
        "is not a valid email address: it must conform to RFC 5322",
    );
}

#[cfg(test)]
mod tests {
    use super::valid_email;

    #[test]
    fn addr_specs_only() {
        for good in [
            "a@b.org",
            "first.last@sub.example.co.uk",
            "x@localhost",
            "\"a b\"@c.d",
        ] {
            assert!(valid_email(good), "{good}");
        }
        for bad in [
            "",
            "not-an-email",
            "a b@c.d",
            "Name <a@b.c>",
            "a..b@c.d",
            "@b.c",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
    }
}
