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

/// The largest file kept in memory while signing or verifying a blob. Only Ed25519 needs the
/// whole message (ECDSA signs the streamed SHA-256); 256 MiB bounds memory for it.
pub const MAX_INLINE_BLOB_BYTES: u64 = 256 * 1024 * 1024;

/// The largest base64 signature file read (an ECDSA P-384 DER signature is ~140 characters).
pub const MAX_SIGNATURE_FILE_BYTES: u64 = 64 * 1024;

/// The largest bundle read: a DSSE bundle embeds its attestation, so the attestation limit.
pub const MAX_BUNDLE_BYTES: u64 = MAX_ATTESTATION_BYTES;

/// The most certificates in a bundle's chain or a CA's chain in a trusted root (real chains
/// are 2–3 long); bounds signature checks per verification.
pub const MAX_CHAIN_CERTIFICATES: usize = 10;

/// The most transparency log entries or timestamps read from one bundle (real bundles hold one).
pub const MAX_BUNDLE_ENTRIES: usize = 16;

/// The most hashes in an inclusion proof: a Merkle tree of 2^64 leaves needs 64.
pub const MAX_PROOF_HASHES: usize = 64;

/// The largest trusted root read (the public good instance's is ~10 KiB).
pub const MAX_TRUSTED_ROOT_BYTES: u64 = 4 * 1024 * 1024;

/// The most keys or CAs of one kind in a trusted root; bounds the search per check.
pub const MAX_TRUSTED_ENTRIES: usize = 256;

/// The largest RFC 3161 timestamp read (real ones, certificates included, are 1–5 KiB). DER
/// sets are sorted on decoding in quadratic time, so a small bound keeps hostile ones cheap.
pub const MAX_TIMESTAMP_BYTES: usize = 32 * 1024;
