use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::each_call;

crate::rule! {
    /// ## What it does
    /// Reports `apt-get install` without `--no-install-recommends` (or the equivalent
    /// `-o APT::Install-Recommends=false`).
    ///
    /// ## Why it matters
    /// Recommended packages are often large and rarely needed in a container; each one is
    /// more code with its own vulnerabilities.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## References
    /// - hadolint DL3015
    APT_RECOMMENDS {
        id: "SB1015",
        aliases: ["DL3015"],
        name: "apt-get-recommends",
        severity: Low,
        summary: "Avoid additional packages by specifying --no-install-recommends",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    each_call(
        model,
        sink,
        Tool::AptGet,
        &["install"],
        |c| {
            !c.has(&["--no-install-recommends"])
                && !c.args.iter().any(|w| {
                    w.text.contains("APT::Install-Recommends=false")
                        || w.text.contains("APT::Install-Recommends=0")
                })
        },
        "Avoid additional packages by specifying `--no-install-recommends`",
    );
}
