//! `seatbelt sbom` end to end on a real Debian 12 minbase image.

use std::process::{Command, Output};

use seatbelt_test::debian::{fixture_image, FixtureImage};
use serde_json::Value;

fn seatbelt(args: &[&str]) -> Output {
    seatbelt_test::cli::run(env!("CARGO_BIN_EXE_seatbelt"), args)
}

fn ok(args: &[&str]) -> String {
    seatbelt_test::cli::succeeded(&format!("seatbelt {args:?}"), &seatbelt(args))
}

fn minbase() -> String {
    let layout = fixture_image(FixtureImage::Minbase);
    format!("oci-dir:{}:minbase", layout.display())
}

#[test]
fn table_and_json_list_the_same_packages() {
    let image = minbase();
    let table = ok(&["sbom", &image, "--format", "table"]);
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().expect("a header").split_whitespace().collect();
    assert_eq!(header, ["NAME", "VERSION", "TYPE"]);
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split_whitespace().collect()).collect();
    assert!(rows.iter().all(|r| r.len() == 3), "{table}");
    let mut sorted = rows.clone();
    sorted.sort();
    assert_eq!(rows, sorted, "rows are sorted");
    assert!(rows.iter().any(|r| r[0] == "dpkg" && r[2] == "deb"));

    let json: Value =
        serde_json::from_str(&ok(&["sbom", &image, "--format", "json"])).expect("valid JSON");
    let packages = json["packages"].as_array().expect("packages");
    assert_eq!(packages.len(), rows.len());
    assert_eq!(json["distro"]["id"], "debian");
    assert_eq!(json["distro"]["version_id"], "12");
    let dpkg = packages
        .iter()
        .find(|p| p["name"] == "dpkg")
        .expect("dpkg is listed");
    assert_eq!(dpkg["ecosystem"], "deb");
    assert!(dpkg["purl"]
        .as_str()
        .is_some_and(|p| p.starts_with("pkg:deb/debian/dpkg@")));
    assert!(dpkg["files"]
        .as_array()
        .is_some_and(|f| f.iter().any(|f| f == "usr/bin/dpkg")));
    for (row, package) in rows.iter().zip(packages) {
        assert_eq!(row[0], package["name"]);
        assert_eq!(row[1], package["version"]);
    }
}

#[test]
fn output_file_holds_the_same_document() {
    let image = minbase();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sbom.json");
    let printed = ok(&["sbom", &image, "--format", "json"]);
    let written = ok(&[
        "sbom",
        &image,
        "--format",
        "json",
        "-o",
        path.to_str().expect("UTF-8 path"),
    ]);
    assert!(written.is_empty(), "nothing on stdout with -o");
    assert_eq!(std::fs::read_to_string(&path).expect("written"), printed);
}

/// The interpreter of the validator venv that scripts/install-deps.sh makes.
fn validator_python() -> std::path::PathBuf {
    use std::path::PathBuf;
    std::env::var_os("SEATBELT_PYVENV")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_CACHE_HOME").map(|c| PathBuf::from(c).join("seatbelt/pyvenv"))
        })
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/seatbelt/pyvenv"))
        })
        .expect("HOME, XDG_CACHE_HOME or SEATBELT_PYVENV is set")
        .join("bin/python")
}

#[test]
fn cyclonedx_and_spdx_files_are_reproducible_and_pass_the_official_validators() {
    let image = minbase();
    let dir = tempfile::tempdir().expect("temp dir");
    for (format, name) in [
        ("cyclonedx-json", "bom.cdx.json"),
        ("spdx-json", "bom.spdx.json"),
    ] {
        let first = dir.path().join(format!("1-{name}"));
        let second = dir.path().join(format!("2-{name}"));
        for path in [&first, &second] {
            let out = Command::new(env!("CARGO_BIN_EXE_seatbelt"))
                .args([
                    "sbom",
                    &image,
                    "--format",
                    format,
                    "-o",
                    &path.display().to_string(),
                ])
                .env("SOURCE_DATE_EPOCH", "1700000000")
                .output()
                .expect("seatbelt runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let a = std::fs::read(&first).expect("first document");
        assert_eq!(
            a,
            std::fs::read(&second).expect("second document"),
            "{format} is byte-identical"
        );
        let text = String::from_utf8(a).expect("UTF-8");
        assert!(
            text.contains("2023-11-14T22:13:20Z"),
            "the timestamp honours SOURCE_DATE_EPOCH"
        );
        assert!(text.contains("pkg:deb/debian/dpkg@"), "{format} lists dpkg");
        let python = validator_python();
        let script = seatbelt_test::debian::workspace_root().join("scripts/validate-sbom.py");
        let out = Command::new(&python)
            .arg(&script)
            .arg(&first)
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "{} is missing ({e}): run scripts/install-deps.sh",
                    python.display()
                )
            });
        assert!(
            out.status.success(),
            "the official validator rejects the {format} output:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn an_sbom_file_is_read_back_and_converted() {
    let image = minbase();
    let dir = tempfile::tempdir().expect("temp dir");
    let cdx = dir.path().join("bom.cdx.json");
    ok(&[
        "sbom",
        &image,
        "--format",
        "cyclonedx-json",
        "-o",
        &cdx.display().to_string(),
    ]);
    let from_image = ok(&["sbom", &image, "--format", "table"]);
    let from_file = ok(&["sbom", &cdx.display().to_string(), "--format", "table"]);
    assert_eq!(
        from_image, from_file,
        "the CycloneDX file holds every package"
    );
    let spdx: Value = serde_json::from_str(&ok(&[
        "sbom",
        &format!("sbom:{}", cdx.display()),
        "--format",
        "spdx-json",
    ]))
    .expect("SPDX JSON");
    assert_eq!(spdx["spdxVersion"], "SPDX-2.3");
    let not_json = dir.path().join("x.txt");
    std::fs::write(&not_json, "hello").expect("write");
    let out = seatbelt(&["sbom", &format!("sbom:{}", not_json.display())]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a JSON SBOM"));
}

/// The table people read, pinned on a small fixed SBOM (read back from its JSON form).
#[test]
fn table_output_snapshot() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/small-sbom.json"
    );
    let table = ok(&["sbom", fixture, "--format", "table"]);
    insta::assert_snapshot!(table);
}
