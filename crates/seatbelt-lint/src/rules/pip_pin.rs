use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::each_call;

crate::rule! {
    /// ## What it does
    /// Reports `pip install` of a package without a version specifier. Requirement files
    /// (`-r`), constraints (`-c`), local paths, wheels and VCS URLs pinned with `@` are fine.
    ///
    /// ## Why it matters
    /// Unpinned packages make builds unreproducible and let new releases (or a hijacked
    /// package) in unreviewed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install --no-cache-dir flask
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN pip install --no-cache-dir flask==3.0.3
    /// ```
    ///
    /// ## References
    /// - hadolint DL3013
    PIP_PIN {
        id: "SB1013",
        aliases: ["DL3013"],
        name: "pip-unpinned",
        severity: Medium,
        summary: "Pin versions in pip install",
        check: check,
    }
}

fn pinned(package: &str) -> bool {
    let vcs = ["git+", "hg+", "svn+", "bzr+"]
        .iter()
        .any(|v| package.starts_with(v));
    ["==", ">=", "<=", ">", "<", "!=", "~=", "==="]
        .iter()
        .any(|s| package.contains(s))
        || (vcs && package.contains('@'))
        || package.ends_with(".whl")
        || package.ends_with(".tar.gz")
        || (!vcs && package.contains('/'))
        || package == "."
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    each_call(
        model,
        sink,
        Tool::Pip,
        &["install"],
        |c| {
            !c.has(&["-r", "--requirement", "-c", "--constraint", "."])
                && c.packages().iter().any(|p| !pinned(&p.text))
        },
        "Pin versions in pip. Instead of `pip install <package>` use `pip install <package>==<version>` or `pip install --requirement <requirements file>`",
    );
}
