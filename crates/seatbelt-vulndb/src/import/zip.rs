//! Zip archives as osv.dev publishes them (`<Ecosystem>/all.zip`, one OSV JSON per entry), read
//! entry by entry with limits on entry size, total size and entry count against zip bombs.

use std::io::Read;
use std::path::Path;

use super::{import_bytes, ImportReport, Sink};
use crate::DbError;

/// Most entries in one archive: osv.dev's largest ecosystem export (Debian) has ~60,000.
pub const MAX_ZIP_ENTRIES: usize = 2_000_000;
/// Largest uncompressed entry: one OSV record is at most a few MiB.
pub const MAX_ZIP_ENTRY_BYTES: u64 = 64 * 1024 * 1024;
/// Largest total uncompressed size: osv.dev's exports together are a few GiB.
pub const MAX_ZIP_TOTAL_BYTES: u64 = 16 * 1024 * 1024 * 1024;

pub(crate) fn import(
    path: &Path,
    input: &str,
    sink: &mut dyn Sink,
    report: &mut ImportReport,
) -> Result<(), DbError> {
    let broken = |reason: String| DbError::Input {
        path: path.display().to_string(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(DbError::io(path, "cannot open the archive"))?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| {
        broken(format!(
            "not a readable zip archive (truncated download?): {e}; fetch it again"
        ))
    })?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(broken(format!(
            "{} entries, more than the {MAX_ZIP_ENTRIES} allowed",
            archive.len()
        )));
    }
    let mut total: u64 = 0;
    let mut bytes = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| broken(format!("entry {index}: {e}")))?;
        if entry.is_dir() {
            continue;
        }
        let name = format!("{}!{}", path.display(), entry.name());
        // The declared size is a claim; the bounded read below is what enforces the limit.
        if entry.size() > MAX_ZIP_ENTRY_BYTES {
            return Err(broken(format!(
                "entry {} claims {} bytes uncompressed, more than the {MAX_ZIP_ENTRY_BYTES} allowed (a zip bomb?)",
                entry.name(),
                entry.size()
            )));
        }
        bytes.clear();
        (&mut entry)
            .take(MAX_ZIP_ENTRY_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| broken(format!("entry {}: corrupt or truncated: {e}", entry.name())))?;
        if bytes.len() as u64 > MAX_ZIP_ENTRY_BYTES {
            return Err(broken(format!(
                "entry {} inflates past {MAX_ZIP_ENTRY_BYTES} bytes (a zip bomb?)",
                entry.name()
            )));
        }
        total += bytes.len() as u64;
        if total > MAX_ZIP_TOTAL_BYTES {
            return Err(broken(format!(
                "inflates past {MAX_ZIP_TOTAL_BYTES} bytes in total (a zip bomb?)"
            )));
        }
        if bytes.starts_with(b"PK") {
            report.failed(
                input,
                super::Format::Unknown,
                &name,
                "nested archives are not read",
            );
            continue;
        }
        import_bytes(&bytes, &name, input, sink, report)?;
    }
    Ok(())
}
