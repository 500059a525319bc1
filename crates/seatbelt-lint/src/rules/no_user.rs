use crate::ast::Keyword;
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports a Dockerfile whose final stage never sets `USER`, so the image runs as root
    /// (unless its base image set a user).
    ///
    /// ## Why it matters
    /// Most base images default to root. Set an unprivileged user in the final stage so the
    /// container does not run as root by accident.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["python", "app.py"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN useradd --uid 10001 --no-create-home app
    /// USER app
    /// CMD ["python", "app.py"]
    /// ```
    ///
    /// ## References
    /// - hadolint DL3062 (which asks for a `USER` anywhere in the file)
    /// - CIS Docker Benchmark 4.1
    NO_USER {
        id: "SB1201",
        aliases: [],
        name: "final-stage-no-user",
        severity: Medium,
        summary: "The final stage should set a non-root USER",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    let Some(last) = model.final_stage() else {
        return;
    };
    if !model.in_stage(last).any(|l| l.keyword() == Keyword::User) {
        if let Some(at) = model
            .stages
            .get(last)
            .and_then(|s| model.instructions.get(s.from))
        {
            sink.report(
                at,
                "The final stage sets no USER, so the container runs as root",
            );
        }
    }
}
