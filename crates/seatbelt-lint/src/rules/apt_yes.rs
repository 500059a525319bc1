use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::each_call;

crate::rule! {
    /// ## What it does
    /// Reports `apt-get install` without `-y` (`--yes`, `--assume-yes`, or `-qq`, which
    /// implies it).
    ///
    /// ## Why it matters
    /// Without it apt-get asks for confirmation, finds no terminal, and aborts the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// ## References
    /// - hadolint DL3014
    APT_YES {
        id: "SB1014",
        aliases: ["DL3014"],
        name: "apt-get-missing-yes",
        severity: Medium,
        summary: "Use the -y switch with apt-get install",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    each_call(
        model,
        sink,
        Tool::AptGet,
        &["install"],
        |c| {
            !(c.has_short('y')
                || c.has(&["--yes", "--assume-yes", "-qq", "-q=2", "--quiet=2"])
                || c.args.iter().filter(|w| w.text == "-q").count() >= 2)
        },
        "Use the -y switch to avoid manual input `apt-get -y install <package>`",
    );
}
