use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::calls;

crate::rule! {
    /// ## What it does
    /// Reports `apt` (rather than `apt-get` or `apt-cache`) in `RUN`.
    ///
    /// ## Why it matters
    /// `apt` is for people: its output and options may change between releases and it warns
    /// that it has no stable command-line interface.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt install -y curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// ## References
    /// - hadolint DL3027
    APT {
        id: "SB1027",
        aliases: ["DL3027"],
        name: "apt-not-apt-get",
        severity: Medium,
        summary: "Do not use apt; use apt-get or apt-cache",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (located, script) in model.runs() {
        if calls(script, Tool::Apt).next().is_some() {
            sink.report(located, "Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead");
        }
    }
}
