use crate::ast::{Args, Command, Keyword};
use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Separator;

crate::rule! {
    /// ## What it does
    /// Reports a shell-form `RUN` with a pipe when no earlier `SHELL` in the stage sets
    /// `-o pipefail` (or switches to a non-POSIX shell such as PowerShell).
    ///
    /// ## Why it matters
    /// Without `pipefail` a pipeline's status is its last command's: `curl … | tar x` passes
    /// when the download fails, and the image is built without the file.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/x.tgz | tar -xz
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/x.tgz | tar -xz
    /// ```
    ///
    /// ## References
    /// - hadolint DL4006
    PIPEFAIL {
        id: "SB1106",
        aliases: ["DL4006"],
        name: "pipe-without-pipefail",
        severity: Medium,
        summary: "Set SHELL -o pipefail before RUN with a pipe",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    let mut safe = false;
    for located in &model.instructions {
        match (&located.keyword(), &located.instruction.args) {
            (Keyword::From, _) => safe = false,
            (Keyword::Shell, Args::Command(Command::Exec(words))) => {
                let first = words.first().map(String::as_str).unwrap_or_default();
                let non_posix = ["cmd", "powershell", "pwsh"]
                    .iter()
                    .any(|s| first.to_ascii_lowercase().contains(s));
                let pipefail = words
                    .windows(2)
                    .any(|w| w[0].starts_with('-') && w[0].ends_with('o') && w[1] == "pipefail")
                    || words
                        .iter()
                        .any(|w| w.starts_with('-') && w.contains("opipefail"));
                safe = non_posix || pipefail;
            }
            (Keyword::Run, Args::Command(Command::Shell(_)))
                if !safe
                    && located.script.as_ref().is_some_and(|s| {
                        s.commands
                            .iter()
                            .any(|c| c.depth == 0 && c.after == Separator::Pipe)
                            && !sets_pipefail(s)
                    }) =>
            {
                sink.report(
                    located,
                    "Set the SHELL option -o pipefail before RUN with a pipe in it",
                );
            }
            _ => {}
        }
    }
}

/// `set -o pipefail` (or `set -euo pipefail`) inside the script itself, as heredoc scripts do.
fn sets_pipefail(script: &crate::shell::Script) -> bool {
    script.named("set").any(|c| {
        c.args().windows(2).any(|w| {
            w[0].text.starts_with('-') && w[0].text.ends_with('o') && w[1].text == "pipefail"
        })
    })
}
