//! SB2020: private key files, in any layer.

use seatbelt_findings::RuleInfo;
use seatbelt_image::walk::{Entry, EntryKind, Interest};
use seatbelt_types::Severity;

use crate::image::{file_name, FileCheck, Hit};
use crate::secrets::is_allowed_path;

/// Private key file check; the page is [`DOCS`].
pub(super) const CHECK: FileCheck = FileCheck {
    info: RuleInfo {
        id: "SB2020",
        aliases: &[],
        name: "private-key-file",
        severity: Severity::High,
        summary: "A private key file is in the image",
        docs: DOCS,
    },
    history: true,
    interest,
    check,
};

/// SSH's default private key names (the `.pub` halves are public).
const SSH_KEY_NAMES: &[&str] = &[
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    "id_ecdsa_sk",
    "id_ed25519_sk",
];
/// Key stores: binary containers of private keys.
const KEYSTORE_EXTENSIONS: &[&str] = &[".p12", ".pfx", ".jks", ".keystore"];
/// Extensions that hold either certificates or keys: the content decides.
const PEM_EXTENSIONS: &[&str] = &[".pem", ".key"];

fn ends_with_any(name: &str, list: &[&str]) -> bool {
    list.iter()
        .any(|e| name.len() > e.len() && name.to_ascii_lowercase().ends_with(e))
}

fn is_host_key(path: &str) -> bool {
    path.starts_with("etc/ssh/ssh_host_") && path.ends_with("_key")
}

fn interest(path: &str, kind: EntryKind) -> Interest {
    if !matches!(kind, EntryKind::File | EntryKind::Hardlink) {
        return Interest::Skip;
    }
    let name = file_name(path);
    if SSH_KEY_NAMES.contains(&name)
        || is_host_key(path)
        || ends_with_any(name, KEYSTORE_EXTENSIONS)
    {
        if is_allowed_path(path) {
            Interest::Skip
        } else {
            Interest::Metadata
        }
    } else if ends_with_any(name, PEM_EXTENSIONS) && !is_allowed_path(path) {
        Interest::Content
    } else {
        Interest::Skip
    }
}

fn check(entry: &Entry, content: Option<&[u8]>) -> Option<Hit> {
    let name = file_name(&entry.path);
    let what = if is_host_key(&entry.path) {
        "SSH host private key (every container of the image shares it)"
    } else if SSH_KEY_NAMES.contains(&name) {
        "SSH private key"
    } else if ends_with_any(name, KEYSTORE_EXTENSIONS) {
        "key store"
    } else if content.is_some_and(|c| memchr::memmem::find(c, b"PRIVATE KEY-----").is_some()) {
        "PEM private key"
    } else {
        return None;
    };
    Some(Hit::new(format!("{what} /{}", entry.path)).fix("never copy keys into an image: `RUN --mount=type=ssh` or `--mount=type=secret` at build time, a mounted secret at run time"))
}

const DOCS: &str = "## What it does\nReports private key files in any layer, deleted ones included: SSH keys by name (`id_rsa`, `id_ed25519`, …), SSH host keys, key stores (`.p12`, `.pfx`, `.jks`, `.keystore`), and `.pem`/`.key` files holding a `PRIVATE KEY` block. Documentation and test-fixture trees are skipped.\n\n## Why it matters\nA key in a layer is in every pull of the image, even when a later layer deletes it. SSH host keys baked into an image are shared by every container started from it.\n\n## Example\n`COPY id_rsa /root/.ssh/` to clone a private repository, then `RUN rm /root/.ssh/id_rsa`.\n\n## Use instead\n`RUN --mount=type=ssh git clone …`; generate host keys at container start; mount TLS keys at run time.\n\n## References\n- Docker docs, \"Build secrets\" and SSH mounts.\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::checks::test_support::{entry, run};

    #[test]
    fn keys_by_name_and_pem_by_content() {
        assert!(run(
            &CHECK,
            &entry("root/.ssh/id_rsa", EntryKind::File, 0o600),
            None
        )
        .is_some());
        assert!(run(
            &CHECK,
            &entry("root/.ssh/id_rsa.pub", EntryKind::File, 0o644),
            None
        )
        .is_none());
        assert!(run(
            &CHECK,
            &entry("etc/ssh/ssh_host_ed25519_key", EntryKind::File, 0o600),
            None
        )
        .is_some());
        let pem = entry("srv/tls/server.pem", EntryKind::File, 0o600);
        assert!(run(&CHECK, &pem, Some(b"-----BEGIN EC PRIVATE KEY-----\n")).is_some());
        assert!(run(&CHECK, &pem, Some(b"-----BEGIN CERTIFICATE-----\n")).is_none());
        assert!(run(
            &CHECK,
            &entry("usr/lib/python3/x/tests/key.pem", EntryKind::File, 0o644),
            Some(b"PRIVATE KEY-----")
        )
        .is_none());
    }
}
