//! RFC 3161 signed timestamps: a timestamp authority's (TSA) signed statement that the bundle's
//! signature existed at `genTime`, which then counts as a trusted signing time.
//!
//! A timestamp is a `TimeStampResp` (what Sigstore bundles carry) or the bare token inside it:
//! a CMS `SignedData` (RFC 5652) whose content is a `TSTInfo` (RFC 3161). The DER models are
//! RustCrypto's `cms` and `x509-tsp`; the checks are here because neither verifies.

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use x509_cert::der::asn1::{ObjectIdentifier, OctetString};
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::Certificate;
use x509_tsp::{TimeStampResp, TstInfo};

use super::trusted_root::{Authority, TrustedRoot};
use super::x509::{self, Hash, SigKey};
use crate::limits::MAX_TIMESTAMP_BYTES;
use crate::SignError;

const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CT_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");

/// A decoded timestamp token; nothing in it is trusted yet.
#[derive(Debug, Clone)]
pub struct Token {
    signed_data: SignedData,
    signer: SignerInfo,
    /// The `TSTInfo` DER, as the message-digest attribute covers it.
    content: Vec<u8>,
    /// What the TSA says it stamped, and when.
    pub info: TstInfo,
}

impl Token {
    /// `genTime` in Unix seconds.
    pub fn gen_time(&self) -> i64 {
        i64::try_from(self.info.gen_time.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
    }
}

fn bad(what: &str, reason: impl Into<String>) -> SignError {
    SignError::malformed(what, reason)
}

/// Decodes a `TimeStampResp` or a bare `TimeStampToken` down to its `TSTInfo`.
pub fn parse(der: &[u8], what: &str) -> Result<Token, SignError> {
    if der.len() > MAX_TIMESTAMP_BYTES {
        return Err(SignError::TooLarge {
            what: what.to_string(),
            size: der.len() as u64,
            limit: MAX_TIMESTAMP_BYTES as u64,
        });
    }
    let token = match TimeStampResp::from_der(der) {
        Ok(response) => {
            // 0 granted, 1 granted with modifications; anything else carries no token.
            let status = response.status.status as u8;
            if status > 1 {
                return Err(bad(
                    what,
                    format!("the TSA refused the request (status {status}); there is no timestamp"),
                ));
            }
            response
                .time_stamp_token
                .ok_or_else(|| bad(what, "the timestamp response holds no token"))?
        }
        Err(response_error) => ContentInfo::from_der(der).map_err(|_| {
            bad(
                what,
                format!("not a DER RFC 3161 timestamp response or token: {response_error}"),
            )
        })?,
    };
    if token.content_type != ID_SIGNED_DATA {
        return Err(bad(
            what,
            format!("the token is CMS {}, not SignedData", token.content_type),
        ));
    }
    let signed_data: SignedData = token
        .content
        .decode_as()
        .map_err(|e| bad(what, format!("the token's SignedData is malformed: {e}")))?;
    let encap = &signed_data.encap_content_info;
    if encap.econtent_type != ID_CT_TST_INFO {
        return Err(bad(
            what,
            format!("the token signs {}, not a TSTInfo", encap.econtent_type),
        ));
    }
    let content = encap
        .econtent
        .as_ref()
        .ok_or_else(|| bad(what, "the token has no TSTInfo (detached content)"))?
        .decode_as::<OctetString>()
        .map_err(|e| {
            bad(
                what,
                format!("the token's content is not an OCTET STRING: {e}"),
            )
        })?
        .into_bytes();
    let info = TstInfo::from_der(&content)
        .map_err(|e| bad(what, format!("the TSTInfo is malformed: {e}")))?;
    // RFC 3161 §2.4.2: the TSA's is the only signature.
    let signer = match signed_data.signer_infos.0.as_slice() {
        [one] => one.clone(),
        others => {
            return Err(bad(
                what,
                format!(
                    "the token has {} signers; RFC 3161 allows one",
                    others.len()
                ),
            ))
        }
    };
    Ok(Token {
        signed_data,
        signer,
        content,
        info,
    })
}

/// A timestamp that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stamped {
    /// `genTime`, Unix seconds.
    pub(crate) time: i64,
    /// The timestamp authority's URI from the trusted root.
    pub(crate) authority: String,
}

/// Verifies the timestamp `der` over `signature` (the bundle's signature bytes) against the
/// trusted root's timestamp authorities.
pub(crate) fn verify(der: &[u8], signature: &[u8], root: &TrustedRoot) -> Result<Stamped, String> {
    let token = parse(der, "the timestamp").map_err(|e| e.to_string())?;
    let imprint = &token.info.message_imprint;
    let hash = Hash::of_digest_oid(imprint.hash_algorithm.oid).ok_or_else(|| {
        format!(
            "the timestamp's imprint uses hash {}; SHA-256/384/512 are supported",
            imprint.hash_algorithm.oid
        )
    })?;
    if hash.digest(signature) != imprint.hashed_message.as_bytes() {
        return Err(
            "the timestamp is over other bytes than this bundle's signature (it was made for another signature)"
                .to_string(),
        );
    }
    let signed_attrs = signed_attributes(&token)?;
    let time = token.gen_time();
    if root.timestamp_authorities.is_empty() {
        return Err(
            "the trusted root lists no timestamp authority, so the timestamp cannot be checked"
                .to_string(),
        );
    }
    let mut reasons = Vec::new();
    for authority in &root.timestamp_authorities {
        match by_authority(&token, &signed_attrs, authority, time) {
            Ok(()) => {
                return Ok(Stamped {
                    time,
                    authority: authority.uri.clone(),
                })
            }
            Err(e) => reasons.push(format!("{}: {e}", authority.uri)),
        }
    }
    Err(format!(
        "the timestamp is not from a trusted timestamp authority: {}",
        reasons.join("; ")
    ))
}

/// Checks the signed attributes bind the `TSTInfo` and returns the bytes the TSA signed: the
/// attributes' DER as a SET OF (RFC 5652 §5.4), not as the `[0]` they are tagged with.
fn signed_attributes(token: &Token) -> Result<Vec<u8>, String> {
    let signer = &token.signer;
    let attrs = signer.signed_attrs.as_ref().ok_or_else(|| {
        "the timestamp has no signed attributes, so nothing binds the signature to its TSTInfo"
            .to_string()
    })?;
    let single = |oid: ObjectIdentifier, name: &str| {
        let found: Vec<_> = attrs.iter().filter(|a| a.oid == oid).collect();
        match found.as_slice() {
            [one] if one.values.len() == 1 => one
                .values
                .get(0)
                .cloned()
                .ok_or_else(|| format!("the {name} attribute is empty")),
            _ => Err(format!(
                "the timestamp's signed attributes need exactly one {name} with one value"
            )),
        }
    };
    let content_type: ObjectIdentifier = single(ID_CONTENT_TYPE, "content-type")?
        .decode_as()
        .map_err(|e| format!("the content-type attribute is malformed: {e}"))?;
    if content_type != ID_CT_TST_INFO {
        return Err(
            "the signed content-type attribute does not name TSTInfo (the content was swapped)"
                .to_string(),
        );
    }
    let digest: OctetString = single(ID_MESSAGE_DIGEST, "message-digest")?
        .decode_as()
        .map_err(|e| format!("the message-digest attribute is malformed: {e}"))?;
    let hash = Hash::of_digest_oid(signer.digest_alg.oid).ok_or_else(|| {
        format!(
            "the timestamp's digest algorithm {} is not SHA-256/384/512",
            signer.digest_alg.oid
        )
    })?;
    if hash.digest(&token.content) != digest.as_bytes() {
        return Err(
            "the signed message digest does not match the TSTInfo (altered timestamp)".to_string(),
        );
    }
    // Decoding sorted the attributes into DER order; a TSA signs them in DER order, so this
    // encoding is the signed one.
    attrs
        .to_der()
        .map_err(|e| format!("the signed attributes do not re-encode: {e}"))
}

/// Verifies the token as signed by `authority`'s TSA at `time`. The ESS signing-certificate
/// attribute is not compared: it guards against a verifier picking another certificate of the
/// same key, and here the signer is fixed by the trusted root and the signature checked with it.
fn by_authority(
    token: &Token,
    signed_attrs: &[u8],
    authority: &Authority,
    time: i64,
) -> Result<(), String> {
    if !authority.valid.contains(time) {
        return Err(format!(
            "genTime {time} is outside the authority's validity in the trusted root"
        ));
    }
    let (leaf, issuers) = signer_certificate(token, authority)?;
    x509::time_stamping(&leaf).map_err(|e| {
        format!(
            "`{}` is not a TSA certificate: {e}",
            leaf.tbs_certificate.subject
        )
    })?;
    if !x509::valid_at(&leaf, time) {
        let (start, end) = x509::validity(&leaf);
        return Err(format!(
            "genTime {time} is outside the TSA certificate's validity ({start}..{end})"
        ));
    }
    if !issuers.is_empty() {
        x509::climb(&leaf, issuers, time)?;
    }
    let signer = &token.signer;
    let digest = Hash::of_digest_oid(signer.digest_alg.oid)
        .ok_or_else(|| "unsupported digest algorithm".to_string())?;
    let hash = Hash::of_signature_oid(signer.signature_algorithm.oid, digest).ok_or_else(|| {
        format!(
            "the timestamp's signature algorithm {} is not supported",
            signer.signature_algorithm.oid
        )
    })?;
    let key = SigKey::of(&leaf)?;
    if key.verify(signed_attrs, signer.signature.as_bytes(), hash) {
        Ok(())
    } else {
        Err("the timestamp's signature does not verify with the TSA certificate's key (altered timestamp or another TSA)".to_string())
    }
}

/// The certificate the token names as its signer: the trusted chain's first certificate (the
/// TSA leaf, as Sigstore trusted roots list it) or, when the chain starts at a CA, one the token
/// embeds. Returns it with the trusted certificates still to climb.
fn signer_certificate<'a>(
    token: &Token,
    authority: &'a Authority,
) -> Result<(Certificate, &'a [Vec<u8>]), String> {
    let (first, rest) = authority
        .chain
        .split_first()
        .ok_or_else(|| "the authority has no certificates".to_string())?;
    let first = x509::parse(first)?;
    if names(&token.signer.sid, &first) {
        return Ok((first, rest));
    }
    let embedded = token
        .signed_data
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|choice| match choice {
            CertificateChoices::Certificate(cert) => Some(cert),
            CertificateChoices::Other(_) => None,
        })
        .find(|cert| names(&token.signer.sid, cert));
    match embedded {
        Some(cert) => Ok((cert.clone(), &authority.chain)),
        None => Err("the token's signer is not this authority's TSA certificate".to_string()),
    }
}

/// Whether the signer identifier names `cert`.
fn names(sid: &SignerIdentifier, cert: &Certificate) -> bool {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(id) => {
            id.issuer == cert.tbs_certificate.issuer
                && id.serial_number == cert.tbs_certificate.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(id) => matches!(
            cert.tbs_certificate.get::<SubjectKeyIdentifier>(),
            Ok(Some((_, ski))) if ski == *id
        ),
    }
}
