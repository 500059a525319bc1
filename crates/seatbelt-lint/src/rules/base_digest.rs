use crate::model::{Base, Model};
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// With `--require-digest` (off by default), reports base images not pinned by digest.
    ///
    /// ## Why it matters
    /// A tag can be re-pushed; only a digest names exact bytes. Pinning by digest makes the
    /// build reproducible and a base-image change a reviewed diff (bots such as Renovate keep
    /// digests current).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim@sha256:<digest>
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#pin-base-image-versions>
    BASE_DIGEST {
        id: "SB1200",
        aliases: [],
        name: "base-image-digest",
        severity: Medium,
        summary: "Pin base images by digest (with --require-digest)",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    if !model.options.require_digest {
        return;
    }
    for stage in &model.stages {
        if let Base::Image(image) = &stage.base {
            if image.digest.is_none() {
                if let Some(at) = model.instructions.get(stage.from) {
                    sink.report(at, format!("{} is not pinned by digest", stage.resolved));
                }
            }
        }
    }
}
