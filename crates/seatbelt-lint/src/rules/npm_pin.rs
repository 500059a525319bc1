use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::each_call;

crate::rule! {
    /// ## What it does
    /// Reports `npm install <package>` without a version (`pkg@1.2.3`); `npm install` with
    /// no package (installing from `package.json`), tarballs, paths and git URLs with a
    /// `#ref` are fine.
    ///
    /// ## Why it matters
    /// Unpinned packages make builds unreproducible and let new releases in unreviewed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN npm install -g typescript
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN npm install -g typescript@5.6.3
    /// ```
    ///
    /// ## References
    /// - hadolint DL3016
    NPM_PIN {
        id: "SB1016",
        aliases: ["DL3016"],
        name: "npm-unpinned",
        severity: Medium,
        summary: "Pin versions in npm install",
        check: check,
    }
}

fn pinned(package: &str) -> bool {
    if package.starts_with("git") || package.contains("://") {
        return package.contains('#');
    }
    if package.ends_with(".tgz")
        || package.ends_with(".tar.gz")
        || package.starts_with('.')
        || package.starts_with('/')
        || package.starts_with('~')
    {
        return true;
    }
    // `@scope/name@1.2` has its version after the second `@`.
    let unscoped = package.strip_prefix('@').map_or(package, |rest| {
        rest.split_once('/').map_or(rest, |(_, n)| n)
    });
    unscoped.contains('@')
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    each_call(
        model,
        sink,
        Tool::Npm,
        &["install", "i", "add", "isntall"],
        |c| c.packages().iter().any(|p| !pinned(&p.text)),
        "Pin versions in npm. Instead of `npm install <package>` use `npm install <package>@<version>`",
    );
}
