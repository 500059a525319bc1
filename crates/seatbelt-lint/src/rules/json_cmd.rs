use crate::ast::{Args, Command, Keyword};
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `CMD` and `ENTRYPOINT` in shell form.
    ///
    /// ## Why it matters
    /// The shell form runs the program under `/bin/sh -c`: the shell is PID 1 and does not
    /// forward `SIGTERM`, so `docker stop` waits out its timeout and kills the program
    /// without a clean shutdown.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD python app.py
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// CMD ["python", "app.py"]
    /// ```
    ///
    /// ## References
    /// - hadolint DL3025
    JSON_CMD {
        id: "SB1025",
        aliases: ["DL3025"],
        name: "cmd-json-form",
        severity: Medium,
        summary: "Use JSON (exec) notation for CMD and ENTRYPOINT arguments",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for located in &model.instructions {
        if !matches!(located.keyword(), Keyword::Cmd | Keyword::Entrypoint) {
            continue;
        }
        if let Args::Command(Command::Shell(text)) = &located.instruction.args {
            let words: Vec<&str> = text.split_whitespace().collect();
            // A fix is certain only for plain words without shell syntax.
            let plain = !words.is_empty()
                && words.iter().all(|w| {
                    w.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c))
                });
            let fix = plain.then(|| {
                format!(
                    "{} {}",
                    located.keyword().as_str(),
                    serde_json::to_string(&words).unwrap_or_default()
                )
            });
            sink.report_fix(
                located,
                "Use arguments JSON notation for CMD and ENTRYPOINT arguments",
                fix,
            );
        }
    }
}
