//! Who published the vulnerability DB: `db push --sign-key` signs what it pushes, `db pull
//! --db-key` and `db update --db-key` (or `SEATBELT_DB_KEY`) refuse anything that does not
//! verify, with a clear message, and the previous DB stays intact. Against the real loopback
//! docker-registry and a loopback HTTP server; cosign checks seatbelt's DB signature too.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use seatbelt_test::registry::{FakeReply, FakeServer};
use seatbelt_vulndb::VulnDb;

const PASSWORD: &str = "db key password";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../seatbelt-vulndb/tests/fixtures")
}

fn seatbelt(dir: &Path, db: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_seatbelt"));
    command
        .arg("db")
        .args(args)
        .arg("--db")
        .arg(db)
        .current_dir(dir)
        .env_remove("SEATBELT_DB")
        .env_remove("SEATBELT_DB_KEY")
        .env("SEATBELT_PASSWORD", PASSWORD);
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// The error text with miette's wrapping and frame characters removed.
fn refused(output: &Output) -> String {
    assert_eq!(
        output.status.code(),
        Some(2),
        "expected a refusal:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stderr)
        .split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ")
}

fn generate_keys(dir: &Path, prefix: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_seatbelt"))
        .args(["key", "generate", "--output-prefix", prefix])
        .current_dir(dir)
        .env("SEATBELT_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn pull_refuses_unsigned_and_wrongly_signed_dbs_and_keeps_the_old_one() {
    let registry = seatbelt_test::registry::DockerRegistry::start();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    generate_keys(d, "publisher");
    generate_keys(d, "stranger");
    let db = d.join("built/db");
    ok(&seatbelt(
        d,
        &db,
        &["import", fixtures().to_str().unwrap()],
        &[],
    ));
    let host = registry.host();

    let signed = format!("{host}/seatbelt/db:signed");
    let pushed = ok(&seatbelt(
        d,
        &db,
        &["push", &signed, "--sign-key", "publisher.key"],
        &[],
    ));
    let digest = pushed.trim().rsplit('@').next().unwrap().to_string();
    // Another repository: the same DB in the same repository would carry the signature above
    // (it is bound to the manifest digest, not the tag).
    let unsigned = format!("{host}/seatbelt/unsigned:v1");
    ok(&seatbelt(d, &db, &["push", &unsigned], &[]));
    let wrong = format!("{host}/seatbelt/db2:wrong");
    ok(&seatbelt(
        d,
        &db,
        &["push", &wrong, "--sign-key", "stranger.key"],
        &[],
    ));

    // The signed DB pulls, by flag and by environment.
    let pulled = d.join("pulled/db");
    ok(&seatbelt(
        d,
        &pulled,
        &["pull", &signed, "--db-key", "publisher.pub"],
        &[],
    ));
    assert_eq!(std::fs::read(&pulled).unwrap(), std::fs::read(&db).unwrap());
    ok(&seatbelt(
        d,
        &pulled,
        &["pull", &signed],
        &[("SEATBELT_DB_KEY", "publisher.pub")],
    ));
    let before = std::fs::read(&pulled).unwrap();

    // Unsigned: refused, says so, old DB intact and working.
    let out = seatbelt(
        d,
        &pulled,
        &["pull", &unsigned, "--db-key", "publisher.pub"],
        &[],
    );
    let text = refused(&out);
    assert!(text.contains("is not signed"), "{text}");
    assert!(text.contains("previous DB is unchanged"), "{text}");
    assert_eq!(std::fs::read(&pulled).unwrap(), before);
    VulnDb::open(&pulled).unwrap();

    // Signed by another key: refused through the environment's key too.
    let out = seatbelt(
        d,
        &pulled,
        &["pull", &wrong],
        &[("SEATBELT_DB_KEY", "publisher.pub")],
    );
    let text = refused(&out);
    assert!(text.contains("verifies with publisher.pub"), "{text}");
    assert_eq!(std::fs::read(&pulled).unwrap(), before);

    // The signature is cosign's: cosign verifies the DB artifact with the same key.
    let cosign = seatbelt_test::tools::cosign();
    let out = Command::new(cosign)
        .args([
            "verify",
            "--key",
            "publisher.pub",
            "--insecure-ignore-tlog",
            "--allow-insecure-registry",
            "--offline",
            &format!("{host}/seatbelt/db@{digest}"),
        ])
        .current_dir(d)
        .env("HOME", d)
        .env("TUF_ROOT", d.join("tuf"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn sign_blob(dir: &Path, key: &str, file: &Path) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_seatbelt"))
        .args(["sign-blob", "--key", key])
        .arg(file)
        .current_dir(dir)
        .env("SEATBELT_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    out.stdout
}

/// A loopback server with the KEV fixture as a DB source three ways: `good/` signed by the
/// `publisher` key, `bad/` by the `stranger` key, `unsigned/` with no `.sig`. Both key pairs are
/// generated in `d`. Returns the server (keep it alive) and its address.
fn signed_sources(d: &Path) -> (FakeServer, String) {
    generate_keys(d, "publisher");
    generate_keys(d, "stranger");
    let kev_path = fixtures().join("kev.json");
    let kev = std::fs::read(&kev_path).unwrap();
    let good = sign_blob(d, "publisher.key", &kev_path);
    let bad = sign_blob(d, "stranger.key", &kev_path);
    let files: Arc<HashMap<&str, FakeReply>> = Arc::new(HashMap::from([
        ("/good/kev.json", FakeReply::new(200).body(kev.clone())),
        ("/good/kev.json.sig", FakeReply::new(200).body(good)),
        ("/bad/kev.json", FakeReply::new(200).body(kev.clone())),
        ("/bad/kev.json.sig", FakeReply::new(200).body(bad)),
        ("/unsigned/kev.json", FakeReply::new(200).body(kev)),
    ]));
    let server = FakeServer::start("127.0.0.1", move |request| {
        files
            .get(request.path())
            .cloned()
            .unwrap_or_else(|| FakeReply::new(404))
    });
    let host = server.host().to_string();
    (server, host)
}

/// Builds `db` from the publisher-signed source, checking the signature.
fn update_from_good(d: &Path, db: &Path, good: &str) {
    let args = ["update", "--source", good, "--db-key", "publisher.pub"];
    ok(&seatbelt(d, db, &args, &[]));
}

#[test]
fn update_requires_each_source_signed_by_the_db_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_server, host) = signed_sources(d);
    let url = |p: &str| format!("http://{host}/{p}/kev.json");
    let db = d.join("db");
    update_from_good(d, &db, &url("good"));
    assert!(VulnDb::open(&db)
        .unwrap()
        .kev("CVE-2099-2000")
        .unwrap()
        .is_some());
    let before = std::fs::read(&db).unwrap();

    let out = seatbelt(
        d,
        &db,
        &["update", "--source", &url("unsigned")],
        &[("SEATBELT_DB_KEY", "publisher.pub")],
    );
    let text = refused(&out);
    assert!(text.contains("no signature could be fetched"), "{text}");
    let out = seatbelt(
        d,
        &db,
        &[
            "update",
            "--source",
            &url("bad"),
            "--db-key",
            "publisher.pub",
        ],
        &[],
    );
    let text = refused(&out);
    assert!(text.contains("signature does not verify"), "{text}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    VulnDb::open(&db).unwrap();
}

#[test]
fn scan_refreshes_a_stale_db_only_from_sources_the_key_signed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_server, host) = signed_sources(d);
    let url = |p: &str| format!("http://{host}/{p}/kev.json");
    let db = d.join("db");
    update_from_good(d, &db, &url("good"));
    let sbom = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small-sbom.json");
    // --db-max-age 0: any DB is stale, so scan refreshes it first from --db-source.
    let scan = |source: &str| {
        Command::new(env!("CARGO_BIN_EXE_seatbelt"))
            .args(["scan", sbom.to_str().unwrap(), "--db"])
            .arg(&db)
            .args(["--db-max-age", "0", "--db-source", &url(source)])
            .args(["--db-key", "publisher.pub", "--format", "json"])
            .current_dir(d)
            .env_remove("SEATBELT_DB")
            .output()
            .unwrap()
    };
    // The DB's age has one-second resolution: let it be older than zero hours.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let before = std::fs::read(&db).unwrap();
    let refused = scan("bad");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(refused.status.success(), "{stderr}");
    assert!(stderr.contains("signature does not verify"), "{stderr}");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "a refused refresh changed the DB"
    );
    let accepted = scan("good");
    let stderr = String::from_utf8_lossy(&accepted.stderr);
    assert!(accepted.status.success(), "{stderr}");
    assert!(!stderr.contains("signature"), "{stderr}");
    assert_ne!(
        std::fs::read(&db).unwrap(),
        before,
        "a signed refresh was not applied"
    );
}
