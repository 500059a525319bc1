use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::missing_cleanup;

crate::rule! {
    /// ## What it does
    /// Reports `yum install` without `yum clean all` (or removing `/var/cache/yum`) in the same `RUN`, unless `/var/cache/yum` is a `--mount=type=cache` target.
    ///
    /// ## Why it matters
    /// The package manager's metadata and package cache stay in the layer: tens of megabytes of dead weight, and a later RUN cannot shrink the earlier layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.6
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// ## References
    /// - hadolint DL3032
    YUM_CLEAN {
        id: "SB1032",
        aliases: ["DL3032"],
        name: "yum-clean-missing",
        severity: Medium,
        summary: "yum clean all missing after yum command",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    missing_cleanup(
        model,
        sink,
        Tool::Yum,
        &["install", "groupinstall", "localinstall"],
        &["/var/cache/yum"],
        |s| {
            s.named("yum")
                .any(|c| c.args().iter().any(|w| w.text == "clean"))
                || s.named("rm").any(|c| {
                    c.args()
                        .iter()
                        .any(|w| w.text.starts_with("/var/cache/yum"))
                })
        },
        "`yum clean all` missing after yum command.",
    );
}
