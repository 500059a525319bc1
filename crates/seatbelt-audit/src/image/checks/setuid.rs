//! SB2010: setuid and setgid files.

use seatbelt_findings::RuleInfo;
use seatbelt_image::walk::{Entry, EntryKind, Interest};
use seatbelt_types::Severity;

use crate::image::{FileCheck, Hit};

/// Setuid/setgid check; the page is [`DOCS`].
pub(super) const CHECK: FileCheck = FileCheck {
    info: RuleInfo {
        id: "SB2010",
        aliases: &["CIS-DI-0008"],
        name: "setuid-setgid-file",
        severity: Severity::Medium,
        summary: "A setuid or setgid file",
        docs: DOCS,
    },
    history: false,
    interest,
    check,
};

fn interest(_path: &str, kind: EntryKind) -> Interest {
    if matches!(kind, EntryKind::File | EntryKind::Hardlink) {
        Interest::Metadata
    } else {
        Interest::Skip
    }
}

fn check(entry: &Entry, _content: Option<&[u8]>) -> Option<Hit> {
    let bits = match (entry.mode & 0o4000 != 0, entry.mode & 0o2000 != 0) {
        (true, true) => "setuid and setgid",
        (true, false) => "setuid",
        (false, true) => "setgid",
        (false, false) => return None,
    };
    Some(
        Hit::new(format!(
            "{bits} file /{} (mode {:04o}, owner {}:{})",
            entry.path,
            entry.mode & 0o7777,
            entry.uid,
            entry.gid
        ))
        .fix(format!(
            "drop the bit if the program is not needed setuid: `RUN chmod u-s,g-s /{}`",
            entry.path
        )),
    )
}

const DOCS: &str = "## What it does\nLists every regular file of the final filesystem with the setuid or setgid bit.\n\n## Why it matters\nA setuid-root program is a privilege-escalation path for anyone who gets code execution in the container; most containers never need `su`, `passwd` or `mount`.\n\n## Example\nDebian's `/usr/bin/su`, `/usr/bin/passwd`, `/usr/bin/chsh`.\n\n## Use instead\n`RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +` in the final stage; run containers with `--security-opt no-new-privileges`.\n\n## References\n- CIS Docker Benchmark 4.8, \"Ensure setuid and setgid permissions are removed\".\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::checks::test_support::{entry, run};

    #[test]
    fn setuid_and_setgid_regular_files() {
        assert!(run(&CHECK, &entry("usr/bin/su", EntryKind::File, 0o4755), None).is_some());
        let hit = run(
            &CHECK,
            &entry("usr/bin/chage", EntryKind::File, 0o2755),
            None,
        )
        .expect("setgid");
        assert!(
            hit.message
                .starts_with("setgid file /usr/bin/chage (mode 2755"),
            "{}",
            hit.message
        );
        assert!(run(&CHECK, &entry("usr/bin/ls", EntryKind::File, 0o755), None).is_none());
        assert!(run(&CHECK, &entry("tmp", EntryKind::Directory, 0o2777), None).is_none());
    }
}
