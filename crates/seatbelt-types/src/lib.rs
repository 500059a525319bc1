//! Plain data shared by every seatbelt crate. Nothing here does I/O, so the vulnerability DB and
//! the scanner can depend on it without pulling in tar or HTTP code.
#![deny(missing_docs)]

mod digest;

pub use digest::{Algorithm, Digest, DigestError, Hasher};
