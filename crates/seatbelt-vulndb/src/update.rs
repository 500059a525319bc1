//! `seatbelt db update`: download the sources (osv.dev exports, KEV, EPSS, or mirrors), check
//! them, and add them to a copy of the DB built beside the live one (see [`update`] for what is
//! kept). Any failure — an HTTP error, a truncated or oversized body, a checksum mismatch, a
//! broken archive — leaves the previous DB in place. Also the scanner's auto-update policy, [`ensure_fresh`].

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest as _, Sha256};

use crate::build::{rebuild, TempDir};
use crate::import::{import_path, ImportReport};
use crate::{DbError, VulnDb};

/// osv.dev's per-ecosystem exports seatbelt downloads by default.
pub const DEFAULT_OSV_ECOSYSTEMS: &[&str] = &[
    "Debian",
    "Alpine",
    "PyPI",
    "npm",
    "crates.io",
    "Go",
    "Maven",
    "RubyGems",
    "Packagist",
    "NuGet",
];
/// CISA's KEV catalog.
pub const DEFAULT_KEV_URL: &str =
    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json";
/// FIRST EPSS scores (gzip CSV).
pub const DEFAULT_EPSS_URL: &str = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz";
/// Largest download accepted: osv.dev's biggest export (npm, Debian) is a few hundred MiB.
pub const MAX_DOWNLOAD_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// Largest checksum file: a line per source.
const MAX_CHECKSUM_FILE_BYTES: u64 = 1024 * 1024;

/// The default source URLs.
pub fn default_sources() -> Vec<String> {
    let mut sources: Vec<String> = DEFAULT_OSV_ECOSYSTEMS
        .iter()
        .map(|e| format!("https://osv-vulnerabilities.storage.googleapis.com/{e}/all.zip"))
        .collect();
    sources.push(DEFAULT_KEV_URL.to_string());
    sources.push(DEFAULT_EPSS_URL.to_string());
    sources
}

/// Largest detached signature fetched beside a source (a base64 ECDSA signature is ~100 bytes).
const MAX_SIGNATURE_BYTES: u64 = 64 * 1024;

/// Checks who published a downloaded source (issue #6): given the file and the detached
/// signature fetched from `SOURCE.sig`, accepts it or says why not. Implemented by the CLI with
/// `cosign sign-blob`-style signatures, so this crate needs no signing code.
pub trait SourceVerifier: std::fmt::Debug + Send + Sync {
    /// Accepts or refuses `file`, downloaded from `source`, given `signature`'s bytes.
    fn verify(&self, source: &str, file: &Path, signature: &[u8]) -> Result<(), String>;
}

/// What to download and how to check it.
#[derive(Debug, Clone)]
pub struct UpdateOptions {
    /// URLs (http/https) or local paths; empty means [`default_sources`].
    pub sources: Vec<String>,
    /// `sha256:HEX` for the source at the same position.
    pub checksums: Vec<String>,
    /// A `SHA256SUMS`-style file (URL or path): `HEX  NAME` lines, NAME the last path segment of
    /// a source URL. Every source must be listed.
    pub checksum_file: Option<String>,
    /// Largest accepted download.
    pub max_download_bytes: u64,
    /// Per-request timeout.
    pub timeout: Duration,
    /// When set, every source must have a detached signature at `SOURCE.sig` that verifies.
    pub signatures: Option<std::sync::Arc<dyn SourceVerifier>>,
    /// Build the DB from the downloads alone, dropping what `db import` added.
    pub fresh: bool,
}

impl Default for UpdateOptions {
    fn default() -> Self {
        UpdateOptions {
            sources: Vec::new(),
            checksums: Vec::new(),
            checksum_file: None,
            max_download_bytes: MAX_DOWNLOAD_BYTES,
            timeout: Duration::from_secs(300),
            signatures: None,
            fresh: false,
        }
    }
}

/// What an update did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct UpdateReport {
    /// Each source with the bytes fetched.
    pub downloads: Vec<(String, u64)>,
    /// What was imported.
    pub import: ImportReport,
}

/// Downloads every source, verifies it, and builds a new DB at `path`: a copy of the current
/// one with the downloads imported on top, exactly as `db import` adds files. So what was
/// imported by hand (a private OSV feed, the Debian tracker, an Alpine secdb) survives an
/// update; each downloaded advisory replaces the stored record of the same id, and the KEV
/// and EPSS downloads replace those catalogs whole. With [`UpdateOptions::fresh`], or when the
/// current DB cannot be read (missing, corrupt, an older schema), the DB is built from the
/// downloads alone; a DB of a newer schema is never replaced.
pub fn update(path: &Path, options: &UpdateOptions) -> Result<UpdateReport, DbError> {
    let sources = if options.sources.is_empty() {
        default_sources()
    } else {
        options.sources.clone()
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&dir).map_err(DbError::io(&dir, "cannot create the DB directory"))?;
    let client = reqwest::blocking::Client::builder()
        .timeout(options.timeout)
        .user_agent(concat!("seatbelt/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| DbError::Download {
            url: String::new(),
            reason: format!("cannot set up HTTP: {e}"),
        })?;
    let sums = match &options.checksum_file {
        Some(location) => Some(load_checksum_file(&client, location, &dir)?),
        None => None,
    };
    let downloads_dir = TempDir::create(&dir, "download")?;
    let mut files = Vec::new();
    let mut report = UpdateReport::default();
    for (index, source) in sources.iter().enumerate() {
        let name = last_segment(source);
        let file = downloads_dir.0.join(format!("{index:02}-{name}"));
        let (size, sha256) = fetch(&client, source, &file, options.max_download_bytes)?;
        let expected = options
            .checksums
            .get(index)
            .map(|c| parse_sha256(c, source))
            .transpose()?
            .or(match &sums {
                Some(sums) => Some(
                    sums.iter()
                        .find(|(_, n)| *n == name)
                        .map(|(h, _)| h.clone())
                        .ok_or_else(|| DbError::Download {
                            url: source.clone(),
                            reason: format!("the checksum file does not list `{name}`"),
                        })?,
                ),
                None => None,
            });
        if let Some(expected) = expected {
            if expected != sha256 {
                return Err(DbError::Checksum {
                    url: source.clone(),
                    expected,
                    actual: sha256,
                });
            }
        }
        if let Some(verifier) = &options.signatures {
            let signature_url = format!("{source}.sig");
            let signature_file = downloads_dir.0.join(format!("{index:02}-{name}.sig"));
            fetch(
                &client,
                &signature_url,
                &signature_file,
                MAX_SIGNATURE_BYTES,
            )
            .map_err(|e| DbError::Unverified {
                source_url: source.clone(),
                reason: format!("no signature could be fetched from {signature_url}: {e}"),
            })?;
            let signature = std::fs::read(&signature_file)
                .map_err(DbError::io(&signature_file, "cannot read"))?;
            verifier
                .verify(source, &file, &signature)
                .map_err(|reason| DbError::Unverified {
                    source_url: source.clone(),
                    reason,
                })?;
        }
        report.downloads.push((source.clone(), size));
        files.push(file);
    }
    let fresh = options.fresh || !keeps_current(path)?;
    report.import = rebuild(path, fresh, &sources, |store, import_report| {
        for file in &files {
            import_path(file, store, import_report)?;
        }
        Ok(())
    })?;
    Ok(report)
}

/// Whether the current DB can be built upon; an unreadable one is rebuilt (and said so), one
/// of a newer schema is an error.
fn keeps_current(path: &Path) -> Result<bool, DbError> {
    if !path.exists() {
        return Ok(false);
    }
    match VulnDb::open(path) {
        Ok(_) => Ok(true),
        Err(e @ DbError::NewerSchema { .. }) => Err(e),
        Err(e) => {
            tracing::warn!("{e}; building the DB from the downloads alone");
            Ok(false)
        }
    }
}

/// Opens the DB at `path`, updating it first when it is missing, unreadable by this build, or
/// older than `max_age` — unless `offline` or `skip_update`. A failed update of an existing,
/// readable DB is a warning: the scan goes on with the old data.
pub fn ensure_fresh(
    path: &Path,
    max_age: Duration,
    offline: bool,
    skip_update: bool,
    options: &UpdateOptions,
) -> Result<VulnDb, DbError> {
    let current = VulnDb::open(path);
    if offline || skip_update {
        return current;
    }
    match current {
        Ok(db) if db.age()? <= max_age => Ok(db),
        Ok(db) => {
            tracing::info!(
                "the vulnerability DB is older than {}h; updating",
                max_age.as_secs() / 3600
            );
            drop(db);
            match update(path, options) {
                Ok(_) => VulnDb::open(path),
                Err(e) => {
                    tracing::warn!("{e}; scanning with the existing DB");
                    VulnDb::open(path)
                }
            }
        }
        // A DB from a newer seatbelt is not replaced behind the user's back.
        Err(e @ DbError::NewerSchema { .. }) => Err(e),
        Err(_) => {
            update(path, options)?;
            VulnDb::open(path)
        }
    }
}

/// Fetches `source` (URL or path) into `file`; returns its size and SHA-256 hex.
fn fetch(
    client: &reqwest::blocking::Client,
    source: &str,
    file: &Path,
    limit: u64,
) -> Result<(u64, String), DbError> {
    let fail = |reason: String| DbError::Download {
        url: source.to_string(),
        reason,
    };
    let mut body: Box<dyn Read> = if source.starts_with("http://") || source.starts_with("https://")
    {
        let response = client
            .get(source)
            .send()
            .map_err(|e| fail(format!("request failed: {}", chain(&e))))?;
        let status = response.status();
        if !status.is_success() {
            return Err(fail(format!("the server answered {status}")));
        }
        if let Some(length) = response.content_length() {
            if length > limit {
                return Err(fail(format!(
                    "{length} bytes announced, more than the {limit} allowed"
                )));
            }
        }
        Box::new(response)
    } else {
        let path = source.strip_prefix("file://").unwrap_or(source);
        Box::new(std::fs::File::open(path).map_err(|e| fail(format!("cannot open: {e}")))?)
    };
    let mut out = std::fs::File::create(file).map_err(DbError::io(file, "cannot create"))?;
    let mut hasher = Sha256::new();
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match body.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            // reqwest reports a body shorter than its Content-Length here.
            Err(e) => return Err(fail(format!("the download broke off (truncated?): {e}"))),
        };
        total += n as u64;
        if total > limit {
            return Err(fail(format!("more than the {limit} bytes allowed")));
        }
        let chunk = buf.get(..n).unwrap_or_default();
        hasher.update(chunk);
        out.write_all(chunk)
            .map_err(DbError::io(file, "cannot write"))?;
    }
    out.sync_all().map_err(DbError::io(file, "cannot sync"))?;
    Ok((total, hex::encode(hasher.finalize())))
}

fn load_checksum_file(
    client: &reqwest::blocking::Client,
    location: &str,
    dir: &Path,
) -> Result<Vec<(String, String)>, DbError> {
    let temp = TempDir::create(dir, "sums")?;
    let file = temp.0.join("SHA256SUMS");
    fetch(client, location, &file, MAX_CHECKSUM_FILE_BYTES)?;
    let text = std::fs::read_to_string(&file).map_err(|e| DbError::Download {
        url: location.to_string(),
        reason: format!("the checksum file is not text: {e}"),
    })?;
    let mut sums = Vec::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let mut parts = line.split_whitespace();
        let (Some(hash), Some(name)) = (parts.next(), parts.next()) else {
            continue;
        };
        let name = name.trim_start_matches('*');
        sums.push((parse_sha256(hash, location)?, name.to_string()));
    }
    Ok(sums)
}

fn parse_sha256(text: &str, source: &str) -> Result<String, DbError> {
    let hex = text
        .strip_prefix("sha256:")
        .unwrap_or(text)
        .to_ascii_lowercase();
    if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(hex)
    } else {
        Err(DbError::Download {
            url: source.to_string(),
            reason: format!("`{text}` is not a SHA-256 checksum (sha256:<64 hex digits>)"),
        })
    }
}

fn last_segment(source: &str) -> String {
    let path = source.split(['?', '#']).next().unwrap_or(source);
    let name = path
        .rsplit('/')
        .find(|s| !s.is_empty())
        .unwrap_or("download");
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
