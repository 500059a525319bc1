//! Bounds on what verification reads from a store it does not trust.

/// The most signature layers read from one `.sig` manifest. cosign appends one layer per
/// signing, so real images carry a handful; thousands means a broken or hostile registry, and
/// each layer costs a blob fetch and a signature check.
pub const MAX_SIGNATURES: usize = 256;

/// The largest signature manifest read (the distribution spec's manifest limit).
pub const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;

/// The largest simple-signing payload read. cosign's payloads are a few hundred bytes plus the
/// annotations; 1 MiB leaves room for generous annotations and bounds memory per signature.
pub const MAX_PAYLOAD_BYTES: u64 = 1024 * 1024;

/// The largest attestation envelope read. SBOM predicates of large images run to megabytes;
/// 32 MiB holds them while bounding memory.
pub const MAX_ATTESTATION_BYTES: u64 = 32 * 1024 * 1024;

/// The most signatures read from one DSSE envelope. cosign writes one; each costs a
/// signature check.
pub const MAX_ENVELOPE_SIGNATURES: usize = 16;

/// The largest predicate file `attest` reads: its base64 in the envelope (4/3 larger) must
/// stay under [`MAX_ATTESTATION_BYTES`], or verifiers would refuse the attestation.
pub const MAX_PREDICATE_BYTES: u64 = MAX_ATTESTATION_BYTES / 4 * 3 - 64 * 1024;

/// The largest key file read (keys are a few hundred bytes).
pub const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;

/// The largest `index.json` of an OCI layout read.
pub const MAX_INDEX_BYTES: u64 = 16 * 1024 * 1024;

/// The most memory scrypt may use to decrypt a key (128·r·N bytes). cosign writes N=65536,
/// r=8 (64 MiB); a key file asking for more is refused rather than exhausting memory.
pub const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;

/// The largest scrypt parallelism accepted (cosign writes 1; each unit is another full pass).
pub const MAX_SCRYPT_P: u32 = 16;
