use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::{cached, calls};

crate::rule! {
    /// ## What it does
    /// Reports `apk add` without `--no-cache`, unless `/var/cache/apk` is a
    /// `--mount=type=cache` target or the cache is removed in the same `RUN`.
    ///
    /// ## Why it matters
    /// The index and package cache stay in the layer and make the image larger for nothing.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk update && apk add curl=8.9.1-r1
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apk add --no-cache curl=8.9.1-r1
    /// ```
    ///
    /// ## References
    /// - hadolint DL3019
    APK_CACHE {
        id: "SB1019",
        aliases: ["DL3019"],
        name: "apk-no-cache",
        severity: Low,
        summary: "Use apk add --no-cache",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (located, script) in model.runs() {
        let bad = calls(script, Tool::Apk).any(|c| c.runs(&["add"]) && !c.has(&["--no-cache"]));
        let removed = script.named("rm").any(|c| {
            c.args()
                .iter()
                .any(|w| w.text.starts_with("/var/cache/apk"))
        });
        if bad && !removed && !cached(located, &["/var/cache/apk"]) {
            sink.report(located, "Use the `--no-cache` switch to avoid the need to use `--update` and remove `/var/cache/apk/*` when done installing packages");
        }
    }
}
