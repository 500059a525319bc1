use super::util::labels;
use crate::ast::Keyword;
use crate::model::{Base, Model};
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// For each label the config's `label-schema` lists, reports every stage (on its `FROM`
    /// line) that neither sets it nor is built on a stage that does. Not reported: stages
    /// used as `COPY --from` sources (their labels never reach an image) and stages that a
    /// later stage builds on and completes by setting the label itself.
    ///
    /// ## Why it matters
    /// Required labels (source repository, revision, license, owner) are how registries,
    /// scanners and people trace an image back to its code and its team. Any stage may be
    /// built alone (`docker build --target`), so each must carry them.
    ///
    /// ## Example
    /// ```dockerfile
    /// # .seatbelt.yaml: label-schema: {org.opencontainers.image.source: url}
    /// FROM nginx:1.27
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM nginx:1.27
    /// LABEL org.opencontainers.image.source="https://github.com/example/site"
    /// ```
    ///
    /// ## References
    /// - hadolint DL3049
    /// - <https://github.com/opencontainers/image-spec/blob/main/annotations.md>
    LABEL_MISSING {
        id: "SB1049",
        aliases: ["DL3049"],
        name: "label-missing",
        severity: Low,
        summary: "Label is missing",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    let all = labels(model);
    // Stages whose files another stage copies: `COPY --from=<name>` after the stage starts.
    let copied: Vec<bool> = model
        .stages
        .iter()
        .map(|stage| {
            let Some(name) = stage.alias.as_deref() else {
                return false;
            };
            model.instructions.iter().skip(stage.from).any(|l| {
                l.keyword() == Keyword::Copy
                    && l.instruction
                        .flag("from")
                        .and_then(|f| f.value.as_deref())
                        .is_some_and(|from| from.eq_ignore_ascii_case(name))
            })
        })
        .collect();
    for label in model.options.label_schema.keys() {
        let own: Vec<bool> = (0..model.stages.len())
            .map(|index| {
                all.iter()
                    .any(|(l, key, _)| l.stage == Some(index) && key == label)
            })
            .collect();
        let mut has: Vec<bool> = Vec::with_capacity(model.stages.len());
        for (index, stage) in model.stages.iter().enumerate() {
            let inherited = match stage.base {
                Base::Stage(parent) => has.get(parent).copied().unwrap_or(false),
                _ => false,
            };
            has.push(own.get(index).copied().unwrap_or(false) || inherited);
        }
        for (index, stage) in model.stages.iter().enumerate() {
            let completed_by_child = model.stages.iter().enumerate().any(|(child, s)| {
                s.base == Base::Stage(index) && own.get(child).copied().unwrap_or(false)
            });
            if has.get(index).copied().unwrap_or(true)
                || copied.get(index).copied().unwrap_or(false)
                || completed_by_child
            {
                continue;
            }
            if let Some(at) = model.instructions.get(stage.from) {
                sink.report(at, format!("Label `{label}` is missing"));
            }
        }
    }
}
