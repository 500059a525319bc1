use crate::model::{Base, Model};
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `FROM` lines whose image has neither a tag nor a digest.
    ///
    /// ## Why it matters
    /// An untagged image means `:latest`, which moves: the same Dockerfile builds a different
    /// image tomorrow, and a rebuild can silently pull a new major version.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12.7-slim
    /// ```
    ///
    /// ## References
    /// - hadolint DL3006
    /// - <https://docs.docker.com/reference/dockerfile/#from>
    BASE_TAG {
        id: "SB1006",
        aliases: ["DL3006"],
        name: "base-image-untagged",
        severity: Medium,
        summary: "Always tag the version of a base image explicitly",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for stage in &model.stages {
        if let Base::Image(image) = &stage.base {
            if image.tag.is_none() && image.digest.is_none() {
                if let Some(at) = model.instructions.get(stage.from) {
                    sink.report(
                        at,
                        format!(
                            "Always tag the version of an image explicitly ({})",
                            stage.resolved
                        ),
                    );
                }
            }
        }
    }
}
