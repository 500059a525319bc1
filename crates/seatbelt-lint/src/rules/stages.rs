use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports a stage name (`FROM … AS name`) used by more than one stage.
    ///
    /// ## Why it matters
    /// `COPY --from=name` and `FROM name` then refer to whichever stage BuildKit picks, which
    /// is rarely what the author meant.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// FROM node:20 AS build
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.22 AS build-go
    /// FROM node:20 AS build-web
    /// ```
    ///
    /// ## References
    /// - hadolint DL3024
    UNIQUE_ALIAS {
        id: "SB1024",
        aliases: ["DL3024"],
        name: "duplicate-stage-name",
        severity: High,
        summary: "FROM aliases (stage names) must be unique",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (i, stage) in model.stages.iter().enumerate() {
        let Some(alias) = &stage.alias else { continue };
        let earlier = model.stages[..i].iter().any(|s| {
            s.alias
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(alias))
        });
        if earlier {
            if let Some(at) = model.instructions.get(stage.from) {
                sink.report(
                    at,
                    format!("Duplicate FROM alias {alias}: stage names must be unique"),
                );
            }
        }
    }
}
