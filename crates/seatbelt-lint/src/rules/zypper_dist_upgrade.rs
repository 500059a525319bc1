use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::each_call;

crate::rule! {
    /// ## What it does
    /// Reports `zypper dist-upgrade` (`dup`) in `RUN`.
    ///
    /// ## Why it matters
    /// A distribution upgrade inside an image build pulls in whatever the repositories hold that day, changing the base image under you; upgrade by moving to a newer base image instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper -n dist-upgrade
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// ```
    ///
    /// ## References
    /// - hadolint DL3035
    ZYPPER_DUP {
        id: "SB1035",
        aliases: ["DL3035"],
        name: "zypper-dist-upgrade",
        severity: Medium,
        summary: "Do not use zypper dist-upgrade",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    each_call(
        model,
        sink,
        Tool::Zypper,
        &["dist-upgrade", "dup"],
        |_| true,
        "Do not use `zypper dist-upgrade`.",
    );
}
