use crate::ast::{Args, Command, Keyword};
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `SHELL` not written as a JSON array.
    ///
    /// ## Why it matters
    /// `SHELL` only accepts the JSON form; the shell form fails the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// SHELL /bin/bash -o pipefail -c
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#shell>
    SHELL_JSON {
        id: "SB1208",
        aliases: [],
        name: "shell-not-json",
        severity: High,
        summary: "SHELL must be written in JSON form",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for located in model.with_keyword(Keyword::Shell) {
        if let Args::Command(Command::Shell(text)) = &located.instruction.args {
            let words: Vec<&str> = text.split_whitespace().collect();
            let fix = format!(
                "SHELL {}",
                serde_json::to_string(&words).unwrap_or_default()
            );
            sink.report_fix(located, "SHELL must be a JSON array", Some(fix));
        }
    }
}
