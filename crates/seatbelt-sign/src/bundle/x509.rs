//! What keyless verification asks of X.509: signature checks between certificates, validity
//! at a time, CA flags, and the Fulcio identity (SAN, OIDC issuer extensions). The DER model is
//! `x509-cert`'s; the checks are written here because no maintained Rust crate verifies chains
//! with caller-chosen time and Fulcio's extensions.

use p256::ecdsa::signature::hazmat::PrehashVerifier;
use sha2::{Digest as _, Sha256, Sha384, Sha512};
use x509_cert::der::asn1::{ObjectIdentifier, Utf8StringRef};
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, SubjectAltName};
use x509_cert::Certificate;

const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
/// Fulcio's OIDC issuer, raw string value (deprecated but still written).
pub(crate) const FULCIO_ISSUER_V1: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.1");
/// Fulcio's OIDC issuer, DER UTF8String value.
pub(crate) const FULCIO_ISSUER_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.8");
const CODE_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3");
const TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");

/// The hash a signature is computed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    pub(crate) fn digest(self, message: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha256 => Sha256::digest(message).to_vec(),
            Hash::Sha384 => Sha384::digest(message).to_vec(),
            Hash::Sha512 => Sha512::digest(message).to_vec(),
        }
    }

    /// The SHA-2 hash a digest algorithm OID names.
    pub(crate) fn of_digest_oid(oid: ObjectIdentifier) -> Option<Hash> {
        match oid {
            o if o == SHA256 => Some(Hash::Sha256),
            o if o == SHA384 => Some(Hash::Sha384),
            o if o == SHA512 => Some(Hash::Sha512),
            _ => None,
        }
    }

    /// The hash a signature algorithm OID implies; a bare key algorithm (`id-ecPublicKey`,
    /// which some CMS writers put there) defers to `digest`.
    pub(crate) fn of_signature_oid(oid: ObjectIdentifier, digest: Hash) -> Option<Hash> {
        match oid {
            o if o == ECDSA_SHA256 => Some(Hash::Sha256),
            o if o == ECDSA_SHA384 => Some(Hash::Sha384),
            o if o == ECDSA_SHA512 => Some(Hash::Sha512),
            o if o == EC_PUBLIC_KEY || o == ED25519 => Some(digest),
            _ => None,
        }
    }
}

/// A public key from a certificate or a trusted root.
#[derive(Debug, Clone)]
pub(crate) enum SigKey {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

impl SigKey {
    /// Reads a PKIX `SubjectPublicKeyInfo` (DER).
    pub(crate) fn from_spki_der(der: &[u8]) -> Result<SigKey, String> {
        let spki = x509_cert::spki::SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|e| format!("not a DER public key: {e}"))?;
        let key = spki.subject_public_key.raw_bytes();
        let oid = spki.algorithm.oid;
        if oid == ED25519 {
            let bytes: [u8; 32] = key
                .try_into()
                .map_err(|_| "an Ed25519 key is not 32 bytes".to_string())?;
            return ed25519_dalek::VerifyingKey::from_bytes(&bytes)
                .map(SigKey::Ed25519)
                .map_err(|e| format!("bad Ed25519 key: {e}"));
        }
        if oid != EC_PUBLIC_KEY {
            return Err(format!(
                "key algorithm {oid} is not supported (ECDSA P-256/P-384 and Ed25519 are)"
            ));
        }
        let curve = spki
            .algorithm
            .parameters
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        match curve {
            Some(c) if c == SECP256R1 => p256::ecdsa::VerifyingKey::from_sec1_bytes(key)
                .map(SigKey::P256)
                .map_err(|e| format!("bad P-256 key: {e}")),
            Some(c) if c == SECP384R1 => p384::ecdsa::VerifyingKey::from_sec1_bytes(key)
                .map(SigKey::P384)
                .map_err(|e| format!("bad P-384 key: {e}")),
            other => Err(format!(
                "EC curve {other:?} is not supported (P-256 and P-384 are)"
            )),
        }
    }

    /// The key of a certificate.
    pub(crate) fn of(cert: &Certificate) -> Result<SigKey, String> {
        let der = cert
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(|e| e.to_string())?;
        SigKey::from_spki_der(&der)
    }

    /// The hash ECDSA with this key uses when nothing else says (P-256 SHA-256, P-384 SHA-384).
    pub(crate) fn natural_hash(&self) -> Hash {
        match self {
            SigKey::P384(_) => Hash::Sha384,
            _ => Hash::Sha256,
        }
    }

    /// Whether `signature` (DER ECDSA, or raw Ed25519) is over `message` hashed with `hash`.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8], hash: Hash) -> bool {
        match self {
            SigKey::P256(k) => p256::ecdsa::Signature::from_der(signature)
                .is_ok_and(|s| k.verify_prehash(&hash.digest(message), &s).is_ok()),
            SigKey::P384(k) => p384::ecdsa::Signature::from_der(signature)
                .is_ok_and(|s| k.verify_prehash(&hash.digest(message), &s).is_ok()),
            SigKey::Ed25519(k) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|s| k.verify_strict(message, &s).is_ok()),
        }
    }

    /// Whether `signature` is over a precomputed SHA-256 digest (ECDSA only).
    pub(crate) fn verify_sha256_prehash(&self, digest: &[u8], signature: &[u8]) -> bool {
        match self {
            SigKey::P256(k) => p256::ecdsa::Signature::from_der(signature)
                .is_ok_and(|s| k.verify_prehash(digest, &s).is_ok()),
            SigKey::P384(k) => p384::ecdsa::Signature::from_der(signature)
                .is_ok_and(|s| k.verify_prehash(digest, &s).is_ok()),
            SigKey::Ed25519(_) => false,
        }
    }
}

/// Parses a DER certificate.
pub(crate) fn parse(der: &[u8]) -> Result<Certificate, String> {
    Certificate::from_der(der).map_err(|e| format!("not a DER X.509 certificate: {e}"))
}

/// Whether `issuer`'s key signed `cert`.
pub(crate) fn issued_by(cert: &Certificate, issuer: &Certificate) -> Result<(), String> {
    if cert.tbs_certificate.issuer != issuer.tbs_certificate.subject {
        return Err(format!(
            "issuer `{}` is not `{}`",
            cert.tbs_certificate.issuer, issuer.tbs_certificate.subject
        ));
    }
    let oid = cert.signature_algorithm.oid;
    let key = SigKey::of(issuer)?;
    let hash = if oid == ECDSA_SHA256 {
        Hash::Sha256
    } else if oid == ECDSA_SHA384 {
        Hash::Sha384
    } else if oid == ED25519 {
        Hash::Sha256
    } else {
        return Err(format!("signature algorithm {oid} is not supported"));
    };
    let tbs = cert.tbs_certificate.to_der().map_err(|e| e.to_string())?;
    let signature = cert
        .signature
        .as_bytes()
        .ok_or_else(|| "the signature is not a whole number of bytes".to_string())?;
    if key.verify(&tbs, signature, hash) {
        Ok(())
    } else {
        Err(format!(
            "the signature of `{}` does not verify with the key of `{}`",
            cert.tbs_certificate.subject, issuer.tbs_certificate.subject
        ))
    }
}

/// The validity window in Unix seconds.
pub(crate) fn validity(cert: &Certificate) -> (i64, i64) {
    let v = &cert.tbs_certificate.validity;
    let secs = |t: x509_cert::time::Time| {
        i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
    };
    (secs(v.not_before), secs(v.not_after))
}

/// Whether the certificate is valid at `time` (Unix seconds).
pub(crate) fn valid_at(cert: &Certificate, time: i64) -> bool {
    let (start, end) = validity(cert);
    start <= time && time <= end
}

/// Whether the certificate may issue certificates.
pub(crate) fn is_ca(cert: &Certificate) -> bool {
    matches!(cert.tbs_certificate.get::<BasicConstraints>(), Ok(Some((_, bc))) if bc.ca)
}

/// Whether the certificate may sign code (Fulcio leaves carry this EKU).
pub(crate) fn code_signing(cert: &Certificate) -> bool {
    matches!(cert.tbs_certificate.get::<ExtendedKeyUsage>(), Ok(Some((_, eku))) if eku.0.contains(&CODE_SIGNING))
}

/// Whether the certificate is a timestamping certificate as RFC 3161 §2.3 demands: one
/// extended key usage, timeStamping, in a critical extension.
pub(crate) fn time_stamping(cert: &Certificate) -> Result<(), String> {
    match cert.tbs_certificate.get::<ExtendedKeyUsage>() {
        Ok(Some((true, eku))) if eku.0 == [TIME_STAMPING] => Ok(()),
        Ok(Some((false, _))) => Err("its extended key usage is not marked critical".to_string()),
        Ok(Some(_)) => Err("its extended key usage is not timeStamping alone".to_string()),
        Ok(None) => Err("it has no extended key usage (timeStamping is required)".to_string()),
        Err(e) => Err(format!("its extended key usage is malformed: {e}")),
    }
}

/// Climbs from `leaf` through `chain` (issuer first, self-signed root last), each issuer a CA
/// valid at `time`; returns the leaf's direct issuer.
pub(crate) fn climb(
    leaf: &Certificate,
    chain: &[Vec<u8>],
    time: i64,
) -> Result<Certificate, String> {
    let certs = chain
        .iter()
        .map(|der| parse(der))
        .collect::<Result<Vec<_>, _>>()?;
    let Some(first) = certs.first() else {
        return Err("empty chain".to_string());
    };
    let mut child = leaf;
    for (i, issuer) in certs.iter().enumerate() {
        issued_by(child, issuer)?;
        if !is_ca(issuer) {
            return Err(format!("`{}` is not a CA", issuer.tbs_certificate.subject));
        }
        if !valid_at(issuer, time) {
            return Err(format!(
                "`{}` was not valid at signing time",
                issuer.tbs_certificate.subject
            ));
        }
        if i + 1 == certs.len() {
            // The last must be a self-signed root.
            issued_by(issuer, issuer)?;
        }
        child = issuer;
    }
    Ok(first.clone())
}

/// The identities in the Subject Alternative Name: URIs and email addresses.
pub(crate) fn identities(cert: &Certificate) -> Vec<String> {
    let Ok(Some((_, san))) = cert.tbs_certificate.get::<SubjectAltName>() else {
        return Vec::new();
    };
    san.0
        .iter()
        .filter_map(|name| match name {
            GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
            GeneralName::Rfc822Name(email) => Some(email.to_string()),
            _ => None,
        })
        .collect()
}

/// The OIDC issuer Fulcio recorded: the DER extension when present, else the raw one.
pub(crate) fn oidc_issuer(cert: &Certificate) -> Option<String> {
    let extensions = cert
        .tbs_certificate
        .extensions
        .as_deref()
        .unwrap_or_default();
    let value = |oid| {
        extensions
            .iter()
            .find(|e| e.extn_id == oid)
            .map(|e| e.extn_value.as_bytes())
    };
    if let Some(bytes) = value(FULCIO_ISSUER_V2) {
        return Utf8StringRef::from_der(bytes).ok().map(|s| s.to_string());
    }
    value(FULCIO_ISSUER_V1).and_then(|bytes| std::str::from_utf8(bytes).ok().map(str::to_string))
}
