//! The pure parsers, exposed for the fuzz targets in `fuzz/` only; not a stable API.

pub use crate::catalogers::apk::parse_installed as apk_installed;
pub use crate::catalogers::apk::{ApkEntry, ParsedInstalled};
pub use crate::catalogers::cargo::{parse_auditable_binary, parse_lockfile as parse_cargo_lock};
pub use crate::catalogers::composer::parse_installed as composer_installed;
pub use crate::catalogers::dotnet::parse_deps_json as dotnet_deps_json;
pub use crate::catalogers::dpkg::parse_copyright as dpkg_copyright;
pub use crate::catalogers::dpkg::parse_status as dpkg_status;
pub use crate::catalogers::dpkg::{DpkgEntry, ParsedStatus};
pub use crate::catalogers::gem::parse_gemspec as gem_gemspec;
pub use crate::catalogers::go::{parse_buildinfo, GoBuildInfo, GoModule};
pub use crate::catalogers::java::parse_archive as java_archive;
pub use crate::catalogers::npm::{
    parse_lockfile as parse_npm_lock, parse_manifest as parse_npm_manifest,
};
pub use crate::catalogers::python::parse_metadata as parse_python_metadata;
pub use crate::catalogers::rpm::fuzz_database as rpm_database;
pub use crate::catalogers::rpm::parse_package as rpm_header;
