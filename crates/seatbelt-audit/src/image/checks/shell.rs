//! SB2012: shells present.

use seatbelt_findings::RuleInfo;
use seatbelt_image::walk::{Entry, EntryKind, Interest};
use seatbelt_types::Severity;

use crate::image::{describe_program, program_interest, FileCheck, Hit};

/// Shell check; the page is [`DOCS`].
pub(super) const CHECK: FileCheck = FileCheck {
    info: RuleInfo {
        id: "SB2012",
        aliases: &[],
        name: "shell-present",
        severity: Severity::Low,
        summary: "A shell is present",
        docs: DOCS,
    },
    history: false,
    interest,
    check,
};

const SHELLS: &[&str] = &[
    "sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "csh", "tcsh", "fish", "busybox",
];

fn interest(path: &str, kind: EntryKind) -> Interest {
    program_interest(path, kind, SHELLS)
}

fn check(entry: &Entry, _content: Option<&[u8]>) -> Option<Hit> {
    Some(
        Hit::new(format!("shell {}", describe_program(entry)))
            .fix("use a distroless or scratch final stage with only the application"),
    )
}

const DOCS: &str = "## What it does\nLists shells (`sh`, `bash`, `dash`, `busybox`, …) in the `PATH` directories of the final filesystem.\n\n## Why it matters\nA shell turns any code-execution bug into an interactive foothold: download tools, explore, pivot. Images that run one binary do not need one.\n\n## Example\nAny Debian- or Alpine-based runtime image.\n\n## Use instead\nA multi-stage build whose final stage is `scratch` or distroless, holding only the application and its libraries.\n\n## References\n- NIST SP 800-190, section 4.1 (minimal images).\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::checks::test_support::{entry, run};

    #[test]
    fn shells_in_path_dirs() {
        assert!(run(&CHECK, &entry("usr/bin/bash", EntryKind::File, 0o755), None).is_some());
        let mut sh = entry("bin/sh", EntryKind::Symlink, 0o777);
        sh.link_target = Some("dash".into());
        let hit = run(&CHECK, &sh, None).expect("sh");
        assert_eq!(hit.message, "shell /bin/sh (link to dash)");
        assert!(run(
            &CHECK,
            &entry("usr/share/bash", EntryKind::File, 0o644),
            None
        )
        .is_none());
        assert!(run(
            &CHECK,
            &entry("usr/bin/bashbug", EntryKind::File, 0o755),
            None
        )
        .is_none());
    }
}
