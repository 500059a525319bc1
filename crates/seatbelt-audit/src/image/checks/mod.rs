//! One file per image check; registration is one line in [`CONFIG_CHECKS`] or [`FILE_CHECKS`].

mod aws_credentials;
mod docker_config_auth;
mod env_file;
mod env_secret;
mod git_directory;
mod history_secret;
mod image_age;
mod label_secret;
mod latest_tag;
mod netrc;
mod no_healthcheck;
mod package_manager;
mod private_key_file;
mod registry_token_file;
mod root_user;
mod setuid;
mod shell;
mod sudo;
mod world_writable;

use super::{ConfigCheck, FileCheck};

/// Checks on the image config, in id order.
pub(crate) static CONFIG_CHECKS: &[&ConfigCheck] = &[
    &root_user::CHECK,
    &no_healthcheck::CHECK,
    &env_secret::CHECK,
    &label_secret::CHECK,
    &history_secret::CHECK,
    &latest_tag::CHECK,
    &image_age::CHECK,
];

/// Checks on files, in id order.
pub(crate) static FILE_CHECKS: &[&FileCheck] = &[
    &setuid::CHECK,
    &world_writable::CHECK,
    &shell::CHECK,
    &package_manager::CHECK,
    &sudo::CHECK,
    &private_key_file::CHECK,
    &env_file::CHECK,
    &git_directory::CHECK,
    &registry_token_file::CHECK,
    &aws_credentials::CHECK,
    &docker_config_auth::CHECK,
    &netrc::CHECK,
];

#[cfg(test)]
pub(crate) mod test_support {
    use seatbelt_image::walk::{Entry, EntryKind, Interest, Version};

    use crate::image::{FileCheck, Hit};

    /// An entry as the walk presents one.
    pub(crate) fn entry(path: &str, kind: EntryKind, mode: u32) -> Entry {
        Entry {
            path: path.to_string(),
            kind,
            mode,
            uid: 0,
            gid: 0,
            size: 0,
            mtime: 0,
            link_target: None,
            layer_index: 0,
            layer_digest: None,
            version: Version::Final,
        }
    }

    /// Runs `check` on one entry the way the visitor does (interest first).
    pub(crate) fn run(check: &FileCheck, entry: &Entry, content: Option<&[u8]>) -> Option<Hit> {
        match (check.interest)(&entry.path, entry.kind) {
            Interest::Skip => None,
            Interest::Metadata => (check.check)(entry, None),
            Interest::Content => (check.check)(entry, content),
        }
    }
}
