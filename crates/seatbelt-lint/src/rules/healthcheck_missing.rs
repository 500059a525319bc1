use crate::ast::Keyword;
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports a Dockerfile without any `HEALTHCHECK` instruction.
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
    if model.with_keyword(Keyword::Healthcheck).next().is_some() {
        return;
    }
    if let Some(at) = model
        .stages
        .first()
        .and_then(|s| model.instructions.get(s.from))
    {
        sink.report(at, "HEALTHCHECK instruction missing");
    }
}
