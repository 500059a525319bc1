use crate::ast::{Args, Keyword};
use crate::model::Model;
use crate::rule::Sink;

use super::workdir_absolute::is_absolute;

crate::rule! {
    /// ## What it does
    /// Reports `COPY` to a relative destination in a stage with no `WORKDIR` set yet (and
    /// built on an image rather than another stage).
    ///
    /// ## Why it matters
    /// The destination then depends on the base image's working directory, which may
    /// change with the base image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12
    /// COPY app.py app/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12
    /// WORKDIR /srv
    /// COPY app.py app/
    /// ```
    ///
    /// ## References
    /// - hadolint DL3045
    COPY_RELATIVE {
        id: "SB1045",
        aliases: ["DL3045"],
        name: "copy-relative-destination",
        severity: Medium,
        summary: "COPY to a relative destination without WORKDIR set",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for stage in 0..model.stages.len() {
        let mut workdir = matches!(
            model.stages.get(stage).map(|s| &s.base),
            Some(crate::model::Base::Stage(_))
        );
        for located in model.in_stage(stage) {
            match (located.keyword(), &located.instruction.args) {
                (Keyword::Workdir, _) => workdir = true,
                (Keyword::Copy, Args::Words { words, .. }) if !workdir => {
                    let Some(dest) = words.last() else { continue };
                    let dest = crate::expand::unquote(dest, model.file.escape);
                    if !is_absolute(&dest) && !dest.starts_with('$') {
                        sink.report(
                            located,
                            "`COPY` to a relative destination without `WORKDIR` set.",
                        );
                    }
                }
                _ => {}
            }
        }
    }
}
