//! Signing and verification keys in the formats cosign reads and writes: ECDSA P-256 (cosign's
//! default; signatures are ASN.1 DER over SHA-256 of the message) and Ed25519 (raw 64-byte
//! signatures over the message itself), as cosign's encrypted PEM, plain PKCS#8 or SEC1 PEM
//! private keys, and PKIX (`PUBLIC KEY`) public keys.

use std::io::Read;
use std::path::Path;

use p256::ecdsa::signature::{Signer, Verifier};
use p256::pkcs8::der::pem::{self, LineEnding};
use p256::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use zeroize::Zeroizing;

use crate::encrypted;
use crate::limits::MAX_KEY_FILE_BYTES;
use crate::SignError;

/// A private key that signs.
pub enum PrivateKey {
    /// ECDSA on P-256 with SHA-256.
    EcdsaP256(p256::ecdsa::SigningKey),
    /// Ed25519.
    Ed25519(ed25519_dalek::SigningKey),
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PrivateKey({})", self.algorithm())
    }
}

/// A public key that verifies.
#[derive(Debug, Clone)]
pub enum PublicKey {
    /// ECDSA on P-256 with SHA-256.
    EcdsaP256(p256::ecdsa::VerifyingKey),
    /// Ed25519.
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// Reads a key file, bounded.
pub fn read_key_file(path: &Path) -> Result<Vec<u8>, SignError> {
    let file = std::fs::File::open(path).map_err(|source| SignError::KeyFile {
        path: path.to_path_buf(),
        source,
    })?;
    let mut bytes = Vec::new();
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| SignError::KeyFile {
            path: path.to_path_buf(),
            source,
        })?;
    if bytes.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(SignError::key_format(
            path.display().to_string(),
            format!("over {MAX_KEY_FILE_BYTES} bytes; this is not a key file"),
        ));
    }
    Ok(bytes)
}

impl PrivateKey {
    /// A new ECDSA P-256 key from the operating system's random source.
    pub fn generate() -> PrivateKey {
        PrivateKey::EcdsaP256(p256::ecdsa::SigningKey::random(&mut rand_core::OsRng))
    }

    /// The algorithm's name as shown to people.
    pub fn algorithm(&self) -> &'static str {
        match self {
            PrivateKey::EcdsaP256(_) => "ecdsa-p256",
            PrivateKey::Ed25519(_) => "ed25519",
        }
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        match self {
            PrivateKey::EcdsaP256(k) => PublicKey::EcdsaP256(*k.verifying_key()),
            PrivateKey::Ed25519(k) => PublicKey::Ed25519(k.verifying_key()),
        }
    }

    /// Signs `message` as cosign does for this key type.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        match self {
            PrivateKey::EcdsaP256(k) => {
                let signature: p256::ecdsa::Signature = k.sign(message);
                signature.to_der().as_bytes().to_vec()
            }
            PrivateKey::Ed25519(k) => k.sign(message).to_bytes().to_vec(),
        }
    }

    /// Signs a blob as `cosign sign-blob` does: ECDSA over the SHA-256 digest (so large files
    /// stream), Ed25519 over the whole content.
    pub fn sign_blob(&self, blob: &crate::blob::Artifact) -> Result<Vec<u8>, SignError> {
        use p256::ecdsa::signature::hazmat::PrehashSigner;
        match self {
            PrivateKey::EcdsaP256(k) => {
                let signature: p256::ecdsa::Signature = k
                    .sign_prehash(&blob.sha256)
                    .map_err(|e| SignError::key_format("private key", e.to_string()))?;
                Ok(signature.to_der().as_bytes().to_vec())
            }
            PrivateKey::Ed25519(k) => Ok(k.sign(blob.content()?).to_bytes().to_vec()),
        }
    }

    /// The key as PKCS#8 DER.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, SignError> {
        let document = match self {
            PrivateKey::EcdsaP256(k) => k.to_pkcs8_der(),
            PrivateKey::Ed25519(k) => k.to_pkcs8_der(),
        }
        .map_err(|e| SignError::key_format("private key", e.to_string()))?;
        Ok(Zeroizing::new(document.as_bytes().to_vec()))
    }

    /// Reads a PKCS#8 DER private key (P-256 or Ed25519).
    pub fn from_pkcs8_der(der: &[u8], what: &str) -> Result<PrivateKey, SignError> {
        if let Ok(key) = p256::ecdsa::SigningKey::from_pkcs8_der(der) {
            return Ok(PrivateKey::EcdsaP256(key));
        }
        if let Ok(key) = ed25519_dalek::SigningKey::from_pkcs8_der(der) {
            return Ok(PrivateKey::Ed25519(key));
        }
        Err(SignError::key_format(
            what,
            "not a PKCS#8 ECDSA P-256 or Ed25519 private key (RSA and other curves are not supported)",
        ))
    }

    /// Reads a private key PEM: cosign's encrypted form (asking `password` for the password),
    /// or an unencrypted `PRIVATE KEY` (PKCS#8) or `EC PRIVATE KEY` (SEC1) block.
    pub fn from_pem(
        text: &[u8],
        what: &str,
        password: &dyn Fn() -> Result<Zeroizing<String>, SignError>,
    ) -> Result<PrivateKey, SignError> {
        let (label, der) = pem::decode_vec(trim_to_pem(text))
            .map_err(|e| SignError::key_format(what, format!("not a PEM private key: {e}")))?;
        let der = Zeroizing::new(der);
        match label {
            encrypted::PEM_LABEL | encrypted::LEGACY_PEM_LABEL => {
                let password = password()?;
                let plain = encrypted::decrypt(&der, password.as_bytes(), what)?;
                PrivateKey::from_pkcs8_der(&plain, what)
            }
            "PRIVATE KEY" => PrivateKey::from_pkcs8_der(&der, what),
            "EC PRIVATE KEY" => p256::SecretKey::from_sec1_der(&der)
                .map(|k| PrivateKey::EcdsaP256(k.into()))
                .map_err(|e| {
                    SignError::key_format(what, format!("not a SEC1 P-256 private key: {e}"))
                }),
            "ENCRYPTED PRIVATE KEY" => Err(SignError::key_format(
                what,
                "PKCS#8-encrypted keys are not supported; decrypt it first (`openssl pkcs8 -in KEY -out plain.pem`) and import that",
            )),
            other => Err(SignError::key_format(
                what,
                format!("PEM block `{other}` is not a private key seatbelt reads"),
            )),
        }
    }

    /// The key in cosign's encrypted PEM form.
    pub fn to_encrypted_pem(&self, password: &[u8]) -> Result<String, SignError> {
        encrypted::encrypt(&self.to_pkcs8_der()?, password)
    }
}

/// Skips anything before the first PEM boundary (openssl writes `EC PARAMETERS` blocks and
/// comments first); the block itself is parsed strictly.
fn trim_to_pem(text: &[u8]) -> &[u8] {
    let marker = b"-----BEGIN ";
    let mut start = 0;
    while let Some(window) = text.get(start..) {
        let Some(pos) = window.windows(marker.len()).position(|w| w == marker) else {
            break;
        };
        let at = start + pos;
        // `EC PARAMETERS` is not a key; the key block follows it.
        if text
            .get(at..)
            .is_some_and(|rest| rest.starts_with(b"-----BEGIN EC PARAMETERS-----"))
        {
            start = at + marker.len();
            continue;
        }
        return text.get(at..).unwrap_or(text);
    }
    text
}

impl PublicKey {
    /// Reads a PKIX `PUBLIC KEY` PEM (P-256 or Ed25519).
    pub fn from_pem(text: &[u8], what: &str) -> Result<PublicKey, SignError> {
        let text = std::str::from_utf8(text)
            .map_err(|_| SignError::key_format(what, "not a PEM public key (not text)"))?;
        let text = text.trim_start();
        if let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_pem(text) {
            return Ok(PublicKey::EcdsaP256(key));
        }
        if let Ok(key) = ed25519_dalek::VerifyingKey::from_public_key_pem(text) {
            return Ok(PublicKey::Ed25519(key));
        }
        Err(SignError::key_format(
            what,
            "not a PEM `PUBLIC KEY` (PKIX) for ECDSA P-256 or Ed25519; pass the `.pub` file, not the private key",
        ))
    }

    /// The key as PKIX PEM.
    pub fn to_pem(&self) -> Result<String, SignError> {
        match self {
            PublicKey::EcdsaP256(k) => k.to_public_key_pem(LineEnding::LF),
            PublicKey::Ed25519(k) => k.to_public_key_pem(LineEnding::LF),
        }
        .map_err(|e| SignError::key_format("public key", e.to_string()))
    }

    /// Whether blob signatures by this key cover the whole message (Ed25519) rather than its
    /// SHA-256 (ECDSA), so the file must be held in memory.
    pub fn signs_whole_message(&self) -> bool {
        matches!(self, PublicKey::Ed25519(_))
    }

    /// The PKIX DER encoding (what key hints and log ids hash).
    pub fn to_der(&self) -> Result<Vec<u8>, SignError> {
        match self {
            PublicKey::EcdsaP256(k) => k.to_public_key_der(),
            PublicKey::Ed25519(k) => k.to_public_key_der(),
        }
        .map(|d| d.as_bytes().to_vec())
        .map_err(|e| SignError::key_format("public key", e.to_string()))
    }

    /// Whether `signature` is this key's `cosign sign-blob` signature over `blob`.
    pub fn verify_blob(
        &self,
        blob: &crate::blob::Artifact,
        signature: &[u8],
    ) -> Result<bool, SignError> {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        Ok(match self {
            PublicKey::EcdsaP256(k) => p256::ecdsa::Signature::from_der(signature)
                .is_ok_and(|s| k.verify_prehash(&blob.sha256, &s).is_ok()),
            PublicKey::Ed25519(_) => self.verify(blob.content()?, signature),
        })
    }

    /// Whether `signature` is this key's signature over `message`, as cosign makes them.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            PublicKey::EcdsaP256(k) => p256::ecdsa::Signature::from_der(signature)
                .is_ok_and(|s| k.verify(message, &s).is_ok()),
            PublicKey::Ed25519(k) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|s| k.verify_strict(message, &s).is_ok()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_password() -> Result<Zeroizing<String>, SignError> {
        panic!("no password expected")
    }

    // Generated by `COSIGN_PASSWORD=pw cosign generate-key-pair` (cosign 2.5.0, Debian trixie).
    const COSIGN_KEY: &str = "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----
eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjo2NTUzNiwiciI6
OCwicCI6MX0sInNhbHQiOiJEOTdHSkNxTUpFUmd3Q2VPWU14blJWcmdYbkx4VWk5
MEtxRkxYMWZaME1RPSJ9LCJjaXBoZXIiOnsibmFtZSI6Im5hY2wvc2VjcmV0Ym94
Iiwibm9uY2UiOiJoWTVXWTI2NVJ4RTViRDlhbXZJcEFlZ0dYR0c1aEJ1RyJ9LCJj
aXBoZXJ0ZXh0IjoiMkRaVGlrSzV3dUhnYmV2Q1N3NSs5MkRPaUJKb3RZMHJ2M3li
U2cxTUZoaENreitZTWpoRC9Ua2trVlhwbmpEeUZXZDh0RzAzU3FObXNuQkxxb0Jt
cEtBRCt2R0dLQ0hBNUhLdFRsdE00M0o4TjJscjhJRTYyMFg0OEtkZitqSVplS1U5
bTNtZGRLYXFHdFRaSzlOd3BkaUc2UlZxMHg5OFlqaEJzOHh2STNMdGwzcEhZNHF5
dkJ6RklTQ3BQQkRkRTY1Y1ZRbmg2SHhiamc9PSJ9
-----END ENCRYPTED SIGSTORE PRIVATE KEY-----
";
    const COSIGN_PUB: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEuqPhbtg09ecTwYx+JOO/P8wCZcQK
Q+ZeS89Cn///jFiJNM/FkXug/RBv947ICkLzDXqwb4RgFBupVvuS7uKOVw==
-----END PUBLIC KEY-----
";

    #[test]
    fn reads_a_key_cosign_generated() {
        let key = PrivateKey::from_pem(COSIGN_KEY.as_bytes(), "cosign.key", &|| {
            Ok(Zeroizing::new("pw".to_string()))
        })
        .unwrap();
        assert_eq!(key.public_key().to_pem().unwrap(), COSIGN_PUB);
        let public = PublicKey::from_pem(COSIGN_PUB.as_bytes(), "cosign.pub").unwrap();
        assert!(public.verify(b"hello", &key.sign(b"hello")));
        assert!(!public.verify(b"hullo", &key.sign(b"hello")));
    }

    #[test]
    fn wrong_password_is_named() {
        let err = PrivateKey::from_pem(COSIGN_KEY.as_bytes(), "cosign.key", &|| {
            Ok(Zeroizing::new("nope".to_string()))
        })
        .unwrap_err();
        assert!(matches!(err, SignError::WrongPassword { .. }), "{err}");
    }

    #[test]
    fn encrypted_round_trip_and_plain_pkcs8() {
        let key = PrivateKey::generate();
        let pem_text = key.to_encrypted_pem(b"pw").unwrap();
        let again = PrivateKey::from_pem(pem_text.as_bytes(), "k", &|| {
            Ok(Zeroizing::new("pw".to_string()))
        })
        .unwrap();
        assert_eq!(
            again.public_key().to_pem().unwrap(),
            key.public_key().to_pem().unwrap()
        );
        let der = key.to_pkcs8_der().unwrap();
        let plain = pem::encode_string("PRIVATE KEY", LineEnding::LF, &der).unwrap();
        let imported = PrivateKey::from_pem(plain.as_bytes(), "k", &no_password).unwrap();
        assert_eq!(imported.algorithm(), "ecdsa-p256");
    }

    #[test]
    fn ed25519_pkcs8_imports_and_signs() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
        let der = key.to_pkcs8_der().unwrap();
        let plain = pem::encode_string("PRIVATE KEY", LineEnding::LF, der.as_bytes()).unwrap();
        let imported = PrivateKey::from_pem(plain.as_bytes(), "k", &no_password).unwrap();
        assert_eq!(imported.algorithm(), "ed25519");
        let public =
            PublicKey::from_pem(imported.public_key().to_pem().unwrap().as_bytes(), "p").unwrap();
        assert!(public.verify(b"m", &imported.sign(b"m")));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for input in [
            &b""[..],
            b"-----BEGIN PUBLIC KEY-----\n!!\n-----END PUBLIC KEY-----\n",
            b"\xff\xfe",
        ] {
            assert!(PrivateKey::from_pem(input, "k", &no_password).is_err());
            assert!(PublicKey::from_pem(input, "k").is_err());
        }
    }
}
