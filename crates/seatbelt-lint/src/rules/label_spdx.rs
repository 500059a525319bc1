use seatbelt_findings::LabelType;

use super::util::label_format;
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports a `LABEL` whose `label-schema` format is `spdx` and whose value is not one
    /// current SPDX license identifier (`MIT`, `Apache-2.0`, `GPL-2.0-only`); deprecated ids
    /// (`GPL-2.0`), expressions (`MIT OR Apache-2.0`) and `LicenseRef-…` are not accepted, as
    /// in hadolint.
    ///
    /// ## Why it matters
    /// `org.opencontainers.image.licenses` is read by license scanners; a free-form name
    /// (`Apache 2`, `mit`) is one they cannot match.
    ///
    /// ## Example
    /// ```dockerfile
    /// # .seatbelt.yaml: label-schema: {org.opencontainers.image.licenses: spdx}
    /// LABEL org.opencontainers.image.licenses="Apache 2"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL org.opencontainers.image.licenses="Apache-2.0"
    /// ```
    ///
    /// ## References
    /// - hadolint DL3054
    /// - <https://spdx.org/licenses/>
    LABEL_SPDX {
        id: "SB1054",
        aliases: ["DL3054"],
        name: "label-not-spdx",
        severity: Medium,
        summary: "Label is not a valid SPDX license identifier",
        check: check,
    }
}

/// A current (not deprecated) SPDX license id, matched exactly.
pub(crate) fn valid_spdx(value: &str) -> bool {
    spdx::license_id(value).is_some_and(|id| id.name == value && !id.is_deprecated())
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    label_format(
        model,
        sink,
        LabelType::Spdx,
        valid_spdx,
        "is not a valid SPDX license identifier",
    );
}

#[cfg(test)]
mod tests {
    use super::valid_spdx;

    #[test]
    fn current_license_ids_only() {
        for good in ["MIT", "Apache-2.0", "GPL-2.0-only", "0BSD"] {
            assert!(valid_spdx(good), "{good}");
        }
        for bad in [
            "",
            "mit",
            " MIT",
            "GPL-2.0",
            "GPL-2.0+",
            "MIT OR Apache-2.0",
            "LicenseRef-foo",
            "Apache 2",
        ] {
            assert!(!valid_spdx(bad), "{bad}");
        }
    }
}
