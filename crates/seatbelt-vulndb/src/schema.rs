//! The SQLite schema and its version. Bump [`SCHEMA_VERSION`] on any change a reader would
//! misread; older binaries then refuse the file and tell the user to upgrade.

/// The schema this build writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

/// Tables and indexes. Lists (ranges, versions, references, scores) are compact JSON: they are
/// read whole with their row and never queried inside, so columns would only cost joins.
pub(crate) const CREATE: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE advisory (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    summary TEXT,
    details TEXT,
    published TEXT,
    modified TEXT,
    withdrawn TEXT,
    database_severity TEXT,
    severity TEXT NOT NULL,
    refs TEXT NOT NULL
);
CREATE INDEX advisory_by_source ON advisory(source);
-- aliases, upstream and related ids: looked up both ways (id -> others, CVE -> advisories).
CREATE TABLE alias (
    advisory_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    other TEXT NOT NULL,
    PRIMARY KEY (advisory_id, kind, other)
) WITHOUT ROWID;
CREATE INDEX alias_by_other ON alias(other);
CREATE TABLE affected (
    ecosystem TEXT NOT NULL,
    package TEXT NOT NULL,
    advisory_id TEXT NOT NULL,
    ranges TEXT NOT NULL,
    versions TEXT NOT NULL,
    state TEXT NOT NULL,
    vendor_severity TEXT,
    source TEXT NOT NULL
);
CREATE INDEX affected_by_package ON affected(ecosystem, package);
CREATE INDEX affected_by_advisory ON affected(advisory_id);
CREATE TABLE kev (
    cve TEXT PRIMARY KEY,
    vendor TEXT NOT NULL,
    product TEXT NOT NULL,
    name TEXT NOT NULL,
    date_added TEXT NOT NULL,
    due_date TEXT NOT NULL,
    known_ransomware TEXT,
    required_action TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE epss (
    cve TEXT PRIMARY KEY,
    score REAL NOT NULL,
    percentile REAL NOT NULL,
    date TEXT
) WITHOUT ROWID;
";

/// `meta` keys.
pub(crate) mod meta {
    pub(crate) const SCHEMA_VERSION: &str = "schema_version";
    pub(crate) const BUILT_AT: &str = "built_at";
    pub(crate) const ORIGINS: &str = "origins";
}
