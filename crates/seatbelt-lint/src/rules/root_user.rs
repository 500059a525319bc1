use crate::ast::{Args, Keyword};
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports a `USER root` (or `0`) that is the last `USER` of its stage.
    ///
    /// ## Why it matters
    /// A container running as root turns any code-execution bug into root in the container,
    /// one kernel bug away from the host. Switch back to an unprivileged user after the steps
    /// that need root.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// USER root
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// USER root
    /// RUN apt-get update
    /// USER 10001
    /// ```
    ///
    /// ## References
    /// - hadolint DL3002
    /// - CIS Docker Benchmark 4.1
    ROOT_USER {
        id: "SB1002",
        aliases: ["DL3002"],
        name: "last-user-root",
        severity: Medium,
        summary: "Last USER should not be root",
        check: check,
    }
}

pub(crate) fn is_root(user: &str) -> bool {
    user == "root" || user == "0" || user.starts_with("root:") || user.starts_with("0:")
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for stage in 0..model.stages.len() {
        let last = model
            .in_stage(stage)
            .filter(|l| l.keyword() == Keyword::User)
            .last();
        if let Some(at) = last {
            if let Args::Text(user) = &at.instruction.args {
                if is_root(user) {
                    sink.report(at, "Last USER should not be root");
                }
            }
        }
    }
}
