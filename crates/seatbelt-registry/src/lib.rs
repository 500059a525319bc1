//! A client for the OCI Distribution API v2 (<https://github.com/opencontainers/distribution-spec>):
//! references, authentication and the pull and push calls seatbelt needs. It knows nothing of
//! image formats: it moves bytes and leaves parsing and digest verification to `seatbelt-image`.
//!
//! Transport rules: https always, except loopback hosts and `insecure_registries`, which may
//! use plain http; credentials go only to the registry's own host (never to a redirect target
//! elsewhere) and never into logs, errors or `Debug` output.
#![deny(missing_docs)]

mod auth;
mod challenge;
mod client;
mod credentials;
mod error;
mod options;
mod reference;
mod transport;
mod upload;

pub use client::{Blob, Client, FetchedManifest, ManifestHead, DEFAULT_MAX_MANIFEST_BYTES};
pub use error::{ErrorCodes, RegistryError};
pub use options::{ClientOptions, Credentials};
pub use reference::{is_loopback_host, Reference, ReferenceError, DOCKER_HUB};
