//! cosign's encrypted private key: a PEM block labelled `ENCRYPTED SIGSTORE PRIVATE KEY` (older
//! cosign: `ENCRYPTED COSIGN PRIVATE KEY`) whose body is JSON (the format of
//! go-securesystemslib's `encrypted` package):
//! `{"kdf":{"name":"scrypt","params":{"N":…,"r":…,"p":…},"salt":B64},
//!   "cipher":{"name":"nacl/secretbox","nonce":B64},"ciphertext":B64}`
//! with standard padded base64; the key is scrypt(password, salt) of 32 bytes, and the plaintext
//! is the PKCS#8 DER private key.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use crypto_secretbox::aead::{Aead, KeyInit};
use crypto_secretbox::XSalsa20Poly1305;
use p256::pkcs8::der::pem::{self, LineEnding};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::limits::{MAX_SCRYPT_MEMORY, MAX_SCRYPT_P};
use crate::SignError;

/// The PEM label cosign writes.
pub const PEM_LABEL: &str = "ENCRYPTED SIGSTORE PRIVATE KEY";
/// The PEM label older cosign releases wrote; still read.
pub const LEGACY_PEM_LABEL: &str = "ENCRYPTED COSIGN PRIVATE KEY";

/// scrypt cost written for new keys: what cosign 2.x writes (log2 N = 16, r = 8, p = 1).
const NEW_LOG_N: u8 = 16;
const NEW_R: u32 = 8;
const NEW_P: u32 = 1;
const SALT_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const KEY_LEN: usize = 32;

#[derive(Serialize, Deserialize)]
struct Envelope {
    kdf: Kdf,
    cipher: Cipher,
    ciphertext: String,
}

#[derive(Serialize, Deserialize)]
struct Kdf {
    name: String,
    params: ScryptParams,
    salt: String,
}

#[derive(Serialize, Deserialize)]
struct ScryptParams {
    #[serde(rename = "N")]
    n: u64,
    r: u32,
    p: u32,
}

#[derive(Serialize, Deserialize)]
struct Cipher {
    name: String,
    nonce: String,
}

fn derive(
    password: &[u8],
    salt: &[u8],
    params: &ScryptParams,
    what: &str,
) -> Result<Zeroizing<[u8; KEY_LEN]>, SignError> {
    let bad = |reason: String| SignError::key_format(what, reason);
    if !params.n.is_power_of_two() || params.n < 2 {
        return Err(bad(format!(
            "scrypt N = {} is not a power of two above 1",
            params.n
        )));
    }
    let memory = 128u64
        .saturating_mul(u64::from(params.r))
        .saturating_mul(params.n);
    if memory > MAX_SCRYPT_MEMORY || params.p > MAX_SCRYPT_P || params.r == 0 || params.p == 0 {
        return Err(bad(format!(
            "scrypt parameters N={} r={} p={} are outside what seatbelt accepts (at most {} MiB of memory, p ≤ {MAX_SCRYPT_P})",
            params.n,
            params.r,
            params.p,
            MAX_SCRYPT_MEMORY / (1024 * 1024)
        )));
    }
    let log_n = u8::try_from(params.n.trailing_zeros()).map_err(|e| bad(e.to_string()))?;
    let scrypt_params = scrypt::Params::new(log_n, params.r, params.p, KEY_LEN)
        .map_err(|e| bad(format!("invalid scrypt parameters: {e}")))?;
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    scrypt::scrypt(password, salt, &scrypt_params, key.as_mut())
        .map_err(|e| bad(format!("scrypt failed: {e}")))?;
    Ok(key)
}

fn b64(field: &str, text: &str, what: &str) -> Result<Vec<u8>, SignError> {
    STANDARD
        .decode(text)
        .map_err(|e| SignError::key_format(what, format!("`{field}` is not base64: {e}")))
}

/// Encrypts PKCS#8 DER under `password` and returns the PEM text cosign reads.
pub fn encrypt(pkcs8_der: &[u8], password: &[u8]) -> Result<String, SignError> {
    let mut salt = [0u8; SALT_LEN];
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut salt);
    OsRng.fill_bytes(&mut nonce);
    let params = ScryptParams {
        n: 1u64 << NEW_LOG_N,
        r: NEW_R,
        p: NEW_P,
    };
    let key = derive(password, &salt, &params, "new key")?;
    let cipher = XSalsa20Poly1305::new(key.as_ref().into());
    let ciphertext = cipher
        .encrypt(&nonce.into(), pkcs8_der)
        .map_err(|_| SignError::key_format("new key", "encryption failed"))?;
    let envelope = Envelope {
        kdf: Kdf {
            name: "scrypt".to_string(),
            params,
            salt: STANDARD.encode(salt),
        },
        cipher: Cipher {
            name: "nacl/secretbox".to_string(),
            nonce: STANDARD.encode(nonce),
        },
        ciphertext: STANDARD.encode(ciphertext),
    };
    let json = serde_json::to_vec(&envelope)
        .map_err(|e| SignError::key_format("new key", e.to_string()))?;
    pem::encode_string(PEM_LABEL, LineEnding::LF, &json)
        .map_err(|e| SignError::key_format("new key", e.to_string()))
}

/// Decrypts the JSON body of an encrypted key PEM block; returns the PKCS#8 DER.
pub fn decrypt(json: &[u8], password: &[u8], what: &str) -> Result<Zeroizing<Vec<u8>>, SignError> {
    let envelope: Envelope = serde_json::from_slice(json).map_err(|e| {
        SignError::key_format(
            what,
            format!("the encrypted key is not cosign's JSON envelope: {e}"),
        )
    })?;
    if envelope.kdf.name != "scrypt" {
        return Err(SignError::key_format(
            what,
            format!(
                "key derivation `{}` is not supported (only scrypt)",
                envelope.kdf.name
            ),
        ));
    }
    if envelope.cipher.name != "nacl/secretbox" {
        return Err(SignError::key_format(
            what,
            format!(
                "cipher `{}` is not supported (only nacl/secretbox)",
                envelope.cipher.name
            ),
        ));
    }
    let salt = b64("kdf.salt", &envelope.kdf.salt, what)?;
    let nonce = b64("cipher.nonce", &envelope.cipher.nonce, what)?;
    let ciphertext = b64("ciphertext", &envelope.ciphertext, what)?;
    let nonce: [u8; NONCE_LEN] = nonce.as_slice().try_into().map_err(|_| {
        SignError::key_format(
            what,
            format!("the nonce is {} bytes, not {NONCE_LEN}", nonce.len()),
        )
    })?;
    let key = derive(password, &salt, &envelope.kdf.params, what)?;
    let cipher = XSalsa20Poly1305::new(key.as_ref().into());
    cipher
        .decrypt(&nonce.into(), ciphertext.as_slice())
        .map(Zeroizing::new)
        .map_err(|_| SignError::WrongPassword {
            what: what.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_wrong_password() {
        let sealed = encrypt(b"secret der", b"pw").unwrap();
        let (label, json) = pem::decode_vec(sealed.as_bytes()).unwrap();
        assert_eq!(label, PEM_LABEL);
        assert_eq!(&*decrypt(&json, b"pw", "k").unwrap(), b"secret der");
        assert!(matches!(
            decrypt(&json, b"other", "k"),
            Err(SignError::WrongPassword { .. })
        ));
    }

    #[test]
    fn refuses_memory_hungry_parameters() {
        let json = br#"{"kdf":{"name":"scrypt","params":{"N":1073741824,"r":8,"p":1},"salt":"AAAA"},"cipher":{"name":"nacl/secretbox","nonce":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},"ciphertext":"AAAA"}"#;
        let err = decrypt(json, b"pw", "k").unwrap_err().to_string();
        assert!(err.contains("outside what seatbelt accepts"), "{err}");
    }
}
