use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::unpinned;

crate::rule! {
    /// ## What it does
    /// Reports `apt-get install` of a package without a version (`pkg=1.2-3`); `.deb` files
    /// and `pkg/release` are accepted.
    ///
    /// ## Why it matters
    /// Unpinned packages make every build install whatever the archive has that day: builds
    /// are not reproducible and a package change arrives unreviewed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
    /// ```
    ///
    /// ## References
    /// - hadolint DL3008
    APT_PIN {
        id: "SB1008",
        aliases: ["DL3008"],
        name: "apt-get-unpinned",
        severity: Medium,
        summary: "Pin versions in apt-get install",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    unpinned(
        model,
        sink,
        Tool::AptGet,
        &["install"],
        |p| p.contains('=') || p.contains('/') || p.ends_with(".deb"),
        "Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`",
    );
}
