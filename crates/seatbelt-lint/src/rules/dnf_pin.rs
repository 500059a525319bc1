use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::unpinned;

crate::rule! {
    /// ## What it does
    /// Reports `dnf install` (and `microdnf install`) of a package without a version (`pkg-1.2`); `.rpm` files, paths and module streams are fine.
    ///
    /// ## Why it matters
    /// Unpinned packages make builds unreproducible and let package changes in unreviewed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install -y httpd
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN dnf install -y httpd-2.4.62
    /// ```
    ///
    /// ## References
    /// - hadolint DL3041
    DNF_PIN {
        id: "SB1041",
        aliases: ["DL3041"],
        name: "dnf-unpinned",
        severity: Medium,
        summary: "Specify version with dnf install -y <package>-<version>",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for tool in [Tool::Dnf, Tool::Microdnf] {
        unpinned(
            model,
            sink,
            tool,
            &["install"],
            super::util::rpm_pinned,
            "Specify version with `dnf install -y <package>-<version>`",
        );
    }
}
