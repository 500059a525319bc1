//! Signing and verifying against a registry that serves the OCI 1.1 referrers API (the loopback
//! docker-registry 2.8 does not; the CLI tests cover the tag-schema fallback there). A small
//! in-memory registry on the scriptable fake server stores blobs and manifests and answers
//! `GET /v2/<name>/referrers/<digest>` from the `subject` of the manifests pushed.
// Test helpers panic on broken fixtures by design.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use seatbelt_image::ImageRef;
use seatbelt_registry::ClientOptions;
use seatbelt_sign::referrers::{fallback_tag, ReferrersMode, OCI_INDEX};
use seatbelt_sign::{PrivateKey, Target};
use seatbelt_test::registry::{FakeReply, FakeRequest, FakeServer};
use seatbelt_types::Digest;
use serde_json::{json, Value};

#[derive(Default)]
struct Store {
    blobs: HashMap<String, Vec<u8>>,
    /// tag or digest -> (media type, bytes)
    manifests: HashMap<String, (String, Vec<u8>)>,
    uploads: HashMap<String, Vec<u8>>,
}

fn sha(bytes: &[u8]) -> String {
    Digest::sha256_of(bytes).to_string()
}

/// The distribution API subset the client uses, for one repository, plus referrers.
fn handle(store: &Mutex<Store>, r: &FakeRequest) -> FakeReply {
    let mut s = store.lock().unwrap();
    let path = r.path().to_string();
    let rest = path.strip_prefix("/v2/repo/").unwrap_or_default();
    if path == "/v2/" {
        return FakeReply::new(200);
    }
    if let Some(digest) = rest.strip_prefix("referrers/") {
        let manifests: Vec<Value> = s
            .manifests
            .iter()
            .filter(|(k, _)| k.starts_with("sha256:"))
            .filter_map(|(k, (media_type, bytes))| {
                let m: Value = serde_json::from_slice(bytes).ok()?;
                (m["subject"]["digest"] == digest).then(|| {
                    json!({"mediaType": media_type, "digest": k, "size": bytes.len(),
                           "artifactType": m.get("artifactType").unwrap_or(&m["config"]["mediaType"])})
                })
            })
            .collect();
        let body = json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests});
        return FakeReply::new(200)
            .header("Content-Type", OCI_INDEX)
            .body(body.to_string());
    }
    if let Some(reference) = rest.strip_prefix("manifests/") {
        return match r.method.as_str() {
            "PUT" => {
                let media_type = r.header("content-type").unwrap_or_default().to_string();
                let digest = sha(&r.body);
                s.manifests
                    .insert(digest.clone(), (media_type.clone(), r.body.clone()));
                s.manifests
                    .insert(reference.to_string(), (media_type, r.body.clone()));
                FakeReply::new(201).header("Docker-Content-Digest", &digest)
            }
            _ => match s.manifests.get(reference) {
                Some((media_type, bytes)) => FakeReply::new(200)
                    .header("Content-Type", media_type)
                    .header("Docker-Content-Digest", &sha(bytes))
                    .body(bytes.clone()),
                None => FakeReply::new(404)
                    .body(r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]}"#),
            },
        };
    }
    if let Some(upload) = rest.strip_prefix("blobs/uploads/") {
        let id = if upload.is_empty() {
            format!("u{}", s.uploads.len())
        } else {
            upload.to_string()
        };
        let buffer = s.uploads.entry(id.clone()).or_default();
        buffer.extend_from_slice(&r.body);
        let location = format!("/v2/repo/blobs/uploads/{id}");
        return match (r.method.as_str(), r.query("digest").first()) {
            ("PUT", Some(digest)) => {
                let bytes = s.uploads.remove(&id).unwrap_or_default();
                assert_eq!(&sha(&bytes), digest);
                s.blobs.insert(digest.clone(), bytes);
                FakeReply::new(201).header("Docker-Content-Digest", digest)
            }
            _ => FakeReply::new(202)
                .header("Location", &location)
                .header("Range", &format!("0-{}", buffer.len().saturating_sub(1))),
        };
    }
    if let Some(digest) = rest.strip_prefix("blobs/") {
        return match s.blobs.get(digest) {
            Some(bytes) => FakeReply::new(200)
                .header("Docker-Content-Digest", digest)
                .body(bytes.clone()),
            None => FakeReply::new(404)
                .body(r#"{"errors":[{"code":"BLOB_UNKNOWN","message":"unknown"}]}"#),
        };
    }
    FakeReply::new(404).body("404 page not found")
}

#[test]
fn signatures_are_found_through_the_referrers_api() {
    let store = Arc::new(Mutex::new(Store::default()));
    let handler_store = store.clone();
    let server = FakeServer::start("127.0.0.1", move |r| handle(&handler_store, r));
    // The signed image: an OCI manifest tagged `1` (its blobs are never needed to sign or verify).
    let image = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}"#;
    let media_type = "application/vnd.oci.image.manifest.v1+json".to_string();
    store
        .lock()
        .unwrap()
        .manifests
        .insert("1".into(), (media_type.clone(), image.to_vec()));
    store
        .lock()
        .unwrap()
        .manifests
        .insert(sha(image), (media_type, image.to_vec()));
    let reference: ImageRef = format!("{}/repo:1", server.host()).parse().unwrap();
    let options = ClientOptions {
        docker_config: Some("/nonexistent/seatbelt-test/config.json".into()),
        ..ClientOptions::default()
    };
    let target = Target::open(&reference, options).unwrap();
    let key = PrivateKey::generate();
    let signed =
        seatbelt_sign::sign::sign_with(&target, &key, &BTreeMap::new(), ReferrersMode::Oci11)
            .unwrap();
    assert!(signed.signature_tag.contains("referrers API"), "{signed:?}");
    let subject: Digest = sha(image).parse().unwrap();
    {
        let s = store.lock().unwrap();
        // The registry indexes the subject itself: no fallback tag, no .sig tag.
        assert!(!s.manifests.contains_key(&fallback_tag(&subject)));
        assert!(!s.manifests.keys().any(|k| k.ends_with(".sig")));
        let (_, stored) = &s.manifests[signed.referrer.as_ref().unwrap()];
        let stored: Value = serde_json::from_slice(stored).unwrap();
        assert_eq!(stored["subject"]["digest"], subject.to_string());
        assert_eq!(stored["subject"]["size"], image.len());
    }
    let report =
        seatbelt_sign::verify::verify(&target, &key.public_key(), &BTreeMap::new()).unwrap();
    assert_eq!(report.verified(), 1, "{report:?}");
    assert_eq!(report.referrers, vec![signed.referrer.clone().unwrap()]);
    let stranger = PrivateKey::generate().public_key();
    let report = seatbelt_sign::verify::verify(&target, &stranger, &BTreeMap::new()).unwrap();
    assert_eq!((report.signatures.len(), report.verified()), (1, 0));
    // Discovery went through the API, not the fallback tag.
    let asked: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    assert!(asked.iter().any(|p| p.contains("/referrers/")));
    assert!(!asked.iter().any(|p| p.ends_with(&fallback_tag(&subject))));
}
