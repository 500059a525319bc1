use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::missing_cleanup;

crate::rule! {
    /// ## What it does
    /// Reports `npm install`/`npm ci` in a `RUN` that neither runs `npm cache clean --force`
    /// nor mounts the npm cache (`/root/.npm`) as a `--mount=type=cache`.
    ///
    /// ## Why it matters
    /// npm keeps a copy of every downloaded tarball in `~/.npm`; in the image it is dead
    /// weight, often larger than `node_modules`.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN npm ci --omit=dev
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
    /// ```
    ///
    /// ## References
    /// - <https://docs.npmjs.com/cli/commands/npm-cache>
    NPM_CACHE {
        id: "SB1203",
        aliases: [],
        name: "npm-cache-not-cleaned",
        severity: Low,
        summary: "Clean the npm cache in the same RUN, or mount it as a cache",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    missing_cleanup(
        model,
        sink,
        Tool::Npm,
        &["install", "i", "ci"],
        &["/root/.npm", "/home/node/.npm"],
        |script| {
            script.named("npm").any(|c| c.args().iter().any(|w| w.text == "cache") && c.args().iter().any(|w| w.text == "clean"))
                || script.named("rm").any(|c| c.args().iter().any(|w| w.text.contains(".npm")))
        },
        "npm's download cache stays in the layer; add `&& npm cache clean --force` or use --mount=type=cache,target=/root/.npm",
    );
}
