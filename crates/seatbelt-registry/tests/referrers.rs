//! The OCI 1.1 referrers API (`GET /v2/<name>/referrers/<digest>`): an index when the registry
//! serves it, `None` (the spec's signal to fall back to the `sha256-<hex>` tag) on 404, and the
//! size bound on what a registry may send.
// Test helpers panic on broken fixtures by design.
#![allow(clippy::unwrap_used)]

use seatbelt_registry::{Client, ClientOptions, Reference, RegistryError};
use seatbelt_test::registry::{FakeReply, FakeServer};
use seatbelt_types::Digest;

const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";

fn client() -> Client {
    Client::new(ClientOptions {
        // Never read the developer's own Docker config in tests.
        docker_config: Some("/nonexistent/seatbelt-test/config.json".into()),
        ..ClientOptions::default()
    })
    .unwrap()
}

fn reference(server: &FakeServer) -> Reference {
    format!("{}/team/app:1", server.host()).parse().unwrap()
}

#[test]
fn a_served_referrers_index_is_returned_with_the_filter_asked_for() {
    let subject = Digest::sha256_of(b"image");
    // A referrers index as the distribution spec 1.1 describes it.
    let index = format!(
        r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}","manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{}","size":700,"artifactType":"application/vnd.dev.cosign.artifact.sig.v1+json"}}]}}"#,
        Digest::sha256_of(b"referrer")
    );
    let served = index.clone();
    let server = FakeServer::start("127.0.0.1", move |r| {
        assert!(r.header("accept").unwrap().contains(OCI_INDEX));
        FakeReply::new(200)
            .header("Content-Type", OCI_INDEX)
            .body(served.clone())
    });
    let kind = "application/vnd.dev.cosign.artifact.sig.v1+json";
    let fetched = client()
        .referrers(&reference(&server), &subject, Some(kind), 64 * 1024)
        .unwrap()
        .unwrap();
    assert_eq!(fetched.bytes, index.as_bytes());
    assert_eq!(fetched.media_type.as_deref(), Some(OCI_INDEX));
    let requests = server.requests();
    assert_eq!(
        requests[0].path(),
        format!("/v2/team/app/referrers/{subject}")
    );
    assert_eq!(requests[0].query("artifactType"), vec![kind.to_string()]);
}

#[test]
fn no_referrers_api_is_none_and_other_failures_are_errors() {
    let subject = Digest::sha256_of(b"image");
    let server = FakeServer::start("127.0.0.1", |r| {
        if r.path().contains("/missing/") || r.path().starts_with("/v2/team/app/referrers/") {
            FakeReply::new(404).body("404 page not found\n")
        } else {
            FakeReply::new(500).body("broken")
        }
    });
    assert!(client()
        .referrers(&reference(&server), &subject, None, 1024)
        .unwrap()
        .is_none());
    let broken: Reference = format!("{}/other/app:1", server.host()).parse().unwrap();
    assert!(client().referrers(&broken, &subject, None, 1024).is_err());
}

#[test]
fn an_oversize_referrers_index_is_refused() {
    let subject = Digest::sha256_of(b"image");
    let server = FakeServer::start("127.0.0.1", |_| {
        FakeReply::new(200)
            .header("Content-Type", OCI_INDEX)
            .body(vec![b' '; 10_000])
    });
    let err = client()
        .referrers(&reference(&server), &subject, None, 1024)
        .unwrap_err();
    assert!(
        !matches!(err, RegistryError::NotFound { .. }),
        "expected a size error, got {err:?}"
    );
    assert!(err.to_string().contains("1024"), "{err}");
}
