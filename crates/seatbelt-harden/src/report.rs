//! The hardening report: every removal and change with its reason, totals, the packages whose
//! files were removed (they stay installed in the package database), and what was kept because
//! the entrypoint needs it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::analysis::Needs;
use crate::audit::AuditComparison;
use crate::plan::{Change, Removal};
use crate::users::UserPlan;

/// Counts for one reason.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Tally {
    /// Paths.
    pub files: u64,
    /// Bytes.
    pub bytes: u64,
}

/// What hardening did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// Source reference.
    pub source: String,
    /// Source manifest digest.
    pub base_digest: String,
    /// The profile used.
    pub profile: String,
    /// The user the image now runs as.
    pub user: UserPlan,
    /// Entrypoint analysis.
    pub entrypoint: Needs,
    /// Every removed path.
    pub removals: Vec<Removal>,
    /// Every re-added path with a new mode or owner.
    pub changes: Vec<Change>,
    /// Totals per removal reason.
    pub by_reason: BTreeMap<String, Tally>,
    /// Files (non-directories) removed.
    pub files_removed: u64,
    /// Bytes removed.
    pub bytes_removed: u64,
    /// Final-filesystem files before (non-directories).
    pub files_before: u64,
    /// Final-filesystem bytes before.
    pub bytes_before: u64,
    /// Packages with removed files; they stay in the package database.
    pub packages_touched: BTreeSet<String>,
    /// System calls dropped from the default seccomp list, with why.
    pub seccomp_removed: Vec<String>,
    /// The added layer's digest and size.
    pub layer_digest: String,
    /// Added layer size.
    pub layer_size: u64,
    /// Audit findings before and after, when the caller ran the audit
    /// ([`crate::audit::compare`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit: Option<AuditComparison>,
}

impl Report {
    /// A short one-line summary (the `dev.seatbelt.hardened` label).
    pub fn summary(&self) -> String {
        format!(
            "profile={} user={}:{} removed={} files ({} bytes) changed={} shell={}",
            self.profile,
            self.user.uid,
            self.user.gid,
            self.files_removed,
            self.bytes_removed,
            self.changes.len(),
            if self.entrypoint.shell.is_some() {
                "kept"
            } else {
                "removed"
            }
        )
    }

    /// The report for people.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Hardened {} ({}) with profile {}",
            self.source, self.base_digest, self.profile
        );
        let _ = writeln!(
            out,
            "User: {} ({}:{}){}",
            self.user.name,
            self.user.uid,
            self.user.gid,
            if self.user.added { ", added" } else { ", kept" }
        );
        let _ = writeln!(out, "Entrypoint: {}", self.entrypoint.argv.join(" "));
        if let Some(why) = &self.entrypoint.shell {
            let _ = writeln!(out, "Shell kept: {why}");
        }
        let _ =
            writeln!(
            out,
            "Removed {} of {} files, {} of {} bytes; {} paths changed; added layer {} ({} bytes)",
            self.files_removed, self.files_before, self.bytes_removed, self.bytes_before,
            self.changes.len(), self.layer_digest, self.layer_size
        );
        let _ = writeln!(out, "\n{:<26} {:>7} {:>12}", "REASON", "FILES", "BYTES");
        for (reason, t) in &self.by_reason {
            let _ = writeln!(out, "{reason:<26} {:>7} {:>12}", t.files, t.bytes);
        }
        if let Some(audit) = &self.audit {
            let _ = writeln!(out, "\n{:<10} {:>7} {:>7}", "AUDIT RULE", "BEFORE", "AFTER");
            for (rule, (before, after)) in audit.by_rule() {
                let _ = writeln!(out, "{rule:<10} {before:>7} {after:>7}");
            }
            if !audit.after.is_empty() {
                let _ = writeln!(out, "\nAUDIT FINDINGS LEFT");
                for f in &audit.after {
                    let _ = writeln!(out, "  {} {:<8} {}", f.rule_id, f.severity, f.message);
                }
            }
        }
        let _ = writeln!(out, "\nKEPT FOR THE ENTRYPOINT");
        for (path, why) in &self.entrypoint.keep {
            let _ = writeln!(out, "  /{path}  ({why})");
        }
        for (path, why) in &self.entrypoint.keep_trees {
            let _ = writeln!(out, "  /{path}/…  ({why})");
        }
        for u in &self.entrypoint.unresolved {
            let _ = writeln!(out, "  unresolved: {u}");
        }
        if !self.packages_touched.is_empty() {
            let names: Vec<&str> = self.packages_touched.iter().map(String::as_str).collect();
            let _ = writeln!(
                out,
                "\nPACKAGES WITH FILES REMOVED (still listed in the package database)\n  {}",
                names.join(" ")
            );
        }
        if !self.seccomp_removed.is_empty() {
            let _ = writeln!(out, "\nSECCOMP: LEFT OUT OF THE DEFAULT ALLOW-LIST");
            for why in &self.seccomp_removed {
                let _ = writeln!(out, "  {why}");
            }
        }
        let _ = writeln!(out, "\nCHANGED");
        for c in &self.changes {
            let reasons: Vec<&str> = c.reasons.iter().map(|r| r.label()).collect();
            let _ = writeln!(
                out,
                "  {:04o} -> {:04o} {}:{} {}  ({})",
                c.mode_before,
                c.mode_after,
                c.uid,
                c.gid,
                c.path,
                reasons.join(", ")
            );
        }
        let _ = writeln!(out, "\nREMOVED");
        for r in &self.removals {
            let pkg = r
                .package
                .as_deref()
                .map(|p| format!(" [{p}]"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {:<22} {:>10} {}{pkg}",
                r.reason.label(),
                r.bytes,
                r.path
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::AuditFinding;
    use crate::policy::Reason;

    fn finding(rule: &str, message: &str) -> AuditFinding {
        AuditFinding {
            rule_id: rule.into(),
            severity: "low".into(),
            message: message.into(),
        }
    }

    /// A report as a script entrypoint on a small Debian image produces it.
    fn report() -> Report {
        let mut entrypoint = Needs {
            argv: vec!["/app/run.sh".into()],
            shell: Some("/app/run.sh is a shell script (#!/bin/sh)".into()),
            ..Needs::default()
        };
        entrypoint
            .keep
            .insert("app/run.sh".into(), "entrypoint".into());
        entrypoint
            .keep
            .insert("usr/bin/dash".into(), "interpreter of /app/run.sh".into());
        entrypoint.keep_trees.insert("app".into(), "WORKDIR".into());
        let removals = vec![
            Removal {
                path: "/usr/bin/bash".into(),
                reason: Reason::Shell,
                bytes: 1_265_648,
                package: Some("bash".into()),
            },
            Removal {
                path: "/usr/bin/su".into(),
                reason: Reason::PrivilegeTool,
                bytes: 72_000,
                package: Some("util-linux".into()),
            },
        ];
        let mut by_reason = BTreeMap::new();
        by_reason.insert(
            "shell".to_string(),
            Tally {
                files: 1,
                bytes: 1_265_648,
            },
        );
        by_reason.insert(
            "privilege tool".to_string(),
            Tally {
                files: 1,
                bytes: 72_000,
            },
        );
        Report {
            source: "oci-dir:app:app".into(),
            base_digest: "sha256:aaaa".into(),
            profile: "standard".into(),
            user: UserPlan {
                name: "nonroot".into(),
                uid: 65532,
                gid: 65532,
                config_user: "65532:65532".into(),
                added: true,
                passwd: None,
                group: None,
            },
            entrypoint,
            removals,
            changes: vec![Change {
                path: "/usr/bin/passwd".into(),
                reasons: vec![Reason::SetuidStripped],
                mode_before: 0o4755,
                mode_after: 0o755,
                uid: 0,
                gid: 0,
            }],
            by_reason,
            files_removed: 2,
            bytes_removed: 1_337_648,
            files_before: 7611,
            bytes_before: 164_038_818,
            packages_touched: ["bash".to_string(), "util-linux".to_string()].into(),
            seccomp_removed: vec!["ptrace: no debugger or tracer in the image".into()],
            layer_digest: "sha256:bbbb".into(),
            layer_size: 1234,
            audit: Some(AuditComparison {
                before: vec![
                    finding("SB2001", "the image runs as root"),
                    finding("SB2010", "setuid file /usr/bin/passwd"),
                    finding("SB2012", "shell /usr/bin/bash"),
                    finding("SB2012", "shell /usr/bin/dash"),
                ],
                after: vec![finding("SB2012", "shell /usr/bin/dash")],
            }),
        }
    }

    #[test]
    fn table() {
        insta::assert_snapshot!(report().table());
    }

    #[test]
    fn json() {
        insta::assert_snapshot!(serde_json::to_string_pretty(&report()).unwrap());
    }

    #[test]
    fn summary_label() {
        assert_eq!(
            report().summary(),
            "profile=standard user=65532:65532 removed=2 files (1337648 bytes) changed=1 shell=kept"
        );
    }
}
