//! Image audit checks in the spirit of Dockle and the CIS Docker benchmark: checks on the image
//! config (user, healthcheck, secrets in env/labels/history, tag, age) and checks on the files
//! the layer walk offers (setuid, world-writable, shells, package managers, credential files).
//! One file per check under `checks/`, registered with one line there.

pub(crate) mod checks;
mod date;
mod names;
mod visitor;

use seatbelt_findings::RuleInfo;
use seatbelt_image::walk::{Entry, EntryKind, Interest};
use seatbelt_image::RawConfig;
use seatbelt_types::Severity;

pub(crate) use visitor::FileCheckVisitor;

use crate::secrets::Engine;

/// What one check found once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    /// What is wrong (no secret in clear).
    pub(crate) message: String,
    /// The fix, when certain.
    pub(crate) fix: Option<String>,
    /// A severity other than the rule's default (a sticky world-writable directory is less
    /// bad than a world-writable file).
    pub(crate) severity: Option<Severity>,
    /// What distinguishes this hit from the rule's others in the same file (for the
    /// fingerprint): an env var name, a history index.
    pub(crate) key: String,
}

impl Hit {
    pub(crate) fn new(message: impl Into<String>) -> Hit {
        Hit {
            message: message.into(),
            fix: None,
            severity: None,
            key: String::new(),
        }
    }

    pub(crate) fn fix(mut self, fix: impl Into<String>) -> Hit {
        self.fix = Some(fix.into());
        self
    }

    pub(crate) fn key(mut self, key: impl Into<String>) -> Hit {
        self.key = key.into();
        self
    }

    pub(crate) fn severity(mut self, severity: Severity) -> Hit {
        self.severity = Some(severity);
        self
    }
}

/// What config checks see.
pub(crate) struct ConfigInput<'a> {
    pub(crate) config: &'a RawConfig,
    /// The tag the image was referenced by, if any.
    pub(crate) tag: Option<&'a str>,
    /// Now, seconds since the epoch.
    pub(crate) now_unix: i64,
    /// The age limit.
    pub(crate) max_age_days: u64,
    /// The secret rules, for env values, labels and history.
    pub(crate) engine: &'a Engine,
}

/// A check on the image config.
pub(crate) struct ConfigCheck {
    pub(crate) info: RuleInfo,
    pub(crate) run: fn(&ConfigInput<'_>) -> Vec<Hit>,
}

/// A check on files the walk offers.
pub(crate) struct FileCheck {
    pub(crate) info: RuleInfo,
    /// Whether shadowed and deleted versions count (credentials do: every pull downloads them;
    /// modes and binaries do not: only the final filesystem runs).
    pub(crate) history: bool,
    /// What it wants of a path, cheaply (runs on the decompression threads).
    pub(crate) interest: fn(&str, EntryKind) -> Interest,
    /// The check; `content` is present when `interest` asked for it.
    pub(crate) check: fn(&Entry, Option<&[u8]>) -> Option<Hit>,
}

/// The last path component.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Directories programs are run from.
const BIN_DIRS: &[&str] = &[
    "bin",
    "sbin",
    "usr/bin",
    "usr/sbin",
    "usr/local/bin",
    "usr/local/sbin",
];

/// The program name when `path` is directly in one of the `PATH` directories.
pub(crate) fn program_name(path: &str) -> Option<&str> {
    let (dir, name) = path.rsplit_once('/')?;
    BIN_DIRS.contains(&dir).then_some(name)
}

/// Interest in programs named in `names` (files and links alike).
pub(crate) fn program_interest(path: &str, kind: EntryKind, names: &[&str]) -> Interest {
    let is_program = matches!(
        kind,
        EntryKind::File | EntryKind::Symlink | EntryKind::Hardlink
    );
    if is_program && program_name(path).is_some_and(|n| names.contains(&n)) {
        Interest::Metadata
    } else {
        Interest::Skip
    }
}

/// How an entry is present, for messages: a link says where it points.
pub(crate) fn describe_program(entry: &Entry) -> String {
    match (&entry.kind, &entry.link_target) {
        (EntryKind::Symlink, Some(target)) => format!("/{} (link to {target})", entry.path),
        _ => format!("/{}", entry.path),
    }
}
