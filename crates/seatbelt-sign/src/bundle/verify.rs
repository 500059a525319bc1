//! Offline verification of a keyless Sigstore bundle against a trusted root: who signed
//! (Fulcio certificate chain, SCT, identity and OIDC issuer), when (a transparency log entry's
//! signed entry timestamp or an RFC 3161 timestamp, inside the certificate's validity), that
//! it was logged (SET and/or inclusion proof against a signed checkpoint), and that the
//! signature covers this artifact: the file itself, or for a DSSE bundle an in-toto statement
//! whose subject is the file. Nothing here touches the network.

use serde::Serialize;
use x509_cert::Certificate;

use super::dsse_bundle::{self, Dsse};
use super::rekor::{check_body, verify_inclusion, verify_set};
use super::sct::verify_embedded;
use super::trusted_root::TrustedRoot;
use super::tsa::{self, Stamped};
use super::x509::{self, SigKey};
use super::{Bundle, Content, TlogEntry, Version};
use crate::blob::Artifact;

/// Who must have signed.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The certificate's SAN (URI or email), matched exactly.
    pub identity: String,
    /// The OIDC issuer Fulcio recorded, matched exactly.
    pub issuer: String,
}

/// Which check refused the bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// The bundle lacks what keyless verification needs.
    Bundle,
    /// The certificate does not chain to a trusted CA at signing time.
    Chain,
    /// No embedded SCT verifies against a trusted CT log.
    Sct,
    /// The SAN is not the expected identity.
    Identity,
    /// The OIDC issuer is not the expected one.
    Issuer,
    /// No transparency log entry verifies for this signature.
    Tlog,
    /// No trusted time inside the certificate's validity.
    Time,
    /// The bundle is for another artifact.
    Digest,
    /// The signature does not verify over the artifact.
    Signature,
}

/// Why verification failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct Rejected {
    /// The failing check.
    pub check: Check,
    /// What was wrong.
    pub reason: String,
}

fn reject<T>(check: Check, reason: impl Into<String>) -> Result<T, Rejected> {
    Err(Rejected {
        check,
        reason: reason.into(),
    })
}

/// What a successful verification established.
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    /// The bundle format.
    pub version: Version,
    /// The identity matched.
    pub identity: String,
    /// The OIDC issuer matched.
    pub issuer: String,
    /// The trusted signing time (Unix seconds).
    pub signed_at: i64,
    /// The certificate authority the chain ends in.
    pub authority: String,
    /// The log entries verified, with how.
    pub log_entries: Vec<String>,
    /// The RFC 3161 timestamps verified: authority and time (Unix seconds).
    pub timestamps: Vec<String>,
    /// For a DSSE bundle, the in-toto statement's predicate type (the artifact is its subject).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicate_type: Option<String>,
}

/// What the bundle's signature is over.
enum Signed<'a> {
    /// The artifact itself (hashedrekord).
    Message(&'a [u8]),
    /// A DSSE envelope whose statement names the artifact, with its predicate type.
    Dsse(Dsse, String),
}

impl Signed<'_> {
    /// The signature bytes, which logs and timestamps commit to.
    fn signature(&self) -> &[u8] {
        match self {
            Signed::Message(signature) => signature,
            Signed::Dsse(dsse, _) => &dsse.signature,
        }
    }
}

/// Verifies a keyless `bundle` over `artifact` under `root` and `policy`.
pub fn verify(
    bundle: &Bundle,
    artifact: &Artifact,
    root: &TrustedRoot,
    policy: &Policy,
) -> Result<Verified, Rejected> {
    let signed = match &bundle.content {
        Content::MessageSignature { digest, signature } => {
            if let Some(digest) = digest {
                if digest.as_slice() != artifact.sha256.as_slice() {
                    return reject(
                        Check::Digest,
                        format!(
                            "the bundle is for content with SHA-256 {}, but {} has {}",
                            hex::encode(digest),
                            artifact.name,
                            hex::encode(artifact.sha256)
                        ),
                    );
                }
            }
            Signed::Message(signature)
        }
        Content::Dsse(value) => {
            let dsse = Dsse::open(value).or_else(|e| reject(Check::Bundle, e))?;
            let statement = dsse
                .statement_about(artifact)
                .or_else(|e| reject(Check::Digest, e))?;
            Signed::Dsse(dsse, statement.predicate_type)
        }
    };
    let signature = signed.signature();
    let Some(leaf_der) = bundle.leaf_certificate() else {
        return reject(
            Check::Bundle,
            "the bundle has no certificate (it was signed with a key: use --key)",
        );
    };
    let leaf = x509::parse(leaf_der).or_else(|e| reject(Check::Bundle, e))?;

    // When: only log entries whose body records this signature count, and only a verified
    // SET makes the integrated time trustworthy; verified RFC 3161 timestamps count too.
    let body_matches = |entry: &TlogEntry| match &signed {
        Signed::Message(signature) => check_body(entry, &artifact.sha256, signature, leaf_der),
        Signed::Dsse(dsse, _) => dsse_bundle::check_body(entry, dsse, leaf_der),
    };
    let (mut times, log_entries) = verify_log_entries(bundle, &body_matches, root)?;
    let timestamps = verify_timestamps(bundle, signature, root)?;
    times.extend(timestamps.iter().map(|t| t.time));
    let Some(&signed_at) = times.first() else {
        return reject(
            Check::Time,
            "no trusted signing time: no log entry has a verified signed entry timestamp and the bundle has no RFC 3161 timestamp",
        );
    };
    for &t in &times {
        if !x509::valid_at(&leaf, t) {
            let (start, end) = x509::validity(&leaf);
            return reject(
                Check::Time,
                format!("the certificate was not valid at signing time {t} (valid {start}..{end})"),
            );
        }
    }

    let (authority, issuer) = chain_to_root(&leaf, root, signed_at)?;
    verify_embedded(&leaf, &issuer, root).or_else(|e| reject(Check::Sct, e))?;
    if !x509::code_signing(&leaf) {
        return reject(
            Check::Chain,
            "the certificate is not for code signing (no codeSigning extended key usage)",
        );
    }
    let identities = x509::identities(&leaf);
    if !identities.contains(&policy.identity) {
        return reject(
            Check::Identity,
            format!(
                "the certificate's identity is {identities:?}, not {:?}",
                policy.identity
            ),
        );
    }
    let oidc = x509::oidc_issuer(&leaf);
    if oidc.as_deref() != Some(policy.issuer.as_str()) {
        return reject(
            Check::Issuer,
            format!(
                "the certificate's OIDC issuer is {oidc:?}, not {:?}",
                policy.issuer
            ),
        );
    }
    let key = SigKey::of(&leaf).or_else(|e| reject(Check::Chain, e))?;
    let verified = match (&signed, &key) {
        (Signed::Dsse(dsse, _), _) => key.verify(&dsse.pae(), signature, key.natural_hash()),
        (Signed::Message(_), SigKey::Ed25519(_)) => match artifact_content(artifact) {
            Some(content) => key.verify(content, signature, key.natural_hash()),
            None => false,
        },
        (Signed::Message(_), _) => key.verify_sha256_prehash(&artifact.sha256, signature),
    };
    if !verified {
        return reject(
            Check::Signature,
            format!(
                "the signature does not verify over {} with the certificate's key (altered {} or signature)",
                artifact.name,
                if matches!(signed, Signed::Dsse(..)) { "attestation" } else { "file" }
            ),
        );
    }
    Ok(Verified {
        version: bundle.version,
        identity: policy.identity.clone(),
        issuer: policy.issuer.clone(),
        signed_at,
        authority,
        log_entries,
        timestamps: timestamps
            .into_iter()
            .map(|t| format!("{} at {}", t.authority, t.time))
            .collect(),
        predicate_type: match signed {
            Signed::Dsse(_, predicate_type) => Some(predicate_type),
            Signed::Message(_) => None,
        },
    })
}

/// Verifies every RFC 3161 timestamp over `signature`. Each one counts as a trusted time, and
/// one trusted time (from here or a log's SET) suffices, as in sigstore-go's default. Unlike
/// sigstore-go, which skips a timestamp it cannot verify, one that fails refuses the bundle:
/// it was altered or made for another trusted root, and the user should hear of it.
fn verify_timestamps(
    bundle: &Bundle,
    signature: &[u8],
    root: &TrustedRoot,
) -> Result<Vec<Stamped>, Rejected> {
    bundle
        .rfc3161_timestamps
        .iter()
        .enumerate()
        .map(|(i, der)| {
            tsa::verify(der, signature, root)
                .or_else(|e| reject(Check::Time, format!("RFC 3161 timestamp {}: {e}", i + 1)))
        })
        .collect()
}

fn artifact_content(artifact: &Artifact) -> Option<&[u8]> {
    artifact.content().ok()
}

/// Verifies each log entry; returns the trusted times and a description of each entry.
fn verify_log_entries(
    bundle: &Bundle,
    body_matches: &dyn Fn(&TlogEntry) -> Result<(), String>,
    root: &TrustedRoot,
) -> Result<(Vec<i64>, Vec<String>), Rejected> {
    if bundle.tlog_entries.is_empty() {
        return reject(
            Check::Tlog,
            "the bundle has no transparency log entry; a keyless signature must be logged",
        );
    }
    let mut times = Vec::new();
    let mut described = Vec::new();
    for entry in &bundle.tlog_entries {
        let Some(log) = root.tlogs.iter().find(|l| l.log_id == entry.log_id) else {
            return reject(
                Check::Tlog,
                format!(
                    "the entry is from log {}, which the trusted root does not list",
                    hex::encode(&entry.log_id)
                ),
            );
        };
        body_matches(entry).or_else(|e| reject(Check::Tlog, e))?;
        let mut how = Vec::new();
        if entry.signed_entry_timestamp.is_some() {
            verify_set(entry, &log.key).or_else(|e| reject(Check::Tlog, e))?;
            if !log.valid.contains(entry.integrated_time) {
                return reject(
                    Check::Tlog,
                    "the entry's integrated time is outside its log key's validity",
                );
            }
            times.push(entry.integrated_time);
            how.push("signed entry timestamp");
        }
        if let Some(proof) = &entry.inclusion_proof {
            verify_inclusion(entry, proof, &log.key).or_else(|e| reject(Check::Tlog, e))?;
            how.push("inclusion proof");
        }
        if how.is_empty() {
            return reject(
                Check::Tlog,
                "the log entry has neither a signed entry timestamp nor an inclusion proof",
            );
        }
        described.push(format!(
            "{} index {} ({})",
            if log.base_url.is_empty() {
                hex::encode(&entry.log_id)
            } else {
                log.base_url.clone()
            },
            entry.log_index,
            how.join(" + ")
        ));
    }
    Ok((times, described))
}

/// Finds a trusted CA valid at `time` whose chain the leaf climbs; returns its name and the
/// leaf's direct issuer.
fn chain_to_root(
    leaf: &Certificate,
    root: &TrustedRoot,
    time: i64,
) -> Result<(String, Certificate), Rejected> {
    let mut reasons = Vec::new();
    for ca in &root.certificate_authorities {
        if !ca.valid.contains(time) {
            reasons.push(format!("{}: not valid at signing time", ca.uri));
            continue;
        }
        match x509::climb(leaf, &ca.chain, time) {
            Ok(issuer) => return Ok((ca.uri.clone(), issuer)),
            Err(e) => reasons.push(format!("{}: {e}", ca.uri)),
        }
    }
    reject(
        Check::Chain,
        if reasons.is_empty() {
            "the trusted root has no certificate authority".to_string()
        } else {
            format!(
                "the certificate does not chain to a trusted CA: {}",
                reasons.join("; ")
            )
        },
    )
}
