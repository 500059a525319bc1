//! Keyless DSSE attestations for tests: an in-toto statement signed by a Fulcio-style leaf and
//! logged as Rekor logs envelopes (`dsse` 0.0.1 or `intoto` 0.0.2 bodies).
//! Test support only (feature `test-pki`): it panics on misuse.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use p256::ecdsa::signature::Signer;
use sha2::{Digest as _, Sha256};
use x509_cert::der::EncodePem;

use super::test_pki::{Options, Pki, Signed};
use crate::dsse::pae;
use crate::intoto::PAYLOAD_TYPE;

/// How Rekor logged the envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DsseKind {
    /// `dsse` 0.0.1: payload hash and signatures with their verifiers.
    Dsse,
    /// `intoto` 0.0.2: the envelope without its payload, signatures base64 twice.
    Intoto,
}

/// An in-toto v1 statement about one artifact with this SHA-256.
pub fn statement(subject_sha256: &[u8], predicate: serde_json::Value) -> Vec<u8> {
    serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{ "name": "artifact", "digest": { "sha256": hex::encode(subject_sha256) } }],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": predicate,
    })
    .to_string()
    .into_bytes()
}

impl Pki {
    /// Signs `payload` (an in-toto statement) in a DSSE envelope and logs it as `kind`.
    pub fn sign_dsse(&self, payload: &[u8], kind: DsseKind, options: &Options) -> Signed {
        self.sign_dsse_over(payload, payload, kind, options)
    }

    /// Like [`Pki::sign_dsse`], but the signature is over `signed_payload`'s PAE while the
    /// envelope and log carry `payload`: a signature that matches its log entry yet not the
    /// payload.
    pub fn sign_dsse_over(
        &self,
        payload: &[u8],
        signed_payload: &[u8],
        kind: DsseKind,
        options: &Options,
    ) -> Signed {
        let key = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
        let leaf = self.leaf(&key, options);
        let signature: p256::ecdsa::Signature = key.sign(&pae(PAYLOAD_TYPE, signed_payload));
        let signature = signature.to_der().as_bytes().to_vec();
        let envelope = serde_json::json!({
            "payload": STANDARD.encode(payload),
            "payloadType": PAYLOAD_TYPE,
            "signatures": [{ "sig": STANDARD.encode(&signature), "keyid": "" }],
        });
        let pem = leaf.to_pem(x509_cert::der::pem::LineEnding::LF).unwrap();
        let sha256: [u8; 32] = Sha256::digest(payload).into();
        let hash = |bytes: &[u8]| serde_json::json!({ "algorithm": "sha256", "value": hex::encode(Sha256::digest(bytes)) });
        let (name, body) = match kind {
            DsseKind::Dsse => (
                "dsse",
                serde_json::json!({
                    "apiVersion": "0.0.1",
                    "kind": "dsse",
                    "spec": {
                        "envelopeHash": hash(envelope.to_string().as_bytes()),
                        "payloadHash": hash(payload),
                        "signatures": [{
                            "signature": STANDARD.encode(&signature),
                            "verifier": STANDARD.encode(pem.as_bytes()),
                        }],
                    }
                }),
            ),
            DsseKind::Intoto => (
                "intoto",
                serde_json::json!({
                    "apiVersion": "0.0.2",
                    "kind": "intoto",
                    "spec": { "content": {
                        "envelope": {
                            "payloadType": PAYLOAD_TYPE,
                            "signatures": [{
                                "publicKey": STANDARD.encode(pem.as_bytes()),
                                "sig": STANDARD.encode(STANDARD.encode(&signature)),
                            }],
                        },
                        "hash": hash(envelope.to_string().as_bytes()),
                        "payloadHash": hash(payload),
                    }}
                }),
            ),
        };
        self.logged(
            leaf,
            signature,
            sha256,
            body.to_string().into_bytes(),
            (name, Some(envelope)),
            options,
        )
    }
}
