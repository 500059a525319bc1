//! SB2011: world-writable files and directories outside the temporary directories.

use seatbelt_findings::RuleInfo;
use seatbelt_image::walk::{Entry, EntryKind, Interest};
use seatbelt_types::Severity;

use crate::image::{FileCheck, Hit};

/// World-writable check; the page is [`DOCS`].
pub(super) const CHECK: FileCheck = FileCheck {
    info: RuleInfo {
        id: "SB2011",
        aliases: &[],
        name: "world-writable",
        severity: Severity::Medium,
        summary: "A world-writable file or directory outside /tmp",
        docs: DOCS,
    },
    history: false,
    interest,
    check,
};

/// Where world-writable is the point (sticky temporary directories and their contents).
const TEMP_DIRS: &[&str] = &["tmp", "var/tmp", "dev/shm", "run/lock"];

fn in_temp(path: &str) -> bool {
    TEMP_DIRS.iter().any(|t| {
        path == *t
            || path
                .strip_prefix(t)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

fn interest(path: &str, kind: EntryKind) -> Interest {
    // Symlinks are always 0777 and mean nothing; devices are the kernel's business.
    if matches!(
        kind,
        EntryKind::File | EntryKind::Directory | EntryKind::Hardlink
    ) && !in_temp(path)
    {
        Interest::Metadata
    } else {
        Interest::Skip
    }
}

fn check(entry: &Entry, _content: Option<&[u8]>) -> Option<Hit> {
    if entry.mode & 0o002 == 0 {
        return None;
    }
    let mode = entry.mode & 0o7777;
    let path = &entry.path;
    if entry.kind == EntryKind::Directory {
        if entry.mode & 0o1000 != 0 {
            return Some(
                Hit::new(format!("world-writable directory /{path} (mode {mode:04o}; sticky, so users cannot delete each other's files)"))
                    .severity(Severity::Low)
                    .fix(format!("`RUN chmod o-w /{path}` unless it is meant as a shared temporary directory")),
            );
        }
        return Some(
            Hit::new(format!("world-writable directory /{path} (mode {mode:04o}, not sticky: anyone can replace its files)"))
                .fix(format!("`RUN chmod o-w /{path}`")),
        );
    }
    Some(
        Hit::new(format!("world-writable file /{path} (mode {mode:04o})"))
            .fix(format!("`RUN chmod o-w /{path}`")),
    )
}

const DOCS: &str = "## What it does\nReports regular files and directories of the final filesystem writable by every user, outside `/tmp`, `/var/tmp`, `/dev/shm` and `/run/lock`. Sticky directories are reported at low severity.\n\n## Why it matters\nAny process in the container, whatever its user, can change a world-writable file: a script run by root, a config file, a library. A non-sticky world-writable directory lets anyone replace the files in it.\n\n## Example\n`RUN chmod -R 777 /app`\n\n## Use instead\nOwn writable paths by the runtime user (`COPY --chown=app:app`, `chmod 0750`), or mount a volume.\n\n## References\n- CIS Distribution Independent Linux benchmark, \"Ensure no world writable files exist\".\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::checks::test_support::{entry, run};

    #[test]
    fn files_and_dirs_outside_temp() {
        assert!(run(&CHECK, &entry("app/run.sh", EntryKind::File, 0o777), None).is_some());
        let sticky = run(
            &CHECK,
            &entry("srv/shared", EntryKind::Directory, 0o1777),
            None,
        )
        .expect("sticky");
        assert_eq!(sticky.severity, Some(Severity::Low));
        assert!(run(&CHECK, &entry("tmp", EntryKind::Directory, 0o1777), None).is_none());
        assert!(run(&CHECK, &entry("var/tmp/x", EntryKind::File, 0o666), None).is_none());
        assert!(run(&CHECK, &entry("tmpfiles", EntryKind::File, 0o666), None).is_some());
        assert!(run(
            &CHECK,
            &entry("usr/bin/sh", EntryKind::Symlink, 0o777),
            None
        )
        .is_none());
        assert!(run(&CHECK, &entry("etc/passwd", EntryKind::File, 0o644), None).is_none());
    }
}
