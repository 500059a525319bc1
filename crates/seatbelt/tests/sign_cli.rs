//! End-to-end signing tests of the `seatbelt` binary against the real loopback docker-registry
//! and `oci-dir:` layouts, with Debian's cosign as the independent peer: each tool verifies what
//! the other signed and uses the other's keys; every tampering case must fail verification.

// A panic is how a test reports failure.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Output;

use seatbelt_test::distribution;
use seatbelt_test::layers::{config_and_manifest, sha256, Blob, Layer};
use seatbelt_test::registry::DockerRegistry;
use seatbelt_test::tools::cosign;
use serde_json::Value;

const PASSWORD: &str = "correct horse battery staple";

fn run(program: &Path, args: &[&str], dir: &Path) -> Output {
    run_env(program, args, dir, &[])
}

fn run_env(program: &Path, args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Output {
    seatbelt_test::cli::run_isolated(program, args, dir, PASSWORD, env)
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

fn cosign_ok(args: &[&str], dir: &Path) -> String {
    ok(&cosign(), args, dir)
}

/// cosign flags for a loopback registry with no transparency log and no network.
const COSIGN_SIGN: &[&str] = &["--tlog-upload=false", "--allow-insecure-registry", "-y"];
const COSIGN_VERIFY: &[&str] = &[
    "--insecure-ignore-tlog",
    "--allow-insecure-registry",
    "--offline",
];

/// Writes a one-layer OCI layout whose file content is `marker` (so each marker is a distinct
/// image) tagged `t`, and returns its manifest digest.
fn write_layout(dir: &Path, marker: &str) -> String {
    let tar = Layer::new().file("hello.txt", marker.as_bytes()).finish();
    let blob = Blob::new(&tar, "gzip");
    let (config, manifest) = config_and_manifest(std::slice::from_ref(&blob));
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    for bytes in [&blob.bytes, &config, &manifest] {
        let digest = sha256(bytes);
        std::fs::write(blobs.join(&digest["sha256:".len()..]), bytes).unwrap();
    }
    let digest = sha256(&manifest);
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let index = serde_json::json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": digest, "size": manifest.len(),
        "annotations": {"org.opencontainers.image.ref.name": "t"}}]});
    std::fs::write(dir.join("index.json"), index.to_string()).unwrap();
    digest
}

/// Pushes a fresh synthetic image to `remote` (a tag) and returns its digest.
fn push(work: &Path, remote: &str, marker: &str) -> String {
    let layout = work.join(format!("layout-{marker}"));
    let digest = write_layout(&layout, marker);
    seatbelt(
        &["copy", &format!("oci-dir:{}:t", layout.display()), remote],
        work,
    );
    digest
}

fn verify_seatbelt(work: &Path, key: &str, image: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["verify", "--key", key, image, "--format", "json"];
    args.extend_from_slice(extra);
    let out = run(&seatbelt_bin(), &args, work);
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "seatbelt verify errored:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("verify output is not JSON ({e})"));
    (code, report)
}

#[test]
fn cosign_verifies_what_seatbelt_signed_with_a_seatbelt_key() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let registry = DockerRegistry::start();
    let repo = format!("{}/interop/a", registry.host());
    let digest = push(dir, &format!("{repo}:1"), "a");
    seatbelt(&["key", "generate", "--output-prefix", "sb"], dir);
    let image = format!("{repo}@{digest}");
    let signed: Value = serde_json::from_str(&seatbelt(
        &[
            "sign",
            "--key",
            "sb.key",
            &format!("{repo}:1"),
            "-a",
            "env=prod",
            "--json",
        ],
        dir,
    ))
    .unwrap();
    assert_eq!(signed["digest"], digest.as_str());
    let mut args = vec!["verify", "--key", "sb.pub", "-a", "env=prod"];
    args.extend_from_slice(COSIGN_VERIFY);
    args.push(&image);
    let out = cosign_ok(&args, dir);
    let verified: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        verified[0]["critical"]["image"]["docker-manifest-digest"],
        digest.as_str()
    );
    // And seatbelt agrees, requiring the annotation.
    let (code, report) = verify_seatbelt(dir, "sb.pub", &image, &["-a", "env=prod"]);
    assert_eq!(code, 0, "{report}");
    // cosign with another key rejects it.
    cosign_ok(&["generate-key-pair", "--output-key-prefix", "other"], dir);
    let mut args = vec!["verify", "--key", "other.pub"];
    args.extend_from_slice(COSIGN_VERIFY);
    args.push(&image);
    assert!(!run(&cosign(), &args, dir).status.success());
}

#[test]
fn seatbelt_verifies_what_cosign_signed_with_a_cosign_key() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let registry = DockerRegistry::start();
    let repo = format!("{}/interop/b", registry.host());
    let digest = push(dir, &format!("{repo}:1"), "b");
    let image = format!("{repo}@{digest}");
    cosign_ok(&["generate-key-pair", "--output-key-prefix", "co"], dir);
    let mut args = vec!["sign", "--key", "co.key", "-a", "team=blue"];
    args.extend_from_slice(COSIGN_SIGN);
    args.push(&image);
    cosign_ok(&args, dir);
    let (code, report) = verify_seatbelt(dir, "co.pub", &format!("{repo}:1"), &["-a", "team=blue"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["digest"], digest.as_str());
    assert_eq!(report["signatures"][0]["annotations"]["team"], "blue");
    // seatbelt signs with cosign's key and appends to cosign's signature manifest; cosign then
    // sees both signatures.
    seatbelt(&["sign", "--key", "co.key", &image], dir);
    let (code, report) = verify_seatbelt(dir, "co.pub", &image, &[]);
    assert_eq!(code, 0);
    assert_eq!(
        report["signatures"].as_array().unwrap().len(),
        2,
        "{report}"
    );
    let mut args = vec!["verify", "--key", "co.pub"];
    args.extend_from_slice(COSIGN_VERIFY);
    args.push(&image);
    let verified: Value = serde_json::from_str(&cosign_ok(&args, dir)).unwrap();
    assert_eq!(verified.as_array().unwrap().len(), 2);
    // A wrong key verifies nothing: exit 1.
    seatbelt(&["key", "generate", "--output-prefix", "wrong"], dir);
    let (code, report) = verify_seatbelt(dir, "wrong.pub", &image, &[]);
    assert_eq!(code, 1, "{report}");
    // A key imported by cosign from seatbelt's key signs images seatbelt verifies.
    let mut args = vec!["sign", "--key", "wrong.key"];
    args.extend_from_slice(COSIGN_SIGN);
    args.push(&image);
    cosign_ok(&args, dir);
    let (code, _) = verify_seatbelt(dir, "wrong.pub", &image, &[]);
    assert_eq!(code, 0);
}

#[test]
fn tampering_fails_verification() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let registry = DockerRegistry::start();
    let host = registry.host();
    let a = push(dir, &format!("{host}/neg/a:1"), "neg-a");
    let b = push(dir, &format!("{host}/neg/b:1"), "neg-b");
    seatbelt(&["key", "generate", "--output-prefix", "k"], dir);
    let image_a = format!("{host}/neg/a@{a}");
    let image_b = format!("{host}/neg/b@{b}");
    seatbelt(&["sign", "--key", "k.key", &image_a], dir);
    assert_eq!(verify_seatbelt(dir, "k.pub", &image_a, &[]).0, 0);

    let tag_a = format!("sha256-{}.sig", &a["sha256:".len()..]);
    let tag_b = format!("sha256-{}.sig", &b["sha256:".len()..]);
    let sig_manifest = distribution::get(host, &format!("neg/a/manifests/{tag_a}"));
    let manifest: Value = serde_json::from_slice(&sig_manifest).unwrap();
    let layer = &manifest["layers"][0];
    let payload_digest = layer["digest"].as_str().unwrap();
    let payload = distribution::get(host, &format!("neg/a/blobs/{payload_digest}"));

    // The signature moved to another image's .sig tag (another repository): the payload signs
    // a's digest and repository, so b does not verify — with seatbelt or cosign.
    for blob in [
        &payload,
        &distribution::get(
            host,
            &format!(
                "neg/a/blobs/{}",
                manifest["config"]["digest"].as_str().unwrap()
            ),
        ),
    ] {
        distribution::post_blob(host, "neg/b", blob);
    }
    distribution::put_manifest(host, "neg/b", &tag_b, &sig_manifest);
    let (code, report) = verify_seatbelt(dir, "k.pub", &image_b, &[]);
    assert_eq!(code, 1, "{report}");
    assert!(
        report["signatures"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("signs"),
        "{report}"
    );
    let mut args = vec!["verify", "--key", "k.pub"];
    args.extend_from_slice(COSIGN_VERIFY);
    args.push(&image_b);
    assert!(!run(&cosign(), &args, dir).status.success());

    // A tampered payload (a's signature over b's digest): the signature no longer matches.
    let forged = String::from_utf8(payload.clone()).unwrap().replace(&a, &b);
    let forged_digest = distribution::post_blob(host, "neg/b", forged.as_bytes());
    let mut tampered = manifest.clone();
    tampered["layers"][0]["digest"] = Value::from(forged_digest);
    tampered["layers"][0]["size"] = Value::from(forged.len());
    distribution::put_manifest(host, "neg/b", &tag_b, tampered.to_string().as_bytes());
    let (code, report) = verify_seatbelt(dir, "k.pub", &image_b, &[]);
    assert_eq!(code, 1, "{report}");
    assert!(report["signatures"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("does not match"));

    // Tampered signature bytes on a's own signature.
    let mut flipped = manifest.clone();
    let signature = layer["annotations"]["dev.cosignproject.cosign/signature"]
        .as_str()
        .unwrap()
        .to_string();
    let mut raw = base64_decode(&signature);
    let last = raw.len() - 1;
    raw[last] ^= 1;
    flipped["layers"][0]["annotations"]["dev.cosignproject.cosign/signature"] =
        Value::from(base64_encode(&raw));
    distribution::put_manifest(host, "neg/a", &tag_a, flipped.to_string().as_bytes());
    assert_eq!(verify_seatbelt(dir, "k.pub", &image_a, &[]).0, 1);

    // A payload for another digest, validly signed: b's digest signed, stored under a's tag.
    distribution::put_manifest(host, "neg/a", &tag_a, &sig_manifest);
    seatbelt(&["sign", "--key", "k.key", &image_b], dir);
    let b_manifest = distribution::get(host, &format!("neg/b/manifests/{tag_b}"));
    let b_manifest: Value = serde_json::from_slice(&b_manifest).unwrap();
    let b_layer = b_manifest["layers"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    let b_payload = distribution::get(
        host,
        &format!("neg/b/blobs/{}", b_layer["digest"].as_str().unwrap()),
    );
    distribution::post_blob(host, "neg/a", &b_payload);
    let mut swapped = manifest.clone();
    swapped["layers"][0] = b_layer;
    distribution::put_manifest(host, "neg/a", &tag_a, swapped.to_string().as_bytes());
    let (code, report) = verify_seatbelt(dir, "k.pub", &image_a, &[]);
    assert_eq!(code, 1, "{report}");
    assert!(report["signatures"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("not this image"));
}

#[test]
fn verification_is_bound_to_the_digest_the_tag_resolved_to() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let registry = DockerRegistry::start();
    let repo = format!("{}/race/app", registry.host());
    let signed = push(dir, &format!("{repo}:prod"), "signed");
    seatbelt(&["key", "generate", "--output-prefix", "k"], dir);
    seatbelt(&["sign", "--key", "k.key", &format!("{repo}:prod")], dir);
    let (code, report) = verify_seatbelt(dir, "k.pub", &format!("{repo}:prod"), &[]);
    assert_eq!(
        (code, report["digest"].as_str()),
        (0, Some(signed.as_str()))
    );
    // The tag moves to an unsigned image: verifying the tag now fails, and names the new digest;
    // the old signature does not carry over.
    let unsigned = push(dir, &format!("{repo}:prod"), "unsigned");
    let (code, report) = verify_seatbelt(dir, "k.pub", &format!("{repo}:prod"), &[]);
    assert_eq!(
        (code, report["digest"].as_str()),
        (1, Some(unsigned.as_str()))
    );
    // The signed digest still verifies by digest.
    assert_eq!(
        verify_seatbelt(dir, "k.pub", &format!("{repo}@{signed}"), &[]).0,
        0
    );
}

#[test]
fn too_many_signatures_is_a_clear_error() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let registry = DockerRegistry::start();
    let host = registry.host();
    let digest = push(dir, &format!("{host}/many/a:1"), "many");
    let payload = distribution::post_blob(host, "many/a", b"{}");
    let layer = serde_json::json!({"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
        "size": 2, "digest": payload, "annotations": {"dev.cosignproject.cosign/signature": "AA=="}});
    let config = distribution::post_blob(host, "many/a", b"{}");
    let manifest = serde_json::json!({"schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 2, "digest": config},
        "layers": vec![layer; 10_000]});
    let tag = format!("sha256-{}.sig", &digest["sha256:".len()..]);
    distribution::put_manifest(host, "many/a", &tag, manifest.to_string().as_bytes());
    seatbelt(&["key", "generate", "--output-prefix", "k"], dir);
    let out = run(
        &seatbelt_bin(),
        &[
            "verify",
            "--key",
            "k.pub",
            &format!("{host}/many/a@{digest}"),
        ],
        dir,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("10000 entries, over the limit"), "{err}");
}

#[test]
fn oci_layout_sign_and_verify() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let layout = dir.join("layout");
    let digest = write_layout(&layout, "local");
    seatbelt(&["key", "generate", "--output-prefix", "k"], dir);
    let image = format!("oci-dir:{}:t", layout.display());
    seatbelt(&["sign", "--key", "k.key", &image], dir);
    let (code, report) = verify_seatbelt(dir, "k.pub", &image, &[]);
    assert_eq!(
        (code, report["digest"].as_str()),
        (0, Some(digest.as_str()))
    );
    let index = std::fs::read_to_string(layout.join("index.json")).unwrap();
    assert!(index.contains(&format!("sha256-{}.sig", &digest["sha256:".len()..])));
    // An unsigned layout fails with exit 1, not an error.
    let other = dir.join("other");
    write_layout(&other, "other");
    let (code, _) = verify_seatbelt(dir, "k.pub", &format!("oci-dir:{}:t", other.display()), &[]);
    assert_eq!(code, 1);
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

#[test]
fn referrers_interop_with_cosign_both_ways() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let registry = DockerRegistry::start();
    let host = registry.host();
    // docker-registry 2.8 has no referrers API: both tools keep the list at the tag-schema
    // fallback tag `sha256-<hex>`.
    let referrers_api = distribution::referrers_status(host, "ref/a");
    assert_eq!(referrers_api, 404);

    // seatbelt signs as a referrer; cosign finds it through OCI 1.1 discovery only (no .sig).
    let a = push(dir, &format!("{host}/ref/a:1"), "ref-a");
    let hex_a = &a["sha256:".len()..];
    seatbelt(&["key", "generate", "--output-prefix", "sb"], dir);
    let signed: Value = serde_json::from_str(&seatbelt(
        &[
            "sign",
            "--key",
            "sb.key",
            "--registry-referrers=oci-1-1",
            &format!("{host}/ref/a:1"),
            "--json",
        ],
        dir,
    ))
    .unwrap();
    let referrer = signed["referrer"].as_str().unwrap().to_string();
    assert!(
        signed["signature_tag"]
            .as_str()
            .unwrap()
            .contains(&format!("sha256-{hex_a}")),
        "{signed}"
    );
    assert!(!distribution::exists(
        host,
        &format!("ref/a/manifests/sha256-{hex_a}.sig")
    ));
    let stored: Value = serde_json::from_slice(&distribution::get(
        host,
        &format!("ref/a/manifests/{referrer}"),
    ))
    .unwrap();
    assert_eq!(stored["subject"]["digest"], a.as_str());
    assert_eq!(
        stored["config"]["mediaType"],
        "application/vnd.dev.cosign.artifact.sig.v1+json"
    );
    let image_a = format!("{host}/ref/a@{a}");
    let mut args = vec!["verify", "--key", "sb.pub", "--experimental-oci11"];
    args.extend_from_slice(COSIGN_VERIFY);
    args.push(&image_a);
    let verified: Value = serde_json::from_str(&cosign_ok(&args, dir)).unwrap();
    assert_eq!(
        verified[0]["critical"]["image"]["docker-manifest-digest"],
        a.as_str()
    );
    let (code, report) = verify_seatbelt(dir, "sb.pub", &image_a, &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["referrers"][0], referrer.as_str(), "{report}");
    // Another key: cosign and seatbelt both reject.
    seatbelt(&["key", "generate", "--output-prefix", "other"], dir);
    let mut args = vec!["verify", "--key", "other.pub", "--experimental-oci11"];
    args.extend_from_slice(COSIGN_VERIFY);
    args.push(&image_a);
    assert!(!run(&cosign(), &args, dir).status.success());
    assert_eq!(verify_seatbelt(dir, "other.pub", &image_a, &[]).0, 1);

    // cosign signs as a referrer; seatbelt finds it through the fallback tag (no .sig).
    let b = push(dir, &format!("{host}/ref/b:1"), "ref-b");
    let hex_b = &b["sha256:".len()..];
    let image_b = format!("{host}/ref/b@{b}");
    cosign_ok(&["generate-key-pair", "--output-key-prefix", "co"], dir);
    let mut args = vec![
        "sign",
        "--key",
        "co.key",
        "--registry-referrers-mode=oci-1-1",
        "-a",
        "team=red",
    ];
    args.extend_from_slice(COSIGN_SIGN);
    args.push(&image_b);
    // cosign gates the mode behind its experimental switch.
    let out = run_env(&cosign(), &args, dir, &[("COSIGN_EXPERIMENTAL", "1")]);
    assert!(
        out.status.success(),
        "cosign sign --registry-referrers-mode=oci-1-1 failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!distribution::exists(
        host,
        &format!("ref/b/manifests/sha256-{hex_b}.sig")
    ));
    assert!(distribution::exists(
        host,
        &format!("ref/b/manifests/sha256-{hex_b}")
    ));
    let (code, report) = verify_seatbelt(
        dir,
        "co.pub",
        &format!("{host}/ref/b:1"),
        &["-a", "team=red"],
    );
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["referrers"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(report["signatures"][0]["annotations"]["team"], "red");
    assert_eq!(verify_seatbelt(dir, "sb.pub", &image_b, &[]).0, 1);

    // A referrer of a signed, moved into another image's referrers list: its subject names a,
    // so b's verification rejects it even under the right key.
    let c = push(dir, &format!("{host}/ref/a:2"), "ref-c");
    let hex_c = &c["sha256:".len()..];
    let list = distribution::get_index(host, "ref/a", &format!("sha256-{hex_a}"));
    distribution::put_index(host, "ref/a", &format!("sha256-{hex_c}"), &list);
    let (code, report) = verify_seatbelt(dir, "sb.pub", &format!("{host}/ref/a@{c}"), &[]);
    assert_eq!(code, 1, "{report}");
    assert!(
        report["signatures"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("not this image"),
        "{report}"
    );
}

#[test]
fn oci_layout_referrers_and_the_only_image() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let layout = dir.join("layout");
    let digest = write_layout(&layout, "layout-ref");
    seatbelt(&["key", "generate", "--output-prefix", "k"], dir);
    let untagged = format!("oci-dir:{}", layout.display());
    // Signed both ways in the layout, the image is still the layout's only image: sign, verify,
    // inspect and sbom all pick it without a tag.
    seatbelt(&["sign", "--key", "k.key", &untagged], dir);
    seatbelt(
        &[
            "sign",
            "--key",
            "k.key",
            "--registry-referrers=oci-1-1",
            &untagged,
        ],
        dir,
    );
    let (code, report) = verify_seatbelt(dir, "k.pub", &untagged, &[]);
    assert_eq!(
        (code, report["digest"].as_str()),
        (0, Some(digest.as_str()))
    );
    assert_eq!(report["referrers"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(
        report["signatures"].as_array().unwrap().len(),
        1,
        "{report}"
    );
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(layout.join("index.json")).unwrap()).unwrap();
    assert_eq!(index["manifests"].as_array().unwrap().len(), 3, "{index}");
    let sbom: Value = serde_json::from_str(&seatbelt(
        &["sbom", &untagged, "--format", "cyclonedx-json"],
        dir,
    ))
    .unwrap();
    assert!(sbom["bomFormat"].as_str().is_some(), "{sbom}");
}

/// skopeo (Debian 13, in a chroot) as the second independent verifier: a `sigstoreSigned`
/// policy with `matchRepository` accepts what seatbelt signed and rejects tampered signatures
/// and unsigned images.
#[test]
fn skopeo_policy_accepts_seatbelt_signatures_and_rejects_tampered_ones() {
    use seatbelt_test::skopeo::{skopeo_chroot, Scratch};
    let root = skopeo_chroot();
    let scratch = Scratch::new(&root);
    let dir = scratch.host_path();
    let inner = scratch.inner_path();
    let registry = DockerRegistry::start();
    let host = registry.host();
    let signed = push(dir, &format!("{host}/skopeo/app:signed"), "skopeo-signed");
    push(
        dir,
        &format!("{host}/skopeo/app:unsigned"),
        "skopeo-unsigned",
    );
    seatbelt(&["key", "generate", "--output-prefix", "sb"], dir);
    seatbelt(
        &[
            "sign",
            "--key",
            "sb.key",
            &format!("{host}/skopeo/app:signed"),
        ],
        dir,
    );

    let policy = serde_json::json!({
        "default": [{"type": "reject"}],
        "transports": {"docker": {format!("{host}/skopeo/app"): [{
            "type": "sigstoreSigned",
            "keyPath": format!("{inner}/sb.pub"),
            "signedIdentity": {"type": "matchRepository"},
        }]}},
    });
    std::fs::write(dir.join("policy.json"), policy.to_string()).unwrap();
    std::fs::create_dir_all(dir.join("registries.d")).unwrap();
    std::fs::write(
        dir.join("registries.d/seatbelt.yaml"),
        format!("docker:\n  {host}:\n    use-sigstore-attachments: true\n"),
    )
    .unwrap();
    let copy = |tag: &str, out: &str| {
        scratch.skopeo(&[
            "--policy",
            &format!("{inner}/policy.json"),
            "--registries.d",
            &format!("{inner}/registries.d"),
            "copy",
            "--src-tls-verify=false",
            &format!("docker://{host}/skopeo/app:{tag}"),
            &format!("dir:{inner}/{out}"),
        ])
    };
    let out = copy("signed", "ok");
    assert!(
        out.status.success(),
        "skopeo rejected seatbelt's signature:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copied = std::fs::read(dir.join("ok/manifest.json")).unwrap();
    assert_eq!(sha256(&copied), signed);

    let out = copy("unsigned", "unsigned");
    assert!(!out.status.success(), "skopeo accepted an unsigned image");

    // Flip one bit of the signature: skopeo must refuse.
    let tag = format!("sha256-{}.sig", &signed["sha256:".len()..]);
    let manifest: Value = serde_json::from_slice(&distribution::get(
        host,
        &format!("skopeo/app/manifests/{tag}"),
    ))
    .unwrap();
    let key = "dev.cosignproject.cosign/signature";
    let mut raw = base64_decode(manifest["layers"][0]["annotations"][key].as_str().unwrap());
    let last = raw.len() - 1;
    raw[last] ^= 1;
    let mut tampered = manifest.clone();
    tampered["layers"][0]["annotations"][key] = Value::from(base64_encode(&raw));
    distribution::put_manifest(host, "skopeo/app", &tag, tampered.to_string().as_bytes());
    let out = copy("signed", "tampered");
    assert!(
        !out.status.success(),
        "skopeo accepted a tampered signature"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.to_lowercase().contains("signature"), "{err}");

    // The untampered signature is accepted again: the refusal was about the flipped bit.
    distribution::put_manifest(
        host,
        "skopeo/app",
        &tag,
        &serde_json::to_vec(&manifest).unwrap(),
    );
    assert!(copy("signed", "again").status.success());

    // The same image and signature copied to another repository: the payload names
    // skopeo/app, so matchRepository refuses it there.
    let mut policy = policy;
    policy["transports"]["docker"][format!("{host}/skopeo/other")] =
        policy["transports"]["docker"][format!("{host}/skopeo/app")].clone();
    std::fs::write(dir.join("policy.json"), policy.to_string()).unwrap();
    seatbelt(
        &[
            "copy",
            &format!("{host}/skopeo/app:signed"),
            &format!("{host}/skopeo/other:signed"),
        ],
        dir,
    );
    for digest in [
        manifest["config"]["digest"].as_str().unwrap(),
        manifest["layers"][0]["digest"].as_str().unwrap(),
    ] {
        distribution::post_blob(
            host,
            "skopeo/other",
            &distribution::get(host, &format!("skopeo/app/blobs/{digest}")),
        );
    }
    distribution::put_manifest(
        host,
        "skopeo/other",
        &tag,
        &serde_json::to_vec(&manifest).unwrap(),
    );
    let out = scratch.skopeo(&[
        "--policy",
        &format!("{inner}/policy.json"),
        "--registries.d",
        &format!("{inner}/registries.d"),
        "copy",
        "--src-tls-verify=false",
        &format!("docker://{host}/skopeo/other:signed"),
        &format!("dir:{inner}/moved"),
    ]);
    assert!(
        !out.status.success(),
        "skopeo accepted a signature moved to another repository"
    );
}

#[test]
fn verification_reads_no_layer_or_config_blob() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let layout = dir.join("layout");
    let digest = write_layout(&layout, "no-layers-read");
    seatbelt(&["key", "generate", "--output-prefix", "k"], dir);
    let image = format!("oci-dir:{}:t", layout.display());
    seatbelt(&["key", "generate", "--output-prefix", "r"], dir);
    seatbelt(&["sign", "--key", "k.key", &image], dir);
    seatbelt(
        &[
            "sign",
            "--key",
            "r.key",
            "--registry-referrers=oci-1-1",
            &image,
        ],
        dir,
    );
    // Verification needs the manifest (to hash it) and the signatures, nothing else: with the
    // layer and config blobs gone it still verifies both signatures.
    let blob = |d: &str| layout.join("blobs/sha256").join(&d["sha256:".len()..]);
    let manifest: Value = serde_json::from_slice(&std::fs::read(blob(&digest)).unwrap()).unwrap();
    std::fs::remove_file(blob(manifest["config"]["digest"].as_str().unwrap())).unwrap();
    for layer in manifest["layers"].as_array().unwrap() {
        std::fs::remove_file(blob(layer["digest"].as_str().unwrap())).unwrap();
    }
    for key in ["k.pub", "r.pub"] {
        let (code, report) = verify_seatbelt(dir, key, &image, &[]);
        assert_eq!(code, 0, "{report}");
        assert_eq!(
            report["signatures"].as_array().unwrap().len(),
            2,
            "{report}"
        );
    }
}

/// A keyless signature stored as cosign stores one (signature, Fulcio certificate and Rekor
/// bundle as annotations of the `.sig` layer), made with a test PKI: `seatbelt verify
/// --trusted-root` accepts it offline for exactly the identity and issuer named.
#[test]
fn keyless_signatures_verify_offline_against_a_trusted_root() {
    use base64::Engine;
    use seatbelt_sign::bundle::test_pki::{Format, Options, Pki, IDENTITY, ISSUER};
    use seatbelt_sign::manifest::{Descriptor, SignatureManifest, SIGNATURE_ANNOTATION};
    use seatbelt_sign::verify::{BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION};

    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let layout = dir.join("layout");
    let digest = write_layout(&layout, "keyless");
    let image = format!("oci-dir:{}:t", layout.display());
    let pki = Pki::new();
    std::fs::write(dir.join("trusted_root.json"), pki.trusted_root()).unwrap();
    let payload =
        seatbelt_sign::payload::SimpleSigning::new("", &digest, &Default::default()).to_bytes();
    let bundle = pki
        .sign(&payload, &Options::default())
        .bundle(Format::Cosign, &pki.intermediate_der());
    let b64 = base64::engine::general_purpose::STANDARD;
    let pem = b64.decode(bundle["cert"].as_str().unwrap()).unwrap();
    let layer = Descriptor {
        media_type: seatbelt_sign::payload::MEDIA_TYPE.to_string(),
        size: payload.len() as u64,
        digest: sha256(&payload),
        annotations: Some(
            [
                (
                    SIGNATURE_ANNOTATION,
                    bundle["base64Signature"].as_str().unwrap().to_string(),
                ),
                (CERTIFICATE_ANNOTATION, String::from_utf8(pem).unwrap()),
                (BUNDLE_ANNOTATION, bundle["rekorBundle"].to_string()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        ),
    };
    let built = SignatureManifest::build(vec![layer]);
    let target = seatbelt_sign::Target::open(&image.parse().unwrap(), Default::default()).unwrap();
    target.put_blob(&payload).unwrap();
    target.put_blob(&built.config).unwrap();
    let tag = format!("sha256-{}.sig", &digest["sha256:".len()..]);
    target.put_manifest(&tag, &built.manifest).unwrap();

    let verify = |identity: &str, issuer: &str| {
        let args = [
            "verify",
            "--trusted-root",
            "trusted_root.json",
            "--certificate-identity",
            identity,
            "--certificate-oidc-issuer",
            issuer,
            &image,
        ];
        let out = run(&seatbelt_bin(), &args, dir);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, report) = verify(IDENTITY, ISSUER);
    assert_eq!(code, Some(0), "{report}");
    assert!(report.contains("1 of 1 signature(s) verified"), "{report}");
    let (code, report) = verify(
        "https://github.com/evil/repo/.github/workflows/x.yml@refs/heads/main",
        ISSUER,
    );
    assert_eq!(code, Some(1), "{report}");
    let (code, report) = verify(IDENTITY, "https://accounts.google.com");
    assert_eq!(code, Some(1), "{report}");
    // Neither a key nor a trusted root: a usage error.
    let out = run(&seatbelt_bin(), &["verify", &image], dir);
    assert_eq!(out.status.code(), Some(2));
}
