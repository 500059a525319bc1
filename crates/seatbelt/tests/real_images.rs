//! End-to-end tests of the `seatbelt` binary on real Debian 12 images built from the Debian
//! archive (mmdebstrap + umoci), checked against independent tools (skopeo, umoci, tar).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use seatbelt_test::debian::{fixture_image, FixtureImage};
use serde_json::Value;

fn seatbelt(args: &[&str]) -> Output {
    seatbelt_test::cli::run(env!("CARGO_BIN_EXE_seatbelt"), args)
}

fn ok(args: &[&str]) -> String {
    seatbelt_test::cli::succeeded(&format!("seatbelt {args:?}"), &seatbelt(args))
}

fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} must be installed (scripts/install-deps.sh): {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// The manifest digest umoci recorded for `tag` in the layout's index.json.
fn layout_digest(layout: &Path, tag: &str) -> String {
    let index = json(&std::fs::read_to_string(layout.join("index.json")).expect("index.json"));
    index["manifests"]
        .as_array()
        .expect("manifests")
        .iter()
        .find(|m| m["annotations"]["org.opencontainers.image.ref.name"] == tag)
        .and_then(|m| m["digest"].as_str())
        .expect("the tag is in index.json")
        .to_string()
}

fn oci(layout: &Path, tag: &str) -> String {
    format!("oci-dir:{}:{tag}", layout.display())
}

fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn inspect_reports_what_umoci_wrote() {
    let layout = fixture_image(FixtureImage::Minbase);
    let report = json(&ok(&[
        "inspect",
        &oci(&layout, "minbase"),
        "--format",
        "json",
    ]));
    assert_eq!(
        report["manifest_digest"],
        layout_digest(&layout, "minbase").as_str()
    );
    assert_eq!(report["layers"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["cmd"], serde_json::json!(["/bin/sh"]));
    assert_eq!(report["env_names"], serde_json::json!(["PATH"]));
    let table = ok(&["inspect", &oci(&layout, "minbase")]);
    assert!(table.contains("(root: no user set)"), "{table}");
}

#[test]
fn oci_archive_round_trip_keeps_the_manifest_digest() {
    let layout = fixture_image(FixtureImage::Minbase);
    let digest = layout_digest(&layout, "minbase");
    let dir = scratch();
    let archive = dir.path().join("image.tar");
    ok(&[
        "copy",
        &oci(&layout, "minbase"),
        &format!("oci-archive:{}:v1", archive.display()),
    ]);
    let skopeo = json(&tool(
        "skopeo",
        &["inspect", &format!("oci-archive:{}:v1", archive.display())],
    ));
    assert_eq!(
        skopeo["Digest"],
        digest.as_str(),
        "skopeo sees the same manifest"
    );
    let back = dir.path().join("back");
    ok(&[
        "copy",
        &format!("oci-archive:{}:v1", archive.display()),
        &oci(&back, "again"),
    ]);
    assert_eq!(layout_digest(&back, "again"), digest);
    tool(
        "umoci",
        &["stat", "--image", &format!("{}:again", back.display())],
    );
}

#[test]
fn docker_archive_is_read_by_skopeo_and_by_seatbelt() {
    let layout = fixture_image(FixtureImage::Minbase);
    let dir = scratch();
    let archive = dir.path().join("docker.tar");
    let archive_ref = format!("docker-archive:{}:demo/minbase:1", archive.display());
    ok(&["copy", &oci(&layout, "minbase"), &archive_ref]);
    let skopeo = json(&tool(
        "skopeo",
        &["inspect", &format!("docker-archive:{}", archive.display())],
    ));
    assert_eq!(skopeo["Layers"].as_array().map(Vec::len), Some(1));
    let from_oci = ok(&["files", &oci(&layout, "minbase")]);
    let from_docker = ok(&["files", &format!("docker-archive:{}", archive.display())]);
    assert_eq!(
        from_oci, from_docker,
        "both formats hold the same filesystem"
    );
}

/// Every tar entry of the layer, as GNU tar lists it, normalised like the walk's paths.
fn tar_listing(layout: &Path) -> Vec<String> {
    let manifest = json(&std::fs::read_to_string(layout.join("index.json")).expect("index"));
    let digest = manifest["manifests"][0]["digest"]
        .as_str()
        .expect("digest")
        .to_string();
    let blob = |d: &str| {
        layout
            .join("blobs/sha256")
            .join(d.trim_start_matches("sha256:"))
    };
    let image_manifest = json(&std::fs::read_to_string(blob(&digest)).expect("manifest"));
    let layer = image_manifest["layers"][0]["digest"]
        .as_str()
        .expect("layer")
        .to_string();
    let listing = tool("tar", &["-tzf", &blob(&layer).display().to_string()]);
    let mut paths: Vec<String> = listing
        .lines()
        .map(|l| l.trim_start_matches("./").trim_end_matches('/').to_string())
        .filter(|l| !l.is_empty() && l != ".")
        .collect();
    paths.sort();
    paths
}

#[test]
fn the_walk_sees_exactly_the_entries_tar_sees() {
    let layout = fixture_image(FixtureImage::Minbase);
    let jsonl = ok(&["files", &oci(&layout, "minbase"), "--format", "jsonl"]);
    let mut walked: Vec<String> = jsonl
        .lines()
        .map(|l| json(l)["path"].as_str().expect("path").to_string())
        .collect();
    walked.sort();
    assert_eq!(walked, tar_listing(&layout));
}

#[test]
fn dir_extraction_writes_the_final_filesystem_and_drops_setuid() {
    let layout = fixture_image(FixtureImage::Minbase);
    let dir = scratch();
    let target: PathBuf = dir.path().join("rootfs");
    ok(&[
        "copy",
        &oci(&layout, "minbase"),
        &format!("dir:{}", target.display()),
    ]);
    let version =
        std::fs::read_to_string(target.join("etc/debian_version")).expect("debian_version");
    assert!(version.starts_with("12."), "{version}");
    let status = std::fs::read_to_string(target.join("var/lib/dpkg/status")).expect("dpkg status");
    assert!(status.contains("Package: dpkg\n"));
    use std::os::unix::fs::PermissionsExt;
    let su = std::fs::metadata(target.join("usr/bin/su")).expect("su exists in minbase");
    assert_eq!(
        su.permissions().mode() & 0o6000,
        0,
        "setuid is dropped by default"
    );
    // Extracting into a non-empty directory is refused rather than merged.
    let again = seatbelt(&[
        "copy",
        &oci(&layout, "minbase"),
        &format!("dir:{}", target.display()),
    ]);
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn bad_references_and_missing_images_exit_2_with_a_clear_message() {
    let out = seatbelt(&["inspect", "oci-dir:/nonexistent/layout"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/layout"), "{err}");
    let out = seatbelt(&["inspect", "Not A Reference"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("oci-dir:PATH"));
}

/// Runs seatbelt with `stdin` piped in.
fn seatbelt_with_stdin(args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_seatbelt"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the seatbelt binary runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("write the password");
    child.wait_with_output().expect("seatbelt finishes")
}

#[test]
fn registry_round_trip_keeps_the_digest_and_skopeo_agrees() {
    use seatbelt_test::registry::DockerRegistry;
    let layout = fixture_image(FixtureImage::Minbase);
    let digest = layout_digest(&layout, "minbase");
    let registry = DockerRegistry::start();
    let remote = format!("{}/debian/minbase:12", registry.host());
    ok(&["copy", &oci(&layout, "minbase"), &remote]);
    let skopeo = json(&tool(
        "skopeo",
        &[
            "inspect",
            "--tls-verify=false",
            &format!("docker://{remote}"),
        ],
    ));
    assert_eq!(
        skopeo["Digest"],
        digest.as_str(),
        "the registry serves the same manifest"
    );
    // A second push finds every blob present.
    let again = json(&ok(&["copy", &oci(&layout, "minbase"), &remote, "--json"]));
    assert_eq!(again["blobs_copied"], 0);
    let dir = scratch();
    let back = dir.path().join("pulled");
    ok(&["copy", &format!("registry:{remote}"), &oci(&back, "pulled")]);
    assert_eq!(layout_digest(&back, "pulled"), digest);
    let by_digest = format!("{}/debian/minbase@{digest}", registry.host());
    let report = json(&ok(&["inspect", &by_digest, "--format", "json"]));
    assert_eq!(report["manifest_digest"], digest.as_str());
}

#[test]
fn basic_auth_credentials_come_from_stdin_and_never_show() {
    use seatbelt_test::registry::{DockerRegistry, RegistryAuth};
    let layout = fixture_image(FixtureImage::Minbase);
    let registry = DockerRegistry::start_with(RegistryAuth::Htpasswd {
        username: "ci".to_string(),
        password: "s3cret-pass".to_string(),
    });
    let remote = format!("{}/private/minbase:1", registry.host());
    let denied = seatbelt(&["copy", &oci(&layout, "minbase"), &remote]);
    assert_eq!(denied.status.code(), Some(2));
    let err = String::from_utf8_lossy(&denied.stderr);
    assert!(
        err.contains("--password-stdin") || err.contains("docker login"),
        "{err}"
    );
    let pushed = seatbelt_with_stdin(
        &[
            "copy",
            &oci(&layout, "minbase"),
            &remote,
            "--username",
            "ci",
            "--password-stdin",
        ],
        "s3cret-pass\n",
    );
    assert!(
        pushed.status.success(),
        "{}",
        String::from_utf8_lossy(&pushed.stderr)
    );
    let wrong = seatbelt_with_stdin(
        &["inspect", &remote, "--username", "ci", "--password-stdin"],
        "nope\n",
    );
    assert_eq!(wrong.status.code(), Some(2));
    for out in [&denied, &pushed, &wrong] {
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !all.contains("s3cret-pass") && !all.contains("nope"),
            "a password leaked:\n{all}"
        );
    }
}

#[test]
fn platform_mismatch_lists_what_the_image_has() {
    let layout = fixture_image(FixtureImage::Minbase);
    let dir = scratch();
    let single = dir.path().join("single");
    ok(&["copy", &oci(&layout, "minbase"), &oci(&single, "x")]);
    // A lone manifest is not an index: any platform request is answered by the only image.
    ok(&["inspect", &oci(&single, "x"), "--platform", "linux/amd64"]);
    let out = seatbelt(&["inspect", &oci(&single, "x"), "--platform", "linux"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("os/arch"));
}

#[test]
fn the_python_image_survives_every_conversion() {
    let layout = fixture_image(FixtureImage::Python);
    let dir = scratch();
    let docker = dir.path().join("python-docker.tar");
    ok(&[
        "copy",
        &oci(&layout, "python"),
        &format!("docker-archive:{}:demo/python:3", docker.display()),
    ]);
    let skopeo = json(&tool(
        "skopeo",
        &["inspect", &format!("docker-archive:{}", docker.display())],
    ));
    assert_eq!(skopeo["Layers"].as_array().map(Vec::len), Some(1));
    assert!(skopeo["Architecture"]
        .as_str()
        .is_some_and(|a| !a.is_empty()));
    let oci_files = ok(&["files", &oci(&layout, "python")]);
    assert!(
        oci_files.contains(" /usr/bin/python3 -> python3.11"),
        "python3 is in the image"
    );
    let via_docker = ok(&[
        "files",
        &format!("docker-archive:{}:demo/python:3", docker.display()),
    ]);
    assert_eq!(oci_files, via_docker);
    let rootfs = dir.path().join("rootfs");
    ok(&[
        "copy",
        &format!("docker-archive:{}", docker.display()),
        &format!("dir:{}", rootfs.display()),
    ]);
    let from_dir = ok(&["files", &format!("dir:{}", rootfs.display())]);
    let paths = |listing: &str| -> Vec<String> {
        let mut p: Vec<String> = listing
            .lines()
            .filter_map(|l| l.split(" /").nth(1))
            .map(|p| p.split(" -> ").next().unwrap_or(p).to_string())
            .filter(|p| !p.starts_with("dev/"))
            .collect();
        p.sort();
        p
    };
    assert_eq!(
        paths(&from_dir),
        paths(&oci_files),
        "the extracted tree has every path but device nodes"
    );
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::Read;
    let layout = fixture_image(FixtureImage::Minbase);
    let mut child = Command::new(env!("CARGO_BIN_EXE_seatbelt"))
        .args(["files", &oci(&layout, "minbase"), "--history"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("seatbelt runs");
    let mut first = [0u8; 64];
    child
        .stdout
        .take()
        .expect("piped")
        .read_exact(&mut first)
        .expect("some output");
    // The read end is closed here, as `| head` does.
    let out = child.wait_with_output().expect("seatbelt finishes");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
