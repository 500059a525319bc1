//! Every package in an image. One streaming pass over the layers ([`seatbelt_image::walk`]) hands
//! each [`Cataloger`] only the files it asked for; the results, with the OS release, become an
//! [`seatbelt_types::Sbom`], which [`mod@format`] writes as CycloneDX 1.6, SPDX 2.3, JSON or a table.
#![deny(missing_docs)]

mod cataloger;
pub mod catalogers;
mod collect;
mod distro;
mod error;
pub mod format;

pub use cataloger::{CatalogContext, CatalogOutput, Cataloger, FoundFile, WantsPath};
pub use collect::{catalog_image, CatalogOptions};
pub use distro::parse_os_release;
pub use error::SbomError;

/// The pure parsers, for the fuzz targets only.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::catalogers::cargo::{
        parse_auditable_binary, parse_lockfile as parse_cargo_lock,
    };
    pub use crate::catalogers::go::{parse_buildinfo, GoBuildInfo, GoModule};
    pub use crate::catalogers::npm::{
        parse_lockfile as parse_npm_lock, parse_manifest as parse_npm_manifest,
    };
    pub use crate::catalogers::python::parse_metadata as parse_python_metadata;
}
