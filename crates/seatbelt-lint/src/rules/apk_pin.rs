use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::unpinned;

crate::rule! {
    /// ## What it does
    /// Reports `apk add` of a package without a version (`pkg=1.2-r0`, `pkg~1.2`).
    ///
    /// ## Why it matters
    /// Unpinned packages make builds unreproducible and let package changes in unreviewed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apk add --no-cache curl=8.9.1-r1
    /// ```
    ///
    /// ## References
    /// - hadolint DL3018
    APK_PIN {
        id: "SB1018",
        aliases: ["DL3018"],
        name: "apk-unpinned",
        severity: Medium,
        summary: "Pin versions in apk add",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    unpinned(
        model,
        sink,
        Tool::Apk,
        &["add"],
        |p| {
            p.contains('=')
                || p.contains('~')
                || p.contains('<')
                || p.contains('>')
                || p.ends_with(".apk")
        },
        "Pin versions in apk add. Instead of `apk add <package>` use `apk add <package>=<version>`",
    );
}
