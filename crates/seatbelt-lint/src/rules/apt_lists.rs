use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::{cached, calls};

crate::rule! {
    /// ## What it does
    /// Reports a `RUN` with `apt-get update` that does not remove `/var/lib/apt/lists/*` in
    /// the same `RUN`, in the final stage or a stage other stages build on. No report when
    /// `/var/lib/apt/lists` (or both `/var/lib/apt` and `/var/cache/apt`) is a
    /// `--mount=type=cache` target: the lists then never reach a layer.
    ///
    /// ## Why it matters
    /// The package lists are tens of megabytes in every image that ships them, and a later
    /// `RUN rm` does not shrink the earlier layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u8
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u8 \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    /// or
    /// ```dockerfile
    /// RUN --mount=type=cache,target=/var/lib/apt/lists --mount=type=cache,target=/var/cache/apt \
    ///     apt-get update && apt-get install -y curl=7.88.1-10+deb12u8
    /// ```
    ///
    /// ## References
    /// - hadolint DL3009
    APT_LISTS {
        id: "SB1009",
        aliases: ["DL3009"],
        name: "apt-lists-not-removed",
        severity: Low,
        summary: "Delete the apt-get lists after installing something",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    let last = model.final_stage();
    for (located, script) in model.runs() {
        let update = calls(script, Tool::AptGet).any(|c| c.runs(&["update"]));
        if !update {
            continue;
        }
        let cleaned = script.named("rm").any(|c| {
            c.args()
                .iter()
                .any(|w| w.text.starts_with("/var/lib/apt/lists"))
        });
        let mounted = cached(located, &["/var/lib/apt/lists"])
            || (cached(located, &["/var/lib/apt"]) && cached(located, &["/var/cache/apt"]));
        if cleaned || mounted || !script.is_complete() {
            continue;
        }
        // Only layers that end up in an image matter: the final stage and stages others build on.
        let stage = located.stage;
        let shipped = stage == last
            || stage.is_some_and(|s| {
                model
                    .stages
                    .iter()
                    .any(|other| other.base == crate::model::Base::Stage(s))
            });
        if shipped {
            sink.report_fix(
                located,
                "Delete the apt-get lists after installing something",
                Some("&& rm -rf /var/lib/apt/lists/*".into()),
            );
        }
    }
}
