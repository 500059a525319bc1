use crate::ast::{Args, Keyword};
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `ONBUILD FROM` and `ONBUILD MAINTAINER` (`ONBUILD ONBUILD` does not parse).
    ///
    /// ## Why it matters
    /// These triggers are not allowed: the child build fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// ONBUILD FROM debian:12
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ONBUILD COPY . /app
    /// ```
    ///
    /// ## References
    /// - hadolint DL3043
    ONBUILD {
        id: "SB1043",
        aliases: ["DL3043"],
        name: "onbuild-forbidden-trigger",
        severity: High,
        summary: "ONBUILD, FROM or MAINTAINER triggered from within ONBUILD instruction",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for located in model.with_keyword(Keyword::Onbuild) {
        if let Args::Onbuild(inner) = &located.instruction.args {
            if matches!(
                inner.keyword,
                Keyword::From | Keyword::Maintainer | Keyword::Onbuild
            ) {
                sink.report(
                    located,
                    format!("ONBUILD {} is not allowed", inner.keyword.as_str()),
                );
            }
        }
    }
}
