//! SB2026: `.netrc` files with passwords, in any layer.

use seatbelt_findings::RuleInfo;
use seatbelt_image::walk::{Entry, EntryKind, Interest};
use seatbelt_types::Severity;

use crate::image::{file_name, FileCheck, Hit};
use crate::secrets::is_placeholder;

/// `.netrc` check; the page is [`DOCS`].
pub(super) const CHECK: FileCheck = FileCheck {
    info: RuleInfo {
        id: "SB2026",
        aliases: &[],
        name: "netrc-password",
        severity: Severity::High,
        summary: "A .netrc file holds a password",
        docs: DOCS,
    },
    history: true,
    interest,
    check,
};

fn interest(path: &str, kind: EntryKind) -> Interest {
    let name = file_name(path);
    if matches!(kind, EntryKind::File | EntryKind::Hardlink)
        && (name == ".netrc" || name == "_netrc")
    {
        Interest::Content
    } else {
        Interest::Skip
    }
}

/// Whether a `password` token is followed by a real value (`.netrc` is whitespace-separated
/// tokens, lines do not matter).
fn has_password(content: &[u8]) -> bool {
    let text = String::from_utf8_lossy(content);
    let mut tokens = text.split_whitespace();
    while let Some(token) = tokens.next() {
        if token == "password" {
            if let Some(value) = tokens.next() {
                if !is_placeholder(value.as_bytes()) {
                    return true;
                }
            }
        }
    }
    false
}

fn check(entry: &Entry, content: Option<&[u8]>) -> Option<Hit> {
    has_password(content?).then(|| {
        Hit::new(format!("/{} holds a password", entry.path))
            .fix("mount it as a build secret instead of copying it")
    })
}

const DOCS: &str = "## What it does\nReports `.netrc` (and `_netrc`) files with a `password` entry, in any layer, deleted ones included.\n\n## Why it matters\ncurl, git, pip and ftp read `.netrc` for logins: the file hands out those logins to whoever pulls the image.\n\n## Example\n`COPY .netrc /root/` to fetch from a private server.\n\n## Use instead\n`RUN --mount=type=secret,id=netrc,target=/root/.netrc …`.\n\n## References\n- GNU inetutils manual, \"The .netrc file\".\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::checks::test_support::{entry, run};

    #[test]
    fn passwords_only() {
        let e = entry("root/.netrc", EntryKind::File, 0o600);
        assert!(run(&CHECK, &e, Some(b"machine h login u password Zq8kLm2v\n")).is_some());
        assert!(run(&CHECK, &e, Some(b"machine h login u\n")).is_none());
        assert!(run(&CHECK, &e, Some(b"machine h login u password\n")).is_none());
    }
}
