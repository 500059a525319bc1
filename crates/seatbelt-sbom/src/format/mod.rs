//! Writing and reading SBOM documents: CycloneDX 1.6 ([`cyclonedx`]) and SPDX 2.3 ([`spdx`])
//! JSON, and [`read_any`] for either of them or seatbelt's own JSON.
//!
//! Determinism: documents are built from the sorted [`Sbom`] with fixed field order, so the
//! same SBOM and timestamp give byte-identical output. The CycloneDX serial number and the
//! SPDX namespace are derived from a SHA-256 of seatbelt's JSON of the SBOM plus the
//! timestamp ([`content_hash`]), never from randomness.

pub mod cyclonedx;
mod license;
mod license_list;
mod props;
pub mod spdx;
mod time;

use seatbelt_types::{Digest, Ecosystem, Purl, Sbom};
use serde::Serialize;

use crate::SbomError;

pub use time::rfc3339_utc;

/// How to write a document.
#[derive(Debug, Clone, Default)]
pub struct FormatOptions {
    /// Creation time, RFC 3339 (`2024-01-01T00:00:00Z`; an offset is converted to UTC).
    /// The CLI passes the time of `SOURCE_DATE_EPOCH` when set; `None` means now.
    pub timestamp: Option<String>,
}

/// SBOM documents larger than this are refused before parsing (a syft SBOM of a large
/// image is tens of MiB).
pub const MAX_DOCUMENT_BYTES: usize = 256 << 20;

/// The tool name and version written into documents.
pub(crate) const TOOL_NAME: &str = "seatbelt";
pub(crate) const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The document's creation time, validated and in UTC `Z` form.
pub(crate) fn timestamp(
    options: &FormatOptions,
    format: &'static str,
) -> Result<String, SbomError> {
    match &options.timestamp {
        Some(t) => time::normalize(t).ok_or_else(|| SbomError::InvalidDocument {
            what: "the requested timestamp".to_string(),
            format,
            reason: format!("`{t}` is not an RFC 3339 date-time (2024-01-01T00:00:00Z)"),
        }),
        None => Ok(time::now()),
    }
}

/// SHA-256 over seatbelt's JSON of the SBOM, a newline and the timestamp: the identity the
/// serial number and namespace are derived from.
pub(crate) fn content_hash(sbom: &Sbom, timestamp: &str) -> Digest {
    let mut bytes = serde_json::to_vec(sbom).unwrap_or_default();
    bytes.push(b'\n');
    bytes.extend_from_slice(timestamp.as_bytes());
    Digest::sha256_of(&bytes)
}

/// A name-based UUID (RFC 4122 version 5, SHA-1) in the URL namespace for `name`.
pub(crate) fn uuid_v5_url(name: &str) -> String {
    use sha1::{Digest as _, Sha1};
    // The RFC 4122 appendix C namespace id for URLs.
    const URL_NAMESPACE: [u8; 16] = [
        0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30,
        0xc8,
    ];
    let mut hasher = Sha1::new();
    hasher.update(URL_NAMESPACE);
    hasher.update(name.as_bytes());
    let hash = hasher.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&hash[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The ecosystem a purl type stands for, if seatbelt models it.
pub(crate) fn ecosystem_of(purl: &Purl) -> Option<Ecosystem> {
    Some(match purl.ty.as_str() {
        "deb" => Ecosystem::Deb,
        "apk" => Ecosystem::Apk,
        "rpm" => Ecosystem::Rpm,
        "pypi" => Ecosystem::Pypi,
        "npm" => Ecosystem::Npm,
        "cargo" => Ecosystem::Cargo,
        "golang" => Ecosystem::Go,
        "maven" => Ecosystem::Maven,
        "gem" => Ecosystem::Gem,
        "composer" => Ecosystem::Composer,
        "nuget" => Ecosystem::Nuget,
        _ => return None,
    })
}

/// The image's purl (`pkg:oci/NAME@DIGEST?repository_url=…`), when it has a manifest digest.
/// The name is the last path element of the repository, lowercased as the oci type requires;
/// the repository URL only for registry references (local paths are not repositories).
pub(crate) fn image_purl(sbom: &Sbom) -> Option<Purl> {
    let digest = sbom.subject.manifest_digest.as_ref()?;
    let reference = sbom.subject.reference.as_str();
    let is_local = ["oci-dir:", "oci-archive:", "docker-archive:", "dir:"]
        .iter()
        .any(|p| reference.starts_with(p));
    let repo = reference.strip_prefix("registry:").unwrap_or(reference);
    let repo = repo.split('@').next().unwrap_or(repo);
    // Drop a tag (`:tag` after the last `/`), keeping a registry port.
    let repo = match repo.rsplit_once(':') {
        Some((r, tag)) if !tag.contains('/') => r,
        _ => repo,
    };
    let source = if is_local {
        sbom.subject.name.as_str()
    } else {
        repo
    };
    let name = source
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or("image");
    let mut purl = Purl::new("oci", None, name, Some(&digest.to_string()));
    if !is_local && repo.contains('/') {
        purl = purl.with_qualifier("repository_url", repo);
    }
    if let Some(platform) = &sbom.subject.platform {
        if let Some(arch) = platform.split('/').nth(1) {
            purl = purl.with_qualifier("arch", arch);
        }
    }
    Some(purl)
}

/// Serialises a document with two-space indentation and a final newline.
pub(crate) fn to_pretty<T: Serialize>(doc: &T) -> Result<String, SbomError> {
    let mut text = serde_json::to_string_pretty(doc).map_err(|e| SbomError::InvalidDocument {
        what: "the generated document".to_string(),
        format: "JSON",
        reason: e.to_string(),
    })?;
    text.push('\n');
    Ok(text)
}

/// Parses a document as JSON, refusing oversized input.
pub(crate) fn parse_json(
    bytes: &[u8],
    what: &str,
    format: &'static str,
) -> Result<serde_json::Value, SbomError> {
    let invalid = |reason: String| SbomError::InvalidDocument {
        what: what.to_string(),
        format,
        reason,
    };
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(invalid(format!(
            "it is {} bytes, more than the {MAX_DOCUMENT_BYTES} seatbelt reads",
            bytes.len()
        )));
    }
    serde_json::from_slice(bytes).map_err(|e| invalid(format!("it is not JSON: {e}")))
}

/// Reads an SBOM in any format seatbelt knows: CycloneDX JSON (`bomFormat`), SPDX JSON
/// (`spdxVersion`) or seatbelt's own JSON (`subject` and `packages`).
pub fn read_any(bytes: &[u8], what: &str) -> Result<Sbom, SbomError> {
    let value = parse_json(bytes, what, "SBOM")?;
    if value.get("bomFormat").is_some() {
        cyclonedx::from_value(&value, what)
    } else if value.get("spdxVersion").is_some() {
        spdx::from_value(&value, what)
    } else if value.get("subject").is_some() && value.get("packages").is_some() {
        serde_json::from_value(value).map_err(|e| SbomError::InvalidDocument {
            what: what.to_string(),
            format: "seatbelt JSON",
            reason: e.to_string(),
        })
    } else {
        Err(SbomError::InvalidDocument {
            what: what.to_string(),
            format: "SBOM",
            reason: "it is neither CycloneDX (no `bomFormat`), SPDX (no `spdxVersion`) nor \
                     seatbelt JSON (no `subject` and `packages`)"
                .to_string(),
        })
    }
}

#[cfg(test)]
mod tests;

/// The order the cataloging core gives packages and unknowns, for SBOMs read from files.
pub(crate) fn sort_packages(sbom: &mut Sbom) {
    sbom.packages.sort_by(|a, b| {
        (a.ecosystem, &a.name, &a.version, &a.id).cmp(&(b.ecosystem, &b.name, &b.version, &b.id))
    });
    sbom.unknowns
        .sort_by(|a, b| (&a.location, &a.cataloger).cmp(&(&b.location, &b.cataloger)));
}
