use crate::ast::{Args, Keyword};
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `ADD` of local files and directories (not URLs, not archives, not git).
    ///
    /// ## Why it matters
    /// `ADD` also downloads URLs and unpacks archives, so a plain copy written as `ADD`
    /// changes meaning when a source becomes a `.tar`. `COPY` says exactly what happens.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD requirements.txt /app/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY requirements.txt /app/
    /// ```
    ///
    /// ## References
    /// - hadolint DL3020
    ADD_FOR_COPY {
        id: "SB1020",
        aliases: ["DL3020"],
        name: "add-instead-of-copy",
        severity: High,
        summary: "Use COPY instead of ADD for files and folders",
        check: check,
    }
}

pub(crate) fn is_url(source: &str) -> bool {
    source.contains("://") || source.starts_with("git@")
}

fn is_archive(source: &str) -> bool {
    [
        ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".gz",
        ".bz2", ".xz", ".zst", ".Z", ".lz", ".lzma",
    ]
    .iter()
    .any(|ext| source.ends_with(ext))
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for located in model.with_keyword(Keyword::Add) {
        if let Args::Words { words, .. } = &located.instruction.args {
            let Some((_, sources)) = words.split_last() else {
                continue;
            };
            if sources.iter().all(|s| !is_url(s) && !is_archive(s))
                && located.instruction.heredocs.is_empty()
            {
                sink.report(located, "Use COPY instead of ADD for files and folders");
            }
        }
    }
}
