use crate::ast::{Args, Keyword};
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports a `RUN chown -R` or `chmod -R` right after a `COPY`/`ADD` of the same path.
    ///
    /// ## Why it matters
    /// Changing owner or mode rewrites every file into a new layer: the image carries the
    /// files twice. `COPY --chown` and `--chmod` set them in the copy's own layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY . /app
    /// RUN chown -R app:app /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY --chown=app:app . /app
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#copy---chown---chmod>
    CHOWN_AFTER_COPY {
        id: "SB1209",
        aliases: [],
        name: "chown-after-copy",
        severity: Low,
        summary: "Use COPY --chown/--chmod instead of chown -R/chmod -R after COPY",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for pair in model.instructions.windows(2) {
        let [copy, run] = pair else { continue };
        if !matches!(copy.keyword(), Keyword::Copy | Keyword::Add) {
            continue;
        }
        let Args::Words { words, .. } = &copy.instruction.args else {
            continue;
        };
        let Some(dest) = words.last().map(|d| d.trim_end_matches('/')) else {
            continue;
        };
        let Some(script) = &run.script else { continue };
        for command in &script.commands {
            let Some(name @ ("chown" | "chmod")) = command.name() else {
                continue;
            };
            let recursive = command.has_short('R') || command.has_arg(&["--recursive"]);
            let targets: Vec<&str> = command
                .operands(&[])
                .iter()
                .skip(1)
                .map(|w| w.text.trim_end_matches('/'))
                .collect();
            if recursive && !dest.is_empty() && targets.contains(&dest) {
                let owner = command
                    .operands(&[])
                    .first()
                    .map(|w| w.text.clone())
                    .unwrap_or_default();
                sink.report_fix(
                    run,
                    format!("{name} -R of {dest} right after copying it duplicates the files in a new layer; use {} --{name}={owner}", copy.keyword().as_str()),
                    None,
                );
            }
        }
    }
}
