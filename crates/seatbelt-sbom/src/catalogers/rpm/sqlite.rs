//! `var/lib/rpm/rpmdb.sqlite` (rpm 4.16+: Fedora 33+, RHEL 9, Amazon Linux 2023): the header
//! blobs of table `Packages(hnum, blob)`.
//!
//! The database is opened from memory (`sqlite3_deserialize`) rather than from a temp file: the
//! walk already holds the content, a temp file would need a writable directory and cleanup on
//! every exit path, and a read-only in-memory database cannot touch the host's disk at all.

use rusqlite::{Connection, OpenFlags};

/// The SQLite header's "file format write/read version" bytes: 2 means WAL. The in-memory VFS
/// cannot open WAL databases, and rpm leaves its database in WAL mode; once rpm has
/// checkpointed (it does on close) the main file is complete, so reading it as a rollback-journal
/// database is exact.
const FORMAT_VERSION_BYTES: std::ops::Range<usize> = 18..20;

/// Most installed packages any real image has, times a hundred: bounds the rows read.
const MAX_ROWS: usize = 1_000_000;

/// Every header blob in `Packages`, in `hnum` order.
pub(crate) fn header_blobs(content: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    if content.len() < 100 || !content.starts_with(b"SQLite format 3\0") {
        return Err("not an SQLite 3 database".into());
    }
    // `deserialize_read_exact` allocates through sqlite3_malloc, which takes an `int`.
    if i32::try_from(content.len()).is_err() {
        return Err(format!(
            "{} bytes is too large for an in-memory SQLite database",
            content.len()
        ));
    }
    let mut bytes = content.to_vec();
    for b in &mut bytes[FORMAT_VERSION_BYTES] {
        if *b == 2 {
            *b = 1;
        }
    }
    let mut conn = Connection::open_with_flags(
        ":memory:",
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| format!("opening an in-memory database: {e}"))?;
    let len = bytes.len();
    conn.deserialize_read_exact(rusqlite::MAIN_DB, bytes.as_slice(), len, true)
        .map_err(|e| format!("loading the database: {e}"))?;
    // A view named Packages could run an endless recursive query; only a table is linear.
    let kind: Option<String> = conn
        .query_row(
            "SELECT type FROM sqlite_master WHERE name = 'Packages'",
            [],
            |row| row.get(0),
        )
        .map_err(|e| format!("no Packages table: {e}"))?;
    if kind.as_deref() != Some("table") {
        return Err("Packages is not a table".into());
    }
    let mut stmt = conn
        .prepare("SELECT blob FROM Packages ORDER BY hnum")
        .map_err(|e| format!("no readable Packages table: {e}"))?;
    let rows = stmt
        .query_map([], |row| row.get::<_, Vec<u8>>(0))
        .map_err(|e| format!("reading Packages: {e}"))?;
    let mut out = Vec::new();
    for row in rows.take(MAX_ROWS) {
        out.push(row.map_err(|e| format!("reading a Packages row: {e}"))?);
    }
    Ok(out)
}
