//! A throwaway RFC 3161 timestamp authority for tests: a root, a TSA leaf (with or without the
//! timeStamping EKU), and real DER `TimeStampResp`s built from the `cms`/`x509-tsp` structures.
//! Test support only (feature `test-pki`): it panics on misuse.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use p256::ecdsa::signature::Signer;
use sha2::{Digest as _, Sha256};
use x509_cert::attr::Attribute;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::der::asn1::{
    Any, BitString, GeneralizedTime, Int, ObjectIdentifier, OctetString, SetOfVec,
};
use x509_cert::der::{Encode, Header, Length, Tag};
use x509_cert::ext::pkix::ExtendedKeyUsage;
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};
use x509_cert::Certificate;
use x509_tsp::{MessageImprint, TspVersion, TstInfo};

use super::test_pki::SIGNED_AT;

const ID_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
const ID_CT_TST_INFO: &str = "1.2.840.113549.1.9.16.1.4";
const ID_CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
const ID_MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
const SHA256: &str = "2.16.840.1.101.3.4.2.1";
const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const TIME_STAMPING: &str = "1.3.6.1.5.5.7.3.8";

fn oid(s: &str) -> ObjectIdentifier {
    s.parse().unwrap()
}

fn alg(s: &str) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: oid(s),
        parameters: None,
    }
}

fn time(t: i64) -> Time {
    Time::UtcTime(
        x509_cert::der::asn1::UtcTime::from_unix_duration(Duration::from_secs(t as u64)).unwrap(),
    )
}

/// How the TSA leaf states its purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eku {
    /// timeStamping in a critical extension (what RFC 3161 requires).
    Critical,
    /// timeStamping, but the extension is not critical.
    NotCritical,
    /// No extended key usage at all.
    Missing,
}

/// A TSA: a root and the leaf that signs timestamps.
pub struct Tsa {
    pub root: Certificate,
    pub key: p256::ecdsa::SigningKey,
    pub leaf: Certificate,
}

impl Tsa {
    pub fn new(eku: Eku) -> Tsa {
        let mut rng = rand_core::OsRng;
        let year = 365 * 24 * 3600;
        let validity = Validity {
            not_before: time(SIGNED_AT - year),
            not_after: time(SIGNED_AT + year),
        };
        let root_key = p256::ecdsa::SigningKey::random(&mut rng);
        let root_name: Name = "CN=seatbelt test TSA root,O=seatbelt".parse().unwrap();
        let root = CertificateBuilder::new(
            Profile::Root,
            SerialNumber::from(10u32),
            validity,
            root_name.clone(),
            SubjectPublicKeyInfoOwned::from_key(*root_key.verifying_key()).unwrap(),
            &root_key,
        )
        .unwrap()
        .build::<p256::ecdsa::DerSignature>()
        .unwrap();
        let key = p256::ecdsa::SigningKey::random(&mut rng);
        let built = CertificateBuilder::new(
            Profile::Leaf {
                issuer: root_name,
                enable_key_agreement: false,
                enable_key_encipherment: false,
            },
            SerialNumber::from(11u32),
            validity,
            "CN=seatbelt test TSA,O=seatbelt".parse().unwrap(),
            SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).unwrap(),
            &root_key,
        )
        .unwrap()
        .build::<p256::ecdsa::DerSignature>()
        .unwrap();
        let mut tbs = built.tbs_certificate;
        if eku != Eku::Missing {
            let mut extensions = tbs.extensions.take().unwrap_or_default();
            extensions.push(Extension {
                extn_id: oid("2.5.29.37"),
                critical: eku == Eku::Critical,
                extn_value: OctetString::new(
                    ExtendedKeyUsage(vec![oid(TIME_STAMPING)]).to_der().unwrap(),
                )
                .unwrap(),
            });
            tbs.extensions = Some(extensions);
        }
        let signature: p256::ecdsa::Signature = root_key.sign(&tbs.to_der().unwrap());
        let leaf = Certificate {
            signature_algorithm: tbs.signature.clone(),
            tbs_certificate: tbs,
            signature: BitString::from_bytes(signature.to_der().as_bytes()).unwrap(),
        };
        Tsa { root, key, leaf }
    }

    /// This TSA as a trusted root's `timestampAuthorities` entry: leaf first, root last.
    pub fn authority(&self) -> serde_json::Value {
        serde_json::json!({
            "subject": { "organization": "seatbelt", "commonName": "seatbelt test TSA" },
            "uri": "https://tsa.test",
            "certChain": { "certificates": [
                { "rawBytes": STANDARD.encode(self.leaf.to_der().unwrap()) },
                { "rawBytes": STANDARD.encode(self.root.to_der().unwrap()) }
            ]},
            "validFor": { "start": "2020-01-01T00:00:00Z" }
        })
    }

    /// A bare `TimeStampToken` (CMS ContentInfo) stamping SHA-256 of `message` at `gen_time`.
    pub fn token(&self, message: &[u8], gen_time: i64) -> Vec<u8> {
        let info = TstInfo {
            version: TspVersion::V1,
            policy: oid("1.3.6.1.4.1.57264.2"),
            message_imprint: MessageImprint {
                hash_algorithm: x509_cert::spki::AlgorithmIdentifier {
                    oid: oid(SHA256),
                    parameters: None,
                },
                hashed_message: OctetString::new(Sha256::digest(message).to_vec()).unwrap(),
            },
            serial_number: Int::new(&[0x01, 0x23]).unwrap(),
            gen_time: GeneralizedTime::from_unix_duration(Duration::from_secs(gen_time as u64))
                .unwrap(),
            accuracy: None,
            ordering: false,
            nonce: None,
            tsa: None,
            extensions: None,
        };
        let content = info.to_der().unwrap();
        let attribute = |id: &str, value: Any| Attribute {
            oid: oid(id),
            values: SetOfVec::try_from(vec![value]).unwrap(),
        };
        let attrs = SetOfVec::try_from(vec![
            attribute(
                ID_CONTENT_TYPE,
                Any::encode_from(&oid(ID_CT_TST_INFO)).unwrap(),
            ),
            attribute(
                ID_MESSAGE_DIGEST,
                Any::encode_from(&OctetString::new(Sha256::digest(&content).to_vec()).unwrap())
                    .unwrap(),
            ),
        ])
        .unwrap();
        let signature: p256::ecdsa::Signature = self.key.sign(&attrs.to_der().unwrap());
        let signer = SignerInfo {
            version: CmsVersion::V1,
            sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
                issuer: self.leaf.tbs_certificate.issuer.clone(),
                serial_number: self.leaf.tbs_certificate.serial_number.clone(),
            }),
            digest_alg: alg(SHA256),
            signed_attrs: Some(attrs),
            signature_algorithm: alg(ECDSA_SHA256),
            signature: OctetString::new(signature.to_der().as_bytes().to_vec()).unwrap(),
            unsigned_attrs: None,
        };
        let signed_data = SignedData {
            version: CmsVersion::V3,
            digest_algorithms: SetOfVec::try_from(vec![alg(SHA256)]).unwrap(),
            encap_content_info: EncapsulatedContentInfo {
                econtent_type: oid(ID_CT_TST_INFO),
                econtent: Some(Any::encode_from(&OctetString::new(content).unwrap()).unwrap()),
            },
            certificates: Some(CertificateSet(
                SetOfVec::try_from(vec![CertificateChoices::Certificate(self.leaf.clone())])
                    .unwrap(),
            )),
            crls: None,
            signer_infos: SignerInfos(SetOfVec::try_from(vec![signer]).unwrap()),
        };
        ContentInfo {
            content_type: oid(ID_SIGNED_DATA),
            content: Any::encode_from(&signed_data).unwrap(),
        }
        .to_der()
        .unwrap()
    }

    /// A granted `TimeStampResp` around [`Tsa::token`]: what Sigstore bundles carry.
    pub fn stamp(&self, message: &[u8], gen_time: i64) -> Vec<u8> {
        let token = self.token(message, gen_time);
        // PKIStatusInfo { status granted (0) }.
        let status = [0x30, 0x03, 0x02, 0x01, 0x00];
        let length = Length::try_from(status.len() + token.len()).unwrap();
        let mut out = Header::new(Tag::Sequence, length)
            .unwrap()
            .to_der()
            .unwrap();
        out.extend_from_slice(&status);
        out.extend_from_slice(&token);
        out
    }
}
