use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::each_call;

crate::rule! {
    /// ## What it does
    /// Reports `gem install <gem>` without a version (`-v 1.2`, `--version 1.2`, `gem:1.2`).
    ///
    /// ## Why it matters
    /// Unpinned gems make builds unreproducible and let new releases in unreviewed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN gem install bundler
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN gem install bundler -v 2.5.22
    /// ```
    ///
    /// ## References
    /// - hadolint DL3028
    GEM_PIN {
        id: "SB1028",
        aliases: ["DL3028"],
        name: "gem-unpinned",
        severity: Medium,
        summary: "Pin versions in gem install",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    each_call(
        model,
        sink,
        Tool::Gem,
        &["install", "i"],
        |c| !c.has(&["-v", "--version"]) && c.packages().iter().any(|p| !p.text.contains(':')),
        "Pin versions in gem install. Instead of `gem install <gem>` use `gem install <gem>:<version>`",
    );
}
