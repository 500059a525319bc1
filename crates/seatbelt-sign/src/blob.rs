//! Blob signatures as `cosign sign-blob` makes them: a base64 signature file, or a bundle —
//! cosign's own `{"base64Signature", "cert", "rekorBundle"}` JSON (what `--bundle` writes by
//! default) or a Sigstore bundle (what `--new-bundle-format` writes; see [`crate::bundle`]).

use std::io::Read;
use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest as _, Sha256};

use crate::bundle::{Bundle, Content, Material};
use crate::limits::{MAX_BUNDLE_BYTES, MAX_INLINE_BLOB_BYTES, MAX_SIGNATURE_FILE_BYTES};
use crate::{PrivateKey, PublicKey, SignError};

/// A file to sign or verify: its SHA-256 (what ECDSA signs), and its content when small enough
/// to keep (Ed25519 signs the whole message).
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Where it came from, for messages.
    pub name: String,
    /// SHA-256 of the content.
    pub sha256: [u8; 32],
    /// Length in bytes.
    pub size: u64,
    content: Option<Vec<u8>>,
}

impl Artifact {
    /// Hashes `path` in one streaming pass. With `keep_content` (Ed25519 keys sign the whole
    /// message) the bytes are kept too, up to [`MAX_INLINE_BLOB_BYTES`]; ECDSA needs only the
    /// digest, so memory stays flat for any file size.
    pub fn read(path: &Path, keep_content: bool) -> Result<Artifact, SignError> {
        let io = |source| SignError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = std::fs::File::open(path).map_err(io)?;
        let mut hasher = Sha256::new();
        let mut kept = keep_content.then(Vec::new);
        let mut size = 0u64;
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = file.read(&mut buf).map_err(io)?;
            let Some(chunk) = buf.get(..n) else { break };
            if n == 0 {
                break;
            }
            hasher.update(chunk);
            size += n as u64;
            if size > MAX_INLINE_BLOB_BYTES {
                kept = None;
            } else if let Some(kept) = kept.as_mut() {
                kept.extend_from_slice(chunk);
            }
        }
        Ok(Artifact {
            name: path.display().to_string(),
            sha256: hasher.finalize().into(),
            size,
            content: kept,
        })
    }

    /// An artifact from bytes in memory.
    pub fn from_bytes(name: &str, bytes: &[u8]) -> Artifact {
        Artifact {
            name: name.to_string(),
            sha256: Sha256::digest(bytes).into(),
            size: bytes.len() as u64,
            content: (bytes.len() as u64 <= MAX_INLINE_BLOB_BYTES).then(|| bytes.to_vec()),
        }
    }

    /// The whole content, for algorithms that sign the message itself.
    pub(crate) fn content(&self) -> Result<&[u8], SignError> {
        self.content.as_deref().ok_or_else(|| SignError::TooLarge {
            what: format!(
                "{} (Ed25519 signs the whole file, so it must be held in memory)",
                self.name
            ),
            size: self.size,
            limit: MAX_INLINE_BLOB_BYTES,
        })
    }
}

/// Which bundle format `sign-blob --bundle` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BundleFormat {
    /// cosign's `{"base64Signature": …}` (its default for `--bundle`).
    Cosign,
    /// A Sigstore bundle v0.3 with a public key hint (cosign's `--new-bundle-format`).
    Sigstore,
}

/// A signed blob: the raw signature and the bundle asked for.
#[derive(Debug, Clone)]
pub struct BlobSignature {
    /// The signature bytes (DER ECDSA or raw Ed25519).
    pub signature: Vec<u8>,
}

impl BlobSignature {
    /// The signature as `--output-signature` writes it: base64, no newline (as cosign).
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.signature)
    }

    /// The bundle JSON in `format`, for an artifact signed by `key`.
    pub fn bundle(
        &self,
        format: BundleFormat,
        artifact: &Artifact,
        key: &PublicKey,
    ) -> Result<String, SignError> {
        let value = match format {
            BundleFormat::Cosign => serde_json::json!({ "base64Signature": self.to_base64() }),
            BundleFormat::Sigstore => serde_json::json!({
                "mediaType": crate::bundle::MEDIA_TYPE_V03,
                "verificationMaterial": { "publicKey": { "hint": key_hint(key)? } },
                "messageSignature": {
                    "messageDigest": {
                        "algorithm": "SHA2_256",
                        "digest": STANDARD.encode(artifact.sha256),
                    },
                    "signature": self.to_base64(),
                },
            }),
        };
        serde_json::to_string(&value).map_err(|e| SignError::malformed("bundle", e.to_string()))
    }
}

/// cosign's key hint: base64 of the SHA-256 of the PKIX DER public key.
pub fn key_hint(key: &PublicKey) -> Result<String, SignError> {
    Ok(STANDARD.encode(Sha256::digest(key.to_der()?)))
}

/// Signs `artifact` as `cosign sign-blob --key` does.
pub fn sign(key: &PrivateKey, artifact: &Artifact) -> Result<BlobSignature, SignError> {
    Ok(BlobSignature {
        signature: key.sign_blob(artifact)?,
    })
}

/// Reads a file of at most `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>, SignError> {
    let io = |source| SignError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(SignError::TooLarge {
            what: format!("{what} {}", path.display()),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Decodes a signature file: base64 (what cosign writes), surrounding whitespace ignored.
pub fn parse_signature(text: &[u8], what: &str) -> Result<Vec<u8>, SignError> {
    let text = std::str::from_utf8(text)
        .map_err(|_| SignError::malformed(what, "not base64 text"))?
        .trim();
    if text.is_empty() {
        return Err(SignError::malformed(what, "empty; no signature in it"));
    }
    STANDARD
        .decode(text)
        .map_err(|e| SignError::malformed(what, format!("not base64: {e}")))
}

/// Reads a signature file.
pub fn read_signature_file(path: &Path) -> Result<Vec<u8>, SignError> {
    let bytes = read_bounded(path, MAX_SIGNATURE_FILE_BYTES, "signature file")?;
    parse_signature(&bytes, &path.display().to_string())
}

/// Reads a bundle file in either format.
pub fn read_bundle_file(path: &Path) -> Result<Bundle, SignError> {
    let bytes = read_bounded(path, MAX_BUNDLE_BYTES, "bundle")?;
    Bundle::parse(&bytes, &path.display().to_string())
}

/// Why a key-based blob verification failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlobRejection {
    /// The signature does not verify.
    #[error("the signature does not verify with this key over this file (wrong key, or the file or signature was altered)")]
    BadSignature,
    /// The bundle's digest is of another file.
    #[error("the bundle is for content with SHA-256 {bundle}, but this file's is {actual}")]
    DigestMismatch {
        /// The bundle's digest (hex).
        bundle: String,
        /// The file's digest (hex).
        actual: String,
    },
    /// The bundle names another key.
    #[error("the bundle was signed with the key whose hint is {bundle}, not this key ({actual})")]
    OtherKey {
        /// The bundle's hint.
        bundle: String,
        /// This key's hint.
        actual: String,
    },
    /// The bundle carries no message signature.
    #[error("{0}")]
    Unsupported(String),
}

/// Verifies `signature` over `artifact` with `key`.
pub fn verify_signature(
    key: &PublicKey,
    artifact: &Artifact,
    signature: &[u8],
) -> Result<Result<(), BlobRejection>, SignError> {
    Ok(if key.verify_blob(artifact, signature)? {
        Ok(())
    } else {
        Err(BlobRejection::BadSignature)
    })
}

/// Verifies a bundle (either format) over `artifact` with `key`; a certificate in the bundle
/// is not consulted (the key is what is trusted), as with `cosign verify-blob --key`.
pub fn verify_bundle_with_key(
    key: &PublicKey,
    artifact: &Artifact,
    bundle: &Bundle,
) -> Result<Result<(), BlobRejection>, SignError> {
    let Content::MessageSignature { digest, signature } = &bundle.content else {
        return Ok(Err(BlobRejection::Unsupported(
            "the bundle holds a DSSE envelope (an attestation), not a blob signature; use verify-attestation"
                .to_string(),
        )));
    };
    if let Some(digest) = digest {
        if digest.as_slice() != artifact.sha256.as_slice() {
            return Ok(Err(BlobRejection::DigestMismatch {
                bundle: hex::encode(digest),
                actual: hex::encode(artifact.sha256),
            }));
        }
    }
    if let Material::PublicKeyHint(Some(hint)) = &bundle.material {
        let actual = key_hint(key)?;
        if *hint != actual {
            return Ok(Err(BlobRejection::OtherKey {
                bundle: hint.clone(),
                actual,
            }));
        }
    }
    verify_signature(key, artifact, signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_in_both_bundle_formats() {
        let key = PrivateKey::generate();
        let public = key.public_key();
        let artifact = Artifact::from_bytes("a", b"release artifact");
        let signed = sign(&key, &artifact).unwrap();
        for format in [BundleFormat::Cosign, BundleFormat::Sigstore] {
            let json = signed.bundle(format, &artifact, &public).unwrap();
            let bundle = Bundle::parse(json.as_bytes(), "b").unwrap();
            assert_eq!(
                verify_bundle_with_key(&public, &artifact, &bundle).unwrap(),
                Ok(())
            );
            let other = Artifact::from_bytes("a", b"release artifacT");
            assert!(verify_bundle_with_key(&public, &other, &bundle)
                .unwrap()
                .is_err());
            let stranger = PrivateKey::generate().public_key();
            assert!(verify_bundle_with_key(&stranger, &artifact, &bundle)
                .unwrap()
                .is_err());
        }
    }

    #[test]
    fn ed25519_signs_the_message() {
        let key = PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[3u8; 32]));
        let artifact = Artifact::from_bytes("a", b"x");
        let signed = sign(&key, &artifact).unwrap();
        assert_eq!(signed.signature.len(), 64);
        assert_eq!(
            verify_signature(&key.public_key(), &artifact, &signed.signature).unwrap(),
            Ok(())
        );
    }

    #[test]
    fn signature_files_are_strict_base64() {
        assert!(parse_signature(b"", "s").is_err());
        assert!(parse_signature(b"!!!", "s").is_err());
        assert_eq!(parse_signature(b"AAEC\n", "s").unwrap(), vec![0, 1, 2]);
    }
}
