use crate::ast::Keyword;
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `COPY --from=name` where `name` is the stage the `COPY` is in.
    ///
    /// ## Why it matters
    /// A stage cannot copy from itself; the build fails (or copies from an image of that
    /// name in a registry, which is worse).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// COPY --from=build /src /src
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// COPY . /src
    /// ```
    ///
    /// ## References
    /// - hadolint DL3023
    COPY_FROM_SELF {
        id: "SB1023",
        aliases: ["DL3023"],
        name: "copy-from-own-stage",
        severity: High,
        summary: "COPY --from cannot reference its own FROM alias",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for located in model.with_keyword(Keyword::Copy) {
        let Some(from) = located
            .instruction
            .flag("from")
            .and_then(|f| f.value.as_deref())
        else {
            continue;
        };
        let Some(stage) = located.stage.and_then(|s| model.stages.get(s)) else {
            continue;
        };
        if stage
            .alias
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case(from))
        {
            sink.report(
                located,
                "COPY --from should reference a previously defined FROM alias, not its own",
            );
        }
    }
}
