use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::missing_cleanup;

crate::rule! {
    /// ## What it does
    /// Reports `yarn install` without `yarn cache clean` in the same `RUN`, unless the yarn
    /// cache (`/usr/local/share/.cache/yarn`) is a `--mount=type=cache` target.
    ///
    /// ## Why it matters
    /// The yarn cache holds every package tarball: dead weight in the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yarn install --frozen-lockfile
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN yarn install --frozen-lockfile && yarn cache clean
    /// ```
    ///
    /// ## References
    /// - hadolint DL3060
    YARN_CACHE {
        id: "SB1060",
        aliases: ["DL3060"],
        name: "yarn-cache-not-cleaned",
        severity: Low,
        summary: "yarn cache clean missing after yarn install",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    missing_cleanup(
        model,
        sink,
        Tool::Yarn,
        &["install"],
        &[
            "/usr/local/share/.cache/yarn",
            "/root/.cache/yarn",
            "/root/.yarn",
        ],
        |script| {
            script.named("yarn").any(|c| {
                c.args().iter().any(|w| w.text == "cache")
                    && c.args().iter().any(|w| w.text == "clean")
            })
        },
        "`yarn cache clean` missing after `yarn install` was run.",
    );
}
