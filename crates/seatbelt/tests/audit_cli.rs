//! End-to-end tests of `seatbelt audit`: the real Debian minbase image (setuid files checked
//! against `find -perm /6000` on a rootfs extracted by tar), synthetic layered images (a secret
//! added in layer 2 and deleted in layer 3; a layer of look-alike non-secrets), a `dir:` root
//! filesystem, exit codes and SARIF validated against the official schema.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use seatbelt_test::debian::{fixture_image, workspace_root, FixtureImage};
use seatbelt_test::layers::{config_and_manifest, sha256, Blob, Layer};
use serde_json::{json, Value};

fn seatbelt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seatbelt"))
        .args(args)
        // The tests must not pick up a config file from wherever they run.
        .current_dir(std::env::temp_dir())
        .output()
        .expect("the seatbelt binary runs")
}

fn audit_json(args: &[&str]) -> Value {
    let mut all = vec!["audit", "--format", "json"];
    all.extend_from_slice(args);
    let out = seatbelt_test::cli::succeeded(&format!("seatbelt {all:?}"), &seatbelt(&all));
    serde_json::from_str(&out).expect("JSON report")
}

fn findings<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .collect()
}

fn files(report: &Value, rule: &str) -> BTreeSet<String> {
    findings(report, rule)
        .iter()
        .filter_map(|f| f["location"]["file"].as_str().map(str::to_string))
        .collect()
}

/// Writes an OCI layout holding one image tagged `tag` with `layers` and a config built from
/// `runtime` (the config's `config` object) and `history`.
fn write_layout(dir: &Path, tag: &str, layers: &[Blob], runtime: Value, history: Value) {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).expect("mkdir");
    let put = |bytes: &[u8]| {
        let digest = sha256(bytes);
        std::fs::write(blobs.join(digest.trim_start_matches("sha256:")), bytes).expect("blob");
        digest
    };
    for l in layers {
        put(&l.bytes);
    }
    let (_, manifest) = config_and_manifest(layers);
    let config = json!({
        "architecture": "amd64",
        "os": "linux",
        "created": "2020-01-01T00:00:00Z",
        "config": runtime,
        "history": history,
        "rootfs": {"type": "layers", "diff_ids": layers.iter().map(|l| l.diff_id.clone()).collect::<Vec<_>>()},
    });
    let config = serde_json::to_vec(&config).expect("config");
    let config_digest = put(&config);
    // The helper's manifest points at its own config; point it at ours.
    let mut manifest: Value = serde_json::from_slice(&manifest).expect("manifest");
    manifest["config"]["digest"] = json!(config_digest);
    manifest["config"]["size"] = json!(config.len());
    let manifest = serde_json::to_vec(&manifest).expect("manifest");
    let digest = put(&manifest);
    let index = json!({
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": digest,
            "size": manifest.len(),
            "annotations": {"org.opencontainers.image.ref.name": tag},
        }],
    });
    std::fs::write(
        dir.join("index.json"),
        serde_json::to_vec(&index).expect("index"),
    )
    .expect("index");
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#)
        .expect("oci-layout");
}

/// A GitHub token shaped like a real one (random, no placeholder markers).
const TOKEN: &str = "ghp_R3alLooking0TokenQ8vX2mZ7kLp4Wn9Ts1Y";

fn pem_key() -> String {
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBq8kLm2vR9xT4pW7nC3bY6Jd5Hf1Gs0Ka9Lb8Mc7Nd6QAAAJgZq8kLm2vR\n-----END OPENSSH PRIVATE KEY-----\n".to_string()
}

#[test]
fn minbase_runs_as_root_with_setuid_files_shells_and_dpkg() {
    let layout = fixture_image(FixtureImage::Minbase);
    let reference = format!("oci-dir:{}:minbase", layout.display());
    let report = audit_json(&[&reference]);

    assert_eq!(findings(&report, "SB2001").len(), 1, "root user");
    let shells = files(&report, "SB2012");
    assert!(
        shells.contains("/usr/bin/bash") && shells.contains("/usr/bin/dash"),
        "{shells:?}"
    );
    let managers = files(&report, "SB2013");
    for program in ["/usr/bin/dpkg", "/usr/bin/apt-get", "/usr/bin/apt"] {
        assert!(managers.contains(program), "{program} in {managers:?}");
    }
    assert!(files(&report, "SB2014").contains("/usr/bin/su"));

    // The independent check: extract the single layer with tar and ask find.
    let index: Value =
        serde_json::from_slice(&std::fs::read(layout.join("index.json")).expect("index"))
            .expect("json");
    let manifest_digest = index["manifests"]
        .as_array()
        .expect("manifests")
        .iter()
        .find(|m| m["annotations"]["org.opencontainers.image.ref.name"] == "minbase")
        .and_then(|m| m["digest"].as_str())
        .expect("tag");
    let blob = |d: &str| {
        layout
            .join("blobs/sha256")
            .join(d.trim_start_matches("sha256:"))
    };
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(blob(manifest_digest)).expect("manifest"))
            .expect("json");
    let layers = manifest["layers"].as_array().expect("layers");
    assert_eq!(layers.len(), 1, "minbase has one layer");
    let layer_digest = layers[0]["digest"].as_str().expect("digest");
    let root = tempfile::tempdir().expect("tempdir");
    let status = Command::new("tar")
        .args(["-xzf"])
        .arg(blob(layer_digest))
        .args(["--numeric-owner", "--same-permissions", "-C"])
        .arg(root.path())
        .status()
        .expect("tar runs");
    assert!(status.success());
    let out = Command::new("find")
        .arg(root.path())
        .args(["-xdev", "-type", "f", "-perm", "/6000"])
        .output()
        .expect("find runs");
    let expected: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix(root.path().to_str().expect("utf-8")))
        .map(str::to_string)
        .collect();
    assert!(
        expected.contains("/usr/bin/passwd") && expected.contains("/usr/bin/su"),
        "{expected:?}"
    );
    assert_eq!(files(&report, "SB2010"), expected);
    // Every file finding names the layer holding the file.
    for f in findings(&report, "SB2010") {
        assert_eq!(f["location"]["layer"], layer_digest);
        assert_eq!(f["location"]["layer_index"], 0);
    }

    // Root is high: --fail-on high fails, --fail-on critical does not (no secrets in minbase).
    let failed = seatbelt(&["audit", "--fail-on", "high", &reference]);
    assert_eq!(
        failed.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&failed.stderr)
    );
    let passed = seatbelt(&[
        "audit",
        "--fail-on",
        "critical",
        "--scanners",
        "config,files",
        &reference,
    ]);
    assert_eq!(
        passed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&passed.stderr)
    );

    // SARIF validates against the official schema.
    let dir = tempfile::tempdir().expect("tempdir");
    let sarif = dir.path().join("audit.sarif");
    let out = seatbelt(&[
        "audit",
        "--format",
        "sarif",
        "-o",
        sarif.to_str().expect("utf-8"),
        &reference,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: Value =
        serde_json::from_slice(&std::fs::read(&sarif).expect("written")).expect("json");
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(
        uris.contains(&"/usr/bin/su"),
        "the path inside the image is the artifact URI"
    );
    let validated = Command::new(seatbelt_test::tools::pyvenv_python())
        .arg(workspace_root().join("scripts/validate-sarif.py"))
        .arg(&sarif)
        .output()
        .expect("run scripts/validate-sarif.py (scripts/install-deps.sh installs it)");
    assert!(
        validated.status.success(),
        "{}",
        String::from_utf8_lossy(&validated.stdout)
    );
}

#[test]
fn a_secret_deleted_in_layer_3_is_reported_with_layer_2s_digest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let layer1 = Blob::new(
        &Layer::new()
            .dir("app")
            .file("app/main.py", b"print('hi')\n")
            .finish(),
        "gzip",
    );
    let layer2 = Blob::new(
        &Layer::new()
            .file(
                "app/deploy.sh",
                format!("#!/bin/sh\ncurl -H 'Authorization: token {TOKEN}' https://api.invalid/\n")
                    .as_bytes(),
            )
            .dir("root/.ssh")
            .file_mode("root/.ssh/id_ed25519", pem_key().as_bytes(), 0o600)
            .finish(),
        "gzip",
    );
    let layer3 = Blob::new(
        &Layer::new()
            .whiteout("app/deploy.sh")
            .whiteout("root/.ssh/id_ed25519")
            .finish(),
        "gzip",
    );
    write_layout(
        dir.path(),
        "v1",
        &[layer1, layer2.clone(), layer3],
        json!({"User": "1000", "Healthcheck": {"Test": ["CMD", "true"]}}),
        json!([]),
    );
    let reference = format!("oci-dir:{}:v1", dir.path().display());
    let report = audit_json(&[&reference]);

    let github = findings(&report, "SB3005");
    assert_eq!(github.len(), 1, "{report:#}");
    assert_eq!(github[0]["location"]["file"], "/app/deploy.sh");
    assert_eq!(github[0]["location"]["layer"], layer2.digest.as_str());
    assert_eq!(github[0]["location"]["layer_index"], 1);
    assert_eq!(github[0]["location"]["line"], 2);
    let message = github[0]["message"].as_str().expect("message");
    assert!(message.contains("deleted by a later layer"), "{message}");

    let key = findings(&report, "SB3015");
    assert_eq!(key.len(), 1);
    assert_eq!(key[0]["location"]["layer"], layer2.digest.as_str());
    let key_file = findings(&report, "SB2020");
    assert_eq!(key_file.len(), 1);
    assert_eq!(key_file[0]["location"]["file"], "/root/.ssh/id_ed25519");

    // Redacted in every format.
    for format in ["table", "json", "sarif", "checkstyle", "gitlab"] {
        let out = seatbelt(&["audit", "--format", format, &reference]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            !text.contains(&TOKEN[4..]),
            "{format} leaks the token:\n{text}"
        );
        assert!(
            !text.contains("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"),
            "{format} leaks the key"
        );
        assert!(text.contains("SB3005"), "{format}:\n{text}");
    }
    // The user is not root and there is a health check: no config findings but the age.
    assert!(findings(&report, "SB2001").is_empty() && findings(&report, "SB2002").is_empty());
    assert_eq!(findings(&report, "SB2007").len(), 1, "created 2020");
    // --ignore drops a rule; --scanners secret runs only the secret rules.
    let only_secrets = audit_json(&["--scanners", "secret", "--ignore", "SB3015", &reference]);
    let ids: BTreeSet<&str> = only_secrets["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule_id"].as_str())
        .collect();
    assert_eq!(ids, BTreeSet::from(["SB3005"]));
}

#[test]
fn secrets_in_env_labels_and_history_are_found_and_redacted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let layer = Blob::new(&Layer::new().file("app/x", b"x").finish(), "none");
    write_layout(
        dir.path(),
        "latest",
        &[layer],
        json!({"Env": ["PATH=/usr/bin", "DB_PASSWORD=Zq8kLm2vR9x!"], "Labels": {"ci.token": TOKEN}}),
        json!([{"created_by": "|1 NPM_TOKEN=Zq8kLm2vR9xT4p! /bin/sh -c npm ci"}]),
    );
    let reference = format!("oci-dir:{}:latest", dir.path().display());
    let report = audit_json(&["--scanners", "config", &reference]);
    for rule in ["SB2001", "SB2002", "SB2003", "SB2004", "SB2005", "SB2006"] {
        assert_eq!(findings(&report, rule).len(), 1, "{rule}: {report:#}");
    }
    let text = report.to_string();
    assert!(
        !text.contains("Zq8kLm2vR9x") && !text.contains(&TOKEN[4..]),
        "{text}"
    );
}

#[test]
fn look_alike_non_secrets_report_nothing() {
    // Shapes that resemble secrets and are not: identifiers, digests, encodings, and the
    // example credentials vendors print in their documentation.
    let text = "\
id: 123e4567-e89b-12d3-a456-426614174000
request_id = 9f1c2b7e-4d3a-4f8e-b6c5-1a2b3c4d5e6f
sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
digest = sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904
git_sha=da39a3ee5e6b4b0d3255bfef95601890afd80709
blob: SGVsbG8sIHdvcmxkISBUaGlzIGlzIGp1c3QgYmFzZTY0IHRleHQgZm9yIGEgdGVzdC4=
data: TG9yZW0gaXBzdW0gZG9sb3Igc2l0IGFtZXQsIGNvbnNlY3RldHVyIGFkaXBpc2NpbmcgZWxpdA==
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
jwt = eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c
password=changeme
DB_PASSWORD=${DB_PASSWORD}
token: <your-token-here>
DATABASE_URL=postgres://user:password@localhost:5432/app
GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
stripe_test = sk_test_4eC39HqLyjWDarjtT1zdp7dc
password_hash_algorithm = pbkdf2_sha256
token = self.token
-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0
-----END PUBLIC KEY-----
if line.startswith('-----BEGIN RSA PRIVATE KEY-----'):
";
    let dir = tempfile::tempdir().expect("tempdir");
    let layer = Blob::new(
        &Layer::new()
            .file("app/settings.txt", text.as_bytes())
            .file(
                "app/lookalikes.py",
                format!("IDS = '''\n{text}'''\n").as_bytes(),
            )
            .finish(),
        "gzip",
    );
    write_layout(
        dir.path(),
        "v1",
        &[layer],
        json!({"User": "app"}),
        json!([]),
    );
    let report = audit_json(&[
        "--scanners",
        "secret",
        &format!("oci-dir:{}:v1", dir.path().display()),
    ]);
    assert_eq!(report["findings"], json!([]), "{report:#}");
}

#[test]
fn a_dir_rootfs_is_audited_without_layers() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().expect("tempdir");
    let p = root.path();
    std::fs::create_dir_all(p.join("usr/bin")).expect("mkdir");
    std::fs::create_dir_all(p.join("app")).expect("mkdir");
    std::fs::write(p.join("usr/bin/helper"), b"#!/bin/sh\n").expect("write");
    std::fs::set_permissions(
        p.join("usr/bin/helper"),
        std::fs::Permissions::from_mode(0o4755),
    )
    .expect("chmod");
    std::fs::write(p.join("app/.env"), format!("GITHUB_TOKEN={TOKEN}\n")).expect("write");
    std::fs::write(p.join("app/public.txt"), b"nothing here\n").expect("write");
    let report = audit_json(&[&format!("dir:{}", p.display())]);
    assert_eq!(
        files(&report, "SB2010"),
        BTreeSet::from(["/usr/bin/helper".to_string()])
    );
    assert_eq!(
        files(&report, "SB2021"),
        BTreeSet::from(["/app/.env".to_string()])
    );
    assert_eq!(
        files(&report, "SB3005"),
        BTreeSet::from(["/app/.env".to_string()])
    );
    for f in report["findings"].as_array().expect("findings") {
        assert!(
            f["location"].get("layer").is_none() && f["location"].get("layer_index").is_none(),
            "{f}"
        );
    }
    assert!(
        findings(&report, "SB2001").is_empty(),
        "a rootfs has no config to judge"
    );
}

#[test]
fn table_output_snapshot() {
    let dir = tempfile::tempdir().expect("tempdir");
    let layer1 = Blob::new(
        &Layer::new()
            .dir_mode("srv", 0o777)
            .file_mode("usr/bin/tool", b"x", 0o4755)
            .finish(),
        "none",
    );
    let layer2 = Blob::new(
        &Layer::new()
            .file(
                "srv/.npmrc",
                b"//registry.npmjs.org/:_authToken=npm_Zq8kLm2vR9xT4pW7nC3bY6Jd5Hf1Gs0Ka9Lb\n",
            )
            .finish(),
        "none",
    );
    write_layout(
        dir.path(),
        "v1",
        &[layer1, layer2],
        json!({"User": "app"}),
        json!([]),
    );
    let out = seatbelt(&[
        "audit",
        "--scanners",
        "files,secret",
        &format!("oci-dir:{}:v1", dir.path().display()),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn a_bad_config_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("seatbelt.yaml");
    std::fs::write(&config, "disbled: [SB2001]\n").expect("write");
    let out = seatbelt(&[
        "audit",
        "--config",
        config.to_str().expect("utf-8"),
        "dir:/nonexistent",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("seatbelt.yaml"));
}
