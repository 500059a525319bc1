use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Notes a `RUN` whose shell script holds constructs the splitter does not follow
    /// (`case`, function definitions, loops, conditionals, unterminated quotes). Rules that
    /// judge by absence ("no cache cleanup found") stay silent for such a `RUN`.
    ///
    /// ## Why it matters
    /// It tells you where the linter's view is partial rather than guessing. Move complex
    /// logic into a script file you `COPY` and test, or ignore this note.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN case "$TARGETARCH" in amd64) A=x86_64;; esac
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY install.sh /tmp/
    /// RUN /tmp/install.sh
    /// ```
    ///
    /// ## References
    /// - POSIX shell grammar: <https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html>
    SHELL_NOT_UNDERSTOOD {
        id: "SB1299",
        aliases: [],
        name: "shell-not-understood",
        severity: Negligible,
        summary: "RUN holds shell constructs the linter does not follow",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (located, script) in model.runs() {
        let mut constructs: Vec<&str> = script.unparsed.iter().map(|u| u.construct).collect();
        constructs.dedup();
        if !constructs.is_empty() {
            sink.report(
                located,
                format!("Not fully analysed: {}", constructs.join(", ")),
            );
        }
    }
}
