//! Import into a real DB file and read it back: every source format, alias lookups both ways,
//! malformed records counted, copy-on-write re-import, schema and corruption refusals.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use seatbelt_types::{FixState, RangeEvent};
use seatbelt_vulndb::{import, DbError, ImportOptions, VulnDb};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn build(dir: &Path) -> (PathBuf, seatbelt_vulndb::ImportReport) {
    let db = dir.join("db");
    let report = import(&db, &[fixtures()], &ImportOptions::default()).unwrap();
    (db, report)
}

#[test]
fn imports_every_format_and_answers_lookups() {
    let dir = tempfile::tempdir().unwrap();
    let (db_path, report) = build(dir.path());
    let db = VulnDb::open(&db_path).unwrap();

    let debian = db.affected("Debian:12", "examplelib").unwrap();
    let mut ids: Vec<_> = debian
        .iter()
        .map(|a| (a.advisory_id.as_str(), a.source.as_str(), a.state))
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            ("CVE-2099-1000", "debian-tracker", FixState::Fixed),
            ("CVE-2099-1002", "debian-tracker", FixState::Unfixed),
            ("DSA-9999-1", "osv", FixState::Fixed),
        ]
    );
    let unimportant = debian
        .iter()
        .find(|a| a.advisory_id == "CVE-2099-1002")
        .unwrap();
    assert_eq!(unimportant.vendor_severity.as_deref(), Some("unimportant"));
    let bullseye = db.affected("Debian:11", "examplelib").unwrap();
    assert!(bullseye
        .iter()
        .any(|a| a.advisory_id == "CVE-2099-1000" && a.state == FixState::WillNotFix));
    let trixie = db.affected("Debian:13", "examplelib").unwrap();
    assert_eq!(trixie[0].state, FixState::NotAffected);

    // Looked up by the name as found: normalised like at import.
    let pypi = db.affected("PyPI", "example.pkg").unwrap();
    assert_eq!(pypi.len(), 1);
    assert_eq!(pypi[0].versions, ["1.0", "2.0.0"]);
    assert_eq!(
        pypi[0].ranges[0].events[1],
        RangeEvent::Fixed("2.0.1".into())
    );

    let alpine = db.affected("Alpine:v3.10", "examplelib").unwrap();
    assert_eq!(alpine.len(), 2);
    assert!(alpine.iter().any(|a| a.state == FixState::NotAffected));

    let dsa = db.advisory("DSA-9999-1").unwrap().unwrap();
    assert_eq!(dsa.upstream, ["CVE-2099-1000", "CVE-2099-1001"]);
    let ghsa = db.advisory("GHSA-xxxx-yyyy-zzzz").unwrap().unwrap();
    assert_eq!(ghsa.aliases, ["CVE-2099-2000", "PYSEC-2099-7"]);
    assert_eq!(ghsa.database_severity.as_deref(), Some("CRITICAL"));
    assert_eq!(ghsa.severity[0].kind, "CVSS_V3");
    assert_eq!(
        ghsa.references,
        ["https://example.invalid/GHSA-xxxx-yyyy-zzzz"]
    );
    let go = db.advisory("GO-2099-0001").unwrap().unwrap();
    assert_eq!(go.withdrawn.as_deref(), Some("2099-05-01T00:00:00Z"));
    // The tracker's CVE record keeps its description.
    let cve = db.advisory("CVE-2099-1000").unwrap().unwrap();
    assert_eq!(cve.summary.as_deref(), Some("examplelib heap overflow"));
    assert_eq!(
        db.referring("CVE-2099-1000").unwrap(),
        [("DSA-9999-1".to_string(), "upstream".to_string())]
    );
    assert!(db.advisory("NOPE-1").unwrap().is_none());

    let kev = db.kev("CVE-2099-2000").unwrap().unwrap();
    assert_eq!(kev.due_date, "2099-04-23");
    assert!(db.kev("CVE-2099-1000").unwrap().is_none());
    let epss = db.epss("CVE-2099-2000").unwrap().unwrap();
    assert!((epss.percentile - 0.99012).abs() < 1e-9);
    assert_eq!(epss.date.as_deref(), Some("2099-05-01T00:00:00Z"));

    // Two malformed OSV files (one not even JSON), one bad tracker entry, one bad EPSS row.
    let row = |format: &str| {
        report
            .inputs
            .iter()
            .find(|r| r.format == format)
            .unwrap_or_else(|| panic!("no {format} row in {report:#?}"))
    };
    assert_eq!(row("osv").imported, 3);
    assert_eq!(row("osv").malformed, 1);
    assert!(row("osv")
        .messages
        .iter()
        .any(|m| m.contains("malformed-wrong-types.json")));
    // Invalid UTF-8 is not JSON at all: counted as an unknown document, named in the report.
    assert_eq!(row("unknown").malformed, 1);
    assert!(row("unknown").messages[0].contains("malformed-utf8.json"));
    assert_eq!(row("debian-tracker").malformed, 1);
    assert_eq!(row("debian-tracker").skipped, 1);
    assert_eq!(row("epss").malformed, 1);
    assert_eq!(row("kev").imported, 1);
    assert_eq!(row("alpine-secdb").imported, 3);

    let status = db.status().unwrap();
    assert_eq!(status.schema_version, seatbelt_vulndb::SCHEMA_VERSION);
    assert_eq!(status.newest.as_deref(), Some("2099-05-01T00:00:00Z"));
    assert!(status.size > 0);
    assert!(db.age().unwrap().as_secs() < 600);
}

#[test]
fn a_second_connection_answers_from_the_same_file_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let (db_path, _) = build(dir.path());
    let db = VulnDb::open(&db_path).unwrap();
    let second = db.reopen().unwrap();
    assert_eq!(
        second.affected("Debian:12", "examplelib").unwrap(),
        db.affected("Debian:12", "examplelib").unwrap()
    );
    // An update renames a new file over the open one: a scan must not mix the two.
    import(&db_path, &[fixtures()], &ImportOptions::default()).unwrap();
    let err = db.reopen().unwrap_err();
    assert!(err.to_string().contains("replaced"), "{err}");
}

#[test]
fn reimport_replaces_instead_of_duplicating() {
    let dir = tempfile::tempdir().unwrap();
    let (db_path, _) = build(dir.path());
    import(&db_path, &[fixtures()], &ImportOptions::default()).unwrap();
    let db = VulnDb::open(&db_path).unwrap();
    assert_eq!(db.affected("Debian:12", "examplelib").unwrap().len(), 3);
    assert_eq!(db.affected("Alpine:v3.10", "examplelib").unwrap().len(), 2);
    // Adding a single file keeps what was there.
    drop(db);
    let extra = dir.path().join("extra.json");
    std::fs::write(
        &extra,
        r#"{"id":"RUSTSEC-2099-0001","modified":"2099-06-01T00:00:00Z","affected":[{"package":{"ecosystem":"crates.io","name":"example"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"}]}]}]}"#,
    )
    .unwrap();
    import(
        &db_path,
        std::slice::from_ref(&extra),
        &ImportOptions::default(),
    )
    .unwrap();
    let db = VulnDb::open(&db_path).unwrap();
    assert_eq!(db.affected("crates.io", "example").unwrap().len(), 1);
    assert_eq!(db.affected("Debian:12", "examplelib").unwrap().len(), 3);
    drop(db);
    // --fresh starts over.
    import(&db_path, &[extra], &ImportOptions { fresh: true }).unwrap();
    let db = VulnDb::open(&db_path).unwrap();
    assert!(db.affected("Debian:12", "examplelib").unwrap().is_empty());
}

#[test]
fn missing_corrupt_and_newer_dbs_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let missing = VulnDb::open(&dir.path().join("nope")).unwrap_err();
    assert!(matches!(missing, DbError::Missing { .. }));
    assert!(
        missing.to_string().contains("seatbelt db update"),
        "{missing}"
    );

    let garbage = dir.path().join("garbage");
    std::fs::write(
        &garbage,
        b"this is not an SQLite file at all, just text bytes........",
    )
    .unwrap();
    let err = VulnDb::open(&garbage).unwrap_err();
    assert!(matches!(err, DbError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("corrupt"), "{err}");

    let (db_path, _) = build(dir.path());
    let conn = rusqlite::Connection::open(&db_path).unwrap();
    conn.execute(
        "UPDATE meta SET value = '999' WHERE key = 'schema_version'",
        [],
    )
    .unwrap();
    drop(conn);
    let err = VulnDb::open(&db_path).unwrap_err();
    assert!(
        matches!(err, DbError::NewerSchema { found: 999, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("upgrade seatbelt"), "{err}");
    // An import refuses to extend it too.
    let err = import(&db_path, &[fixtures()], &ImportOptions::default()).unwrap_err();
    assert!(matches!(err, DbError::NewerSchema { .. }), "{err}");
}

#[test]
fn truncated_damaged_sqlite_file_is_reported_as_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let (db_path, _) = build(dir.path());
    let bytes = std::fs::read(&db_path).unwrap();
    let damaged = dir.path().join("damaged");
    let mut cut = bytes[..bytes.len() / 3].to_vec();
    // Scribble over the header's page size too, so even the first page is not trusted.
    cut[16] = 0xff;
    cut[17] = 0x7f;
    std::fs::write(&damaged, &cut).unwrap();
    let err = VulnDb::open(&damaged).unwrap_err();
    assert!(matches!(err, DbError::Corrupt { .. }), "{err}");
}
