//! Instructions that only take effect once per stage.

use crate::ast::Keyword;
use crate::model::Model;
use crate::rule::Sink;

/// Reports every `keyword` in a stage after the first one (as hadolint does).
fn repeated(model: &Model<'_>, sink: &mut Sink, keyword: Keyword, message: &str) {
    for stage in 0..model.stages.len() {
        let all: Vec<_> = model
            .in_stage(stage)
            .filter(|l| l.keyword() == keyword)
            .collect();
        if let Some((_, later)) = all.split_first() {
            for at in later {
                sink.report(at, message);
            }
        }
    }
}

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
