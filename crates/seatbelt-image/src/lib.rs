//! Reading and writing container images without a daemon, safely.
//!
//! - [`ImageRef`] parses the one reference grammar every command accepts (`oci-dir:`, `oci-archive:`,
//!   `docker-archive:`, `dir:`, `registry:` and bare registry references).
//! - [`open`] resolves a reference to an [`Image`]: its manifest, config and layers, with every
//!   blob digest-verified while it streams.
//! - [`walk`] makes the single streaming pass over the layers that every consumer shares.
//! - [`extract`] writes an image's final filesystem to a directory without ever writing outside it.
//! - [`copy`] writes an image to any destination the grammar names.
#![deny(missing_docs)]

pub mod copy;
mod decompress;
mod error;
pub mod extract;
mod image;
pub mod limits;
pub mod manifest;
pub mod media_types;
mod platform;
mod read_ahead;
mod reference;
pub mod sink;
pub mod source;
mod verify;
pub mod walk;

pub use decompress::{open_decompressed, Compression};
pub use error::ImageError;
pub use image::{Image, LayerSource, RawConfig, RawManifest};
pub use limits::Limits;
pub use platform::Platform;
pub use reference::{Destination, ImageRef, ManifestSelector};
pub use source::{open, OpenOptions};
pub use verify::VerifyingReader;

/// The result type of this crate.
pub type Result<T, E = ImageError> = std::result::Result<T, E>;
