use crate::ast::Keyword;

use super::util::repeated;

crate::rule! {
    /// ## What it does
    /// Reports a stage with more than one `HEALTHCHECK`: only the last one takes effect.
    ///
    /// ## Why it matters
    /// The earlier ones are dead code that misleads readers.
    ///
    /// ## Example
    /// ```dockerfile
    /// HEALTHCHECK CMD a
    /// HEALTHCHECK CMD b
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// HEALTHCHECK CMD b
    /// ```
    ///
    /// ## References
    /// - hadolint DL3012
    MULTIPLE_HEALTHCHECK {
        id: "SB1012",
        aliases: ["DL3012"],
        name: "multiple-healthcheck",
        severity: High,
        summary: "Multiple HEALTHCHECK instructions found",
        check: |m, s| repeated(m, s, Keyword::Healthcheck, "Multiple HEALTHCHECK instructions"),
    }
}
