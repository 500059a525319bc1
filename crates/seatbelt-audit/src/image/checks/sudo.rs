//! SB2014: sudo, su or doas present.

use seatbelt_findings::RuleInfo;
use seatbelt_image::walk::{Entry, EntryKind, Interest};
use seatbelt_types::Severity;

use crate::image::{describe_program, program_interest, FileCheck, Hit};

/// sudo/su check; the page is [`DOCS`].
pub(super) const CHECK: FileCheck = FileCheck {
    info: RuleInfo {
        id: "SB2014",
        aliases: &[],
        name: "privilege-tool-present",
        severity: Severity::Medium,
        summary: "sudo, su or doas is present",
        docs: DOCS,
    },
    history: false,
    interest,
    check,
};

const TOOLS: &[&str] = &["sudo", "su", "doas"];

fn interest(path: &str, kind: EntryKind) -> Interest {
    program_interest(path, kind, TOOLS)
}

fn check(entry: &Entry, _content: Option<&[u8]>) -> Option<Hit> {
    let setuid = if entry.mode & 0o4000 != 0 {
        ", setuid"
    } else {
        ""
    };
    Some(
        Hit::new(format!(
            "privilege tool {}{setuid}",
            describe_program(entry)
        ))
        .fix("remove it from the final image; run the container as the user it needs"),
    )
}

const DOCS: &str = "## What it does\nReports `sudo`, `su` and `doas` in the `PATH` directories of the final filesystem.\n\n## Why it matters\nThey exist to change user: in a container that means a way back to root for a process started unprivileged, and `sudo` in particular has had a long line of escalation bugs.\n\n## Example\n`RUN apt-get install -y sudo` to let the app user install things.\n\n## Use instead\nDo privileged work at build time; run as one unprivileged user; `--security-opt no-new-privileges`.\n\n## References\n- CIS Docker Benchmark 4.x guidance on minimal images; hadolint DL3004 (do not use sudo).\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::checks::test_support::{entry, run};

    #[test]
    fn sudo_su_doas() {
        let hit = run(&CHECK, &entry("usr/bin/su", EntryKind::File, 0o4755), None).expect("su");
        assert_eq!(hit.message, "privilege tool /usr/bin/su, setuid");
        assert!(run(
            &CHECK,
            &entry("usr/bin/sudo", EntryKind::File, 0o4755),
            None
        )
        .is_some());
        assert!(run(&CHECK, &entry("usr/bin/sum", EntryKind::File, 0o755), None).is_none());
    }
}
