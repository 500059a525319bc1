//! SB2023: `.npmrc` and `.pypirc` with credentials, in any layer.

use seatbelt_findings::RuleInfo;
use seatbelt_image::walk::{Entry, EntryKind, Interest};
use seatbelt_types::Severity;

use crate::image::{file_name, FileCheck, Hit};
use crate::secrets::is_placeholder;

/// Package-registry credential check; the page is [`DOCS`].
pub(super) const CHECK: FileCheck = FileCheck {
    info: RuleInfo {
        id: "SB2023",
        aliases: &[],
        name: "registry-credentials-file",
        severity: Severity::High,
        summary: "A package-registry credentials file (.npmrc, .pypirc) holds a token",
        docs: DOCS,
    },
    history: true,
    interest,
    check,
};

/// Keys whose values are credentials: npm's `_authToken`, `_auth`, `_password`; `.pypirc`'s
/// `password`.
const NPM_KEYS: &[&str] = &["_authToken", "_auth", "_password"];
const PYPIRC_KEYS: &[&str] = &["password"];

fn interest(path: &str, kind: EntryKind) -> Interest {
    let name = file_name(path);
    if matches!(kind, EntryKind::File | EntryKind::Hardlink)
        && (name == ".npmrc" || name == "npmrc" || name == ".pypirc")
    {
        Interest::Content
    } else {
        Interest::Skip
    }
}

/// The first `key = value` line whose key (after any `//registry/:` scope) is in `keys` and
/// whose value is real.
fn credential_key<'a>(content: &[u8], keys: &[&'a str]) -> Option<&'a str> {
    let text = String::from_utf8_lossy(content);
    text.lines().find_map(|line| {
        let (key, value) = line.split_once('=').or_else(|| line.split_once(':'))?;
        let key = key.trim();
        let key = key.rsplit(':').next().unwrap_or(key).trim();
        let value = value.trim().trim_matches(['"', '\'']);
        let found = keys.iter().find(|k| key == **k)?;
        (!is_placeholder(value.as_bytes())).then_some(*found)
    })
}

fn check(entry: &Entry, content: Option<&[u8]>) -> Option<Hit> {
    let keys = if file_name(&entry.path) == ".pypirc" {
        PYPIRC_KEYS
    } else {
        NPM_KEYS
    };
    let key = credential_key(content?, keys)?;
    Some(Hit::new(format!("/{} sets {key}", entry.path)).fix("mount the file as a build secret: `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`"))
}

const DOCS: &str = "## What it does\nReports `.npmrc` files setting `_authToken`, `_auth` or `_password`, and `.pypirc` files setting `password`, with a real value (not `${NPM_TOKEN}`), in any layer, deleted ones included.\n\n## Why it matters\nThese tokens publish packages: whoever pulls the image can publish as you. Deleting the file in a later layer does not remove it from the image.\n\n## Example\n`COPY .npmrc .` then `RUN npm ci && rm .npmrc`.\n\n## Use instead\n`RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`.\n\n## References\n- npm docs, \"npmrc\"; Python packaging docs, \"The .pypirc file\".\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::checks::test_support::{entry, run};

    #[test]
    fn tokens_but_not_references() {
        let npmrc = entry("root/.npmrc", EntryKind::File, 0o600);
        let hit = run(
            &CHECK,
            &npmrc,
            Some(b"registry=https://r\n//r/:_authToken=9f8e7d6c5b4a3928\n"),
        )
        .expect("token");
        assert_eq!(hit.message, "/root/.npmrc sets _authToken");
        assert!(run(&CHECK, &npmrc, Some(b"//r/:_authToken=${NPM_TOKEN}\n")).is_none());
        let pypirc = entry("root/.pypirc", EntryKind::File, 0o600);
        assert!(run(
            &CHECK,
            &pypirc,
            Some(b"[pypi]\nusername = __token__\npassword = pypi-AgEIxyz123\n")
        )
        .is_some());
        assert!(run(&CHECK, &pypirc, Some(b"[pypi]\nusername = __token__\n")).is_none());
    }
}
