use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::calls;

crate::rule! {
    /// ## What it does
    /// Reports `wget` without `--progress` (or `-q`/`-nv`, which silence it).
    ///
    /// ## Why it matters
    /// wget's default progress bar writes a line per update into the build log, bloating it
    /// to megabytes for a large download.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN wget https://example.com/big.tar.gz
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN wget --progress=dot:giga https://example.com/big.tar.gz
    /// ```
    ///
    /// ## References
    /// - hadolint DL3047
    WGET_PROGRESS {
        id: "SB1047",
        aliases: ["DL3047"],
        name: "wget-progress",
        severity: Low,
        summary: "wget without --progress bloats build logs",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (located, script) in model.runs() {
        let bad = calls(script, Tool::Wget).any(|c| {
            !c.has(&[
                "--progress",
                "-q",
                "--quiet",
                "-nv",
                "--no-verbose",
                "-o",
                "--output-file",
                "-a",
                "--append-output",
            ]) && !c.has_short('q')
        });
        if bad {
            sink.report(located, "Avoid use of wget without progress bar. Use `wget --progress=dot:giga <url>`. Or consider using `-q` or `-nv` (shorthands for `--quiet` or `--no-verbose`).");
        }
    }
}
