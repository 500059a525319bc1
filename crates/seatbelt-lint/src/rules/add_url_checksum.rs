use crate::ast::{Args, Keyword};
use crate::model::Model;
use crate::rule::Sink;

use super::add_for_copy::is_url;

crate::rule! {
    /// ## What it does
    /// Reports `ADD https://…` without `--checksum=sha256:…` (git URLs are exempt: pin them
    /// by commit in the URL).
    ///
    /// ## Why it matters
    /// Whatever the server returns goes into the image. A checksum makes the build fail when
    /// the download changes, instead of shipping a compromised file.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://example.com/tool.tar.gz /opt/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tar.gz /opt/
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#add---checksum>
    ADD_URL_CHECKSUM {
        id: "SB1205",
        aliases: [],
        name: "add-url-without-checksum",
        severity: Medium,
        summary: "ADD of a URL needs --checksum",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for located in model.with_keyword(Keyword::Add) {
        if located.instruction.flag("checksum").is_some() {
            continue;
        }
        if let Args::Words { words, .. } = &located.instruction.args {
            let Some((_, sources)) = words.split_last() else {
                continue;
            };
            for source in sources {
                let git = source.starts_with("git@")
                    || source.ends_with(".git")
                    || source.contains(".git#");
                if is_url(source) && !git {
                    sink.report(
                        located,
                        format!("ADD {source} is not verified; add --checksum=sha256:…"),
                    );
                }
            }
        }
    }
}
