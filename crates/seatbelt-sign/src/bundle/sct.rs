//! Signed certificate timestamps embedded in a Fulcio leaf (RFC 6962 §3.2–3.3): the CT log
//! signed the precertificate, so the certificate was publicly logged when it was issued.

use sha2::{Digest as _, Sha256};
use x509_cert::der::Encode;
use x509_cert::ext::pkix::sct::{SignedCertificateTimestampList, Version};
use x509_cert::Certificate;

use super::trusted_root::TrustedRoot;
use x509_cert::der::oid::AssociatedOid;

/// The bytes the log signed for `sct` over the precertificate form of `leaf`.
fn signed_data(
    leaf: &Certificate,
    issuer: &Certificate,
    timestamp: u64,
    extensions: &[u8],
) -> Result<Vec<u8>, String> {
    let mut tbs = leaf.tbs_certificate.clone();
    // The precertificate is the final TBS without the SCT list.
    if let Some(exts) = tbs.extensions.as_mut() {
        exts.retain(|e| e.extn_id != SignedCertificateTimestampList::OID);
    }
    let tbs = tbs.to_der().map_err(|e| e.to_string())?;
    let issuer_key = issuer
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| e.to_string())?;
    let tbs_len = u32::try_from(tbs.len())
        .ok()
        .filter(|l| *l < 1 << 24)
        .ok_or_else(|| "the certificate is too large for CT".to_string())?;
    let ext_len = u16::try_from(extensions.len()).map_err(|_| "SCT extensions too long")?;
    let mut out = vec![0u8, 0u8];
    out.extend_from_slice(&timestamp.to_be_bytes());
    out.extend_from_slice(&1u16.to_be_bytes());
    out.extend_from_slice(&Sha256::digest(&issuer_key));
    out.extend_from_slice(&tbs_len.to_be_bytes()[1..]);
    out.extend_from_slice(&tbs);
    out.extend_from_slice(&ext_len.to_be_bytes());
    out.extend_from_slice(extensions);
    Ok(out)
}

/// The bytes a CT log signs for `leaf` issued by `issuer` at `timestamp` (ms): for test logs.
#[cfg(any(test, feature = "test-pki"))]
pub(crate) fn precert_signed_data(
    leaf: &Certificate,
    issuer: &Certificate,
    timestamp: u64,
) -> Vec<u8> {
    signed_data(leaf, issuer, timestamp, &[]).expect("encodable")
}

/// Checks that some embedded SCT verifies with a CT log key of the trusted root that was valid
/// when the SCT was issued.
pub(crate) fn verify_embedded(
    leaf: &Certificate,
    issuer: &Certificate,
    root: &TrustedRoot,
) -> Result<(), String> {
    let list = match leaf.tbs_certificate.get::<SignedCertificateTimestampList>() {
        Ok(Some((_, list))) => list,
        Ok(None) => {
            return Err("the certificate has no embedded SCT (it was not logged to CT)".to_string())
        }
        Err(e) => return Err(format!("the certificate's SCT list is malformed: {e}")),
    };
    let scts = list
        .parse_timestamps()
        .map_err(|e| format!("the certificate's SCT list is malformed: {e:?}"))?;
    let mut reasons = Vec::new();
    for serialized in scts.iter().take(crate::limits::MAX_BUNDLE_ENTRIES) {
        let sct = match serialized.parse_timestamp() {
            Ok(sct) => sct,
            Err(e) => {
                reasons.push(format!("malformed SCT: {e:?}"));
                continue;
            }
        };
        if sct.version != Version::V1 {
            continue;
        }
        let Some(log) = root.ctlogs.iter().find(|l| l.log_id == sct.log_id.key_id) else {
            reasons.push(format!(
                "an SCT from CT log {} that the trusted root does not list",
                hex::encode(sct.log_id.key_id)
            ));
            continue;
        };
        let seconds = i64::try_from(sct.timestamp / 1000).unwrap_or(i64::MAX);
        if !log.valid.contains(seconds) {
            reasons.push("an SCT from outside its CT log key's validity".to_string());
            continue;
        }
        let data = signed_data(leaf, issuer, sct.timestamp, sct.extensions.as_slice())?;
        if log.key.verify(
            &data,
            sct.signature.signature.as_slice(),
            log.key.natural_hash(),
        ) {
            return Ok(());
        }
        reasons.push("an SCT whose signature does not verify".to_string());
    }
    Err(if reasons.is_empty() {
        "no SCT in the certificate".to_string()
    } else {
        format!("no SCT verifies: {}", reasons.join("; "))
    })
}
