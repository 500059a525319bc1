use crate::ast::Keyword;
use crate::expand;
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `COPY --from=name` where `name` is a stage defined later in the file (or is
    /// a stage index that does not exist yet). Names containing `/` or `:` are image
    /// references and are fine.
    ///
    /// ## Why it matters
    /// BuildKit resolves an unknown name as an image on Docker Hub: a typo in a stage name
    /// copies files from a stranger's image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY --from=build /app /app
    /// FROM golang:1.22 AS build
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// FROM alpine:3.20
    /// COPY --from=build /app /app
    /// ```
    ///
    /// ## References
    /// - hadolint DL3022
    COPY_FROM_UNKNOWN {
        id: "SB1022",
        aliases: ["DL3022"],
        name: "copy-from-undefined-stage",
        severity: Medium,
        summary: "COPY --from should reference a previously defined FROM alias",
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
        if from.contains(['/', ':', '@']) || expand::has_variable(from) {
            continue;
        }
        let current = located.stage.unwrap_or(0);
        let earlier = model.stages[..current.min(model.stages.len())]
            .iter()
            .enumerate()
            .any(|(i, s)| {
                s.alias
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(from))
                    || from == i.to_string()
            });
        let later = model.stages.iter().skip(current + 1).any(|s| {
            s.alias
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(from))
        });
        let is_index = from.chars().all(|c| c.is_ascii_digit());
        let own = model
            .stages
            .get(current)
            .and_then(|s| s.alias.as_deref())
            .is_some_and(|a| a.eq_ignore_ascii_case(from));
        if own {
            // Copying from its own stage is SB1023's finding.
            continue;
        }
        if !earlier && (later || is_index) {
            sink.report(
                located,
                format!("COPY --from={from} should reference a previously defined FROM alias"),
            );
        }
    }
}
