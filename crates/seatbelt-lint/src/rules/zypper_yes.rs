use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::each_call;

crate::rule! {
    /// ## What it does
    /// Reports `zypper install`/`remove`/`update`/`patch` without `-n` (`--non-interactive`) or `-y` (`--no-confirm`).
    ///
    /// ## Why it matters
    /// Without it the package manager asks for confirmation, finds no terminal, and aborts the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper install httpd=2.4
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN zypper -n install httpd=2.4
    /// ```
    ///
    /// ## References
    /// - hadolint DL3034
    ZYPPER_YES {
        id: "SB1034",
        aliases: ["DL3034"],
        name: "zypper-missing-non-interactive",
        severity: Medium,
        summary: "Non-interactive switch missing from zypper command",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    each_call(
        model,
        sink,
        Tool::Zypper,
        &[
            "install",
            "in",
            "remove",
            "rm",
            "source-install",
            "si",
            "patch",
            "update",
            "up",
        ],
        |c| {
            !(c.has_short('n') || c.has_short('y') || c.has(&["--non-interactive", "--no-confirm"]))
        },
        "Non-interactive switch missing from `zypper` command: `zypper install -y`",
    );
}
