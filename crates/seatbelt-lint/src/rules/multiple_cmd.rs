use crate::ast::Keyword;

use super::util::repeated;

crate::rule! {
    /// ## What it does
    /// Reports a stage with more than one `CMD`: only the last one takes effect.
    ///
    /// ## Why it matters
    /// The earlier ones are dead code that misleads readers.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["a"]
    /// CMD ["b"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// CMD ["b"]
    /// ```
    ///
    /// ## References
    /// - hadolint DL4003
    MULTIPLE_CMD {
        id: "SB1103",
        aliases: ["DL4003"],
        name: "multiple-cmd",
        severity: Medium,
        summary: "Multiple CMD instructions found",
        check: |m, s| repeated(m, s, Keyword::Cmd, "Multiple CMD instructions found. If you list more than one CMD then only the last CMD will take effect"),
    }
}
