use crate::model::{Base, Model};
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `FROM` lines that use the `latest` tag without a digest.
    ///
    /// ## Why it matters
    /// `latest` is whatever was pushed last. Builds stop being reproducible and a base-image
    /// upgrade arrives unreviewed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:latest
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20.18-bookworm-slim
    /// ```
    ///
    /// ## References
    /// - hadolint DL3007
    BASE_LATEST {
        id: "SB1007",
        aliases: ["DL3007"],
        name: "base-image-latest",
        severity: Medium,
        summary: "Do not use the :latest tag for base images",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for stage in &model.stages {
        if let Base::Image(image) = &stage.base {
            if image.tag.as_deref() == Some("latest") && image.digest.is_none() {
                if let Some(at) = model.instructions.get(stage.from) {
                    sink.report(
                        at,
                        "Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag",
                    );
                }
            }
        }
    }
}
