use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `sudo` in `RUN`.
    ///
    /// ## Why it matters
    /// `RUN` already runs as the current `USER`; `sudo` needs a setuid binary and a sudoers
    /// entry in the image, both ways for a compromised process to become root. Switch with
    /// `USER root` for the steps that need it.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN sudo apt-get update
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// USER root
    /// RUN apt-get update
    /// USER app
    /// ```
    ///
    /// ## References
    /// - hadolint DL3004
    SUDO {
        id: "SB1004",
        aliases: ["DL3004"],
        name: "sudo",
        severity: High,
        summary: "Do not use sudo",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (located, script) in model.runs() {
        if script.commands.iter().any(|c| c.is("sudo")) {
            sink.report(located, "Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root");
        }
    }
}
