use seatbelt_findings::LabelType;

use super::util::label_format;
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports a `LABEL` whose `label-schema` format is `semver` and whose value is not a
    /// semantic version (`1.4.2`, `2.0.0-rc.1+build.5`; no `v` prefix, no missing parts).
    ///
    /// ## Why it matters
    /// `org.opencontainers.image.version` is compared by tools that order releases; `v1.2`
    /// or `latest` cannot be ordered.
    ///
    /// ## Example
    /// ```dockerfile
    /// # .seatbelt.yaml: label-schema: {org.opencontainers.image.version: semver}
    /// LABEL org.opencontainers.image.version="v1.4"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL org.opencontainers.image.version="1.4.0"
    /// ```
    ///
    /// ## References
    /// - hadolint DL3056
    /// - <https://semver.org/spec/v2.0.0.html>
    LABEL_SEMVER {
        id: "SB1056",
        aliases: ["DL3056"],
        name: "label-not-semver",
        severity: Medium,
        summary: "Label does not conform to semantic versioning",
        check: check,
    }
}

/// A SemVer 2.0.0 version, as the `semver` crate (cargo's) parses it.
pub(crate) fn valid_semver(value: &str) -> bool {
    semver::Version::parse(value).is_ok()
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    label_format(
        model,
        sink,
        LabelType::Semver,
        valid_semver,
        "does not conform to semantic versioning",
    );
}

#[cfg(test)]
mod tests {
    use super::valid_semver;

    #[test]
    fn semver_two_only() {
        for good in ["1.2.3", "0.0.0", "1.0.0-rc.1+b.5", "1.0.0+x-y"] {
            assert!(valid_semver(good), "{good}");
        }
        for bad in ["", "v1.2.3", "1.2", "latest", "1.2.3+x_y", "01.2.3"] {
            assert!(!valid_semver(bad), "{bad}");
        }
    }
}
