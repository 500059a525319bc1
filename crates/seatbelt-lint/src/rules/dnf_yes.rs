use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::each_call;

crate::rule! {
    /// ## What it does
    /// Reports `dnf install` (and `microdnf install`) without `-y` (`--assumeyes`).
    ///
    /// ## Why it matters
    /// Without it the package manager asks for confirmation, finds no terminal, and aborts the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install httpd-2.4.6
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN dnf install -y httpd-2.4.6
    /// ```
    ///
    /// ## References
    /// - hadolint DL3038
    DNF_YES {
        id: "SB1038",
        aliases: ["DL3038"],
        name: "dnf-missing-yes",
        severity: Medium,
        summary: "Use the -y switch with dnf install",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for tool in [Tool::Dnf, Tool::Microdnf] {
        each_call(
            model,
            sink,
            tool,
            &["install", "groupinstall", "localinstall"],
            |c| !(c.has_short('y') || c.has(&["--assumeyes"])),
            "Use the -y switch to avoid manual input `dnf install -y <package>`",
        );
    }
}
