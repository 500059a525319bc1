//! Reading advisory inputs: files, directories and archives, their format sniffed from the
//! content. Parsers are pure (bytes in, records out); [`Sink`] is where records go.

mod alpine;
mod bounded;
mod debian;
mod epss;
mod kev;
mod nodejs_wg;
mod osv;
mod report;
mod zip;

use std::io::Read;
use std::path::Path;

use serde_json::Value;

pub use report::{ImportReport, InputReport};

use crate::model::{AdvisoryRecord, Epss, KevEntry};
use crate::DbError;

/// The parsers, public for fuzzing and for tools that want records without a DB.
pub mod parsers {
    pub use super::alpine::{parse as alpine_secdb, MAX_PACKAGES as MAX_ALPINE_PACKAGES};
    pub use super::debian::{parse as debian_tracker, RELEASES as DEBIAN_RELEASES};
    pub use super::epss::{parse as epss_csv, MAX_EPSS_ROWS};
    pub use super::kev::{parse as kev_catalog, MAX_KEV_ENTRIES};
    pub use super::nodejs_wg::parse as nodejs_wg;
    pub use super::osv::{
        parse as osv_record, MAX_AFFECTED_PER_RECORD, MAX_EVENTS_PER_RANGE, MAX_LIST,
        MAX_RANGES_PER_AFFECTED, MAX_VERSIONS_PER_AFFECTED,
    };
    pub use super::zip::{MAX_ZIP_ENTRIES, MAX_ZIP_ENTRY_BYTES, MAX_ZIP_TOTAL_BYTES};
    pub use super::{MAX_DECOMPRESSED_BYTES, MAX_DOCUMENT_BYTES};
}

/// Largest single document read into memory (one JSON file, one zip entry, one decompressed
/// CSV). The Debian tracker JSON, the largest real input, is about 90 MiB.
pub const MAX_DOCUMENT_BYTES: u64 = 512 * 1024 * 1024;
/// Largest decompressed gzip input (EPSS today is ~15 MiB uncompressed).
pub const MAX_DECOMPRESSED_BYTES: u64 = 512 * 1024 * 1024;
/// Error messages kept per input; the rest are only counted.
const MAX_MESSAGES: usize = 20;

/// Why one record or document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    message: String,
}

impl ParseError {
    pub(crate) fn new(message: impl Into<String>) -> ParseError {
        ParseError {
            message: message.into(),
        }
    }

    pub(crate) fn json(e: serde_json::Error) -> ParseError {
        ParseError::new(format!("invalid JSON or unexpected shape: {e}"))
    }
}

/// What a multi-record parser produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    /// The good records (empty when a streaming parser handed them on as it went).
    pub items: Vec<T>,
    /// Records handed on by a streaming parser instead of kept in `items`.
    pub imported: u64,
    /// Records that did not decode.
    pub malformed: u64,
    /// Records skipped on purpose (e.g. releases without a number).
    pub skipped: u64,
    /// The first few reasons.
    pub messages: Vec<String>,
}

impl<T> Default for Parsed<T> {
    fn default() -> Self {
        Parsed {
            items: Vec::new(),
            imported: 0,
            malformed: 0,
            skipped: 0,
            messages: Vec::new(),
        }
    }
}

impl<T> Parsed<T> {
    pub(crate) fn malformed(&mut self, message: String) {
        self.malformed += 1;
        if self.messages.len() < MAX_MESSAGES {
            self.messages.push(message);
        }
    }
}

/// Where parsed records go (the DB writer, or a test collector).
pub(crate) trait Sink {
    /// Stores one advisory with its affected packages.
    fn advisory(&mut self, record: &AdvisoryRecord) -> Result<(), DbError>;
    /// Replaces the KEV catalog.
    fn kev(&mut self, entries: &[KevEntry]) -> Result<(), DbError>;
    /// Replaces the EPSS scores.
    fn epss(&mut self, entries: &[Epss]) -> Result<(), DbError>;
}

/// The formats the importer knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    /// One OSV record.
    Osv,
    /// Alpine secdb.
    AlpineSecdb,
    /// The Debian security tracker JSON.
    DebianTracker,
    /// CISA KEV.
    Kev,
    /// EPSS CSV.
    Epss,
    /// A Node.js security WG npm advisory.
    NodejsWg,
    /// Not recognised.
    Unknown,
}

impl Format {
    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Osv => "osv",
            Format::AlpineSecdb => "alpine-secdb",
            Format::DebianTracker => "debian-tracker",
            Format::Kev => "kev",
            Format::Epss => "epss",
            Format::NodejsWg => "nodejs-security-wg",
            Format::Unknown => "unknown",
        }
    }
}

/// Imports everything at `path` (a file, a directory walked recursively, a zip or gzip file)
/// into `sink`, counting into `report` under the input's own name. Record-level problems are
/// counted; I/O failures and broken archives are errors, because a half-read archive would
/// silently drop advisories.
pub(crate) fn import_path(
    path: &Path,
    sink: &mut dyn Sink,
    report: &mut ImportReport,
) -> Result<(), DbError> {
    let input = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(DbError::io(path, "cannot read the input"))?;
    if meta.is_dir() {
        let mut files: Vec<_> = walkdir::WalkDir::new(path)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| DbError::Input {
                path: input.clone(),
                reason: format!("cannot walk the directory: {e}"),
            })?;
        // In a directory only files with advisory-like names are read: READMEs and licences
        // beside the data are not inputs. Files named on the command line are always sniffed.
        files.retain(|e| {
            e.file_type().is_file()
                && e.path()
                    .extension()
                    .and_then(|x| x.to_str())
                    .is_some_and(|x| matches!(x, "json" | "zip" | "csv" | "gz"))
        });
        for entry in files {
            import_file(entry.path(), &input, sink, report)?;
        }
        Ok(())
    } else {
        import_file(path, &input, sink, report)
    }
}

fn import_file(
    path: &Path,
    input: &str,
    sink: &mut dyn Sink,
    report: &mut ImportReport,
) -> Result<(), DbError> {
    let mut file = std::fs::File::open(path).map_err(DbError::io(path, "cannot open the input"))?;
    let mut magic = [0u8; 4];
    let n = read_up_to(&mut file, &mut magic).map_err(DbError::io(path, "cannot read"))?;
    let magic = magic.get(..n).unwrap_or_default();
    if magic.starts_with(b"PK\x03\x04") || magic.starts_with(b"PK\x05\x06") {
        return zip::import(path, input, sink, report);
    }
    drop(file);
    let name = path.display().to_string();
    let bytes = read_bounded(path, MAX_DOCUMENT_BYTES)?;
    import_bytes(&bytes, &name, input, sink, report)
}

/// Imports one document already in memory (a file, a zip entry).
pub(crate) fn import_bytes(
    bytes: &[u8],
    name: &str,
    input: &str,
    sink: &mut dyn Sink,
    report: &mut ImportReport,
) -> Result<(), DbError> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        let read = flate2::read::MultiGzDecoder::new(bytes)
            .take(MAX_DECOMPRESSED_BYTES + 1)
            .read_to_end(&mut out);
        return match read {
            Ok(n) if n as u64 > MAX_DECOMPRESSED_BYTES => Err(DbError::Input {
                path: name.to_string(),
                reason: format!(
                    "decompresses to more than {MAX_DECOMPRESSED_BYTES} bytes; refusing it as a decompression bomb"
                ),
            }),
            Ok(_) => import_bytes(&out, name, input, sink, report),
            Err(e) => Err(DbError::Input {
                path: name.to_string(),
                reason: format!("the gzip stream is corrupt or truncated: {e}"),
            }),
        };
    }
    if epss::looks_like(bytes) {
        let result = epss::parse(bytes);
        return match result {
            Ok(parsed) => {
                sink.epss(&parsed.items)?;
                report.add(input, Format::Epss, &parsed, name);
                Ok(())
            }
            Err(e) => {
                report.failed(input, Format::Epss, name, &e.to_string());
                Ok(())
            }
        };
    }
    if debian::looks_like_bytes(bytes) {
        let format = Format::DebianTracker;
        let mut stored = 0u64;
        let streamed = debian::stream(bytes, &mut |record| {
            stored += 1;
            sink.advisory(&record)
        });
        match streamed {
            Ok(parsed) => report.add(input, format, &parsed, name),
            Err(debian::StreamError::Sink(e)) => return Err(e),
            // Records before the break are kept (each is whole); the count says so.
            Err(debian::StreamError::Parse(e)) => {
                let partial = Parsed::<AdvisoryRecord> {
                    imported: stored,
                    ..Parsed::default()
                };
                report.add(input, format, &partial, name);
                report.failed(
                    input,
                    format,
                    name,
                    &format!("{e} (the {stored} records before it were imported)"),
                );
            }
        }
        return Ok(());
    }
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            report.failed(
                input,
                Format::Unknown,
                name,
                &format!("not JSON, CSV, gzip or zip: {e}"),
            );
            return Ok(());
        }
    };
    let format = sniff(&value);
    match format {
        Format::Osv => match osv::from_value(value) {
            Ok(record) => {
                sink.advisory(&record)?;
                report.one(input, format);
            }
            Err(e) => report.failed(input, format, name, &e.to_string()),
        },
        Format::NodejsWg => match nodejs_wg::from_value(value) {
            Ok(Some(record)) => {
                sink.advisory(&record)?;
                report.one(input, format);
            }
            Ok(None) => report.skip(input, format),
            Err(e) => report.failed(input, format, name, &e.to_string()),
        },
        Format::AlpineSecdb | Format::DebianTracker => {
            let parsed = if format == Format::AlpineSecdb {
                alpine::from_value(value)
            } else {
                debian::from_value(value)
            };
            match parsed {
                Ok(parsed) => {
                    for record in &parsed.items {
                        sink.advisory(record)?;
                    }
                    report.add(input, format, &parsed, name);
                }
                Err(e) => report.failed(input, format, name, &e.to_string()),
            }
        }
        Format::Kev => match kev::from_value(value) {
            Ok(parsed) => {
                sink.kev(&parsed.items)?;
                report.add(input, format, &parsed, name);
            }
            Err(e) => report.failed(input, format, name, &e.to_string()),
        },
        Format::Epss | Format::Unknown => report.failed(
            input,
            Format::Unknown,
            name,
            "JSON of no known format (OSV, Alpine secdb, Debian tracker, KEV, Node.js WG)",
        ),
    }
    Ok(())
}

/// Decides the format of a JSON document from its keys.
pub fn sniff(value: &Value) -> Format {
    let Value::Object(map) = value else {
        return Format::Unknown;
    };
    if map.contains_key("vulnerabilities") && map.contains_key("catalogVersion") {
        Format::Kev
    } else if map.contains_key("distroversion") && map.contains_key("packages") {
        Format::AlpineSecdb
    } else if map.contains_key("module_name") && map.contains_key("vulnerable_versions") {
        Format::NodejsWg
    } else if map.contains_key("id")
        && (map.contains_key("modified")
            || map.contains_key("affected")
            || map.contains_key("schema_version"))
    {
        Format::Osv
    } else if debian::looks_like(map) {
        Format::DebianTracker
    } else {
        Format::Unknown
    }
}

fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let Some(rest) = buf.get_mut(filled..) else {
            break;
        };
        match reader.read(rest) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, DbError> {
    let file = std::fs::File::open(path).map_err(DbError::io(path, "cannot open the input"))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(DbError::io(path, "cannot read the input"))?;
    if bytes.len() as u64 > limit {
        return Err(DbError::Input {
            path: path.display().to_string(),
            reason: format!("larger than {limit} bytes; no advisory document is this big"),
        });
    }
    Ok(bytes)
}
