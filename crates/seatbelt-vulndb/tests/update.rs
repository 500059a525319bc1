//! `update` against a loopback HTTP server: good downloads build the DB; every failure (HTTP
//! error, truncated body, checksum mismatch, zip bomb, truncated zip) leaves the previous DB
//! answering; `ensure_fresh` updates only stale DBs and never when offline.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use seatbelt_test::registry::{FakeReply, FakeServer};
use seatbelt_vulndb::{ensure_fresh, update, DbError, UpdateOptions, VulnDb};
use sha2::{Digest, Sha256};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn osv_zip() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for name in [
        "DSA-9999-1.json",
        "GHSA-xxxx-yyyy-zzzz.json",
        "GO-2099-0001.json",
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(&std::fs::read(fixtures().join(name)).unwrap())
            .unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn epss_gz() -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&std::fs::read(fixtures().join("epss.csv")).unwrap())
        .unwrap();
    gz.finish().unwrap()
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Serves `files` by path; anything else is a 404.
fn serve(files: HashMap<&'static str, FakeReply>) -> FakeServer {
    let files = Arc::new(files);
    FakeServer::start("127.0.0.1", move |request| {
        files
            .get(request.path())
            .cloned()
            .unwrap_or_else(|| FakeReply::new(404))
    })
}

fn good_files() -> HashMap<&'static str, FakeReply> {
    HashMap::from([
        ("/Debian/all.zip", FakeReply::new(200).body(osv_zip())),
        (
            "/kev.json",
            FakeReply::new(200).body(std::fs::read(fixtures().join("kev.json")).unwrap()),
        ),
        ("/epss.csv.gz", FakeReply::new(200).body(epss_gz())),
    ])
}

fn options(server: &FakeServer, paths: &[&str]) -> UpdateOptions {
    UpdateOptions {
        sources: paths
            .iter()
            .map(|p| format!("http://{}{p}", server.host()))
            .collect(),
        timeout: Duration::from_secs(20),
        ..UpdateOptions::default()
    }
}

/// Whether an error is the expected one.
type Expect = fn(&DbError) -> bool;

const GOOD: &[&str] = &["/Debian/all.zip", "/kev.json", "/epss.csv.gz"];

fn good_db(dir: &Path) -> PathBuf {
    let server = serve(good_files());
    let db = dir.join("cache/db");
    let mut opts = options(&server, GOOD);
    opts.checksums = vec![format!("sha256:{}", sha(&osv_zip()))];
    let report = update(&db, &opts).unwrap();
    assert_eq!(report.downloads.len(), 3);
    db
}

fn assert_still_answers(db: &Path) {
    let db = VulnDb::open(db).unwrap();
    assert_eq!(db.affected("Debian:12", "examplelib").unwrap().len(), 1);
    assert!(db.kev("CVE-2099-2000").unwrap().is_some());
}

#[test]
fn update_downloads_checks_and_builds() {
    let dir = tempfile::tempdir().unwrap();
    let db = good_db(dir.path());
    assert_still_answers(&db);
    let status = VulnDb::open(&db).unwrap().status().unwrap();
    assert!(status
        .origins
        .iter()
        .any(|o| o.ends_with("/Debian/all.zip")));
    let epss = VulnDb::open(&db).unwrap().epss("CVE-2099-2000").unwrap();
    assert!(epss.is_some());
    // Nothing left behind but the DB and its lock.
    let mut names: Vec<_> = std::fs::read_dir(dir.path().join("cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["db", "db.lock"]);
}

#[test]
fn failures_leave_the_previous_db_working() {
    let dir = tempfile::tempdir().unwrap();
    let db = good_db(dir.path());
    let before = std::fs::read(&db).unwrap();

    let mut files = good_files();
    files.insert("/500", FakeReply::new(500).body("oops"));
    let mut truncated = FakeReply::new(200).body(osv_zip()[..100].to_vec());
    truncated.declared_length = Some(osv_zip().len() as u64);
    files.insert("/truncated-body.zip", truncated);
    files.insert(
        "/truncated.zip",
        FakeReply::new(200).body(osv_zip()[..osv_zip().len() - 30].to_vec()),
    );
    files.insert("/bomb.zip", FakeReply::new(200).body(zip_bomb()));
    let server = serve(files);

    let cases: &[(&str, Expect)] = &[
        (
            "/500",
            |e| matches!(e, DbError::Download { reason, .. } if reason.contains("500")),
        ),
        (
            "/missing",
            |e| matches!(e, DbError::Download { reason, .. } if reason.contains("404")),
        ),
        ("/truncated-body.zip", |e| {
            matches!(e, DbError::Download { .. })
        }),
        (
            "/truncated.zip",
            |e| matches!(e, DbError::Input { reason, .. } if reason.contains("zip")),
        ),
        (
            "/bomb.zip",
            |e| matches!(e, DbError::Input { reason, .. } if reason.contains("zip bomb")),
        ),
    ];
    for (path, expected) in cases {
        let mut paths = GOOD.to_vec();
        paths.push(path);
        let err = update(&db, &options(&server, &paths)).unwrap_err();
        assert!(expected(&err), "{path}: unexpected error {err}");
        assert_eq!(std::fs::read(&db).unwrap(), before, "{path} changed the DB");
        assert_still_answers(&db);
    }

    let mut mismatch = options(&server, GOOD);
    mismatch.checksums = vec![format!("sha256:{}", "0".repeat(64))];
    let err = update(&db, &mismatch).unwrap_err();
    assert!(matches!(err, DbError::Checksum { .. }), "{err}");
    assert!(err.to_string().contains("previous DB is unchanged"));
    assert_still_answers(&db);

    let mut small = options(&server, GOOD);
    small.max_download_bytes = 64;
    let err = update(&db, &small).unwrap_err();
    assert!(err.to_string().contains("allowed"), "{err}");
    assert_still_answers(&db);
}

#[test]
fn checksum_file_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = good_files();
    let zip = osv_zip();
    files.insert(
        "/SHA256SUMS",
        FakeReply::new(200).body(format!(
            "{}  all.zip\n{}  kev.json\n{}  epss.csv.gz\n",
            sha(&zip),
            sha(&std::fs::read(fixtures().join("kev.json")).unwrap()),
            sha(&epss_gz())
        )),
    );
    files.insert(
        "/BADSUMS",
        FakeReply::new(200).body(format!("{}  all.zip\n", "ab".repeat(32))),
    );
    let server = serve(files);
    let db = dir.path().join("db");
    let mut opts = options(&server, GOOD);
    opts.checksum_file = Some(format!("http://{}/SHA256SUMS", server.host()));
    update(&db, &opts).unwrap();
    assert_still_answers(&db);
    opts.checksum_file = Some(format!("http://{}/BADSUMS", server.host()));
    let err = update(&db, &opts).unwrap_err();
    assert!(matches!(err, DbError::Checksum { .. }), "{err}");
    assert_still_answers(&db);
}

#[test]
fn ensure_fresh_updates_only_stale_dbs_and_never_offline() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(good_files());
    let db = dir.path().join("db");
    let opts = options(&server, GOOD);
    let day = Duration::from_secs(86_400);

    let err = ensure_fresh(&db, day, true, false, &opts).unwrap_err();
    assert!(matches!(err, DbError::Missing { .. }));
    ensure_fresh(&db, day, false, false, &opts).unwrap();
    let after_first = server.requests().len();
    assert_eq!(after_first, 3);
    // Fresh: no downloads.
    ensure_fresh(&db, day, false, false, &opts).unwrap();
    assert_eq!(server.requests().len(), after_first);
    // Stale: a zero max age updates, unless offline or skipped.
    ensure_fresh(&db, Duration::ZERO, true, false, &opts).unwrap();
    ensure_fresh(&db, Duration::ZERO, false, true, &opts).unwrap();
    assert_eq!(server.requests().len(), after_first);
    std::thread::sleep(Duration::from_millis(1100));
    ensure_fresh(&db, Duration::ZERO, false, false, &opts).unwrap();
    assert_eq!(server.requests().len(), after_first + 3);
    // A failing update of a stale DB still scans with the old one.
    let broken = options(&server, &["/nothing-here"]);
    let db_handle = ensure_fresh(&db, Duration::ZERO, false, false, &broken).unwrap();
    assert_eq!(
        db_handle.affected("Debian:12", "examplelib").unwrap().len(),
        1
    );
}

/// One entry of 65 MiB of zeros: deflates to ~64 KiB, inflates past MAX_ZIP_ENTRY_BYTES.
fn zip_bomb() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("bomb.json", options).unwrap();
    let chunk = vec![b' '; 1024 * 1024];
    for _ in 0..65 {
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn update_keeps_what_db_import_added_unless_fresh() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cache/db");
    // Imported by hand: the Debian tracker (not among the downloads).
    seatbelt_vulndb::import(
        &db,
        &[fixtures().join("debian-tracker.json")],
        &seatbelt_vulndb::ImportOptions::default(),
    )
    .unwrap();
    let tracker_rows = |db: &Path| {
        VulnDb::open(db)
            .unwrap()
            .status()
            .unwrap()
            .sources
            .iter()
            .find(|s| s.source == seatbelt_vulndb::source::DEBIAN_TRACKER)
            .map_or(0, |s| s.affected)
    };
    let imported = tracker_rows(&db);
    assert!(imported > 0);

    let server = serve(good_files());
    update(&db, &options(&server, GOOD)).unwrap();
    assert_download_is_in(&db);
    assert_eq!(tracker_rows(&db), imported, "the imported tracker survives");
    let origins = VulnDb::open(&db).unwrap().status().unwrap().origins;
    assert!(origins.iter().any(|o| o.ends_with("debian-tracker.json")));
    assert!(origins.iter().any(|o| o.ends_with("/Debian/all.zip")));

    // Updating twice does not duplicate the downloaded records.
    update(&db, &options(&server, GOOD)).unwrap();
    assert_eq!(osv_rows(&db), 1);
    assert_eq!(tracker_rows(&db), imported);

    let mut fresh = options(&server, GOOD);
    fresh.fresh = true;
    update(&db, &fresh).unwrap();
    assert_still_answers(&db);
    assert_eq!(
        tracker_rows(&db),
        0,
        "--fresh starts from the downloads alone"
    );
}

#[test]
fn update_replaces_an_unreadable_db() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cache/db");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    std::fs::write(&db, b"not a database at all").unwrap();
    let server = serve(good_files());
    update(&db, &options(&server, GOOD)).unwrap();
    assert_download_is_in(&db);
}

/// Rows of the mirror's OSV record in the DB at `db`.
fn osv_rows(db: &Path) -> usize {
    VulnDb::open(db)
        .unwrap()
        .affected("Debian:12", "examplelib")
        .unwrap()
        .iter()
        .filter(|r| r.source == "osv")
        .count()
}

/// The mirror's OSV record and KEV entry are in the DB at `db`.
fn assert_download_is_in(db: &Path) {
    assert_eq!(osv_rows(db), 1, "the download is in");
    let kev = VulnDb::open(db).unwrap().kev("CVE-2099-2000").unwrap();
    assert!(kev.is_some());
}
