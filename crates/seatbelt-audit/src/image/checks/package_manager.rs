//! SB2013: package managers present.

use seatbelt_findings::RuleInfo;
use seatbelt_image::walk::{Entry, EntryKind, Interest};
use seatbelt_types::Severity;

use crate::image::{describe_program, program_interest, FileCheck, Hit};

/// Package-manager check; the page is [`DOCS`].
pub(super) const CHECK: FileCheck = FileCheck {
    info: RuleInfo {
        id: "SB2013",
        aliases: &[],
        name: "package-manager-present",
        severity: Severity::Low,
        summary: "A package manager is present",
        docs: DOCS,
    },
    history: false,
    interest,
    check,
};

const MANAGERS: &[&str] = &[
    "apt", "apt-get", "aptitude", "dpkg", "apk", "yum", "dnf", "microdnf", "rpm", "zypper",
    "pacman", "pip", "pip3", "npm", "gem",
];

fn interest(path: &str, kind: EntryKind) -> Interest {
    program_interest(path, kind, MANAGERS)
}

fn check(entry: &Entry, _content: Option<&[u8]>) -> Option<Hit> {
    Some(Hit::new(format!("package manager {}", describe_program(entry))).fix("install packages in a build stage and copy only the results into a final stage without the package manager"))
}

const DOCS: &str = "## What it does\nLists package managers (`apt`, `dpkg`, `apk`, `dnf`, `rpm`, `pip`, `npm`, …) in the `PATH` directories of the final filesystem.\n\n## Why it matters\nAn attacker in the container installs whatever tools they need with it; and an image that can change its own packages drifts from what was scanned.\n\n## Example\nA runtime image built `FROM debian` keeps `apt` and `dpkg`.\n\n## Use instead\nMulti-stage builds: install in a builder stage, copy the application into distroless or scratch.\n\n## References\n- NIST SP 800-190, section 4.1 (minimal images).\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::checks::test_support::{entry, run};

    #[test]
    fn package_managers_in_path_dirs() {
        assert!(run(
            &CHECK,
            &entry("usr/bin/apt-get", EntryKind::File, 0o755),
            None
        )
        .is_some());
        assert!(run(&CHECK, &entry("sbin/apk", EntryKind::File, 0o755), None).is_some());
        assert!(run(
            &CHECK,
            &entry("usr/lib/apt/methods/http", EntryKind::File, 0o755),
            None
        )
        .is_none());
    }
}
