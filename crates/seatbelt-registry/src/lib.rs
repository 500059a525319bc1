//! A client for the OCI Distribution API v2 (<https://github.com/opencontainers/distribution-spec>):
//! references, authentication and the pull and push calls seatbelt needs. It knows nothing of
//! image formats: it moves bytes and leaves parsing and digest verification to `seatbelt-image`.
#![deny(missing_docs)]

mod error;
mod options;
mod reference;

pub use error::RegistryError;
pub use options::{ClientOptions, Credentials};
pub use reference::{is_loopback_host, Reference, ReferenceError, DOCKER_HUB};
