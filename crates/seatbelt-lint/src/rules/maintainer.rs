use crate::ast::Keyword;
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `MAINTAINER`, deprecated since Docker 1.13.
    ///
    /// ## Why it matters
    /// Tools read the author from the OCI label instead; `MAINTAINER` may stop working.
    ///
    /// ## Example
    /// ```dockerfile
    /// MAINTAINER Jane <jane@example.com>
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL org.opencontainers.image.authors="jane@example.com"
    /// ```
    ///
    /// ## References
    /// - hadolint DL4000
    MAINTAINER {
        id: "SB1100",
        aliases: ["DL4000"],
        name: "maintainer-deprecated",
        severity: High,
        summary: "MAINTAINER is deprecated",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for located in model.with_keyword(Keyword::Maintainer) {
        let fix = match &located.instruction.args {
            crate::ast::Args::Text(who) => Some(format!(
                "LABEL org.opencontainers.image.authors={}",
                serde_json::to_string(who).unwrap_or_default()
            )),
            _ => None,
        };
        sink.report_fix(located, "MAINTAINER is deprecated", fix);
    }
}
