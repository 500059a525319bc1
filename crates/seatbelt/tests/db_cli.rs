//! `seatbelt db` end to end: import with a summary table, status as table and JSON, an import
//! killed with SIGKILL mid-way leaves the old DB answering, push and pull through a real
//! loopback registry.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use seatbelt_vulndb::VulnDb;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../seatbelt-vulndb/tests/fixtures")
}

fn seatbelt(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seatbelt"))
        .arg("db")
        .args(args)
        .arg("--db")
        .arg(db)
        .env_remove("SEATBELT_DB")
        .output()
        .unwrap()
}

fn ok(output: &Output) -> String {
    seatbelt_test::cli::succeeded("seatbelt db", output)
}

#[test]
fn import_prints_a_summary_and_status_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    // Run beside the fixtures so the table shows a short, stable input name.
    let out = Command::new(env!("CARGO_BIN_EXE_seatbelt"))
        .current_dir(fixtures().parent().unwrap())
        .args(["db", "import", "fixtures", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let out = ok(&out);
    assert_eq!(
        out,
        format!(
            "\
INPUT     FORMAT          IMPORTED  MALFORMED  SKIPPED
fixtures  osv                    3          1        0
fixtures  alpine-secdb           3          0        0
fixtures  debian-tracker         2          1        1
fixtures  epss                   2          1        0
fixtures  kev                    1          0        0
fixtures  unknown                0          1        0
total: 11 imported, 4 malformed
DB: {}
",
            db.display()
        )
    );
    let status = ok(&seatbelt(&db, &["status"]));
    assert!(status.contains("schema version:  1"), "{status}");
    assert!(
        status.contains("newest record:   2099-05-01T00:00:00Z"),
        "{status}"
    );
    let osv_line = status.lines().find(|l| l.starts_with("osv ")).unwrap();
    assert_eq!(
        osv_line.split_whitespace().collect::<Vec<_>>()[1..3],
        ["3", "4"]
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(&seatbelt(&db, &["status", "--format", "json"]))).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert!(json["age_seconds"].as_u64().unwrap() < 600);
    assert!(json["size"].as_u64().unwrap() > 0);
}

#[test]
fn status_without_a_db_says_what_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = seatbelt(&dir.path().join("none"), &["status"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("seatbelt db update"), "{stderr}");
}

/// A corpus big enough that the import takes a while: one zip of many OSV records.
fn big_corpus(path: &Path, records: usize) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..records {
        zip.start_file(format!("GEN-{i}.json"), options).unwrap();
        write!(
            zip,
            r#"{{"id":"GEN-{i}","modified":"2099-01-01T00:00:00Z","aliases":["CVE-2099-{i}"],"details":"{pad}",
               "affected":[{{"package":{{"ecosystem":"npm","name":"pkg-{}"}},
               "ranges":[{{"type":"SEMVER","events":[{{"introduced":"0"}},{{"fixed":"1.{i}.0"}}]}}]}}]}}"#,
            i % 5000,
            pad = "x".repeat(300)
        )
        .unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn sigkill_mid_import_leaves_the_old_db_answering() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    ok(&seatbelt(&db, &["import", fixtures().to_str().unwrap()]));
    let before = std::fs::read(&db).unwrap();
    let corpus = dir.path().join("big.zip");
    big_corpus(&corpus, 100_000);

    let mut child = Command::new(env!("CARGO_BIN_EXE_seatbelt"))
        .args(["db", "import", "--db"])
        .arg(&db)
        .arg(&corpus)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill once the new file is being written, well before the swap.
    let deadline = Instant::now() + Duration::from_secs(60);
    let temp_exists = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".db.new-"))
    };
    while !temp_exists() {
        assert!(
            Instant::now() < deadline,
            "the import never started writing"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import finished before it could be killed; grow the corpus"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the import finished before it could be killed; grow the corpus"
    );
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();

    assert_eq!(std::fs::read(&db).unwrap(), before, "the live DB changed");
    let opened = VulnDb::open(&db).unwrap();
    assert_eq!(opened.affected("Debian:12", "examplelib").unwrap().len(), 3);
    assert!(opened.affected("npm", "pkg-1").unwrap().is_empty());
    drop(opened);

    // The lock died with the process; the next import runs and cleans up the leftover file.
    let small = dir.path().join("small.zip");
    big_corpus(&small, 10);
    ok(&seatbelt(&db, &["import", small.to_str().unwrap()]));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".db.new-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let opened = VulnDb::open(&db).unwrap();
    assert_eq!(opened.affected("npm", "pkg-1").unwrap().len(), 1);
    assert_eq!(opened.affected("Debian:12", "examplelib").unwrap().len(), 3);
}

#[test]
fn push_and_pull_through_a_loopback_registry() {
    let registry = seatbelt_test::registry::DockerRegistry::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    ok(&seatbelt(&db, &["import", fixtures().to_str().unwrap()]));
    let reference = format!("{}/seatbelt/db:v1", registry.host());
    let pushed = ok(&seatbelt(&db, &["push", &reference]));
    let digest = pushed.trim().rsplit('@').next().unwrap().to_string();
    assert!(digest.starts_with("sha256:"), "{pushed}");

    let pulled = dir.path().join("elsewhere/db");
    ok(&seatbelt(&pulled, &["pull", &reference]));
    assert_eq!(std::fs::read(&pulled).unwrap(), std::fs::read(&db).unwrap());
    let opened = VulnDb::open(&pulled).unwrap();
    assert!(opened.kev("CVE-2099-2000").unwrap().is_some());
    drop(opened);

    // By digest too; a wrong digest is refused and the pulled DB stays.
    let by_digest = format!("{}/seatbelt/db@{digest}", registry.host());
    ok(&seatbelt(&pulled, &["pull", &by_digest]));
    let wrong = format!("{}/seatbelt/db@sha256:{}", registry.host(), "0".repeat(64));
    let out = seatbelt(&pulled, &["pull", &wrong]);
    assert_eq!(out.status.code(), Some(2));
    VulnDb::open(&pulled).unwrap();

    // Something that is not a seatbelt DB is refused before download.
    let other = format!("{}/seatbelt/other:v1", registry.host());
    let config = b"{}";
    let client =
        seatbelt_registry::Client::new(seatbelt_registry::ClientOptions::default()).unwrap();
    let r: seatbelt_registry::Reference = other.parse().unwrap();
    let config_digest = seatbelt_types::Digest::sha256_of(config);
    client
        .push_blob(&r, &config_digest, 2, &mut &config[..])
        .unwrap();
    let manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.example.other","config":{{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{config_digest}","size":2}},"layers":[]}}"#
    );
    client
        .put_manifest(
            &r,
            "v1",
            "application/vnd.oci.image.manifest.v1+json",
            manifest.as_bytes(),
        )
        .unwrap();
    let out = seatbelt(&pulled, &["pull", &other]);
    assert_eq!(out.status.code(), Some(2));
    // miette wraps long lines; compare the words.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let flat = stderr
        .split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ");
    assert!(flat.contains("this is not a seatbelt DB"), "{stderr}");
}
