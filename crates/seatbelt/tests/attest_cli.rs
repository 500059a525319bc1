//! End-to-end attestation tests of the `seatbelt` binary against the real loopback
//! docker-registry and `oci-dir:` layouts, with Debian's cosign as the independent peer: each
//! tool verifies what the other attested; every forgery must fail verification in seatbelt
//! (and in cosign where cosign checks the same thing).

// A panic is how a test reports failure.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use seatbelt_test::distribution;
use seatbelt_test::layers::{config_and_manifest, sha256, Blob, Layer};
use seatbelt_test::registry::DockerRegistry;
use seatbelt_test::tools::cosign;
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery staple";

fn run(program: &Path, args: &[&str], dir: &Path) -> Output {
    seatbelt_test::cli::run_isolated(program, args, dir, PASSWORD, &[])
}

fn seatbelt_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_seatbelt"))
}

fn ok(program: &Path, args: &[&str], dir: &Path) -> String {
    let what = format!("{} {args:?}", program.display());
    seatbelt_test::cli::succeeded(&what, &run(program, args, dir))
}

fn seatbelt(args: &[&str], dir: &Path) -> String {
    ok(&seatbelt_bin(), args, dir)
}

/// cosign flags for a loopback registry with no transparency log and no network.
const COSIGN_ATTEST: &[&str] = &["--tlog-upload=false", "--allow-insecure-registry", "-y"];
const COSIGN_VERIFY: &[&str] = &[
    "--insecure-ignore-tlog",
    "--allow-insecure-registry",
    "--offline",
];

fn cosign_verifies(dir: &Path, key: &str, kind: &str, image: &str) -> Option<Vec<Value>> {
    cosign_verifies_with(dir, &[], key, kind, image)
}

/// `cosign verify-attestation` with `extra` flags: the envelopes it accepted, if any.
fn cosign_verifies_with(
    dir: &Path,
    extra: &[&str],
    key: &str,
    kind: &str,
    image: &str,
) -> Option<Vec<Value>> {
    let mut args = vec!["verify-attestation", "--key", key, "--type", kind];
    args.extend_from_slice(extra);
    args.extend_from_slice(COSIGN_VERIFY);
    args.push(image);
    let out = run(&cosign(), &args, dir);
    if !out.status.success() {
        return None;
    }
    // cosign prints one envelope per line.
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
    )
}

/// `cosign attest --key co.key` with `extra` flags, offline.
fn cosign_attest(dir: &Path, extra: &[&str], kind: &str, predicate: &str, image: &str) {
    let mut args = vec!["attest", "--key", "co.key", "--type", kind];
    args.extend_from_slice(&["--predicate", predicate]);
    args.extend_from_slice(extra);
    args.extend_from_slice(COSIGN_ATTEST);
    args.push(image);
    ok(&cosign(), &args, dir);
}

/// The statement inside an envelope cosign printed.
fn statement(envelope: &Value) -> Value {
    serde_json::from_slice(&base64_decode(envelope["payload"].as_str().unwrap())).unwrap()
}

/// Writes a one-layer OCI layout whose file content is `marker` tagged `t`; returns its digest.
fn write_layout(dir: &Path, files: &[(&str, &str)]) -> String {
    let mut layer = Layer::new();
    for (path, content) in files {
        layer = layer.file(path, content.as_bytes());
    }
    let blob = Blob::new(&layer.finish(), "gzip");
    let (config, manifest) = config_and_manifest(std::slice::from_ref(&blob));
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    for bytes in [&blob.bytes, &config, &manifest] {
        let digest = sha256(bytes);
        std::fs::write(blobs.join(&digest["sha256:".len()..]), bytes).unwrap();
    }
    let digest = sha256(&manifest);
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let index = json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": digest, "size": manifest.len(),
        "annotations": {"org.opencontainers.image.ref.name": "t"}}]});
    std::fs::write(dir.join("index.json"), index.to_string()).unwrap();
    digest
}

/// Pushes a fresh synthetic image to `remote` (a tag) and returns its digest.
fn push(work: &Path, remote: &str, marker: &str) -> String {
    let layout = work.join(format!("layout-{marker}"));
    let digest = write_layout(&layout, &[("hello.txt", marker)]);
    seatbelt(
        &["copy", &format!("oci-dir:{}:t", layout.display()), remote],
        work,
    );
    digest
}

/// `seatbelt verify-attestation … --format json`: the exit code and the report.
fn verify(work: &Path, key: &str, kind: &str, image: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec![
        "verify-attestation",
        "--key",
        key,
        "--type",
        kind,
        image,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = run(&seatbelt_bin(), &args, work);
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "seatbelt verify-attestation errored:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("verify-attestation output is not JSON ({e})"));
    (code, report)
}

fn reason(report: &Value, index: usize) -> String {
    report["attestations"][index]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

const BOM: &str = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","name":"zlib","version":"1.3"}]}"#;

fn vuln_predicate() -> Value {
    json!({
        "invocation": {"parameters": [], "uri": "", "event_id": "", "builder.id": "test"},
        "scanner": {"uri": "https://example.com/scanner", "version": "1",
                    "db": {"uri": "", "version": ""}, "result": {"findings": []}},
        "metadata": {"scanStartedOn": "2024-01-01T00:00:00Z", "scanFinishedOn": "2024-01-01T00:00:01Z"}
    })
}

#[test]
fn cosign_verifies_what_seatbelt_attested() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let registry = DockerRegistry::start();
    let repo = format!("{}/att/a", registry.host());
    let digest = push(dir, &format!("{repo}:1"), "a");
    let image = format!("{repo}@{digest}");
    seatbelt(&["key", "generate", "--output-prefix", "sb"], dir);
    std::fs::write(dir.join("bom.json"), BOM).unwrap();
    std::fs::write(dir.join("vuln.json"), vuln_predicate().to_string()).unwrap();
    std::fs::write(dir.join("note.txt"), "reviewed by ops").unwrap();
    for (kind, file) in [
        ("cyclonedx", "bom.json"),
        ("vuln", "vuln.json"),
        ("custom", "note.txt"),
    ] {
        let written: Value = serde_json::from_str(&seatbelt(
            &[
                "attest",
                "--key",
                "sb.key",
                "--type",
                kind,
                "--predicate",
                file,
                &format!("{repo}:1"),
                "--json",
            ],
            dir,
        ))
        .unwrap();
        assert_eq!(written["digest"], digest.as_str());
    }
    let tag = format!("sha256-{}.att", &digest["sha256:".len()..]);
    let manifest: Value = serde_json::from_slice(&distribution::get(
        registry.host(),
        &format!("att/a/manifests/{tag}"),
    ))
    .unwrap();
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 3);
    assert_eq!(
        layers[0]["mediaType"],
        "application/vnd.dsse.envelope.v1+json"
    );
    assert_eq!(
        layers[0]["annotations"]["dev.cosignproject.cosign/signature"],
        ""
    );
    assert_eq!(
        layers[0]["annotations"]["predicateType"],
        "https://cyclonedx.org/bom"
    );

    for (kind, uri) in [
        ("cyclonedx", "https://cyclonedx.org/bom"),
        ("vuln", "https://cosign.sigstore.dev/attestation/vuln/v1"),
        ("custom", "https://cosign.sigstore.dev/attestation/v1"),
    ] {
        let envelopes = cosign_verifies(dir, "sb.pub", kind, &image)
            .unwrap_or_else(|| panic!("cosign rejects seatbelt's {kind} attestation"));
        let statements: Vec<Value> = envelopes.iter().map(statement).collect();
        let ours = statements
            .iter()
            .find(|s| s["predicateType"] == uri)
            .unwrap_or_else(|| panic!("no {uri} among {statements:?}"));
        assert_eq!(
            ours["subject"][0]["digest"]["sha256"],
            &digest["sha256:".len()..]
        );
        assert_eq!(ours["_type"], "https://in-toto.io/Statement/v1");
    }
    // cosign with another key, or for a type never attested, rejects.
    ok(
        &cosign(),
        &["generate-key-pair", "--output-key-prefix", "other"],
        dir,
    );
    assert!(cosign_verifies(dir, "other.pub", "cyclonedx", &image).is_none());
    assert!(cosign_verifies(dir, "sb.pub", "spdxjson", &image).is_none());
}

#[test]
fn seatbelt_verifies_what_cosign_attested() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let registry = DockerRegistry::start();
    let repo = format!("{}/att/b", registry.host());
    let digest = push(dir, &format!("{repo}:1"), "b");
    let image = format!("{repo}@{digest}");
    ok(
        &cosign(),
        &["generate-key-pair", "--output-key-prefix", "co"],
        dir,
    );
    std::fs::write(dir.join("bom.json"), BOM).unwrap();
    cosign_attest(dir, &[], "cyclonedx", "bom.json", &image);

    let (code, report) = verify(dir, "co.pub", "cyclonedx", &format!("{repo}:1"), &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["digest"], digest.as_str());
    assert_eq!(
        report["attestations"][0]["predicate"]["components"][0]["name"],
        "zlib"
    );
    // `sbom` takes CycloneDX too; `vuln` finds nothing of that type.
    assert_eq!(verify(dir, "co.pub", "sbom", &image, &[]).0, 0);
    let (code, report) = verify(dir, "co.pub", "vuln", &image, &[]);
    assert_eq!(code, 1, "{report}");
    // cosign's `vuln` and `custom` statements (Statement v0.1, cosign's predicate shapes).
    std::fs::write(dir.join("vuln.json"), vuln_predicate().to_string()).unwrap();
    std::fs::write(dir.join("note.txt"), "reviewed").unwrap();
    for (kind, file) in [("vuln", "vuln.json"), ("custom", "note.txt")] {
        cosign_attest(dir, &[], kind, file, &image);
    }
    let (code, report) = verify(dir, "co.pub", "vuln", &image, &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        report["attestations"][1]["predicate"]["scanner"]["version"],
        "1"
    );
    let (code, report) = verify(dir, "co.pub", "custom", &image, &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["attestations"][2]["predicate"]["Data"], "reviewed");
    // A wrong key: exit 1.
    seatbelt(&["key", "generate", "--output-prefix", "wrong"], dir);
    let (code, report) = verify(dir, "wrong.pub", "cyclonedx", &image, &[]);
    assert_eq!(code, 1, "{report}");
    assert!(
        reason(&report, 0).contains("no envelope signature"),
        "{report}"
    );

    // seatbelt appends to cosign's manifest with cosign's key; cosign sees both.
    seatbelt(
        &[
            "attest",
            "--key",
            "co.key",
            "--type",
            "cyclonedx",
            "--predicate",
            "bom.json",
            &image,
        ],
        dir,
    );
    let (code, report) = verify(dir, "co.pub", "cyclonedx", &image, &[]);
    assert_eq!(code, 0);
    let verified = report["attestations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["verified"] == true)
        .count();
    assert_eq!(verified, 2, "{report}");
    let cyclonedx = cosign_verifies(dir, "co.pub", "cyclonedx", &image).unwrap();
    let cyclonedx = cyclonedx
        .iter()
        .filter(|e| statement(e)["predicateType"] == "https://cyclonedx.org/bom")
        .count();
    assert_eq!(cyclonedx, 2);
}

#[test]
fn policy_and_annotations_gate_verification() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let layout = dir.join("layout");
    write_layout(&layout, &[("a.txt", "a")]);
    let image = format!("oci-dir:{}:t", layout.display());
    seatbelt(&["key", "generate", "--output-prefix", "k"], dir);
    std::fs::write(dir.join("bom.json"), BOM).unwrap();
    seatbelt(
        &[
            "attest",
            "--key",
            "k.key",
            "--type",
            "sbom",
            "--predicate",
            "bom.json",
            "-a",
            "stage=release",
            &image,
        ],
        dir,
    );
    std::fs::write(
        dir.join("good.json"),
        r#"{"rules":[{"path":"/specVersion","oneOf":["1.5","1.6"]},{"path":"/components","maxItems":5}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("bad.json"),
        r#"{"rules":[{"path":"/components","maxItems":0}]}"#,
    )
    .unwrap();
    let (code, _) = verify(
        dir,
        "k.pub",
        "cyclonedx",
        &image,
        &["--policy", "good.json", "-a", "stage=release"],
    );
    assert_eq!(code, 0);
    let (code, report) = verify(dir, "k.pub", "cyclonedx", &image, &["--policy", "bad.json"]);
    assert_eq!(code, 1);
    assert!(
        reason(&report, 0).contains("/components has 1 items"),
        "{report}"
    );
    let (code, report) = verify(dir, "k.pub", "cyclonedx", &image, &["-a", "stage=dev"]);
    assert_eq!(code, 1);
    assert!(reason(&report, 0).contains("annotation"), "{report}");
    // The table says what verified.
    let table = seatbelt(
        &[
            "verify-attestation",
            "--key",
            "k.pub",
            "--type",
            "sbom",
            &image,
        ],
        dir,
    );
    assert!(
        table.contains("verified  https://cyclonedx.org/bom"),
        "{table}"
    );
    // A malformed policy is an error (exit 2), not a pass.
    std::fs::write(dir.join("broken.json"), r#"{"rules":[{"path":"/a"}]}"#).unwrap();
    let out = run(
        &seatbelt_bin(),
        &[
            "verify-attestation",
            "--key",
            "k.pub",
            "--type",
            "sbom",
            "--policy",
            "broken.json",
            &image,
        ],
        dir,
    );
    assert_eq!(out.status.code(), Some(2));
}

/// Attests a vuln predicate to `repo@digest` with `k.key` and returns the `.att` manifest and
/// the tag it is stored at.
fn attest_vuln(dir: &Path, host: &str, repo: &str, digest: &str) -> (Value, String) {
    std::fs::write(dir.join("vuln.json"), vuln_predicate().to_string()).unwrap();
    seatbelt(
        &[
            "attest",
            "--key",
            "k.key",
            "--type",
            "vuln",
            "--predicate",
            "vuln.json",
            &format!("{host}/{repo}@{digest}"),
        ],
        dir,
    );
    let tag = format!("sha256-{}.att", &digest["sha256:".len()..]);
    let manifest = distribution::get(host, &format!("{repo}/manifests/{tag}"));
    (serde_json::from_slice(&manifest).unwrap(), tag)
}

#[test]
fn forged_attestations_fail_verification() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let registry = DockerRegistry::start();
    let host = registry.host();
    let a = push(dir, &format!("{host}/neg/a:1"), "neg-a");
    let b = push(dir, &format!("{host}/neg/b:1"), "neg-b");
    let image_a = format!("{host}/neg/a@{a}");
    let image_b = format!("{host}/neg/b@{b}");
    seatbelt(&["key", "generate", "--output-prefix", "k"], dir);
    let (manifest, tag_a) = attest_vuln(dir, host, "neg/a", &a);
    assert_eq!(verify(dir, "k.pub", "vuln", &image_a, &[]).0, 0);
    let layer = manifest["layers"][0].clone();
    let envelope_bytes = distribution::get(
        host,
        &format!("neg/a/blobs/{}", layer["digest"].as_str().unwrap()),
    );
    let config = distribution::get(
        host,
        &format!(
            "neg/a/blobs/{}",
            manifest["config"]["digest"].as_str().unwrap()
        ),
    );

    // A vuln attestation passed off as a CycloneDX one: the layer annotation says cyclonedx,
    // the signed statement says vuln.
    let mut retyped = manifest.clone();
    retyped["layers"][0]["annotations"]["predicateType"] = json!("https://cyclonedx.org/bom");
    distribution::put_manifest(host, "neg/a", &tag_a, retyped.to_string().as_bytes());
    let (code, report) = verify(dir, "k.pub", "cyclonedx", &image_a, &[]);
    assert_eq!(code, 1, "{report}");
    assert!(
        reason(&report, 0)
            .contains("signed predicate type is https://cosign.sigstore.dev/attestation/vuln/v1"),
        "{report}"
    );
    assert!(cosign_verifies(dir, "k.pub", "cyclonedx", &image_a).is_none());
    distribution::put_manifest(host, "neg/a", &tag_a, manifest.to_string().as_bytes());

    // a's attestation moved to b's .att tag: the statement's subject is a.
    distribution::post_blob(host, "neg/b", &envelope_bytes);
    distribution::post_blob(host, "neg/b", &config);
    let tag_b = format!("sha256-{}.att", &b["sha256:".len()..]);
    distribution::put_manifest(host, "neg/b", &tag_b, manifest.to_string().as_bytes());
    let (code, report) = verify(dir, "k.pub", "vuln", &image_b, &[]);
    assert_eq!(code, 1, "{report}");
    assert!(reason(&report, 0).contains("not this image"), "{report}");

    // A tampered payload (b's digest written into a's statement, signature kept).
    let mut envelope: Value = serde_json::from_slice(&envelope_bytes).unwrap();
    let payload = base64_decode(envelope["payload"].as_str().unwrap());
    let forged = String::from_utf8(payload)
        .unwrap()
        .replace(&a["sha256:".len()..], &b["sha256:".len()..]);
    envelope["payload"] = json!(base64_encode(forged.as_bytes()));
    put_envelope(host, "neg/b", &tag_b, &manifest, &envelope);
    let (code, report) = verify(dir, "k.pub", "vuln", &image_b, &[]);
    assert_eq!(code, 1, "{report}");
    assert!(
        reason(&report, 0).contains("no envelope signature"),
        "{report}"
    );

    // Tampered signature bytes on a's own attestation.
    let mut envelope: Value = serde_json::from_slice(&envelope_bytes).unwrap();
    let mut signature = base64_decode(envelope["signatures"][0]["sig"].as_str().unwrap());
    let last = signature.len() - 1;
    signature[last] ^= 1;
    envelope["signatures"][0]["sig"] = json!(base64_encode(&signature));
    put_envelope(host, "neg/a", &tag_a, &manifest, &envelope);
    let (code, report) = verify(dir, "k.pub", "vuln", &image_a, &[]);
    assert_eq!(code, 1, "{report}");
    assert!(cosign_verifies(dir, "k.pub", "vuln", &image_a).is_none());
}

/// Stores `envelope` as the only layer of `manifest` (keeping its annotations) at `tag`.
fn put_envelope(host: &str, repo: &str, tag: &str, manifest: &Value, envelope: &Value) {
    let bytes = envelope.to_string().into_bytes();
    let digest = distribution::post_blob(host, repo, &bytes);
    let mut forged = manifest.clone();
    forged["layers"][0]["digest"] = json!(digest);
    forged["layers"][0]["size"] = json!(bytes.len());
    distribution::put_manifest(host, repo, tag, forged.to_string().as_bytes());
}

#[test]
fn verification_is_bound_to_the_digest_the_tag_resolved_to() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let registry = DockerRegistry::start();
    let host = registry.host();
    let attested = push(dir, &format!("{host}/race/app:prod"), "attested");
    seatbelt(&["key", "generate", "--output-prefix", "k"], dir);
    attest_vuln(dir, host, "race/app", &attested);
    let tag = format!("{host}/race/app:prod");
    let (code, report) = verify(dir, "k.pub", "vuln", &tag, &[]);
    assert_eq!(
        (code, report["digest"].as_str()),
        (0, Some(attested.as_str()))
    );
    // The tag moves to another image: its verification names the new digest and fails; the
    // attestation does not follow the tag.
    let moved = push(dir, &tag, "moved");
    let (code, report) = verify(dir, "k.pub", "vuln", &tag, &[]);
    assert_eq!((code, report["digest"].as_str()), (1, Some(moved.as_str())));
    let by_digest = format!("{host}/race/app@{attested}");
    assert_eq!(verify(dir, "k.pub", "vuln", &by_digest, &[]).0, 0);
}

#[test]
fn oversized_and_overfull_attestations_are_bounded_errors() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let registry = DockerRegistry::start();
    let host = registry.host();
    let digest = push(dir, &format!("{host}/big/a:1"), "big");
    let image = format!("{host}/big/a@{digest}");
    seatbelt(&["key", "generate", "--output-prefix", "k"], dir);
    let (manifest, tag) = attest_vuln(dir, host, "big/a", &digest);

    // A real 100 MiB envelope layer, described truthfully: refused by its size, unread.
    let huge = vec![b' '; 100 * 1024 * 1024];
    let huge_digest = distribution::post_blob(host, "big/a", &huge);
    let mut big = manifest.clone();
    big["layers"][0]["digest"] = json!(huge_digest);
    big["layers"][0]["size"] = json!(huge.len());
    // The same blob described as small: the read stops one byte past the claimed size.
    let mut lying = manifest["layers"][0].clone();
    lying["digest"] = json!(huge_digest);
    lying["size"] = json!(1000);
    big["layers"].as_array_mut().unwrap().push(lying);
    big["layers"]
        .as_array_mut()
        .unwrap()
        .push(manifest["layers"][0].clone());
    distribution::put_manifest(host, "big/a", &tag, big.to_string().as_bytes());
    let (code, report) = verify(dir, "k.pub", "vuln", &image, &[]);
    assert_eq!(code, 0, "the good attestation still verifies: {report}");
    assert!(
        reason(&report, 0).contains("104857600 bytes, over the limit of 33554432"),
        "{report}"
    );
    assert!(reason(&report, 1).contains("content digest"), "{report}");
    assert_eq!(report["attestations"][2]["verified"], true);

    // 10,000 layers: a clear error before any is fetched.
    let mut many = manifest.clone();
    many["layers"] = json!(vec![manifest["layers"][0].clone(); 10_000]);
    distribution::put_manifest(host, "big/a", &tag, many.to_string().as_bytes());
    let out = run(
        &seatbelt_bin(),
        &[
            "verify-attestation",
            "--key",
            "k.pub",
            "--type",
            "vuln",
            &image,
        ],
        dir,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("10000 entries, over the limit"), "{err}");
}

#[test]
fn sbom_and_scan_attest_what_they_read() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let registry = DockerRegistry::start();
    let repo = format!("{}/chain/app", registry.host());
    let layout = dir.join("app");
    let digest = write_layout(
        &layout,
        &[(
            "usr/lib/python3/dist-packages/requests-2.19.0.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: requests\nVersion: 2.19.0\n",
        )],
    );
    seatbelt(
        &[
            "copy",
            &format!("oci-dir:{}:t", layout.display()),
            &format!("{repo}:1"),
        ],
        dir,
    );
    let image = format!("{repo}@{digest}");
    seatbelt(&["key", "generate", "--output-prefix", "k"], dir);

    let sbom = seatbelt(
        &[
            "sbom",
            &format!("{repo}:1"),
            "--format",
            "spdx-json",
            "--attest",
            "--key",
            "k.key",
        ],
        dir,
    );
    assert!(sbom.contains("SPDX-2.3"), "{sbom}");
    let (code, report) = verify(dir, "k.pub", "spdxjson", &image, &[]);
    assert_eq!(code, 0, "{report}");
    let packages = report["attestations"][0]["predicate"]["packages"].to_string();
    assert!(packages.contains("requests"), "{packages}");
    assert!(cosign_verifies(dir, "k.pub", "spdxjson", &image).is_some());

    // A one-record DB for the scan.
    let osv = dir.join("osv");
    std::fs::create_dir_all(&osv).unwrap();
    std::fs::write(
        osv.join("GHSA-x84v-xcm2-53pg.json"),
        json!({
            "schema_version": "1.6.0", "id": "GHSA-x84v-xcm2-53pg",
            "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-2018-18074"],
            "affected": [{"package": {"ecosystem": "PyPI", "name": "requests"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.20.0"}]}]}]
        })
        .to_string(),
    )
    .unwrap();
    seatbelt(&["db", "--db", "db", "import", "osv"], dir);
    seatbelt(
        &[
            "scan",
            "--db",
            "db",
            "--offline",
            "--format",
            "json",
            "--attest",
            "--key",
            "k.key",
            &format!("{repo}:1"),
        ],
        dir,
    );
    let (code, report) = verify(dir, "k.pub", "vuln", &image, &[]);
    assert_eq!(code, 0, "{report}");
    // The SBOM attestation comes first and is not a `vuln` one.
    assert_eq!(report["attestations"][0]["verified"], false);
    let predicate = &report["attestations"][1]["predicate"];
    assert!(
        predicate["scanner"]["result"]
            .to_string()
            .contains("CVE-2018-18074"),
        "{predicate}"
    );
    // cosign parses the predicate into its own vuln shape (times and all).
    let envelopes = cosign_verifies(dir, "k.pub", "vuln", &image).expect("cosign accepts");
    assert_eq!(
        statement(&envelopes[0])["predicateType"],
        "https://cosign.sigstore.dev/attestation/vuln/v1"
    );
}

#[test]
fn copy_and_provenance_emit_slsa_v1() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let registry = DockerRegistry::start();
    let layout = dir.join("src");
    let source_digest = write_layout(&layout, &[("app", "v1")]);
    let source = format!("oci-dir:{}:t", layout.display());
    let dest = format!("{}/prov/app:1", registry.host());
    seatbelt(&["key", "generate", "--output-prefix", "k"], dir);
    let out = Command::new(seatbelt_bin())
        .args([
            "copy",
            &source,
            &dest,
            "--provenance",
            "prov.json",
            "--attest",
            "--key",
            "k.key",
        ])
        .current_dir(dir)
        .env("SEATBELT_PASSWORD", PASSWORD)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let predicate: Value =
        serde_json::from_slice(&std::fs::read(dir.join("prov.json")).unwrap()).unwrap();
    let definition = &predicate["buildDefinition"];
    assert!(definition["buildType"]
        .as_str()
        .unwrap()
        .ends_with("/buildtypes/copy/v1"));
    assert_eq!(definition["externalParameters"]["source"], source.as_str());
    assert_eq!(
        definition["externalParameters"]["destination"],
        dest.as_str()
    );
    assert_eq!(
        definition["resolvedDependencies"][0]["digest"]["sha256"],
        &source_digest["sha256:".len()..]
    );
    assert_eq!(
        predicate["runDetails"]["metadata"]["startedOn"],
        "2023-11-14T22:13:20Z"
    );

    // The copy's attestation verifies with seatbelt (with a policy on the build type) and
    // with cosign as `slsaprovenance1`.
    std::fs::write(
        dir.join("policy.json"),
        json!({"rules": [{"path": "/buildDefinition/buildType", "equals": definition["buildType"]}]})
            .to_string(),
    )
    .unwrap();
    let (code, report) = verify(
        dir,
        "k.pub",
        "slsaprovenance1",
        &dest,
        &["--policy", "policy.json"],
    );
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["attestations"][0]["predicate"], predicate);
    let envelopes = cosign_verifies(dir, "k.pub", "slsaprovenance1", &dest).expect("cosign");
    assert_eq!(
        statement(&envelopes[0])["predicate"]["buildDefinition"]["buildType"],
        definition["buildType"]
    );

    // `provenance` checks the copy claim: the destination's layers are the source's.
    let text = seatbelt(&["provenance", &dest, "--copy-from", &source], dir);
    let again: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        again["buildDefinition"]["resolvedDependencies"][0]["digest"]["sha256"],
        &source_digest["sha256:".len()..]
    );
    let other = dir.join("other");
    write_layout(&other, &[("app", "v2")]);
    let out = run(
        &seatbelt_bin(),
        &[
            "provenance",
            &dest,
            "--copy-from",
            &format!("oci-dir:{}:t", other.display()),
        ],
        dir,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a copy of"));
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Attestations as OCI 1.1 referrers, in a registry (tag-schema fallback) and a layout.
#[path = "attest_cli/referrers.rs"]
mod referrers;
