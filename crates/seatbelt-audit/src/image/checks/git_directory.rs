//! SB2022: `.git` directories, in any layer.

use seatbelt_findings::RuleInfo;
use seatbelt_image::walk::{Entry, EntryKind, Interest, Version};
use seatbelt_types::Severity;

use crate::image::{file_name, FileCheck, Hit};

/// `.git` check; the page is [`DOCS`].
pub(super) const CHECK: FileCheck = FileCheck {
    info: RuleInfo {
        id: "SB2022",
        aliases: &[],
        name: "git-directory",
        severity: Severity::Medium,
        summary: "A .git directory is in the image",
        docs: DOCS,
    },
    history: true,
    interest,
    check,
};

fn interest(path: &str, kind: EntryKind) -> Interest {
    if kind == EntryKind::Directory && file_name(path) == ".git" {
        Interest::Metadata
    } else {
        Interest::Skip
    }
}

fn check(entry: &Entry, _content: Option<&[u8]>) -> Option<Hit> {
    // A directory re-declared by a later layer is the same directory: report the final or
    // deleted version only.
    if entry.version == Version::Shadowed {
        return None;
    }
    Some(
        Hit::new(format!(
            "git repository /{} (its history, remotes and any credential in .git/config)",
            entry.path
        ))
        .fix("add `.git` to .dockerignore"),
    )
}

const DOCS: &str = "## What it does\nReports `.git` directories in any layer, deleted ones included.\n\n## Why it matters\nA `.git` directory holds the whole history of the source, including secrets committed and later removed, and often a remote URL with a token in `.git/config`.\n\n## Example\n`COPY . /src` without a `.dockerignore`.\n\n## Use instead\n`.git` in `.dockerignore`; build metadata through labels (`org.opencontainers.image.revision`).\n\n## References\n- Docker docs, \".dockerignore file\".\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::checks::test_support::{entry, run};

    #[test]
    fn git_directories_once() {
        assert!(run(
            &CHECK,
            &entry("src/.git", EntryKind::Directory, 0o755),
            None
        )
        .is_some());
        let mut shadowed = entry("src/.git", EntryKind::Directory, 0o755);
        shadowed.version = Version::Shadowed;
        assert!(run(&CHECK, &shadowed, None).is_none());
        assert!(run(
            &CHECK,
            &entry("src/.gitignore", EntryKind::File, 0o644),
            None
        )
        .is_none());
    }
}
