//! A complete, throwaway Sigstore-like PKI for tests: a root and intermediate CA, Fulcio-style
//! leaves with embedded SCTs from a CT log key, a Rekor-like log with SETs, a Merkle tree and a
//! signed checkpoint, an RFC 3161 timestamp authority, and the trusted root naming them. Every knob a negative test turns is a
//! field of [`Options`]. Test support only (feature `test-pki`): it panics on misuse.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use p256::ecdsa::signature::hazmat::PrehashSigner;
use p256::ecdsa::signature::Signer;
use p256::pkcs8::EncodePublicKey;
use sha2::{Digest as _, Sha256};
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::der::asn1::{BitString, OctetString, UtcTime, Utf8StringRef};
use x509_cert::der::{Encode, EncodePem};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::sct::{
    DigitallySigned, HashAlgorithm, LogId, SerializedSct, SignatureAlgorithm,
    SignatureAndHashAlgorithm, SignedCertificateTimestamp, SignedCertificateTimestampList,
    Version as SctVersion,
};
use x509_cert::ext::pkix::{ExtendedKeyUsage, SubjectAltName};
use x509_cert::ext::{AsExtension, Extension};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::{Time, Validity};
use x509_cert::Certificate;

use super::merkle::{leaf_hash, tree};
use super::test_tsa::{Eku, Tsa};
use super::x509::{FULCIO_ISSUER_V1, FULCIO_ISSUER_V2};

/// The signing time every fixture uses (2023-11-14T22:13:20Z).
pub const SIGNED_AT: i64 = 1_700_000_000;
pub const IDENTITY: &str =
    "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main";
pub const ISSUER: &str = "https://token.actions.githubusercontent.com";
const CODE_SIGNING: &str = "1.3.6.1.5.5.7.3.3";

/// The knobs: defaults make a bundle that verifies.
#[derive(Debug, Clone)]
pub struct Options {
    pub identity: String,
    pub issuer: String,
    /// The log's integrated time.
    pub integrated_time: i64,
    /// Sign the SCT with a key the trusted root does not list.
    pub bad_sct: bool,
    /// Leave the SCT out.
    pub no_sct: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            identity: IDENTITY.to_string(),
            issuer: ISSUER.to_string(),
            integrated_time: SIGNED_AT,
            bad_sct: false,
            no_sct: false,
        }
    }
}

fn time(t: i64) -> Time {
    Time::UtcTime(UtcTime::from_unix_duration(Duration::from_secs(t as u64)).unwrap())
}

fn spki_of(key: &p256::ecdsa::VerifyingKey) -> SubjectPublicKeyInfoOwned {
    SubjectPublicKeyInfoOwned::from_key(*key).unwrap()
}

fn der_of(key: &p256::ecdsa::VerifyingKey) -> Vec<u8> {
    key.to_public_key_der().unwrap().as_bytes().to_vec()
}

/// A CA hierarchy, a CT log and a transparency log.
pub struct Pki {
    pub root_key: p384::ecdsa::SigningKey,
    pub root: Certificate,
    pub intermediate_key: p256::ecdsa::SigningKey,
    pub intermediate: Certificate,
    pub ct_key: p256::ecdsa::SigningKey,
    pub log_key: p256::ecdsa::SigningKey,
    /// The timestamp authority the trusted root lists.
    pub tsa: Tsa,
}

/// One keyless signature over an artifact with everything a bundle carries.
pub struct Signed {
    pub leaf: Certificate,
    pub signature: Vec<u8>,
    pub sha256: [u8; 32],
    pub body: Vec<u8>,
    pub log_index: i64,
    pub integrated_time: i64,
    pub set: Vec<u8>,
    pub tree_size: i64,
    pub root_hash: Vec<u8>,
    pub hashes: Vec<Vec<u8>>,
    pub checkpoint: String,
    pub log_id: Vec<u8>,
    /// The log entry's kind and version (`hashedrekord` `0.0.1`, `dsse` `0.0.1`…).
    pub kind: String,
    pub version: String,
    /// The DSSE envelope, for an attestation; `None` for a message signature.
    pub envelope: Option<serde_json::Value>,
}

impl Pki {
    pub fn new() -> Pki {
        let mut rng = rand_core::OsRng;
        let root_key = p384::ecdsa::SigningKey::random(&mut rng);
        let root_name: Name = "CN=seatbelt test root,O=seatbelt".parse().unwrap();
        let year = 365 * 24 * 3600;
        let validity = Validity {
            not_before: time(SIGNED_AT - year),
            not_after: time(SIGNED_AT + year),
        };
        let root_spki = SubjectPublicKeyInfoOwned::from_key(*root_key.verifying_key()).unwrap();
        let root = CertificateBuilder::new(
            Profile::Root,
            SerialNumber::from(1u32),
            validity,
            root_name.clone(),
            root_spki,
            &root_key,
        )
        .unwrap()
        .build::<p384::ecdsa::DerSignature>()
        .unwrap();
        let intermediate_key = p256::ecdsa::SigningKey::random(&mut rng);
        let intermediate = CertificateBuilder::new(
            Profile::SubCA {
                issuer: root_name,
                path_len_constraint: Some(0),
            },
            SerialNumber::from(2u32),
            validity,
            "CN=seatbelt test intermediate,O=seatbelt".parse().unwrap(),
            spki_of(intermediate_key.verifying_key()),
            &root_key,
        )
        .unwrap()
        .build::<p384::ecdsa::DerSignature>()
        .unwrap();
        Pki {
            root_key,
            root,
            intermediate_key,
            intermediate,
            ct_key: p256::ecdsa::SigningKey::random(&mut rng),
            log_key: p256::ecdsa::SigningKey::random(&mut rng),
            tsa: Tsa::new(Eku::Critical),
        }
    }

    pub fn log_id(&self) -> Vec<u8> {
        Sha256::digest(der_of(self.log_key.verifying_key())).to_vec()
    }

    pub fn ct_log_id(&self) -> [u8; 32] {
        Sha256::digest(der_of(self.ct_key.verifying_key())).into()
    }

    /// The trusted root JSON naming this PKI.
    pub fn trusted_root(&self) -> String {
        let b64 = |d: &[u8]| STANDARD.encode(d);
        let log = |key: &p256::ecdsa::SigningKey, url: &str| {
            let der = der_of(key.verifying_key());
            serde_json::json!({
                "baseUrl": url,
                "hashAlgorithm": "SHA2_256",
                "publicKey": {
                    "rawBytes": b64(&der),
                    "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                    "validFor": { "start": "2020-01-01T00:00:00Z" }
                },
                "logId": { "keyId": b64(&Sha256::digest(&der)) }
            })
        };
        serde_json::json!({
            "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            "tlogs": [log(&self.log_key, "https://rekor.test")],
            "certificateAuthorities": [{
                "subject": { "organization": "seatbelt", "commonName": "seatbelt test" },
                "uri": "https://fulcio.test",
                "certChain": { "certificates": [
                    { "rawBytes": b64(&self.intermediate.to_der().unwrap()) },
                    { "rawBytes": b64(&self.root.to_der().unwrap()) }
                ]},
                "validFor": { "start": "2020-01-01T00:00:00Z" }
            }],
            "ctlogs": [log(&self.ct_key, "https://ctfe.test")],
            "timestampAuthorities": [self.tsa.authority()]
        })
        .to_string()
    }

    fn resign(&self, tbs: x509_cert::TbsCertificate) -> Certificate {
        let bytes = tbs.to_der().unwrap();
        let signature: p256::ecdsa::Signature = self.intermediate_key.sign(&bytes);
        Certificate {
            signature_algorithm: tbs.signature.clone(),
            tbs_certificate: tbs,
            signature: BitString::from_bytes(signature.to_der().as_bytes()).unwrap(),
        }
    }

    /// A Fulcio-style leaf for `key`, valid ten minutes from [`SIGNED_AT`] - 60 s.
    pub fn leaf(&self, key: &p256::ecdsa::SigningKey, options: &Options) -> Certificate {
        let built = CertificateBuilder::new(
            Profile::Leaf {
                issuer: self.intermediate.tbs_certificate.subject.clone(),
                enable_key_agreement: false,
                enable_key_encipherment: false,
            },
            SerialNumber::from(3u32),
            Validity {
                not_before: time(SIGNED_AT - 60),
                not_after: time(SIGNED_AT + 540),
            },
            Name::default(),
            spki_of(key.verifying_key()),
            &self.intermediate_key,
        )
        .unwrap()
        .build::<p256::ecdsa::DerSignature>()
        .unwrap();
        let mut tbs = built.tbs_certificate;
        let subject = tbs.subject.clone();
        let mut extensions = tbs.extensions.take().unwrap_or_default();
        let san = SubjectAltName(vec![GeneralName::UniformResourceIdentifier(
            x509_cert::der::asn1::Ia5String::new(&options.identity).unwrap(),
        )]);
        extensions.push(san.to_extension(&subject, &extensions).unwrap());
        let eku = ExtendedKeyUsage(vec![CODE_SIGNING.parse().unwrap()]);
        extensions.push(eku.to_extension(&subject, &extensions).unwrap());
        extensions.push(Extension {
            extn_id: FULCIO_ISSUER_V1,
            critical: false,
            extn_value: OctetString::new(options.issuer.as_bytes()).unwrap(),
        });
        extensions.push(Extension {
            extn_id: FULCIO_ISSUER_V2,
            critical: false,
            extn_value: OctetString::new(
                Utf8StringRef::new(&options.issuer)
                    .unwrap()
                    .to_der()
                    .unwrap(),
            )
            .unwrap(),
        });
        tbs.extensions = Some(extensions);
        if options.no_sct {
            return self.resign(tbs);
        }
        // The CT log signs the precertificate: this TBS, before the SCT list is added.
        let precert = self.resign(tbs.clone());
        let timestamp = (SIGNED_AT as u64 - 30) * 1000;
        let data = super::sct::precert_signed_data(&precert, &self.intermediate, timestamp);
        let ct_key = if options.bad_sct {
            p256::ecdsa::SigningKey::random(&mut rand_core::OsRng)
        } else {
            self.ct_key.clone()
        };
        let sct_signature: p256::ecdsa::Signature = ct_key.sign(&data);
        let sct = SignedCertificateTimestamp {
            version: SctVersion::V1,
            log_id: LogId {
                key_id: self.ct_log_id(),
            },
            timestamp,
            extensions: tls_codec::TlsByteVecU16::new(Vec::new()),
            signature: DigitallySigned {
                algorithm: SignatureAndHashAlgorithm {
                    hash: HashAlgorithm::Sha256,
                    signature: SignatureAlgorithm::Ecdsa,
                },
                signature: tls_codec::TlsByteVecU16::new(
                    sct_signature.to_der().as_bytes().to_vec(),
                ),
            },
        };
        let list =
            SignedCertificateTimestampList::new(&[SerializedSct::new(sct).unwrap()]).unwrap();
        let mut extensions = tbs.extensions.take().unwrap_or_default();
        extensions.push(list.to_extension(&subject, &extensions).unwrap());
        tbs.extensions = Some(extensions);
        self.resign(tbs)
    }

    /// Signs `artifact` keylessly and logs it at index 5 of a 7-entry log.
    pub fn sign(&self, artifact: &[u8], options: &Options) -> Signed {
        let key = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
        let leaf = self.leaf(&key, options);
        let sha256: [u8; 32] = Sha256::digest(artifact).into();
        let signature: p256::ecdsa::Signature = key.sign_prehash(&sha256).unwrap();
        let signature = signature.to_der().as_bytes().to_vec();
        let pem = leaf.to_pem(x509_cert::der::pem::LineEnding::LF).unwrap();
        let body = serde_json::json!({
            "apiVersion": "0.0.1",
            "kind": "hashedrekord",
            "spec": {
                "data": { "hash": { "algorithm": "sha256", "value": hex::encode(sha256) } },
                "signature": {
                    "content": STANDARD.encode(&signature),
                    "publicKey": { "content": STANDARD.encode(pem.as_bytes()) }
                }
            }
        })
        .to_string()
        .into_bytes();
        self.logged(
            leaf,
            signature,
            sha256,
            body,
            ("hashedrekord", None),
            options,
        )
    }

    /// Logs `body` at index 5 of a 7-entry log, with its SET and signed checkpoint.
    pub fn logged(
        &self,
        leaf: Certificate,
        signature: Vec<u8>,
        sha256: [u8; 32],
        body: Vec<u8>,
        (kind, envelope): (&str, Option<serde_json::Value>),
        options: &Options,
    ) -> Signed {
        let version: String = serde_json::from_slice::<serde_json::Value>(&body).unwrap()
            ["apiVersion"]
            .as_str()
            .unwrap()
            .to_string();
        let log_index = 5;
        let mut leaves: Vec<[u8; 32]> = (0..7u8).map(|i| leaf_hash(&[i])).collect();
        leaves[log_index] = leaf_hash(&body);
        let (root_hash, paths) = tree(&leaves);
        let log_id = self.log_id();
        let entry = super::TlogEntry {
            log_index: log_index as i64,
            log_id: log_id.clone(),
            kind: kind.into(),
            version: version.clone(),
            integrated_time: options.integrated_time,
            signed_entry_timestamp: None,
            inclusion_proof: None,
            body: body.clone(),
        };
        let set: p256::ecdsa::Signature = self.log_key.sign(&super::rekor::set_payload(&entry));
        let note = format!(
            "rekor.test - 1234\n{}\n{}\n",
            leaves.len(),
            STANDARD.encode(root_hash)
        );
        let note_signature: p256::ecdsa::Signature = self.log_key.sign(note.as_bytes());
        let mut sig = log_id[..4].to_vec();
        sig.extend_from_slice(note_signature.to_der().as_bytes());
        let checkpoint = format!("{note}\n\u{2014} rekor.test {}\n", STANDARD.encode(sig));
        Signed {
            leaf,
            signature,
            sha256,
            body,
            log_index: log_index as i64,
            integrated_time: options.integrated_time,
            set: set.to_der().as_bytes().to_vec(),
            tree_size: leaves.len() as i64,
            root_hash: root_hash.to_vec(),
            hashes: paths[log_index].clone(),
            checkpoint,
            log_id,
            kind: kind.into(),
            version,
            envelope,
        }
    }

    pub fn intermediate_der(&self) -> Vec<u8> {
        self.intermediate.to_der().unwrap()
    }
}

impl Default for Pki {
    fn default() -> Self {
        Pki::new()
    }
}

/// Which bundle format to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Cosign,
    V01,
    V02,
    V03,
    /// v0.3 with an inclusion proof but no SET (time must come from elsewhere).
    V03ProofOnly,
}

impl Signed {
    /// The bundle JSON.
    pub fn bundle(&self, format: Format, intermediate_der: &[u8]) -> serde_json::Value {
        let b64 = |d: &[u8]| STANDARD.encode(d);
        let leaf_der = self.leaf.to_der().unwrap();
        if format == Format::Cosign {
            let pem = self
                .leaf
                .to_pem(x509_cert::der::pem::LineEnding::LF)
                .unwrap();
            return serde_json::json!({
                "base64Signature": b64(&self.signature),
                "cert": b64(pem.as_bytes()),
                "rekorBundle": {
                    "SignedEntryTimestamp": b64(&self.set),
                    "Payload": {
                        "body": b64(&self.body),
                        "integratedTime": self.integrated_time,
                        "logIndex": self.log_index,
                        "logID": hex::encode(&self.log_id),
                    }
                }
            });
        }
        let mut entry = serde_json::json!({
            "logIndex": self.log_index.to_string(),
            "logId": { "keyId": b64(&self.log_id) },
            "kindVersion": { "kind": self.kind, "version": self.version },
            "integratedTime": self.integrated_time.to_string(),
            "canonicalizedBody": b64(&self.body),
        });
        if format != Format::V03ProofOnly {
            entry["inclusionPromise"] =
                serde_json::json!({ "signedEntryTimestamp": b64(&self.set) });
        }
        if format != Format::V01 {
            entry["inclusionProof"] = serde_json::json!({
                "logIndex": self.log_index.to_string(),
                "rootHash": b64(&self.root_hash),
                "treeSize": self.tree_size.to_string(),
                "hashes": self.hashes.iter().map(|h| b64(h)).collect::<Vec<_>>(),
                "checkpoint": { "envelope": self.checkpoint },
            });
        }
        let (media_type, material) = match format {
            Format::V01 | Format::V02 => (
                if format == Format::V01 {
                    "application/vnd.dev.sigstore.bundle+json;version=0.1"
                } else {
                    "application/vnd.dev.sigstore.bundle+json;version=0.2"
                },
                serde_json::json!({ "x509CertificateChain": { "certificates": [
                    { "rawBytes": b64(&leaf_der) },
                    { "rawBytes": b64(intermediate_der) }
                ]}}),
            ),
            _ => (
                super::MEDIA_TYPE_V03,
                serde_json::json!({ "certificate": { "rawBytes": b64(&leaf_der) } }),
            ),
        };
        let mut material = material;
        material["tlogEntries"] = serde_json::json!([entry]);
        let mut bundle = serde_json::json!({
            "mediaType": media_type,
            "verificationMaterial": material,
        });
        match &self.envelope {
            Some(envelope) => bundle["dsseEnvelope"] = envelope.clone(),
            None => {
                bundle["messageSignature"] = serde_json::json!({
                    "messageDigest": { "algorithm": "SHA2_256", "digest": b64(&self.sha256) },
                    "signature": b64(&self.signature),
                })
            }
        }
        bundle
    }
}
