use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::unpinned;

crate::rule! {
    /// ## What it does
    /// Reports `yum install` of a package without a version (`pkg-1.2`); `.rpm` files and paths are fine.
    ///
    /// ## Why it matters
    /// Unpinned packages make builds unreproducible and let package changes in unreviewed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install -y httpd
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.6
    /// ```
    ///
    /// ## References
    /// - hadolint DL3033
    YUM_PIN {
        id: "SB1033",
        aliases: ["DL3033"],
        name: "yum-unpinned",
        severity: Medium,
        summary: "Specify version with yum install -y <package>-<version>",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    unpinned(
        model,
        sink,
        Tool::Yum,
        &["install"],
        super::util::rpm_pinned,
        "Specify version with `yum install -y <package>-<version>`.",
    );
}
