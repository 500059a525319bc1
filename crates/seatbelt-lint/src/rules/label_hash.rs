use seatbelt_findings::LabelType;

use super::util::label_format;
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports a `LABEL` whose `label-schema` format is `hash` and whose value is not a git
    /// commit hash: 40 lower-case hex digits, or the 7-digit short form.
    ///
    /// ## Why it matters
    /// `org.opencontainers.image.revision` ties the image to the commit it was built from; a
    /// branch name or tag moves, and a mistyped hash ties it to nothing.
    ///
    /// ## Example
    /// ```dockerfile
    /// # .seatbelt.yaml: label-schema: {org.opencontainers.image.revision: hash}
    /// LABEL org.opencontainers.image.revision="main"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL org.opencontainers.image.revision="4f2b8c1d9e0a7b6c5d4e3f2a1b0c9d8e7f6a5b4c"
    /// ```
    ///
    /// ## References
    /// - hadolint DL3055
    LABEL_HASH {
        id: "SB1055",
        aliases: ["DL3055"],
        name: "label-not-git-hash",
        severity: Medium,
        summary: "Label is not a valid git hash",
        check: check,
    }
}

/// A full (40) or short (7) SHA-1 commit id in git's lower-case spelling.
pub(crate) fn valid_hash(value: &str) -> bool {
    (value.len() == 40 || value.len() == 7)
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    label_format(
        model,
        sink,
        LabelType::Hash,
        valid_hash,
        "is not a valid git hash",
    );
}

#[cfg(test)]
mod tests {
    use super::valid_hash;

    #[test]
    fn seven_or_forty_lower_hex_digits() {
        assert!(valid_hash("abcdef1"));
        assert!(valid_hash("4f2b8c1d9e0a7b6c5d4e3f2a1b0c9d8e7f6a5b4c"));
        for bad in ["", "ABCDEF1", "abcdef12", "main", "abcdefg"] {
            assert!(!valid_hash(bad), "{bad}");
        }
    }
}
