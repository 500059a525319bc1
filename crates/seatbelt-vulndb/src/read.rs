//! The read side: [`VulnDb`] opens a built DB read-only and answers the scanner's lookups with
//! cached prepared statements, so matching thousands of packages costs index probes, not parses.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use seatbelt_types::FixState;

use crate::model::{Advisory, Affected, DbStatus, Epss, KevEntry, SeverityScore, SourceStatus};
use crate::schema::{meta, SCHEMA_VERSION};
use crate::DbError;

/// Keys per batched query: SQLite handles far longer lists, but a bounded parameter keeps one
/// query's memory small whatever the SBOM holds.
pub const BATCH: usize = 10_000;

/// The read connection's page cache, in KiB (negative `cache_size` means KiB): enough for the
/// indexes of a 10,000-package scan, well under the scan's memory budget.
const READ_CACHE_KIB: i64 = -32 * 1024;

/// How much of the DB file is read through a memory map (SQLite caps it at its own
/// compile-time maximum); larger files are read past it the usual way.
const READ_MMAP_BYTES: i64 = 1 << 30;

/// A JSON array of strings, the list parameter of the batched lookups (read with `json_each`,
/// built into SQLite, so no extension module is needed).
fn json_list(items: &[&str]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// A built vulnerability DB, opened read-only.
#[derive(Debug)]
pub struct VulnDb {
    conn: Connection,
    path: PathBuf,
    schema_version: u32,
    built_at: String,
    /// The file's identity when opened (see [`VulnDb::reopen`]).
    file_id: Option<(u64, u64)>,
}

/// Device and inode of `path`: an update renames a new file over the old one, which changes it.
fn file_id(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

impl VulnDb {
    /// Opens the DB at `path`, refusing a missing file, a file that is not a seatbelt DB, and a
    /// schema this build does not read.
    pub fn open(path: &Path) -> Result<VulnDb, DbError> {
        let file_id = file_id(path);
        match std::fs::metadata(path) {
            Ok(m) if m.is_file() => {}
            Ok(_) => {
                return Err(DbError::Corrupt {
                    path: path.to_path_buf(),
                    reason: "not a regular file".into(),
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(DbError::Missing {
                    path: path.to_path_buf(),
                })
            }
            Err(e) => return Err(DbError::io(path, "cannot read the DB file")(e)),
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| corrupt(path, &e))?;
        // Keep the shared lock (and SQLite's page cache) from the first read on, instead of taking
        // and dropping it around every lookup: a scan makes tens of thousands of small queries and
        // the per-query fcntl/fstat calls were most of its time. Safe because nothing ever writes
        // this file in place: imports and updates build a new file and rename it over this one.
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")
            .map_err(|e| corrupt(path, &e))?;
        // SQLite's default 2,000-page cache is smaller than the indexes a large scan walks;
        // pages are allocated only when read, so a small scan still stays small.
        conn.pragma_update(None, "cache_size", READ_CACHE_KIB)
            .map_err(|e| corrupt(path, &e))?;
        // Pages read through a memory map instead of copied into each connection's cache: the
        // two connections of a large scan then share the kernel's copy. Safe here for the
        // same reason as the lock above (a DB is replaced by rename, never truncated in place).
        conn.pragma_update(None, "mmap_size", READ_MMAP_BYTES)
            .map_err(|e| corrupt(path, &e))?;
        let (schema_version, built_at) = read_meta(&conn, path)?;
        if schema_version > SCHEMA_VERSION {
            return Err(DbError::NewerSchema {
                path: path.to_path_buf(),
                found: schema_version,
                supported: SCHEMA_VERSION,
            });
        }
        if schema_version < SCHEMA_VERSION {
            return Err(DbError::OlderSchema {
                path: path.to_path_buf(),
                found: schema_version,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(VulnDb {
            conn,
            path: path.to_path_buf(),
            schema_version,
            built_at,
            file_id,
        })
    }

    /// A second connection to the same DB (for a second thread). Refused when the file was
    /// replaced since this one was opened: both must answer from the same data.
    pub fn reopen(&self) -> Result<VulnDb, DbError> {
        let other = VulnDb::open(&self.path)?;
        if other.built_at != self.built_at || other.file_id != self.file_id {
            return Err(DbError::Corrupt {
                path: self.path.clone(),
                reason: "the DB was replaced while in use; open it again".into(),
            });
        }
        Ok(other)
    }

    /// `$SEATBELT_DB`, else `db` in seatbelt's cache directory ([`seatbelt_types::cache_dir`]).
    pub fn default_path() -> PathBuf {
        if let Some(path) = std::env::var_os("SEATBELT_DB").filter(|p| !p.is_empty()) {
            return PathBuf::from(path);
        }
        seatbelt_types::cache_dir().join("db")
    }

    /// The DB file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the file.
    pub fn schema_version(&self) -> u32 {
        self.schema_version
    }

    /// When the DB was built (RFC 3339).
    pub fn built_at(&self) -> &str {
        &self.built_at
    }

    /// Every affected-package record for `package` in `ecosystem` (the OSV name with release:
    /// "Debian:12", "PyPI"). The name is normalised here as at import, so callers may pass it as
    /// found.
    pub fn affected(&self, ecosystem: &str, package: &str) -> Result<Vec<Affected>, DbError> {
        let package = crate::normalize_package(ecosystem, package);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT advisory_id, ranges, versions, state, vendor_severity, source
                 FROM affected WHERE ecosystem = ?1 AND package = ?2",
            )
            .map_err(DbError::sqlite(&self.path, "preparing the affected lookup"))?;
        let rows = stmt
            .query_map(params![ecosystem, package], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, Option<String>>(4)?,
                    row.get::<_, String>(5)?,
                ))
            })
            .map_err(DbError::sqlite(&self.path, "looking up affected packages"))?;
        let mut out = Vec::new();
        for row in rows {
            let (advisory_id, ranges, versions, state, vendor_severity, source) =
                row.map_err(DbError::sqlite(&self.path, "reading an affected row"))?;
            out.push(Affected {
                ranges: self.json(&ranges, &advisory_id)?,
                versions: self.json(&versions, &advisory_id)?,
                state: self.json(&state, &advisory_id)?,
                advisory_id,
                ecosystem: ecosystem.to_string(),
                package: package.clone(),
                vendor_severity,
                source,
            });
        }
        Ok(out)
    }

    /// The advisory `id`, with its aliases, upstream and related ids.
    pub fn advisory(&self, id: &str) -> Result<Option<Advisory>, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT source, summary, details, published, modified, withdrawn,
                        database_severity, severity, refs
                 FROM advisory WHERE id = ?1",
            )
            .map_err(DbError::sqlite(&self.path, "preparing the advisory lookup"))?;
        let row = stmt
            .query_row(params![id], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, Option<String>>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, Option<String>>(4)?,
                    row.get::<_, Option<String>>(5)?,
                    row.get::<_, Option<String>>(6)?,
                    row.get::<_, String>(7)?,
                    row.get::<_, String>(8)?,
                ))
            })
            .optional()
            .map_err(DbError::sqlite(&self.path, "looking up an advisory"))?;
        let Some((source, summary, details, published, modified, withdrawn, db_sev, sev, refs)) =
            row
        else {
            return Ok(None);
        };
        let severity: Vec<SeverityScore> = self.json(&sev, id)?;
        let references: Vec<String> = self.json(&refs, id)?;
        let mut advisory = Advisory {
            id: id.to_string(),
            source,
            summary,
            details,
            published,
            modified,
            withdrawn,
            severity,
            database_severity: db_sev,
            references,
            ..Advisory::default()
        };
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT kind, other FROM alias WHERE advisory_id = ?1 ORDER BY kind, other",
            )
            .map_err(DbError::sqlite(&self.path, "preparing the alias lookup"))?;
        let rows = stmt
            .query_map(params![id], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })
            .map_err(DbError::sqlite(&self.path, "looking up aliases"))?;
        for row in rows {
            let (kind, other) = row.map_err(DbError::sqlite(&self.path, "reading an alias"))?;
            match kind.as_str() {
                "alias" => advisory.aliases.push(other),
                "upstream" => advisory.upstream.push(other),
                "related" => advisory.related.push(other),
                _ => {}
            }
        }
        Ok(Some(advisory))
    }

    /// [`VulnDb::affected`] for many packages of one ecosystem at once, in as many queries as
    /// [`BATCH`] allows instead of one per package; the result is aligned with `packages`.
    /// A scan of thousands of packages spends its time in per-query overhead otherwise.
    pub fn affected_many(
        &self,
        ecosystem: &str,
        packages: &[&str],
    ) -> Result<Vec<Vec<Affected>>, DbError> {
        // Rows keep their rowid until sorted: the single lookup returns a package's rows in
        // rowid order (its index order), and matching folds them in that order.
        let mut out: Vec<Vec<(i64, Affected)>> = vec![Vec::new(); packages.len()];
        // Normalised name -> positions asking for it (two spellings may normalise alike).
        let mut wanted: HashMap<String, Vec<usize>> = HashMap::with_capacity(packages.len());
        for (index, package) in packages.iter().enumerate() {
            wanted
                .entry(crate::normalize_package(ecosystem, package))
                .or_default()
                .push(index);
        }
        let names: Vec<&str> = wanted.keys().map(String::as_str).collect();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT package, advisory_id, ranges, versions, state, vendor_severity, source, rowid
                 FROM affected
                 WHERE ecosystem = ?1 AND package IN (SELECT value FROM json_each(?2))",
            )
            .map_err(DbError::sqlite(&self.path, "preparing the batched affected lookup"))?;
        for chunk in names.chunks(BATCH) {
            let list = json_list(chunk);
            let mut rows = stmt
                .query(params![ecosystem, list])
                .map_err(DbError::sqlite(&self.path, "looking up affected packages"))?;
            while let Some(row) = rows
                .next()
                .map_err(DbError::sqlite(&self.path, "reading an affected row"))?
            {
                let get = |e| DbError::sqlite(&self.path, "reading an affected row")(e);
                let package: String = row.get(0).map_err(get)?;
                let advisory_id: String = row.get(1).map_err(get)?;
                let rowid: i64 = row.get(7).map_err(get)?;
                let Some(positions) = wanted.get(&package) else {
                    continue;
                };
                let record = Affected {
                    ranges: self.json(text(row, 2).map_err(get)?, &advisory_id)?,
                    versions: self.json(text(row, 3).map_err(get)?, &advisory_id)?,
                    state: self.json(text(row, 4).map_err(get)?, &advisory_id)?,
                    vendor_severity: row.get(5).map_err(get)?,
                    source: row.get(6).map_err(get)?,
                    advisory_id,
                    ecosystem: ecosystem.to_string(),
                    package,
                };
                if let Some((last, rest)) = positions.split_last() {
                    for &index in rest {
                        if let Some(slot) = out.get_mut(index) {
                            slot.push((rowid, record.clone()));
                        }
                    }
                    if let Some(slot) = out.get_mut(*last) {
                        slot.push((rowid, record));
                    }
                }
            }
        }
        Ok(out
            .into_iter()
            .map(|mut rows| {
                rows.sort_unstable_by_key(|(rowid, _)| *rowid);
                rows.into_iter().map(|(_, record)| record).collect()
            })
            .collect())
    }

    /// Many advisories by id, aligned with `ids`, in a few queries; everything but `details`
    /// (the long text a scan never shows, left `None`).
    pub fn advisory_heads(&self, ids: &[&str]) -> Result<Vec<Option<Advisory>>, DbError> {
        let mut found: HashMap<String, Advisory> = HashMap::with_capacity(ids.len());
        let mut unique: Vec<&str> = ids.to_vec();
        unique.sort_unstable();
        unique.dedup();
        let mut heads = self
            .conn
            .prepare_cached(
                "SELECT id, source, summary, published, modified, withdrawn,
                        database_severity, severity, refs
                 FROM advisory WHERE id IN (SELECT value FROM json_each(?1))",
            )
            .map_err(DbError::sqlite(
                &self.path,
                "preparing the batched advisory lookup",
            ))?;
        let mut aliases = self
            .conn
            .prepare_cached(
                "SELECT advisory_id, kind, other FROM alias
                 WHERE advisory_id IN (SELECT value FROM json_each(?1))
                 ORDER BY advisory_id, kind, other",
            )
            .map_err(DbError::sqlite(
                &self.path,
                "preparing the batched alias lookup",
            ))?;
        for chunk in unique.chunks(BATCH) {
            let list = json_list(chunk);
            let mut rows = heads
                .query(params![list])
                .map_err(DbError::sqlite(&self.path, "looking up advisories"))?;
            while let Some(row) = rows
                .next()
                .map_err(DbError::sqlite(&self.path, "reading an advisory"))?
            {
                let get = |e| DbError::sqlite(&self.path, "reading an advisory")(e);
                let id: String = row.get(0).map_err(get)?;
                let severity: String = row.get(7).map_err(get)?;
                let refs: String = row.get(8).map_err(get)?;
                let advisory = Advisory {
                    source: row.get(1).map_err(get)?,
                    summary: row.get(2).map_err(get)?,
                    published: row.get(3).map_err(get)?,
                    modified: row.get(4).map_err(get)?,
                    withdrawn: row.get(5).map_err(get)?,
                    database_severity: row.get(6).map_err(get)?,
                    severity: self.json(&severity, &id)?,
                    references: self.json(&refs, &id)?,
                    id: id.clone(),
                    ..Advisory::default()
                };
                found.insert(id, advisory);
            }
            drop(rows);
            let mut rows = aliases
                .query(params![list])
                .map_err(DbError::sqlite(&self.path, "looking up aliases"))?;
            while let Some(row) = rows
                .next()
                .map_err(DbError::sqlite(&self.path, "reading an alias"))?
            {
                let get = |e| DbError::sqlite(&self.path, "reading an alias")(e);
                let id: String = row.get(0).map_err(get)?;
                let kind: String = row.get(1).map_err(get)?;
                let other: String = row.get(2).map_err(get)?;
                if let Some(advisory) = found.get_mut(&id) {
                    match kind.as_str() {
                        "alias" => advisory.aliases.push(other),
                        "upstream" => advisory.upstream.push(other),
                        "related" => advisory.related.push(other),
                        _ => {}
                    }
                }
            }
        }
        // Moved out, not cloned: a repeated id (rare) gets a copy of its first answer.
        let mut out: Vec<Option<Advisory>> = Vec::with_capacity(ids.len());
        let mut first: HashMap<&str, usize> = HashMap::new();
        for id in ids {
            let answer = match found.remove(*id) {
                Some(advisory) => {
                    first.insert(id, out.len());
                    Some(advisory)
                }
                None => first.get(id).and_then(|i| out.get(*i).cloned().flatten()),
            };
            out.push(answer);
        }
        Ok(out)
    }

    /// KEV entries of many CVEs, aligned with `cves`, in a few queries.
    pub fn kev_many(&self, cves: &[&str]) -> Result<Vec<Option<KevEntry>>, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT cve, vendor, product, name, date_added, due_date, known_ransomware, required_action
                 FROM kev WHERE cve IN (SELECT value FROM json_each(?1))",
            )
            .map_err(DbError::sqlite(&self.path, "preparing the batched KEV lookup"))?;
        let mut found: HashMap<String, KevEntry> = HashMap::new();
        for chunk in cves.chunks(BATCH) {
            let rows = stmt
                .query_map(params![json_list(chunk)], |row| {
                    Ok(KevEntry {
                        cve: row.get(0)?,
                        vendor: row.get(1)?,
                        product: row.get(2)?,
                        name: row.get(3)?,
                        date_added: row.get(4)?,
                        due_date: row.get(5)?,
                        known_ransomware: row.get(6)?,
                        required_action: row.get(7)?,
                    })
                })
                .map_err(DbError::sqlite(&self.path, "looking up KEV"))?;
            for row in rows {
                let entry = row.map_err(DbError::sqlite(&self.path, "reading KEV"))?;
                found.insert(entry.cve.clone(), entry);
            }
        }
        Ok(cves.iter().map(|c| found.get(*c).cloned()).collect())
    }

    /// EPSS scores of many CVEs, aligned with `cves`, in a few queries.
    pub fn epss_many(&self, cves: &[&str]) -> Result<Vec<Option<Epss>>, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT cve, score, percentile, date FROM epss
                 WHERE cve IN (SELECT value FROM json_each(?1))",
            )
            .map_err(DbError::sqlite(
                &self.path,
                "preparing the batched EPSS lookup",
            ))?;
        let mut found: HashMap<String, Epss> = HashMap::new();
        for chunk in cves.chunks(BATCH) {
            let rows = stmt
                .query_map(params![json_list(chunk)], |row| {
                    Ok(Epss {
                        cve: row.get(0)?,
                        score: row.get(1)?,
                        percentile: row.get(2)?,
                        date: row.get(3)?,
                    })
                })
                .map_err(DbError::sqlite(&self.path, "looking up EPSS"))?;
            for row in rows {
                let entry = row.map_err(DbError::sqlite(&self.path, "reading EPSS"))?;
                found.insert(entry.cve.clone(), entry);
            }
        }
        Ok(cves.iter().map(|c| found.get(*c).cloned()).collect())
    }

    /// Advisories naming `id` as an alias, upstream or related id (e.g. the DSAs of a CVE).
    pub fn referring(&self, id: &str) -> Result<Vec<(String, String)>, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT advisory_id, kind FROM alias WHERE other = ?1 ORDER BY advisory_id, kind",
            )
            .map_err(DbError::sqlite(
                &self.path,
                "preparing the reverse alias lookup",
            ))?;
        let rows = stmt
            .query_map(params![id], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(DbError::sqlite(
                &self.path,
                "looking up referring advisories",
            ))?;
        rows.collect::<Result<_, _>>()
            .map_err(DbError::sqlite(&self.path, "reading referring advisories"))
    }

    /// The KEV entry of `cve`.
    pub fn kev(&self, cve: &str) -> Result<Option<KevEntry>, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT vendor, product, name, date_added, due_date, known_ransomware, required_action
                 FROM kev WHERE cve = ?1",
            )
            .map_err(DbError::sqlite(&self.path, "preparing the KEV lookup"))?;
        stmt.query_row(params![cve], |row| {
            Ok(KevEntry {
                cve: cve.to_string(),
                vendor: row.get(0)?,
                product: row.get(1)?,
                name: row.get(2)?,
                date_added: row.get(3)?,
                due_date: row.get(4)?,
                known_ransomware: row.get(5)?,
                required_action: row.get(6)?,
            })
        })
        .optional()
        .map_err(DbError::sqlite(&self.path, "looking up KEV"))
    }

    /// The EPSS score of `cve`.
    pub fn epss(&self, cve: &str) -> Result<Option<Epss>, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT score, percentile, date FROM epss WHERE cve = ?1")
            .map_err(DbError::sqlite(&self.path, "preparing the EPSS lookup"))?;
        stmt.query_row(params![cve], |row| {
            Ok(Epss {
                cve: cve.to_string(),
                score: row.get(0)?,
                percentile: row.get(1)?,
                date: row.get(2)?,
            })
        })
        .optional()
        .map_err(DbError::sqlite(&self.path, "looking up EPSS"))
    }

    /// Schema version, build time, origins and per-source counts.
    pub fn status(&self) -> Result<DbStatus, DbError> {
        let err = |what: &'static str| DbError::sqlite(&self.path, what);
        let mut sources = Vec::new();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT a.source, COUNT(*), MAX(COALESCE(a.modified, a.published)),
                        (SELECT COUNT(*) FROM affected f WHERE f.source = a.source)
                 FROM advisory a GROUP BY a.source ORDER BY a.source",
            )
            .map_err(err("preparing the status query"))?;
        let rows = stmt
            .query_map([], |row| {
                Ok(SourceStatus {
                    source: row.get(0)?,
                    records: row.get(1)?,
                    newest: row.get(2)?,
                    affected: row.get(3)?,
                })
            })
            .map_err(err("counting advisories"))?;
        for row in rows {
            sources.push(row.map_err(err("counting advisories"))?);
        }
        for (name, sql) in [
            (
                crate::source::KEV,
                "SELECT COUNT(*), MAX(date_added) FROM kev",
            ),
            (crate::source::EPSS, "SELECT COUNT(*), MAX(date) FROM epss"),
        ] {
            let (records, newest): (u64, Option<String>) = self
                .conn
                .query_row(sql, [], |row| Ok((row.get(0)?, row.get(1)?)))
                .map_err(err("counting KEV and EPSS entries"))?;
            if records > 0 {
                sources.push(SourceStatus {
                    source: name.to_string(),
                    records,
                    affected: 0,
                    newest,
                });
            }
        }
        // Placeholder dates (Go's repository copies say 0001-01-01) are not news.
        let newest = sources
            .iter()
            .filter_map(|s| s.newest.clone())
            .filter(|d| !d.starts_with("0001"))
            .max();
        let origins: Vec<String> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                params![meta::ORIGINS],
                |row| row.get::<_, String>(0),
            )
            .optional()
            .map_err(err("reading the origins"))?
            .map(|s| serde_json::from_str(&s).unwrap_or_default())
            .unwrap_or_default();
        let size = std::fs::metadata(&self.path)
            .map_err(DbError::io(&self.path, "cannot stat the DB"))?
            .len();
        Ok(DbStatus {
            path: self.path.clone(),
            schema_version: self.schema_version,
            built_at: self.built_at.clone(),
            origins,
            sources,
            newest,
            size,
        })
    }

    /// Time since the DB was built; zero when `built_at` lies in the future.
    pub fn age(&self) -> Result<Duration, DbError> {
        let built: jiff::Timestamp = self.built_at.parse().map_err(|e| DbError::Corrupt {
            path: self.path.clone(),
            reason: format!("built_at `{}` is not an RFC 3339 time: {e}", self.built_at),
        })?;
        let now = jiff::Timestamp::now();
        let secs = now.as_second().saturating_sub(built.as_second());
        Ok(Duration::from_secs(u64::try_from(secs).unwrap_or(0)))
    }

    fn json<T: serde::de::DeserializeOwned>(&self, text: &str, id: &str) -> Result<T, DbError> {
        serde_json::from_str(text).map_err(|e| DbError::Corrupt {
            path: self.path.clone(),
            reason: format!("a stored value of {id} does not decode: {e}"),
        })
    }
}

/// Whether an affected record says the package is exposed at all (for callers' quick filters).
pub fn is_exposed(state: FixState) -> bool {
    state != FixState::NotAffected
}

/// A text column without copying it.
fn text<'r>(row: &'r rusqlite::Row<'_>, index: usize) -> rusqlite::Result<&'r str> {
    row.get_ref(index)?.as_str().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn corrupt(path: &Path, e: &rusqlite::Error) -> DbError {
    DbError::Corrupt {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

fn read_meta(conn: &Connection, path: &Path) -> Result<(u32, String), DbError> {
    let get = |key: &str| -> Result<Option<String>, DbError> {
        conn.query_row(
            "SELECT value FROM meta WHERE key = ?1",
            params![key],
            |row| row.get::<_, String>(0),
        )
        .optional()
        .map_err(|e| corrupt(path, &e))
    };
    let version = get(meta::SCHEMA_VERSION)?.ok_or_else(|| DbError::Corrupt {
        path: path.to_path_buf(),
        reason: "no schema_version in the meta table".into(),
    })?;
    let version: u32 = version.trim().parse().map_err(|_| DbError::Corrupt {
        path: path.to_path_buf(),
        reason: format!("schema_version `{version}` is not a number"),
    })?;
    let built_at = get(meta::BUILT_AT)?.unwrap_or_default();
    Ok((version, built_at))
}
