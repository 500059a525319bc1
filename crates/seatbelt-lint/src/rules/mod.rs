//! The rules: one file each (its doc comment is its documentation), one line each in [`RULES`].

mod util;

mod add_for_copy;
mod add_url_checksum;
mod apk_cache;
mod apk_pin;
mod apt_lists;
mod apt_not_apt_get;
mod apt_pin;
mod apt_recommends;
mod apt_yes;
mod base_digest;
mod base_latest;
mod base_tag;
mod build_tools;
mod cd_workdir;
mod chown_after_copy;
mod consecutive_run;
mod copy_dest_slash;
mod copy_from_self;
mod copy_from_unknown;
mod copy_relative_dest;
mod curl_and_wget;
mod curl_pipe_shell;
mod dnf_clean;
mod dnf_pin;
mod dnf_yes;
mod env_self_reference;
mod expose_port;
mod expose_ssh;
mod from_platform;
mod gem_pin;
mod go_install_pin;
mod healthcheck_missing;
mod instruction_order;
mod json_cmd;
mod maintainer;
mod multiple_cmd;
mod multiple_entrypoint;
mod multiple_healthcheck;
mod no_user;
mod npm_cache;
mod npm_pin;
mod onbuild;
mod pip_cache;
mod pip_pin;
mod pipefail;
mod pointless_commands;
mod root_user;
mod secret_env;
mod sh_symlink;
mod shell_json;
mod shell_not_understood;
mod stages;
mod sudo;
mod trusted_registry;
mod useradd_high_uid;
mod wget_progress;
mod workdir_absolute;
mod yarn_cache;
mod yum_clean;
mod yum_pin;
mod yum_yes;
mod zypper_clean;
mod zypper_dist_upgrade;
mod zypper_pin;
mod zypper_yes;

use crate::rule::Rule;

/// Every rule, by id.
pub static RULES: &[&Rule] = &[
    &workdir_absolute::WORKDIR_ABSOLUTE,
    &pointless_commands::POINTLESS,
    &root_user::ROOT_USER,
    &cd_workdir::CD,
    &sudo::SUDO,
    &base_tag::BASE_TAG,
    &base_latest::BASE_LATEST,
    &apt_pin::APT_PIN,
    &apt_lists::APT_LISTS,
    &expose_port::EXPOSE_PORT,
    &multiple_healthcheck::MULTIPLE_HEALTHCHECK,
    &pip_pin::PIP_PIN,
    &apt_yes::APT_YES,
    &apt_recommends::APT_RECOMMENDS,
    &npm_pin::NPM_PIN,
    &apk_pin::APK_PIN,
    &apk_cache::APK_CACHE,
    &add_for_copy::ADD_FOR_COPY,
    &copy_dest_slash::COPY_DEST_SLASH,
    &copy_from_unknown::COPY_FROM_UNKNOWN,
    &copy_from_self::COPY_FROM_SELF,
    &stages::UNIQUE_ALIAS,
    &json_cmd::JSON_CMD,
    &trusted_registry::TRUSTED_REGISTRY,
    &apt_not_apt_get::APT,
    &gem_pin::GEM_PIN,
    &from_platform::FROM_PLATFORM,
    &yum_yes::YUM_YES,
    &yum_clean::YUM_CLEAN,
    &yum_pin::YUM_PIN,
    &zypper_yes::ZYPPER_YES,
    &zypper_dist_upgrade::ZYPPER_DUP,
    &zypper_clean::ZYPPER_CLEAN,
    &zypper_pin::ZYPPER_PIN,
    &dnf_yes::DNF_YES,
    &dnf_clean::DNF_CLEAN,
    &dnf_pin::DNF_PIN,
    &pip_cache::PIP_CACHE,
    &onbuild::ONBUILD,
    &env_self_reference::ENV_SELF_REFERENCE,
    &copy_relative_dest::COPY_RELATIVE,
    &useradd_high_uid::USERADD,
    &wget_progress::WGET_PROGRESS,
    &healthcheck_missing::HEALTHCHECK_MISSING,
    &consecutive_run::CONSECUTIVE_RUN,
    &yarn_cache::YARN_CACHE,
    &instruction_order::ORDER,
    &maintainer::MAINTAINER,
    &curl_and_wget::CURL_AND_WGET,
    &multiple_cmd::MULTIPLE_CMD,
    &multiple_entrypoint::MULTIPLE_ENTRYPOINT,
    &sh_symlink::SH_SYMLINK,
    &pipefail::PIPEFAIL,
    &base_digest::BASE_DIGEST,
    &no_user::NO_USER,
    &secret_env::SECRET_ENV,
    &npm_cache::NPM_CACHE,
    &build_tools::BUILD_TOOLS,
    &add_url_checksum::ADD_URL_CHECKSUM,
    &curl_pipe_shell::CURL_PIPE_SHELL,
    &expose_ssh::EXPOSE_SSH,
    &shell_json::SHELL_JSON,
    &chown_after_copy::CHOWN_AFTER_COPY,
    &go_install_pin::GO_INSTALL_PIN,
    &shell_not_understood::SHELL_NOT_UNDERSTOOD,
];
