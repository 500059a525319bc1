use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::unpinned;

crate::rule! {
    /// ## What it does
    /// Reports `zypper install` of a package without a version (`pkg=1.2`, `pkg>=1.2`); `.rpm` files are fine.
    ///
    /// ## Why it matters
    /// Unpinned packages make builds unreproducible and let package changes in unreviewed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper -n install httpd
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN zypper -n install httpd=2.4.58
    /// ```
    ///
    /// ## References
    /// - hadolint DL3037
    ZYPPER_PIN {
        id: "SB1037",
        aliases: ["DL3037"],
        name: "zypper-unpinned",
        severity: Medium,
        summary: "Specify version with zypper install -y <package>[=]<version>",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    unpinned(
        model,
        sink,
        Tool::Zypper,
        &["install", "in"],
        |p| p.contains(['=', '<', '>']) || p.ends_with(".rpm"),
        "Specify version with `zypper install -y <package>=<version>`.",
    );
}
