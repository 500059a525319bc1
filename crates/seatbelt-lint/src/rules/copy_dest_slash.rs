use crate::ast::{Args, Keyword};
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `COPY` with several sources whose destination does not end with `/`.
    ///
    /// ## Why it matters
    /// With more than one source the destination must be a directory; without the slash the
    /// build fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY a.txt b.txt /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY a.txt b.txt /app/
    /// ```
    ///
    /// ## References
    /// - hadolint DL3021
    COPY_DEST_SLASH {
        id: "SB1021",
        aliases: ["DL3021"],
        name: "copy-multiple-sources-dest-slash",
        severity: High,
        summary: "COPY with more than 2 arguments requires the last argument to end with /",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for located in model.with_keyword(Keyword::Copy) {
        if let Args::Words { words, .. } = &located.instruction.args {
            if words.len() > 2 && !located.instruction.heredocs.iter().any(|_| true) {
                if let Some(dest) = words.last() {
                    if !dest.ends_with('/') && !dest.ends_with('\\') && !dest.ends_with("/\"") {
                        sink.report_fix(
                            located,
                            "COPY with more than 2 arguments requires the last argument to end with /",
                            Some(format!("{dest}/")),
                        );
                    }
                }
            }
        }
    }
}
