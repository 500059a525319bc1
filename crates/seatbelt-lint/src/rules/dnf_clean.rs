use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::missing_cleanup;

crate::rule! {
    /// ## What it does
    /// Reports `dnf install` (and `microdnf install`) without `dnf clean all` (or removing `/var/cache/dnf`) in the same `RUN`, unless `/var/cache/dnf` is a `--mount=type=cache` target.
    ///
    /// ## Why it matters
    /// The package manager's metadata and package cache stay in the layer: tens of megabytes of dead weight, and a later RUN cannot shrink the earlier layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install -y httpd-2.4.6
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN dnf install -y httpd-2.4.6 && dnf clean all
    /// ```
    ///
    /// ## References
    /// - hadolint DL3040
    DNF_CLEAN {
        id: "SB1040",
        aliases: ["DL3040"],
        name: "dnf-clean-missing",
        severity: Medium,
        summary: "dnf clean all missing after dnf command",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for tool in [Tool::Dnf, Tool::Microdnf] {
        missing_cleanup(
            model,
            sink,
            tool,
            &["install", "groupinstall", "localinstall"],
            &["/var/cache/dnf", "/var/cache/yum"],
            |s| {
                s.commands.iter().any(|c| {
                    matches!(c.name(), Some("dnf" | "microdnf"))
                        && c.args().iter().any(|w| w.text == "clean")
                }) || s.named("rm").any(|c| {
                    c.args().iter().any(|w| {
                        w.text.starts_with("/var/cache/dnf") || w.text.starts_with("/var/cache/yum")
                    })
                })
            },
            "`dnf clean all` missing after dnf command.",
        );
    }
}
