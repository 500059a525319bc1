use crate::ast::{Args, Command, Keyword};
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD` in shell form.
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
        if !matches!(
            located.keyword(),
            Keyword::Cmd | Keyword::Entrypoint | Keyword::Healthcheck
        ) {
            continue;
        }
        if let Args::Healthcheck(Some(Command::Shell(_))) = &located.instruction.args {
            sink.report(located, "Use arguments JSON notation for CMD and ENTRYPOINT arguments (HEALTHCHECK CMD too)");
            continue;
        }
        let shell = match &located.instruction.args {
            Args::Command(Command::Shell(text)) => Some(text),
            _ => None,
        };
        if let Some(text) = shell {
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
