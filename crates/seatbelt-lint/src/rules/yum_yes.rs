use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::each_call;

crate::rule! {
    /// ## What it does
    /// Reports `yum install`/`groupinstall`/`localinstall` without `-y` (`--assumeyes`).
    ///
    /// ## Why it matters
    /// Without it the package manager asks for confirmation, finds no terminal, and aborts the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install httpd-2.4.6
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.6
    /// ```
    ///
    /// ## References
    /// - hadolint DL3030
    YUM_YES {
        id: "SB1030",
        aliases: ["DL3030"],
        name: "yum-missing-yes",
        severity: Medium,
        summary: "Use the -y switch with yum install",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    each_call(
        model,
        sink,
        Tool::Yum,
        &["install", "groupinstall", "localinstall"],
        |c| !(c.has_short('y') || c.has(&["--assumeyes"])),
        "Use the -y switch to avoid manual input `yum install -y <package>`",
    );
}
