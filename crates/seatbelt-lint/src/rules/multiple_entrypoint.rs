use crate::ast::Keyword;

use super::util::repeated;

crate::rule! {
    /// ## What it does
    /// Reports a stage with more than one `ENTRYPOINT`: only the last one takes effect.
    ///
    /// ## Why it matters
    /// The earlier ones are dead code that misleads readers.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENTRYPOINT ["a"]
    /// ENTRYPOINT ["b"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ENTRYPOINT ["b"]
    /// ```
    ///
    /// ## References
    /// - hadolint DL4004
    MULTIPLE_ENTRYPOINT {
        id: "SB1104",
        aliases: ["DL4004"],
        name: "multiple-entrypoint",
        severity: High,
        summary: "Multiple ENTRYPOINT instructions found",
        check: |m, s| repeated(m, s, Keyword::Entrypoint, "Multiple ENTRYPOINT instructions found. If you list more than one ENTRYPOINT then only the last ENTRYPOINT will take effect"),
    }
}
