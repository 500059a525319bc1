//! SB2021: `.env` files, in any layer.

use seatbelt_findings::RuleInfo;
use seatbelt_image::walk::{Entry, EntryKind, Interest};
use seatbelt_types::Severity;

use crate::image::{file_name, FileCheck, Hit};

/// `.env` check; the page is [`DOCS`].
pub(super) const CHECK: FileCheck = FileCheck {
    info: RuleInfo {
        id: "SB2021",
        aliases: &[],
        name: "dotenv-file",
        severity: Severity::High,
        summary: "A .env file is in the image",
        docs: DOCS,
    },
    history: true,
    interest,
    check,
};

/// `.env.example` and friends are templates meant to be committed.
const TEMPLATE_SUFFIXES: &[&str] = &[
    ".example",
    ".sample",
    ".template",
    ".dist",
    ".defaults",
    ".tmpl",
];

fn is_dotenv(name: &str) -> bool {
    (name == ".env" || name.starts_with(".env."))
        && !TEMPLATE_SUFFIXES.iter().any(|s| name.ends_with(s))
}

fn interest(path: &str, kind: EntryKind) -> Interest {
    if matches!(kind, EntryKind::File | EntryKind::Hardlink) && is_dotenv(file_name(path)) {
        Interest::Metadata
    } else {
        Interest::Skip
    }
}

fn check(entry: &Entry, _content: Option<&[u8]>) -> Option<Hit> {
    Some(
        Hit::new(format!(
            "environment file /{} ({} bytes)",
            entry.path, entry.size
        ))
        .fix("add `.env*` to .dockerignore; pass settings at run time"),
    )
}

const DOCS: &str = "## What it does\nReports `.env` and `.env.*` files (not `.env.example` and other templates) in any layer, deleted ones included.\n\n## Why it matters\n`.env` files hold the application's local secrets (database passwords, API keys); they reach images through a `COPY . .` without a `.dockerignore`.\n\n## Example\n`COPY . /app` in a project with a `.env`.\n\n## Use instead\n`.dockerignore` with `.env*`; settings from the orchestrator at run time.\n\n## References\n- Docker docs, \".dockerignore file\".\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::checks::test_support::{entry, run};

    #[test]
    fn dotenv_but_not_templates() {
        assert!(run(&CHECK, &entry("app/.env", EntryKind::File, 0o644), None).is_some());
        assert!(run(
            &CHECK,
            &entry("app/.env.production", EntryKind::File, 0o644),
            None
        )
        .is_some());
        assert!(run(
            &CHECK,
            &entry("app/.env.example", EntryKind::File, 0o644),
            None
        )
        .is_none());
        assert!(run(&CHECK, &entry("app/.envrc", EntryKind::File, 0o644), None).is_none());
    }
}
