//! Rekor entries: the signed entry timestamp (SET), the inclusion proof against a checkpoint
//! (a C2SP signed note), and that the logged body is about this very signature.
//!
//! Formats: Rekor's SET is the log key's signature over the canonical JSON
//! `{"body","integratedTime","logID","logIndex"}`; checkpoints are signed notes
//! (`origin\nsize\nbase64 root\n…\n\n— name base64(keyhint[4] || signature)\n`).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Deserialize;

use super::merkle::{leaf_hash, root_from_proof};
use super::x509::SigKey;
use super::{InclusionProof, TlogEntry};

/// The bytes a SET signs.
pub(crate) fn set_payload(entry: &TlogEntry) -> Vec<u8> {
    // serde_json's map is ordered by key, and it writes no whitespace: that is the canonical
    // form Rekor signs (keys sorted: body, integratedTime, logID, logIndex).
    let value = serde_json::json!({
        "body": STANDARD.encode(&entry.body),
        "integratedTime": entry.integrated_time,
        "logID": hex::encode(&entry.log_id),
        "logIndex": entry.log_index,
    });
    value.to_string().into_bytes()
}

/// Checks the SET with the log's key.
pub(crate) fn verify_set(entry: &TlogEntry, key: &SigKey) -> Result<(), String> {
    let set = entry
        .signed_entry_timestamp
        .as_deref()
        .ok_or_else(|| "no signed entry timestamp".to_string())?;
    if key.verify(&set_payload(entry), set, key.natural_hash()) {
        Ok(())
    } else {
        Err("the signed entry timestamp does not verify with the log's key (altered entry or another log)".to_string())
    }
}

/// A parsed checkpoint.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Checkpoint {
    pub(crate) origin: String,
    pub(crate) size: u64,
    pub(crate) root: Vec<u8>,
}

/// Parses and verifies a signed-note checkpoint: some signature line whose key hint is the
/// log's must verify over the note text.
pub(crate) fn verify_checkpoint(
    envelope: &str,
    key: &SigKey,
    log_id: &[u8],
) -> Result<Checkpoint, String> {
    let (text, signatures) = envelope
        .split_once("\n\n")
        .ok_or_else(|| "the checkpoint has no signature block".to_string())?;
    let text = format!("{text}\n");
    let mut lines = text.lines();
    let origin = lines.next().unwrap_or_default().to_string();
    let size = lines
        .next()
        .and_then(|l| l.parse::<u64>().ok())
        .ok_or_else(|| "the checkpoint's second line is not a tree size".to_string())?;
    let root = lines
        .next()
        .and_then(|l| STANDARD.decode(l).ok())
        .ok_or_else(|| "the checkpoint's third line is not a base64 root hash".to_string())?;
    if origin.is_empty() {
        return Err("the checkpoint has no origin line".to_string());
    }
    let hint = log_id.get(..4).unwrap_or_default();
    let mut found_hint = false;
    for line in signatures.lines().filter(|l| !l.is_empty()) {
        let Some(rest) = line.strip_prefix("\u{2014} ") else {
            return Err(format!(
                "checkpoint signature line {line:?} does not start with `— `"
            ));
        };
        let Some((_name, b64)) = rest.rsplit_once(' ') else {
            return Err("a checkpoint signature line has no signature".to_string());
        };
        let Ok(raw) = STANDARD.decode(b64) else {
            return Err("a checkpoint signature is not base64".to_string());
        };
        let (line_hint, signature) = raw.split_at_checked(4).unwrap_or((&[], &[]));
        if line_hint != hint {
            continue;
        }
        found_hint = true;
        if key.verify(text.as_bytes(), signature, key.natural_hash()) {
            return Ok(Checkpoint { origin, size, root });
        }
    }
    Err(if found_hint {
        "the checkpoint's signature does not verify with the log's key".to_string()
    } else {
        "the checkpoint carries no signature by this log's key".to_string()
    })
}

/// Checks the inclusion proof: the body's leaf hash climbs the audit path to the root, which
/// the checkpoint (signed by the log) commits to.
pub(crate) fn verify_inclusion(
    entry: &TlogEntry,
    proof: &InclusionProof,
    key: &SigKey,
) -> Result<(), String> {
    let index = u64::try_from(proof.log_index).map_err(|_| "negative log index".to_string())?;
    let size = u64::try_from(proof.tree_size).map_err(|_| "negative tree size".to_string())?;
    let root = root_from_proof(index, size, leaf_hash(&entry.body), &proof.hashes)
        .map_err(|e| format!("the inclusion proof is invalid: {e}"))?;
    if root.as_slice() != proof.root_hash.as_slice() {
        return Err(
            "the inclusion proof does not lead to the stated root hash (altered entry or proof)"
                .to_string(),
        );
    }
    let checkpoint = verify_checkpoint(&proof.checkpoint, key, &entry.log_id)?;
    if checkpoint.size != size || checkpoint.root != proof.root_hash {
        return Err(format!(
            "the checkpoint (size {}) is not for the proof's tree (size {size}) and root",
            checkpoint.size
        ));
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    api_version: String,
    kind: String,
    spec: HashedRekordSpec,
}

#[derive(Deserialize)]
struct HashedRekordSpec {
    data: HashedData,
    signature: BodySignature,
}

#[derive(Deserialize)]
struct HashedData {
    hash: BodyHash,
}

#[derive(Deserialize)]
struct BodyHash {
    algorithm: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BodySignature {
    content: String,
    public_key: BodyKey,
}

#[derive(Deserialize)]
struct BodyKey {
    content: String,
}

/// Checks that the logged body records this signature, digest and certificate: otherwise a
/// valid entry for something else could vouch for this bundle.
pub(crate) fn check_body(
    entry: &TlogEntry,
    sha256: &[u8],
    signature: &[u8],
    leaf_der: &[u8],
) -> Result<(), String> {
    let body: Body = serde_json::from_slice(&entry.body)
        .map_err(|e| format!("the log entry is not a hashedrekord entry seatbelt checks: {e}"))?;
    if body.kind != "hashedrekord" {
        return Err(format!(
            "the log entry's kind is {:?}; seatbelt checks hashedrekord entries",
            body.kind
        ));
    }
    if !entry.kind.is_empty() && (entry.kind != body.kind || entry.version != body.api_version) {
        return Err(format!(
            "the bundle says the entry is {} {} but the body is {} {}",
            entry.kind, entry.version, body.kind, body.api_version
        ));
    }
    if body.spec.data.hash.algorithm != "sha256"
        || !body
            .spec
            .data
            .hash
            .value
            .eq_ignore_ascii_case(&hex::encode(sha256))
    {
        return Err("the log entry is for another artifact digest".to_string());
    }
    if STANDARD
        .decode(&body.spec.signature.content)
        .ok()
        .as_deref()
        != Some(signature)
    {
        return Err("the log entry records another signature".to_string());
    }
    let pem_text = STANDARD
        .decode(&body.spec.signature.public_key.content)
        .map_err(|_| "the log entry's certificate is not base64".to_string())?;
    let (_, der) = x509_cert::der::pem::decode_vec(&pem_text)
        .map_err(|_| "the log entry's certificate is not PEM".to_string())?;
    if der != leaf_der {
        return Err("the log entry records another certificate".to_string());
    }
    Ok(())
}
