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
//! - [`dsse`], [`intoto`], [`predicate`]: DSSE envelopes carrying in-toto statements, with
//!   predicate types named as cosign's `--type` names them.
//! - [`attest`] and [`verify_attestation`]: attestations stored and checked as cosign does
//!   (`sha256-<hex>.att`), with an optional [`policy`] on the predicate.
//! - [`provenance`]: SLSA provenance v1 for images seatbelt writes.
//! - [`blob`]: `sign-blob`/`verify-blob` signatures and bundles over files.
//! - [`bundle`]: Sigstore bundles v0.1–v0.3 and their offline keyless verification.
#![deny(missing_docs)]

pub mod attest;
pub mod blob;
pub mod bundle;
pub mod dsse;
pub mod encrypted;
mod error;
pub mod intoto;
pub mod keys;
pub mod layout;
pub mod limits;
pub mod manifest;
pub mod payload;
pub mod policy;
pub mod predicate;
pub mod provenance;
pub mod referrers;
pub mod sign;
pub mod target;
pub mod verify;
pub mod verify_attestation;

pub use error::SignError;
pub use keys::{PrivateKey, PublicKey};
pub use target::{Subject, Target};

/// The result type of this crate.
pub type Result<T, E = SignError> = std::result::Result<T, E>;
