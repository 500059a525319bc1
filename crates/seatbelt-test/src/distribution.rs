//! Raw Distribution API calls against a loopback registry, for tests that plant or tamper with
//! what a registry stores behind seatbelt's back (forged signatures, moved attestations).
//! Each call panics with the status when the registry refuses: that is a broken test setup.

use reqwest::blocking::Client;

use crate::layers::sha256;

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";

/// `GET /v2/{path}` (a manifest or blob path) as an OCI manifest; the body.
pub fn get(host: &str, path: &str) -> Vec<u8> {
    get_as(host, path, OCI_MANIFEST)
}

/// `GET /v2/{repo}/manifests/{tag}` as an OCI image index (a referrers tag-schema list).
pub fn get_index(host: &str, repo: &str, tag: &str) -> Vec<u8> {
    get_as(host, &format!("{repo}/manifests/{tag}"), OCI_INDEX)
}

/// `PUT` an OCI image index at `repo:tag`.
pub fn put_index(host: &str, repo: &str, tag: &str, bytes: &[u8]) {
    put_as(host, repo, tag, OCI_INDEX, bytes)
}

fn get_as(host: &str, path: &str, accept: &str) -> Vec<u8> {
    let response = Client::new()
        .get(format!("http://{host}/v2/{path}"))
        .header("Accept", accept)
        .send()
        .expect("the registry answers");
    assert!(
        response.status().is_success(),
        "{path}: {:?}",
        response.status()
    );
    response.bytes().expect("a body").to_vec()
}

/// Whether the registry holds a manifest (or index) at `path` (`repo/manifests/REF`).
pub fn exists(host: &str, path: &str) -> bool {
    Client::new()
        .head(format!("http://{host}/v2/{path}"))
        .header("Accept", format!("{OCI_MANIFEST}, {OCI_INDEX}"))
        .send()
        .expect("the registry answers")
        .status()
        .is_success()
}

/// The status of `GET /v2/{repo}/referrers/<digest>` for a digest nothing refers to: 404
/// where the registry has no referrers API (clients then use the tag schema).
pub fn referrers_status(host: &str, repo: &str) -> u16 {
    Client::new()
        .get(format!(
            "http://{host}/v2/{repo}/referrers/sha256:{}",
            "0".repeat(64)
        ))
        .send()
        .expect("the registry answers")
        .status()
        .as_u16()
}

/// `PUT` an OCI manifest at `repo:tag`.
pub fn put_manifest(host: &str, repo: &str, tag: &str, bytes: &[u8]) {
    put_as(host, repo, tag, OCI_MANIFEST, bytes)
}

fn put_as(host: &str, repo: &str, tag: &str, media_type: &str, bytes: &[u8]) {
    let response = Client::new()
        .put(format!("http://{host}/v2/{repo}/manifests/{tag}"))
        .header("Content-Type", media_type)
        .body(bytes.to_vec())
        .send()
        .expect("the registry answers");
    assert!(response.status().is_success(), "{:?}", response.status());
}

/// Uploads a blob to `repo` (monolithic POST + PUT); its digest.
pub fn post_blob(host: &str, repo: &str, bytes: &[u8]) -> String {
    let client = Client::new();
    let digest = sha256(bytes);
    let response = client
        .post(format!("http://{host}/v2/{repo}/blobs/uploads/"))
        .send()
        .expect("the registry answers");
    assert!(response.status().is_success(), "{:?}", response.status());
    let location = response.headers()["location"]
        .to_str()
        .expect("an ASCII upload location")
        .to_string();
    let location = if location.starts_with("http") {
        location
    } else {
        format!("http://{host}{location}")
    };
    let separator = if location.contains('?') { '&' } else { '?' };
    let response = client
        .put(format!("{location}{separator}digest={digest}"))
        .body(bytes.to_vec())
        .send()
        .expect("the registry answers");
    assert!(response.status().is_success(), "{:?}", response.status());
    digest
}
