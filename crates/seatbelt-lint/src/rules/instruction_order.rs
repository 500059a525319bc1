use crate::ast::Keyword;
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports an instruction other than `ARG` before the first `FROM`.
    ///
    /// ## Why it matters
    /// Only `ARG` may come before `FROM`; anything else fails the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV A=1
    /// FROM debian:12
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// ENV A=1
    /// ```
    ///
    /// ## References
    /// - hadolint DL3061
    ORDER {
        id: "SB1061",
        aliases: ["DL3061"],
        name: "instruction-before-from",
        severity: High,
        summary: "A Dockerfile must begin with FROM or ARG",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for located in &model.instructions {
        if located.stage.is_none() && !matches!(located.keyword(), Keyword::Arg | Keyword::From) {
            sink.report(
                located,
                "Invalid instruction order. Dockerfile must begin with FROM, ARG or comment",
            );
        }
    }
}
