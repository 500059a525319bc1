//! A real Go binary's standard library is matched against Go advisories by the toolchain version
//! the binary records: Debian 12's `/usr/bin/docker-registry` (package `docker-registry`, built
//! with go1.19.8) in a `dir:` root filesystem, scanned with hand-written records that mirror the
//! Go vulnerability database's (vuln.go.dev) OSV entries.

use std::path::Path;
use std::process::Output;

use serde_json::{json, Value};

const GO_BINARY: &str = "/usr/bin/docker-registry";

fn seatbelt(args: &[&str]) -> Output {
    seatbelt_test::cli::run(env!("CARGO_BIN_EXE_seatbelt"), args)
}

fn ok(args: &[&str]) -> String {
    seatbelt_test::cli::succeeded(&format!("seatbelt {args:?}"), &seatbelt(args))
}

/// A stdlib advisory as vuln.go.dev publishes it: SEMVER ranges over Go releases, one pair of
/// events per supported release branch.
fn stdlib_advisory(id: &str, cve: &str, events: Value) -> Value {
    json!({
        "schema_version": "1.3.1",
        "id": id,
        "modified": "2024-05-20T00:00:00Z",
        "published": "2023-05-05T00:00:00Z",
        "aliases": [cve],
        "summary": "Standard library issue",
        "affected": [{
            "package": { "name": "stdlib", "ecosystem": "Go" },
            "ranges": [{ "type": "SEMVER", "events": events }],
            "ecosystem_specific": { "imports": [{ "path": "html/template" }] }
        }],
        "database_specific": { "url": format!("https://pkg.go.dev/vuln/{id}") }
    })
}

fn write(path: &Path, value: &Value) {
    let json = serde_json::to_vec_pretty(value).expect("JSON");
    std::fs::write(path, json).expect("advisory written");
}

#[test]
fn the_binarys_stdlib_is_matched_by_its_toolchain_version() {
    assert!(
        Path::new(GO_BINARY).is_file(),
        "{GO_BINARY} is missing: run scripts/install-deps.sh (it installs docker-registry)"
    );
    let work = tempfile::tempdir().unwrap();
    let rootfs = work.path().join("rootfs");
    std::fs::create_dir_all(rootfs.join("usr/bin")).unwrap();
    std::fs::copy(GO_BINARY, rootfs.join("usr/bin/docker-registry")).unwrap();

    let advisories = work.path().join("osv");
    std::fs::create_dir(&advisories).unwrap();
    // Fixed in 1.19.9: the binary's go1.19.8 is affected.
    write(
        &advisories.join("GO-2023-1751.json"),
        &stdlib_advisory(
            "GO-2023-1751",
            "CVE-2023-29400",
            json!([{ "introduced": "0" }, { "fixed": "1.19.9" },
                   { "introduced": "1.20.0-0" }, { "fixed": "1.20.4" }]),
        ),
    );
    // Fixed in 1.19.8 itself: not affected.
    write(
        &advisories.join("GO-2023-1705.json"),
        &stdlib_advisory(
            "GO-2023-1705",
            "CVE-2023-24534",
            json!([{ "introduced": "0" }, { "fixed": "1.19.8" },
                   { "introduced": "1.20.0-0" }, { "fixed": "1.20.3" }]),
        ),
    );
    // Only in the 1.20 branch: not affected.
    write(
        &advisories.join("GO-2023-1753.json"),
        &stdlib_advisory(
            "GO-2023-1753",
            "CVE-2023-29402",
            json!([{ "introduced": "1.20.0-0" }, { "fixed": "1.20.5" }]),
        ),
    );
    let db = work.path().join("db");
    let db_arg = db.to_str().unwrap();
    ok(&["db", "import", "--db", db_arg, advisories.to_str().unwrap()]);

    let image = format!("dir:{}", rootfs.display());
    let report: Value = serde_json::from_str(&ok(&[
        "scan",
        &image,
        "--db",
        db_arg,
        "--offline",
        "--format",
        "json",
    ]))
    .expect("JSON report");
    let findings: Vec<(&str, &str, &str)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap_or_default(),
                f["package"]["name"].as_str().unwrap_or_default(),
                f["installed_version"]
                    .as_str()
                    .or_else(|| f["package"]["version"].as_str())
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        findings,
        [("CVE-2023-29400", "stdlib", "1.19.8")],
        "{report:#}"
    );
}
