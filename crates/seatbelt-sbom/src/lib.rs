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
#[doc(hidden)]
pub mod fuzzing;

pub use cataloger::{CatalogContext, CatalogOutput, Cataloger, FoundFile, WantsPath};
pub use collect::{catalog_image, catalog_image_with, CatalogOptions};
pub use distro::parse_os_release;
pub use error::SbomError;
