use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::each_call;

crate::rule! {
    /// ## What it does
    /// Reports `go install module/path` without `@version` (`@latest` counts as unpinned).
    ///
    /// ## Why it matters
    /// Without a version, the build installs whatever the module's default branch holds.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN go install golang.org/x/tools/gopls@latest
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN go install golang.org/x/tools/gopls@v0.16.2
    /// ```
    ///
    /// ## References
    /// - <https://go.dev/ref/mod#go-install>
    GO_INSTALL_PIN {
        id: "SB1210",
        aliases: [],
        name: "go-install-unpinned",
        severity: Medium,
        summary: "Pin versions in go install",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    each_call(
        model,
        sink,
        Tool::Go,
        &["install"],
        |c| {
            c.packages().iter().any(|p| {
                p.text.contains('.')
                    && !p.text.starts_with('.')
                    && p.text.split_once('@').is_none_or(|(_, v)| v == "latest")
            })
        },
        "Pin versions in go install: use `go install <module>@<version>`",
    );
}
