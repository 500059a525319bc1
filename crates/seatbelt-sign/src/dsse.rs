//! Dead Simple Signing Envelopes (DSSE v1, <https://github.com/secure-systems-lab/dsse>):
//! a payload, its type, and signatures over the pre-authentication encoding (PAE) of both, so a
//! signature can never be replayed as a signature over a payload of another type.
//!
//! Written by hand: the format is three JSON fields and one byte-string encoding, and no
//! maintained crate signs with the key types of [`crate::keys`].

use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::limits::{MAX_ATTESTATION_BYTES, MAX_ENVELOPE_SIGNATURES};
use crate::{PrivateKey, PublicKey, SignError};

/// The layer media type cosign stores an envelope under.
pub const MEDIA_TYPE: &str = "application/vnd.dsse.envelope.v1+json";

/// The pre-authentication encoding: `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, each
/// length the ASCII decimal byte count.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + payload_type.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

/// One signature in an envelope.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Signature {
    /// A hint of which key signed; cosign writes `""`. Never trusted.
    #[serde(default)]
    pub keyid: String,
    /// The base64 signature over the PAE.
    pub sig: String,
}

/// An envelope. Field order matches what cosign writes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Envelope {
    /// What the payload is (`application/vnd.in-toto+json` for attestations).
    #[serde(rename = "payloadType")]
    pub payload_type: String,
    /// The base64 payload.
    pub payload: String,
    /// The signatures.
    pub signatures: Vec<Signature>,
}

/// The spec allows either base64 alphabet on input; writers use the standard one.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    STANDARD
        .decode(text)
        .or_else(|_| URL_SAFE.decode(text))
        .ok()
}

impl Envelope {
    /// Signs `payload` of `payload_type` with `key`.
    pub fn sign(payload_type: &str, payload: &[u8], key: &PrivateKey) -> Envelope {
        let signature = key.sign(&pae(payload_type, payload));
        Envelope {
            payload_type: payload_type.to_string(),
            payload: STANDARD.encode(payload),
            signatures: vec![Signature {
                keyid: String::new(),
                sig: STANDARD.encode(signature),
            }],
        }
    }

    /// The envelope's JSON bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Strings and a list of string pairs: serialisation cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Parses envelope bytes, refusing more than [`MAX_ATTESTATION_BYTES`] or more than
    /// [`MAX_ENVELOPE_SIGNATURES`] signatures.
    pub fn parse(bytes: &[u8], what: &str) -> Result<Envelope, SignError> {
        if bytes.len() as u64 > MAX_ATTESTATION_BYTES {
            return Err(SignError::TooLarge {
                what: what.to_string(),
                size: bytes.len() as u64,
                limit: MAX_ATTESTATION_BYTES,
            });
        }
        let envelope: Envelope = serde_json::from_slice(bytes)
            .map_err(|e| SignError::malformed(what, format!("not a DSSE envelope: {e}")))?;
        if envelope.signatures.is_empty() {
            return Err(SignError::malformed(what, "the envelope has no signatures"));
        }
        if envelope.signatures.len() > MAX_ENVELOPE_SIGNATURES {
            return Err(SignError::TooMany {
                what: format!("the signatures of {what}"),
                count: envelope.signatures.len(),
                limit: MAX_ENVELOPE_SIGNATURES,
            });
        }
        Ok(envelope)
    }

    /// The payload, returned only when one of the signatures is `key`'s over the PAE of the
    /// payload type and the decoded payload. Nothing of the payload is looked at before that.
    pub fn verify(&self, key: &PublicKey) -> Result<Vec<u8>, String> {
        let payload = decode_base64(&self.payload).ok_or("the envelope payload is not base64")?;
        let message = pae(&self.payload_type, &payload);
        let verified = self.signatures.iter().any(|signature| {
            decode_base64(&signature.sig).is_some_and(|sig| key.verify(&message, &sig))
        });
        if verified {
            Ok(payload)
        } else {
            Err("no envelope signature matches the payload under this key".to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_spec_example() {
        // The worked example of the DSSE protocol document.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ");
    }

    #[test]
    fn sign_verify_and_tamper() {
        let key = PrivateKey::generate();
        let envelope = Envelope::sign("application/x", b"{\"a\":1}", &key);
        let parsed = Envelope::parse(&envelope.to_bytes(), "e").unwrap();
        assert_eq!(parsed.verify(&key.public_key()).unwrap(), b"{\"a\":1}");
        // Another payload type with the same payload and signature: PAE differs, refused.
        let mut retyped = parsed.clone();
        retyped.payload_type = "application/y".into();
        assert!(retyped.verify(&key.public_key()).is_err());
        let mut altered = parsed.clone();
        altered.payload = STANDARD.encode(b"{\"a\":2}");
        assert!(altered.verify(&key.public_key()).is_err());
        let stranger = PrivateKey::generate().public_key();
        assert!(parsed.verify(&stranger).is_err());
    }

    #[test]
    fn field_order_is_cosigns() {
        // cosign 2.5.0 writes payloadType, payload, signatures[{keyid, sig}] in this order.
        let text = r#"{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"keyid":"","sig":"MEUCIQ=="}]}"#;
        let envelope = Envelope::parse(text.as_bytes(), "e").unwrap();
        assert_eq!(envelope.payload_type, crate::intoto::PAYLOAD_TYPE);
        assert_eq!(envelope.to_bytes(), text.as_bytes());
    }

    #[test]
    fn hostile_envelopes_are_errors() {
        for text in [
            &b""[..],
            b"[]",
            br#"{"payloadType":"t","payload":"e30=","signatures":[]}"#,
            br#"{"payloadType":"t","payload":1,"signatures":[{"sig":""}]}"#,
        ] {
            assert!(Envelope::parse(text, "e").is_err());
        }
        let many = vec![r#"{"sig":""}"#; MAX_ENVELOPE_SIGNATURES + 1].join(",");
        let text = format!(r#"{{"payloadType":"t","payload":"","signatures":[{many}]}}"#);
        assert!(matches!(
            Envelope::parse(text.as_bytes(), "e"),
            Err(SignError::TooMany { .. })
        ));
    }
}
