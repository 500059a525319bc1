use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::{cached, calls};

crate::rule! {
    /// ## What it does
    /// Reports `pip install` without `--no-cache-dir`, unless `PIP_NO_CACHE_DIR` is set on
    /// the command or the pip cache (`/root/.cache/pip`, `/root/.cache`) is a
    /// `--mount=type=cache` target.
    ///
    /// ## Why it matters
    /// pip keeps every downloaded wheel in its cache; in an image that is dead weight.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install flask==3.0.3
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN pip install --no-cache-dir flask==3.0.3
    /// ```
    /// or
    /// ```dockerfile
    /// RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.3
    /// ```
    ///
    /// ## References
    /// - hadolint DL3042
    PIP_CACHE {
        id: "SB1042",
        aliases: ["DL3042"],
        name: "pip-cache",
        severity: Medium,
        summary: "Avoid the pip cache: pip install --no-cache-dir",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (located, script) in model.runs() {
        if cached(located, &["/root/.cache/pip", "/root/.cache"]) {
            continue;
        }
        let bad = calls(script, Tool::Pip).any(|c| {
            c.runs(&["install"])
                && !c.has(&["--no-cache-dir"])
                && !c
                    .command
                    .assignments
                    .iter()
                    .any(|a| a.text.starts_with("PIP_NO_CACHE_DIR="))
        });
        if bad {
            sink.report(
                located,
                "Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`",
            );
        }
    }
}
