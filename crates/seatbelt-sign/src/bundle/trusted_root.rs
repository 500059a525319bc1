//! The trust anchors of keyless verification, read from a `trusted_root.json`
//! (protobuf-specs `TrustedRoot`): certificate authorities, transparency logs, CT logs and
//! timestamp authorities, each with the time window it may be trusted in.

use std::path::Path;

use serde::Deserialize;

use super::b64;
use super::x509::SigKey;
use crate::limits::{MAX_CHAIN_CERTIFICATES, MAX_TRUSTED_ENTRIES, MAX_TRUSTED_ROOT_BYTES};
use crate::SignError;

/// A time window in Unix seconds; open ends are unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Validity {
    /// From (inclusive).
    pub start: Option<i64>,
    /// Until (inclusive).
    pub end: Option<i64>,
}

impl Validity {
    /// Whether `time` is inside.
    pub fn contains(&self, time: i64) -> bool {
        self.start.is_none_or(|s| s <= time) && self.end.is_none_or(|e| time <= e)
    }
}

/// A certificate authority (Fulcio) or timestamp authority: its chain, issuer first, root last.
#[derive(Debug, Clone)]
pub struct Authority {
    /// Where it lives, for messages.
    pub uri: String,
    /// DER certificates, the one nearest the leaf first.
    pub chain: Vec<Vec<u8>>,
    /// When it may be trusted.
    pub valid: Validity,
}

/// A transparency or CT log key.
#[derive(Debug, Clone)]
pub struct LogKey {
    /// Where the log lives, for messages.
    pub base_url: String,
    /// The log's id (SHA-256 of its key's DER).
    pub log_id: Vec<u8>,
    pub(crate) key: SigKey,
    /// When the key may be trusted.
    pub valid: Validity,
}

/// The parsed trusted root.
#[derive(Debug, Clone)]
pub struct TrustedRoot {
    /// Fulcio-style CAs.
    pub certificate_authorities: Vec<Authority>,
    /// RFC 3161 timestamp authorities.
    pub timestamp_authorities: Vec<Authority>,
    /// Rekor-style transparency logs.
    pub tlogs: Vec<LogKey>,
    /// Certificate transparency logs.
    pub ctlogs: Vec<LogKey>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    media_type: String,
    #[serde(default)]
    tlogs: Vec<RawLog>,
    #[serde(default)]
    certificate_authorities: Vec<RawAuthority>,
    #[serde(default)]
    ctlogs: Vec<RawLog>,
    #[serde(default)]
    timestamp_authorities: Vec<RawAuthority>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLog {
    #[serde(default)]
    base_url: String,
    public_key: RawKey,
    log_id: RawLogId,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawKey {
    raw_bytes: String,
    valid_for: Option<RawValidity>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLogId {
    key_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAuthority {
    #[serde(default)]
    uri: String,
    cert_chain: RawChain,
    valid_for: Option<RawValidity>,
}

#[derive(Deserialize)]
struct RawChain {
    #[serde(default)]
    certificates: Vec<RawBytes>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawBytes {
    raw_bytes: String,
}

#[derive(Deserialize)]
struct RawValidity {
    start: Option<String>,
    end: Option<String>,
}

fn time(value: Option<&String>, what: &str) -> Result<Option<i64>, SignError> {
    value
        .map(|t| {
            t.parse::<jiff::Timestamp>()
                .map(|t| t.as_second())
                .map_err(|e| SignError::malformed(what, format!("time {t:?} is not RFC 3339: {e}")))
        })
        .transpose()
}

fn validity(raw: Option<&RawValidity>, what: &str) -> Result<Validity, SignError> {
    Ok(match raw {
        Some(v) => Validity {
            start: time(v.start.as_ref(), what)?,
            end: time(v.end.as_ref(), what)?,
        },
        None => Validity::default(),
    })
}

impl TrustedRoot {
    /// Reads `trusted_root.json`.
    pub fn read(path: &Path) -> Result<TrustedRoot, SignError> {
        let bytes = crate::blob::read_bounded(path, MAX_TRUSTED_ROOT_BYTES, "trusted root")?;
        TrustedRoot::parse(&bytes, &path.display().to_string())
    }

    /// Parses a trusted root.
    pub fn parse(bytes: &[u8], what: &str) -> Result<TrustedRoot, SignError> {
        let raw: Raw = serde_json::from_slice(bytes)
            .map_err(|e| SignError::malformed(what, format!("not a trusted root: {e}")))?;
        if !raw
            .media_type
            .starts_with("application/vnd.dev.sigstore.trustedroot")
        {
            return Err(SignError::malformed(
                what,
                format!(
                    "media type {:?} is not a Sigstore trusted root",
                    raw.media_type
                ),
            ));
        }
        for (name, count) in [
            ("tlogs", raw.tlogs.len()),
            ("ctlogs", raw.ctlogs.len()),
            ("certificateAuthorities", raw.certificate_authorities.len()),
            ("timestampAuthorities", raw.timestamp_authorities.len()),
        ] {
            if count > MAX_TRUSTED_ENTRIES {
                return Err(SignError::TooMany {
                    what: format!("{what}: {name}"),
                    count,
                    limit: MAX_TRUSTED_ENTRIES,
                });
            }
        }
        let logs = |raw: &[RawLog]| -> Result<Vec<LogKey>, SignError> {
            raw.iter()
                .map(|log| {
                    let der = b64(&log.public_key.raw_bytes, what, "publicKey.rawBytes")?;
                    Ok(LogKey {
                        base_url: log.base_url.clone(),
                        log_id: b64(&log.log_id.key_id, what, "logId.keyId")?,
                        key: SigKey::from_spki_der(&der).map_err(|e| {
                            SignError::malformed(what, format!("log {}: {e}", log.base_url))
                        })?,
                        valid: validity(log.public_key.valid_for.as_ref(), what)?,
                    })
                })
                .collect()
        };
        let authorities = |raw: &[RawAuthority]| -> Result<Vec<Authority>, SignError> {
            raw.iter()
                .map(|ca| {
                    if ca.cert_chain.certificates.is_empty()
                        || ca.cert_chain.certificates.len() > MAX_CHAIN_CERTIFICATES
                    {
                        return Err(SignError::malformed(
                            what,
                            format!(
                                "authority {} has {} certificates (1 to {MAX_CHAIN_CERTIFICATES} expected)",
                                ca.uri,
                                ca.cert_chain.certificates.len()
                            ),
                        ));
                    }
                    Ok(Authority {
                        uri: ca.uri.clone(),
                        chain: ca
                            .cert_chain
                            .certificates
                            .iter()
                            .map(|c| b64(&c.raw_bytes, what, "certChain.rawBytes"))
                            .collect::<Result<_, _>>()?,
                        valid: validity(ca.valid_for.as_ref(), what)?,
                    })
                })
                .collect()
        };
        Ok(TrustedRoot {
            tlogs: logs(&raw.tlogs)?,
            ctlogs: logs(&raw.ctlogs)?,
            certificate_authorities: authorities(&raw.certificate_authorities)?,
            timestamp_authorities: authorities(&raw.timestamp_authorities)?,
        })
    }
}
