//! `seatbelt harden` on hostile images: malformed ELF files, an oversized or symlinked
//! `/etc/passwd`, symlink loops and symlinks pointing out of the root in the entrypoint's
//! resolution. Each ends in a hardened image or a clear error (exit 2), never a panic, and
//! nothing outside the image is ever read.

// A panic is how a test reports failure.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use seatbelt_test::layers::{sha256, Blob, Layer};
use serde_json::{json, Value};

fn seatbelt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seatbelt"))
        .args(args)
        .output()
        .expect("the seatbelt binary runs")
}

/// A one-layer OCI layout (no base image: these tests are about the layer's contents) with
/// `runtime` as the config's `config` object.
fn image(layer: Layer, runtime: Value, out: &Path) -> String {
    let blob = Blob::new(&layer.finish(), "gzip");
    let config = serde_json::to_vec(&json!({
        "architecture": "amd64", "os": "linux", "config": runtime,
        "rootfs": {"type": "layers", "diff_ids": [blob.diff_id]},
    }))
    .unwrap();
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": sha256(&config), "size": config.len()},
        "layers": [{"mediaType": blob.media_type, "digest": blob.digest, "size": blob.bytes.len()}],
    }))
    .unwrap();
    let blobs = out.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    for bytes in [&blob.bytes, &config, &manifest] {
        std::fs::write(blobs.join(&sha256(bytes)[7..]), bytes).unwrap();
    }
    std::fs::write(out.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let index = json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha256(&manifest),
        "size": manifest.len(), "annotations": {"org.opencontainers.image.ref.name": "app"}}]});
    std::fs::write(out.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
    format!("oci-dir:{}:app", out.display())
}

/// A small base every test starts from: accounts, a loader-less `true`, a shell.
fn base() -> Layer {
    Layer::new()
        .dir("etc")
        .file("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
        .file("etc/group", b"root:x:0:\n")
        .dir("usr")
        .dir("usr/bin")
        .file_mode("usr/bin/true", b"\x7fELF-not-really", 0o755)
        .file_mode("usr/bin/dash", b"\x7fELF-not-really-either", 0o755)
        .symlink("usr/bin/sh", "dash")
        .symlink("bin", "usr/bin")
        .dir("app")
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    report: Option<Value>,
}

fn harden(source: &str, dir: &Path) -> Run {
    let report = dir.join("report.json");
    let out = seatbelt(&[
        "harden",
        source,
        "-o",
        &format!("oci-dir:{}:h", dir.join("out").display()),
        "--report",
        report.to_str().unwrap(),
        "--report-format",
        "json",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        report: std::fs::read(&report)
            .ok()
            .map(|b| serde_json::from_slice(&b).unwrap()),
        stderr,
    }
}

#[test]
fn malformed_elf_files_are_plain_files_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    // A real ELF header cut short, one with absurd header offsets and counts, and one whose
    // class byte is neither 32- nor 64-bit.
    let exe = std::fs::read(env!("CARGO_BIN_EXE_seatbelt")).unwrap();
    let mut offsets = exe[..64].to_vec();
    offsets[32..40].copy_from_slice(&u64::MAX.to_le_bytes()); // e_phoff
    offsets[56..58].copy_from_slice(&u16::MAX.to_le_bytes()); // e_phnum
    let layer = base()
        .file_mode("app/truncated", &exe[..4096], 0o755)
        .file_mode("app/offsets", &offsets, 0o755)
        .file_mode("app/class", b"\x7fELF\x09\x01\x01\x00garbage", 0o755);
    let source = image(
        layer,
        json!({"Entrypoint": ["/app/truncated", "/app/offsets", "/app/class"]}),
        &dir.path().join("src"),
    );
    let run = harden(&source, dir.path());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let report = run.report.unwrap();
    let keep = report["entrypoint"]["keep"].as_object().unwrap();
    for p in ["app/truncated", "app/offsets", "app/class"] {
        assert!(keep.contains_key(p), "{p} not kept: {keep:?}");
    }
    assert!(run.stdout.contains("docker run"));
}

#[test]
fn an_oversized_passwd_is_refused_with_the_limit_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut passwd = b"root:x:0:0:root:/root:/bin/sh\n".to_vec();
    let mut i = 0u64;
    while passwd.len() < 9 * 1024 * 1024 {
        passwd.extend_from_slice(
            format!("user{i}:x:{}:100::/home/u:/bin/false\n", 1000 + i).as_bytes(),
        );
        i += 1;
    }
    let layer = base().file("etc/passwd", &passwd);
    let source = image(
        layer,
        json!({"Entrypoint": ["/usr/bin/true"]}),
        &dir.path().join("src"),
    );
    let run = harden(&source, dir.path());
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("/etc/passwd"), "{}", run.stderr);
    assert!(
        run.stderr.contains("MAX_ACCOUNT_FILE_BYTES"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("out/index.json").exists());
}

#[test]
fn a_passwd_symlink_is_refused_not_written_through() {
    let dir = tempfile::tempdir().unwrap();
    // Tar order: the later entry wins, so etc/passwd ends up a symlink.
    let layer = base()
        .dir("host")
        .file("host/passwd", b"root:x:0:0::/:/bin/sh\n")
        .symlink("etc/passwd", "../../../../host/passwd");
    let source = image(
        layer,
        json!({"Entrypoint": ["/usr/bin/true"]}),
        &dir.path().join("src"),
    );
    let run = harden(&source, dir.path());
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("/etc/passwd is a symlink, not a regular file"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_symlink_loop_in_the_entrypoint_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let layer = base()
        .symlink("app/a", "b")
        .symlink("app/b", "/app/c")
        .symlink("app/c", "../app/a");
    let source = image(
        layer,
        json!({"Entrypoint": ["/app/a"]}),
        &dir.path().join("src"),
    );
    let run = harden(&source, dir.path());
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the entrypoint /app/a cannot be resolved"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("symlink loop"), "{}", run.stderr);

    // On PATH too: `app` found through a looping directory is skipped, not followed forever.
    let dir = tempfile::tempdir().unwrap();
    let layer = base().symlink("loop", "loop/x");
    let source = image(
        layer,
        json!({"Entrypoint": ["app"], "Env": ["PATH=/loop:/usr/bin"]}),
        &dir.path().join("src"),
    );
    let run = harden(&source, dir.path());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the entrypoint app is not in the image"),
        "{}",
        run.stderr
    );
}

#[test]
fn symlinks_out_of_the_root_resolve_inside_the_image() {
    let dir = tempfile::tempdir().unwrap();
    // `..` past the root stays at the root, as in the container: the entrypoint is the
    // image's own /usr/bin/true, never the host's.
    let layer = base()
        .symlink("app/run", "../../../../../../../../usr/bin/true")
        .symlink("app/secret", "/../../../../etc/shadow-of-the-host");
    let source = image(
        layer,
        json!({"Entrypoint": ["/app/run"], "Cmd": ["/app/secret"]}),
        &dir.path().join("src"),
    );
    let run = harden(&source, dir.path());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let report = run.report.unwrap();
    let keep = report["entrypoint"]["keep"].as_object().unwrap();
    assert!(keep.contains_key("usr/bin/true"), "{keep:?}");
    assert!(keep.contains_key("app/run"), "{keep:?}");
    // The shell the image has is not needed and goes.
    let removed: Vec<&str> = report["removals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert!(removed.contains(&"/usr/bin/dash"), "{removed:?}");
    assert!(!keep.keys().any(|k| k.contains("shadow-of-the-host")));
}

fn with_password(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seatbelt"))
        .args(args)
        .current_dir(dir)
        .env("COSIGN_PASSWORD", "harden-test")
        .env_remove("SEATBELT_PASSWORD")
        .output()
        .expect("the seatbelt binary runs")
}

#[test]
fn sign_chains_a_signature_of_the_written_image() {
    let dir = tempfile::tempdir().unwrap();
    let source = image(
        base(),
        json!({"Entrypoint": ["/usr/bin/true"]}),
        &dir.path().join("src"),
    );
    let keygen = with_password(&["key", "generate", "--output-prefix", "k"], dir.path());
    assert!(
        keygen.status.success(),
        "{}",
        String::from_utf8_lossy(&keygen.stderr)
    );
    let out = dir.path().join("out");
    let target = format!("oci-dir:{}:h", out.display());
    let run = with_password(
        &["harden", &source, "-o", &target, "--sign", "--key", "k.key"],
        dir.path(),
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("Signed sha256:"), "{stderr}");
    let verify = with_password(&["verify", "--key", "k.pub", &target], dir.path());
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );

    // --attest: the SLSA provenance of the rewrite, attested to the digest written.
    let attested = dir.path().join("attested");
    let target = format!("oci-dir:{}:h", attested.display());
    let run = with_password(
        &[
            "harden", &source, "-o", &target, "--attest", "--key", "k.key",
        ],
        dir.path(),
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("Attested sha256:"), "{stderr}");
    let verify = with_password(
        &[
            "verify-attestation",
            "--key",
            "k.pub",
            "--type",
            "slsaprovenance1",
            &target,
        ],
        dir.path(),
    );
    assert!(
        verify.status.success(),
        "{}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
    // ... and the hardened image's SBOM, which lists what is in it after the rewrite.
    let verify = with_password(
        &[
            "verify-attestation",
            "--key",
            "k.pub",
            "--type",
            "cyclonedx",
            "--format",
            "json",
            &target,
        ],
        dir.path(),
    );
    let stdout = String::from_utf8_lossy(&verify.stdout);
    assert!(verify.status.success(), "{stdout}");
    assert!(stdout.contains("\"bomFormat\""), "{stdout}");
    // --key alone is a mistake, not silently ignored.
    let alone = seatbelt(&["harden", &source, "-o", &target, "--key", "k.key"]);
    assert_eq!(alone.status.code(), Some(2));
    // --sign needs --key, and a key that does not load fails before anything is written.
    let missing = seatbelt(&["harden", &source, "-o", &target, "--sign"]);
    assert_eq!(missing.status.code(), Some(2));
    let other = dir.path().join("other");
    let bad = with_password(
        &[
            "harden",
            &source,
            "-o",
            &format!("oci-dir:{}:h", other.display()),
            "--sign",
            "--key",
            "nope.key",
        ],
        dir.path(),
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(!other.join("index.json").exists());
}

#[test]
fn a_shell_passed_as_an_argument_is_kept_or_refused_never_silently_removed() {
    // A base image's `CMD ["/bin/sh"]` left under a new ENTRYPOINT: the program gets the
    // shell's path and may run it.
    let dir = tempfile::tempdir().unwrap();
    let source = image(
        base(),
        json!({"Entrypoint": ["/usr/bin/true"], "Cmd": ["/bin/sh"]}),
        &dir.path().join("src"),
    );
    let run = harden(&source, dir.path());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let report = run.report.unwrap();
    assert!(
        report["entrypoint"]["shell"]
            .as_str()
            .unwrap()
            .contains("names the shell /bin/sh as an argument"),
        "{report}"
    );
    assert!(report["entrypoint"]["keep"]
        .as_object()
        .unwrap()
        .contains_key("usr/bin/dash"));
    let strict = seatbelt(&[
        "harden",
        &source,
        "-o",
        &format!("oci-dir:{}:s", dir.path().join("strict").display()),
        "--profile",
        "strict",
    ]);
    assert_eq!(strict.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&strict.stderr).contains("the entrypoint needs a shell"));
}
