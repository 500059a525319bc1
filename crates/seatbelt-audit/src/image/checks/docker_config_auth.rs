//! SB2025: Docker client configs with registry credentials, in any layer.

use seatbelt_findings::RuleInfo;
use seatbelt_image::walk::{Entry, EntryKind, Interest};
use seatbelt_types::Severity;

use crate::image::{FileCheck, Hit};

/// Docker config auth check; the page is [`DOCS`].
pub(super) const CHECK: FileCheck = FileCheck {
    info: RuleInfo {
        id: "SB2025",
        aliases: &[],
        name: "docker-config-auth",
        severity: Severity::High,
        summary: "A Docker config.json holds registry credentials",
        docs: DOCS,
    },
    history: true,
    interest,
    check,
};

fn interest(path: &str, kind: EntryKind) -> Interest {
    if matches!(kind, EntryKind::File | EntryKind::Hardlink)
        && (path == ".docker/config.json" || path.ends_with("/.docker/config.json"))
    {
        Interest::Content
    } else {
        Interest::Skip
    }
}

/// Registries with an `auth` (base64 user:password) or `identitytoken` entry.
fn registries_with_credentials(content: &[u8]) -> Vec<String> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(content) else {
        return Vec::new();
    };
    let Some(auths) = value.get("auths").and_then(|a| a.as_object()) else {
        return Vec::new();
    };
    auths
        .iter()
        .filter(|(_, entry)| {
            ["auth", "identitytoken", "password"].iter().any(|k| {
                entry
                    .get(*k)
                    .and_then(|v| v.as_str())
                    .is_some_and(|s| !s.is_empty())
            })
        })
        .map(|(registry, _)| registry.clone())
        .collect()
}

fn check(entry: &Entry, content: Option<&[u8]>) -> Option<Hit> {
    let registries = registries_with_credentials(content?);
    (!registries.is_empty()).then(|| {
        Hit::new(format!(
            "/{} holds credentials for {}",
            entry.path,
            registries.join(", ")
        ))
        .fix("never copy a Docker config into an image; use a credential helper outside it")
    })
}

const DOCS: &str = "## What it does\nReports `.docker/config.json` files whose `auths` hold an `auth`, `password` or `identitytoken` for a registry, in any layer, deleted ones included.\n\n## Why it matters\n`auth` is base64 of `user:password`: whoever pulls the image can push to the registry as you.\n\n## Example\n`COPY config.json /root/.docker/` to pull private base images in a build.\n\n## Use instead\nCredential helpers (`credsStore`) on the build host, BuildKit secrets.\n\n## References\n- Docker CLI docs, \"docker login\" (credential storage).\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::checks::test_support::{entry, run};

    #[test]
    fn auth_entries_only() {
        let e = entry("root/.docker/config.json", EntryKind::File, 0o600);
        let hit = run(
            &CHECK,
            &e,
            Some(br#"{"auths":{"r.example":{"auth":"dTpw"},"q.example":{}}}"#),
        )
        .expect("auth");
        assert_eq!(
            hit.message,
            "/root/.docker/config.json holds credentials for r.example"
        );
        assert!(run(
            &CHECK,
            &e,
            Some(br#"{"credsStore":"desktop","auths":{"r.example":{}}}"#)
        )
        .is_none());
        assert!(run(&CHECK, &e, Some(b"not json")).is_none());
    }
}
