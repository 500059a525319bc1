//! Attestations stored as OCI 1.1 referrers: seatbelt writes both shapes cosign writes — the
//! envelope layer under the in-toto artifact type (`cosign attest
//! --registry-referrers-mode=oci-1-1`, cosign ≥ 2.6) and a Sigstore bundle v0.3 referrer
//! (`cosign attest --new-bundle-format`) — and reads both. Debian's cosign 2.5 has only the
//! second (its `attest` has no referrers mode), so the cosign interop runs through bundles.

use super::*;

/// A trusted root with nothing in it: with `--key` and no log, cosign's bundle verification
/// needs the flag but trusts only the key.
fn empty_root(dir: &Path) {
    std::fs::write(
        dir.join("empty-root.json"),
        r#"{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}"#,
    )
    .unwrap();
}

/// `cosign verify-attestation --new-bundle-format`: the envelopes it accepted, if any.
fn cosign_verifies_bundles(dir: &Path, key: &str, kind: &str, image: &str) -> Option<Vec<Value>> {
    let bundles = ["--new-bundle-format", "--trusted-root", "empty-root.json"];
    cosign_verifies_with(dir, &bundles, key, kind, image)
}

fn attest(dir: &Path, image: &str, kind: &str, predicate: &str, storage: &str) -> Value {
    let out = seatbelt(
        &[
            "attest",
            "--key",
            "sb.key",
            "--type",
            kind,
            "--predicate",
            predicate,
            storage,
            image,
            "--json",
        ],
        dir,
    );
    serde_json::from_str(&out).unwrap()
}

#[test]
fn referrer_attestations_interop_with_cosign() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    empty_root(dir);
    std::fs::write(dir.join("bom.json"), BOM).unwrap();
    let registry = DockerRegistry::start();
    let host = registry.host();
    // docker-registry 2.8 has no referrers API: every writer keeps the list at the tag-schema
    // fallback tag `sha256-<hex>`.
    let referrers_api = distribution::referrers_status(host, "att/a");
    assert_eq!(referrers_api, 404);

    // seatbelt attests as a bundle referrer; cosign finds and verifies it (no .att tag).
    let a = push(dir, &format!("{host}/att/a:1"), "att-a");
    let hex_a = &a["sha256:".len()..];
    let image_a = format!("{host}/att/a@{a}");
    seatbelt(&["key", "generate", "--output-prefix", "sb"], dir);
    let bundled = attest(
        dir,
        &image_a,
        "cyclonedx",
        "bom.json",
        "--new-bundle-format",
    );
    let bundle_referrer = bundled["referrer"].as_str().unwrap().to_string();
    assert!(!distribution::exists(
        host,
        &format!("att/a/manifests/sha256-{hex_a}.att")
    ));
    let list: Value = serde_json::from_slice(&distribution::get_index(
        host,
        "att/a",
        &format!("sha256-{hex_a}"),
    ))
    .unwrap();
    assert_eq!(list["manifests"][0]["digest"], bundle_referrer.as_str());
    let envelopes =
        cosign_verifies_bundles(dir, "sb.pub", "cyclonedx", &image_a).expect("cosign accepts");
    let statement = statement(&envelopes[0]);
    assert_eq!(statement["subject"][0]["digest"]["sha256"], hex_a);
    assert_eq!(statement["predicate"]["components"][0]["name"], "zlib");
    // cosign checks the key and the predicate type too.
    ok(
        &cosign(),
        &["generate-key-pair", "--output-key-prefix", "co"],
        dir,
    );
    assert!(cosign_verifies_bundles(dir, "co.pub", "cyclonedx", &image_a).is_none());
    assert!(cosign_verifies_bundles(dir, "sb.pub", "vuln", &image_a).is_none());

    // The in-toto shape (cosign's --registry-referrers-mode=oci-1-1), listed next to it; seatbelt
    // reads both and each once.
    let plain = attest(
        dir,
        &image_a,
        "cyclonedx",
        "bom.json",
        "--registry-referrers=oci-1-1",
    );
    let plain_referrer = plain["referrer"].as_str().unwrap().to_string();
    let stored: Value = serde_json::from_slice(&distribution::get(
        host,
        &format!("att/a/manifests/{plain_referrer}"),
    ))
    .unwrap();
    assert_eq!(stored["artifactType"], "application/vnd.in-toto+json");
    assert_eq!(
        stored["config"]["mediaType"],
        "application/vnd.oci.empty.v1+json"
    );
    assert_eq!(stored["subject"]["digest"], a.as_str());
    assert_eq!(
        stored["layers"][0]["mediaType"],
        "application/vnd.dsse.envelope.v1+json"
    );
    assert_eq!(
        stored["layers"][0]["annotations"]["predicateType"],
        "https://cyclonedx.org/bom"
    );
    let (code, report) = verify(dir, "sb.pub", "cyclonedx", &image_a, &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        report["referrers"],
        json!([bundle_referrer, plain_referrer]),
        "{report}"
    );
    assert_eq!(report["attestations"].as_array().unwrap().len(), 2);
    assert!(report["attestations"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["verified"] == true));
    // The wrong key, and the wrong predicate type: found, refused.
    assert_eq!(verify(dir, "co.pub", "cyclonedx", &image_a, &[]).0, 1);
    let (code, report) = verify(dir, "sb.pub", "vuln", &image_a, &[]);
    assert_eq!(code, 1, "{report}");
    assert!(reason(&report, 0).contains("not asked for"), "{report}");
    assert!(reason(&report, 1).contains("not asked for"), "{report}");

    // cosign attests as a bundle referrer; seatbelt finds it at the fallback tag and verifies.
    let b = push(dir, &format!("{host}/att/b:1"), "att-b");
    let image_b = format!("{host}/att/b@{b}");
    cosign_attest(
        dir,
        &["--new-bundle-format"],
        "cyclonedx",
        "bom.json",
        &image_b,
    );
    let (code, report) = verify(dir, "co.pub", "cyclonedx", &format!("{host}/att/b:1"), &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["referrers"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(
        report["attestations"][0]["predicate"]["components"][0]["name"],
        "zlib"
    );
    assert_eq!(verify(dir, "sb.pub", "cyclonedx", &image_b, &[]).0, 1);
    let (code, report) = verify(dir, "co.pub", "spdxjson", &image_b, &[]);
    assert_eq!(code, 1, "{report}");
    assert!(reason(&report, 0).contains("not asked for"), "{report}");

    // a's referrers list planted as c's: every entry names a as its subject, so none counts
    // for c, under the right key.
    let c = push(dir, &format!("{host}/att/a:2"), "att-c");
    let hex_c = &c["sha256:".len()..];
    let list = distribution::get_index(host, "att/a", &format!("sha256-{hex_a}"));
    distribution::put_index(host, "att/a", &format!("sha256-{hex_c}"), &list);
    let (code, report) = verify(
        dir,
        "sb.pub",
        "cyclonedx",
        &format!("{host}/att/a@{c}"),
        &[],
    );
    assert_eq!(code, 1, "{report}");
    assert!(report.get("referrers").is_none(), "{report}");
    assert_eq!(report["attestations"].as_array().unwrap().len(), 2);
    for index in 0..2 {
        assert!(
            reason(&report, index).contains("not this image"),
            "{report}"
        );
    }
}

#[test]
fn referrer_attestations_in_an_oci_layout() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    std::fs::write(dir.join("bom.json"), BOM).unwrap();
    let layout = dir.join("layout");
    let digest = write_layout(
        &layout,
        &[(
            "usr/lib/python3/dist-packages/requests-2.19.0.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: requests\nVersion: 2.19.0\n",
        )],
    );
    let image = format!("oci-dir:{}:t", layout.display());
    seatbelt(&["key", "generate", "--output-prefix", "sb"], dir);
    let plain = attest(
        dir,
        &image,
        "cyclonedx",
        "bom.json",
        "--registry-referrers-mode=oci-1-1",
    );
    let bundled = attest(dir, &image, "cyclonedx", "bom.json", "--new-bundle-format");
    // `sbom --attest` shares the flag.
    seatbelt(
        &[
            "sbom",
            &image,
            "--format",
            "spdx-json",
            "--attest",
            "--key",
            "sb.key",
            "--registry-referrers=oci-1-1",
        ],
        dir,
    );
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(layout.join("index.json")).unwrap()).unwrap();
    let listed: Vec<&str> = index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["artifactType"].as_str())
        .collect();
    assert_eq!(
        listed,
        [
            "application/vnd.in-toto+json",
            "application/vnd.dev.sigstore.bundle.v0.3+json",
            "application/vnd.in-toto+json"
        ],
        "{index}"
    );
    assert!(!index.to_string().contains(".att"), "{index}");
    let (code, report) = verify(dir, "sb.pub", "cyclonedx", &image, &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["digest"], digest.as_str());
    let referrers = report["referrers"].as_array().unwrap();
    assert_eq!(referrers.len(), 3, "{report}");
    assert_eq!(
        referrers[..2],
        [plain["referrer"].clone(), bundled["referrer"].clone()]
    );
    let verified: Vec<bool> = report["attestations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["verified"] == true)
        .collect();
    assert_eq!(verified, [true, true, false], "{report}");
    assert!(reason(&report, 2).contains("not asked for"), "{report}");
    let (code, report) = verify(dir, "sb.pub", "spdxjson", &image, &[]);
    assert_eq!(code, 0, "{report}");
    let packages = report["attestations"][2]["predicate"]["packages"].to_string();
    assert!(packages.contains("requests"), "{packages}");
    // No attestation of another predicate type: nothing verifies.
    let (code, report) = verify(dir, "sb.pub", "vuln", &image, &[]);
    assert_eq!(code, 1, "{report}");
}
