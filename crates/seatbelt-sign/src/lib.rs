//! Signing and verifying container images in cosign's formats, so images signed by either tool
//! verify with the other.
//!
//! - [`keys`]: ECDSA P-256 and Ed25519 keys; cosign's encrypted private key PEM
//!   ([`encrypted`]: scrypt + NaCl secretbox) and PKIX public keys.
//! - [`payload`]: the "simple signing" payload cosign signs for an image digest.
//! - [`manifest`]: the OCI manifest cosign stores signatures in (`sha256-<hex>.sig`).
//! - [`referrers`]: signatures as OCI 1.1 referrers (`subject`), with the tag-schema fallback.
//! - [`target`]: where signatures live: a registry repository or an `oci-dir:` layout.
//! - [`sign`] and [`verify`]: the two operations, each bound to one resolved digest.
#![deny(missing_docs)]

pub mod encrypted;
mod error;
pub mod keys;
pub mod layout;
pub mod limits;
pub mod manifest;
pub mod payload;
pub mod referrers;
pub mod sign;
pub mod target;
pub mod verify;

pub use error::SignError;
pub use keys::{PrivateKey, PublicKey};
pub use target::{Subject, Target};

/// The result type of this crate.
pub type Result<T, E = SignError> = std::result::Result<T, E>;
