use crate::ast::{Args, Keyword};
use crate::expand;
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `WORKDIR` with a relative path. Paths starting with a variable are skipped;
    /// Windows paths (`C:\app`) count as absolute.
    ///
    /// ## Why it matters
    /// A relative `WORKDIR` depends on every earlier `WORKDIR`, including the base image's:
    /// the directory changes when the base image does.
    ///
    /// ## Example
    /// ```dockerfile
    /// WORKDIR app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// WORKDIR /app
    /// ```
    ///
    /// ## References
    /// - hadolint DL3000
    WORKDIR_ABSOLUTE {
        id: "SB1000",
        aliases: ["DL3000"],
        name: "workdir-relative",
        severity: High,
        summary: "Use absolute WORKDIR",
        check: check,
    }
}

pub(crate) fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with('/')
        || path.starts_with('\\')
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for located in model.with_keyword(Keyword::Workdir) {
        if let Args::Text(path) = &located.instruction.args {
            let path = expand::unquote(path, model.file.escape);
            if !is_absolute(&path) && !path.starts_with('$') {
                sink.report(located, "Use absolute WORKDIR");
            }
        }
    }
}
