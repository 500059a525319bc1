//! Building a DB beside the live one and swapping it in: a lock file so two builds never race,
//! a private temp file, fsync, then one `rename`. Readers see the old DB or the new one, never a
//! half-written file; a build killed at any point leaves the old DB untouched.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::import::{import_path, ImportReport};
use crate::store::Store;
use crate::{DbError, VulnDb};

/// How `import` treats the existing DB.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Start from an empty DB instead of adding to a copy of the current one.
    pub fresh: bool,
}

/// Imports `inputs` into the DB at `db` (see the module docs for the swap).
pub fn import(
    db: &Path,
    inputs: &[PathBuf],
    options: &ImportOptions,
) -> Result<ImportReport, DbError> {
    let origins: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    rebuild(db, options.fresh, &origins, |store, report| {
        for input in inputs {
            import_path(input, store, report)?;
        }
        Ok(())
    })
}

/// Runs `fill` on a new DB file (empty, or a copy of the current DB unless `fresh`), then
/// swaps it in.
pub(crate) fn rebuild(
    db: &Path,
    fresh: bool,
    origins: &[String],
    fill: impl FnOnce(&mut Store, &mut ImportReport) -> Result<(), DbError>,
) -> Result<ImportReport, DbError> {
    let dir = parent(db);
    std::fs::create_dir_all(&dir).map_err(DbError::io(&dir, "cannot create the DB directory"))?;
    let _lock = Lock::acquire(db)?;
    remove_stale_temps(db);
    let temp = TempFile(temp_path(db));
    let mut store = if !fresh && db.exists() {
        // Validates the schema first: never extend a file this build does not understand.
        drop(VulnDb::open(db)?);
        std::fs::copy(db, &temp.0).map_err(DbError::io(&temp.0, "cannot copy the DB"))?;
        Store::reopen(&temp.0)?
    } else {
        Store::create(&temp.0)?
    };
    let mut report = ImportReport::default();
    fill(&mut store, &mut report)?;
    store.finish(origins, &now())?;
    persist(&temp, db)?;
    std::mem::forget(temp);
    // Proves the new file reads back before anyone else opens it.
    VulnDb::open(db)?;
    Ok(report)
}

/// Moves a finished file over `db` durably.
pub(crate) fn persist(temp: &TempFile, db: &Path) -> Result<(), DbError> {
    File::open(&temp.0)
        .and_then(|f| f.sync_all())
        .map_err(DbError::io(&temp.0, "cannot sync the new DB"))?;
    std::fs::rename(&temp.0, db).map_err(DbError::io(db, "cannot move the new DB into place"))?;
    let dir = parent(db);
    // Persists the rename itself; not every platform can open a directory, so best effort.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// The current time as RFC 3339, to the second.
pub(crate) fn now() -> String {
    let now = jiff::Timestamp::now();
    jiff::Timestamp::from_second(now.as_second())
        .unwrap_or(now)
        .to_string()
}

fn parent(db: &Path) -> PathBuf {
    match db.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn file_name(db: &Path) -> String {
    db.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "db".into())
}

pub(crate) fn temp_path(db: &Path) -> PathBuf {
    parent(db).join(format!(".{}.new-{}", file_name(db), std::process::id()))
}

/// Temp files of builds that were killed; only called with the lock held, so none is live.
fn remove_stale_temps(db: &Path) {
    let prefix = format!(".{}.new-", file_name(db));
    if let Ok(entries) = std::fs::read_dir(parent(db)) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// A file removed on drop unless forgotten (after it was renamed into place).
pub(crate) struct TempFile(pub(crate) PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A private directory beside the DB, removed with its contents on drop.
pub(crate) struct TempDir(pub(crate) PathBuf);

impl TempDir {
    pub(crate) fn create(dir: &Path, purpose: &str) -> Result<TempDir, DbError> {
        let path = dir.join(format!(".seatbelt-{purpose}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .map_err(DbError::io(&path, "cannot create a temp directory"))?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An exclusive advisory lock on `<db>.lock`; the kernel releases it when the process dies, so a
/// killed build never blocks the next one.
pub(crate) struct Lock {
    _file: File,
}

impl Lock {
    pub(crate) fn acquire(db: &Path) -> Result<Lock, DbError> {
        let lock = parent(db).join(format!("{}.lock", file_name(db)));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock)
            .map_err(DbError::io(&lock, "cannot create the lock file"))?;
        match file.try_lock() {
            Ok(()) => Ok(Lock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(DbError::Locked {
                path: db.to_path_buf(),
                lock,
            }),
            Err(std::fs::TryLockError::Error(e)) => {
                Err(DbError::io(&lock, "cannot lock the lock file")(e))
            }
        }
    }
}
