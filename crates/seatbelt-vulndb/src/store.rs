//! The write side: a DB file being built (never the one readers use), one transaction, records
//! replaced per advisory so re-importing a source updates it instead of duplicating it.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection};

use crate::import::Sink;
use crate::model::{source, AdvisoryRecord, Epss, KevEntry};
use crate::schema::{meta, CREATE, SCHEMA_VERSION};
use crate::DbError;

/// An open DB under construction.
pub(crate) struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Creates an empty DB at `path` (which must not exist).
    pub(crate) fn create(path: &Path) -> Result<Store, DbError> {
        let store = Store::open(path)?;
        store
            .conn
            .execute_batch(CREATE)
            .map_err(DbError::sqlite(path, "creating the schema"))?;
        store.set_meta(meta::SCHEMA_VERSION, &SCHEMA_VERSION.to_string())?;
        store.set_meta(meta::ORIGINS, "[]")?;
        store.begin()?;
        Ok(store)
    }

    /// Opens a copy of an existing DB to add to.
    pub(crate) fn reopen(path: &Path) -> Result<Store, DbError> {
        let store = Store::open(path)?;
        store.begin()?;
        Ok(store)
    }

    fn open(path: &Path) -> Result<Store, DbError> {
        let conn = Connection::open(path).map_err(DbError::sqlite(path, "creating the DB"))?;
        // The file is private until it is renamed into place, and thrown away if anything
        // fails, so durability during the build buys nothing; fsync happens once at the end.
        conn.execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE;
             PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;",
        )
        .map_err(DbError::sqlite(path, "setting up the DB"))?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn begin(&self) -> Result<(), DbError> {
        self.conn
            .execute_batch("BEGIN")
            .map_err(DbError::sqlite(&self.path, "starting the import"))
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<(), DbError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                params![key, value],
            )
            .map(drop)
            .map_err(DbError::sqlite(&self.path, "writing meta"))
    }

    /// Commits, records what was imported and when, and closes the file ready to be synced
    /// and renamed.
    pub(crate) fn finish(self, origins: &[String], built_at: &str) -> Result<(), DbError> {
        let old: Vec<String> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                params![meta::ORIGINS],
                |row| row.get::<_, String>(0),
            )
            .ok()
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default();
        let mut all = old;
        for origin in origins {
            if !all.contains(origin) {
                all.push(origin.clone());
            }
        }
        let all = serde_json::to_string(&all).unwrap_or_else(|_| "[]".into());
        self.set_meta(meta::ORIGINS, &all)?;
        self.set_meta(meta::BUILT_AT, built_at)?;
        self.set_meta(meta::SCHEMA_VERSION, &SCHEMA_VERSION.to_string())?;
        self.conn
            .execute_batch("COMMIT; PRAGMA optimize; PRAGMA journal_mode = DELETE;")
            .map_err(DbError::sqlite(&self.path, "committing the import"))?;
        self.conn
            .close()
            .map_err(|(_, e)| DbError::sqlite(&self.path, "closing the DB")(e))
    }
}

impl Sink for Store {
    fn advisory(&mut self, record: &AdvisoryRecord) -> Result<(), DbError> {
        let a = &record.advisory;
        let err = |what: &'static str| DbError::sqlite(&self.path, what);
        // Distro trackers name advisories by CVE and say little about them; they must not
        // overwrite a richer record of the same id (they only fill in missing text), and their rows are replaced per package.
        let tracker = a.source == source::DEBIAN_TRACKER || a.source == source::ALPINE_SECDB;
        let insert = if tracker {
            "INSERT INTO advisory (id, source, summary, details, published, modified, withdrawn, database_severity, severity, refs)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT(id) DO UPDATE SET summary = COALESCE(summary, excluded.summary),
                                           details = COALESCE(details, excluded.details)"
        } else {
            "INSERT OR REPLACE INTO advisory (id, source, summary, details, published, modified, withdrawn, database_severity, severity, refs)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        };
        let severity = serde_json::to_string(&a.severity).unwrap_or_else(|_| "[]".into());
        let refs = serde_json::to_string(&a.references).unwrap_or_else(|_| "[]".into());
        self.conn
            .prepare_cached(insert)
            .and_then(|mut s| {
                s.execute(params![
                    a.id,
                    a.source,
                    a.summary,
                    a.details,
                    a.published,
                    a.modified,
                    a.withdrawn,
                    a.database_severity,
                    severity,
                    refs
                ])
            })
            .map_err(err("storing an advisory"))?;
        if !tracker {
            self.conn
                .prepare_cached("DELETE FROM alias WHERE advisory_id = ?1")
                .and_then(|mut s| s.execute(params![a.id]))
                .map_err(err("replacing aliases"))?;
            self.conn
                .prepare_cached("DELETE FROM affected WHERE advisory_id = ?1 AND source = ?2")
                .and_then(|mut s| s.execute(params![a.id, a.source]))
                .map_err(err("replacing affected packages"))?;
        }
        {
            let mut stmt = self
                .conn
                .prepare_cached(
                    "INSERT OR IGNORE INTO alias (advisory_id, kind, other) VALUES (?1, ?2, ?3)",
                )
                .map_err(err("storing aliases"))?;
            for (kind, list) in [
                ("alias", &a.aliases),
                ("upstream", &a.upstream),
                ("related", &a.related),
            ] {
                for other in list {
                    stmt.execute(params![a.id, kind, other])
                        .map_err(err("storing aliases"))?;
                }
            }
        }
        let mut delete = self
            .conn
            .prepare_cached(
                "DELETE FROM affected WHERE advisory_id = ?1 AND source = ?2 AND ecosystem = ?3 AND package = ?4",
            )
            .map_err(err("replacing affected packages"))?;
        let mut insert = self
            .conn
            .prepare_cached(
                "INSERT INTO affected (ecosystem, package, advisory_id, ranges, versions, state, vendor_severity, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .map_err(err("storing affected packages"))?;
        for f in &record.affected {
            if tracker {
                delete
                    .execute(params![f.advisory_id, f.source, f.ecosystem, f.package])
                    .map_err(err("replacing affected packages"))?;
            }
            let ranges = serde_json::to_string(&f.ranges).unwrap_or_else(|_| "[]".into());
            let versions = serde_json::to_string(&f.versions).unwrap_or_else(|_| "[]".into());
            let state = serde_json::to_string(&f.state).unwrap_or_else(|_| "\"unfixed\"".into());
            insert
                .execute(params![
                    f.ecosystem,
                    f.package,
                    f.advisory_id,
                    ranges,
                    versions,
                    state,
                    f.vendor_severity,
                    f.source
                ])
                .map_err(err("storing affected packages"))?;
        }
        Ok(())
    }

    fn kev(&mut self, entries: &[KevEntry]) -> Result<(), DbError> {
        let err = |what: &'static str| DbError::sqlite(&self.path, what);
        // The catalog is published whole: a new one replaces the old.
        self.conn
            .execute("DELETE FROM kev", [])
            .map_err(err("replacing KEV"))?;
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT OR REPLACE INTO kev (cve, vendor, product, name, date_added, due_date, known_ransomware, required_action)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .map_err(err("storing KEV"))?;
        for e in entries {
            stmt.execute(params![
                e.cve,
                e.vendor,
                e.product,
                e.name,
                e.date_added,
                e.due_date,
                e.known_ransomware,
                e.required_action
            ])
            .map_err(err("storing KEV"))?;
        }
        Ok(())
    }

    fn epss(&mut self, entries: &[Epss]) -> Result<(), DbError> {
        let err = |what: &'static str| DbError::sqlite(&self.path, what);
        self.conn
            .execute("DELETE FROM epss", [])
            .map_err(err("replacing EPSS"))?;
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT OR REPLACE INTO epss (cve, score, percentile, date) VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(err("storing EPSS"))?;
        for e in entries {
            stmt.execute(params![e.cve, e.score, e.percentile, e.date])
                .map_err(err("storing EPSS"))?;
        }
        Ok(())
    }
}
