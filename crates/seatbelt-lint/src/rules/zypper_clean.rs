use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::missing_cleanup;

crate::rule! {
    /// ## What it does
    /// Reports `zypper install` without `zypper clean` (`zypper cc`) in the same `RUN`, unless `/var/cache/zypp` is a `--mount=type=cache` target.
    ///
    /// ## Why it matters
    /// The package manager's metadata and package cache stay in the layer: tens of megabytes of dead weight, and a later RUN cannot shrink the earlier layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper -n install httpd=2.4
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN zypper -n install httpd=2.4 && zypper clean
    /// ```
    ///
    /// ## References
    /// - hadolint DL3036
    ZYPPER_CLEAN {
        id: "SB1036",
        aliases: ["DL3036"],
        name: "zypper-clean-missing",
        severity: Medium,
        summary: "zypper clean missing after zypper use",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    missing_cleanup(
        model,
        sink,
        Tool::Zypper,
        &["install", "in"],
        &["/var/cache/zypp"],
        |s| {
            s.named("zypper")
                .any(|c| c.args().iter().any(|w| w.text == "clean" || w.text == "cc"))
        },
        "`zypper clean` missing after zypper use.",
    );
}
