use crate::ast::Keyword;
use crate::model::{Base, Model};
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports a final stage without `HEALTHCHECK` (its own or inherited from the stages it
    /// is built on), on its `FROM` line.
    ///
    /// ## Why it matters
    /// Without a health check the runtime only knows whether the process exists, not whether
    /// it serves. Orchestrators that read the image's health check restart hung containers.
    /// (Kubernetes ignores it in favour of probes: disable this rule there.)
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM nginx:1.27
    /// HEALTHCHECK --interval=30s CMD curl -fsS http://localhost/ || exit 1
    /// ```
    ///
    /// ## References
    /// - hadolint DL3057
    /// - CIS Docker Benchmark 4.6
    HEALTHCHECK_MISSING {
        id: "SB1057",
        aliases: ["DL3057"],
        name: "healthcheck-missing",
        severity: Low,
        summary: "HEALTHCHECK instruction missing",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    let Some(last) = model.final_stage() else {
        return;
    };
    // The final stage inherits a HEALTHCHECK from the stages it is built on.
    let mut stage = Some(last);
    while let Some(index) = stage {
        if model
            .in_stage(index)
            .any(|l| l.keyword() == Keyword::Healthcheck)
        {
            return;
        }
        stage = match model.stages.get(index).map(|s| &s.base) {
            Some(Base::Stage(parent)) if *parent < index => Some(*parent),
            _ => None,
        };
    }
    if let Some(at) = model
        .stages
        .get(last)
        .and_then(|s| model.instructions.get(s.from))
    {
        sink.report(at, "HEALTHCHECK instruction missing");
    }
}
