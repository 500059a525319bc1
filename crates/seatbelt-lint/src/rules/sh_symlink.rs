use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `ln` that replaces `/bin/sh`.
    ///
    /// ## Why it matters
    /// Replacing the system shell breaks scripts that expect a POSIX `sh` and hides from
    /// readers which shell `RUN` uses. `SHELL` changes it for the Dockerfile only.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN ln -sf /bin/bash /bin/sh
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-c"]
    /// ```
    ///
    /// ## References
    /// - hadolint DL4005
    SH_SYMLINK {
        id: "SB1105",
        aliases: ["DL4005"],
        name: "ln-bin-sh",
        severity: Medium,
        summary: "Use SHELL to change the default shell",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (located, script) in model.runs() {
        if script
            .named("ln")
            .any(|c| c.args().iter().any(|w| w.text == "/bin/sh"))
        {
            sink.report(located, "Use SHELL to change the default shell");
        }
    }
}
