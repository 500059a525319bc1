//! The client against registries that lie, stall, loop, demand credentials or try to steal them.
// Test helpers panic on broken fixtures by design.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use common::{error_body, Reply, Server};
use seatbelt_registry::{Client, ClientOptions, Credentials, Reference, RegistryError};
use seatbelt_types::Digest;

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

fn reference(server: &Server, rest: &str) -> Reference {
    format!("{}/{rest}", server.host()).parse().unwrap()
}

fn client() -> Client {
    Client::new(ClientOptions {
        // Never read the developer's own Docker config in tests.
        docker_config: Some("/nonexistent/seatbelt-test/config.json".into()),
        ..ClientOptions::default()
    })
    .unwrap()
}

fn client_with(username: &str, password: &str) -> Client {
    Client::new(ClientOptions {
        credentials: Some(Credentials {
            username: username.into(),
            password: password.into(),
        }),
        docker_config: Some("/nonexistent/seatbelt-test/config.json".into()),
        ..ClientOptions::default()
    })
    .unwrap()
}

fn basic(user: &str, pass: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
    )
}

#[test]
fn a_manifest_is_returned_with_its_type_and_claimed_digest() {
    let body = br#"{"schemaVersion":2}"#.to_vec();
    let claimed = Digest::sha256_of(b"something else");
    let claimed_text = claimed.to_string();
    let served = body.clone();
    let server = Server::start("127.0.0.1", move |r| {
        assert!(r.header("accept").unwrap().contains(OCI_MANIFEST));
        Reply::new(200)
            .header("Content-Type", &format!("{OCI_MANIFEST}; charset=utf-8"))
            .header("Docker-Content-Digest", &claimed_text)
            .body(served.clone())
    });
    let m = client()
        .get_manifest(&reference(&server, "app:v1"), &[OCI_MANIFEST], 1024)
        .unwrap();
    assert_eq!(m.bytes, body);
    assert_eq!(m.media_type.as_deref(), Some(OCI_MANIFEST));
    // The client reports the claim; checking it is the image layer's job.
    assert_eq!(m.digest, Some(claimed));
    assert_eq!(server.requests()[0].path(), "/v2/app/manifests/v1");
}

#[test]
fn oversize_manifests_are_refused_whether_declared_or_not() {
    let server = Server::start("127.0.0.1", |r| {
        let mut reply = Reply::new(200).body(vec![b' '; 5000]);
        reply.no_length = r.path().contains("undeclared");
        reply
    });
    for name in ["declared:x", "undeclared:x"] {
        let err = client()
            .get_manifest(&reference(&server, name), &[OCI_MANIFEST], 4096)
            .unwrap_err();
        assert!(
            matches!(err, RegistryError::TooLarge { max: 4096, .. }),
            "{name}: {err}"
        );
    }
    let ok = client()
        .get_manifest(&reference(&server, "declared:x"), &[OCI_MANIFEST], 5000)
        .unwrap();
    assert_eq!(ok.bytes.len(), 5000);
}

#[test]
fn a_bad_digest_header_is_an_error() {
    let server = Server::start("127.0.0.1", |_| {
        Reply::new(200)
            .header("Docker-Content-Digest", "md5:abc")
            .body("{}")
    });
    let err = client()
        .get_manifest(&reference(&server, "app:v1"), &[OCI_MANIFEST], 1024)
        .unwrap_err();
    assert!(matches!(err, RegistryError::BadResponse { .. }), "{err}");
}

#[test]
fn endless_redirects_fail_clearly() {
    let server = Server::start("127.0.0.1", |r| {
        let n: u32 = r
            .query("n")
            .first()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        Reply::new(302).header("Location", &format!("{}?n={}", r.path(), n + 1))
    });
    let err = client()
        .get_manifest(&reference(&server, "app:v1"), &[OCI_MANIFEST], 1024)
        .unwrap_err();
    assert!(
        matches!(err, RegistryError::TooManyRedirects { max: 5, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("more than 5 redirects"), "{err}");
    assert_eq!(server.requests().len(), 6);
}

#[test]
fn a_redirect_to_another_host_gets_no_credentials() {
    let blob = b"layer bytes".to_vec();
    let digest = Digest::sha256_of(&blob);
    let storage_blob = blob.clone();
    // 127.0.0.2 is another host as far as origins go, though still this machine.
    let storage = Server::start("127.0.0.2", move |_| {
        Reply::new(200).body(storage_blob.clone())
    });
    let storage_url = format!("http://{}/bucket/object", storage.host());
    let registry = Server::start("127.0.0.1", move |r| {
        if r.header("authorization") != Some(&basic("alice", "s3cret")) {
            return Reply::new(401).header("WWW-Authenticate", r#"Basic realm="test""#);
        }
        Reply::new(307).header("Location", &storage_url)
    });
    let got = client_with("alice", "s3cret")
        .get_blob(&reference(&registry, "app"), &digest)
        .unwrap();
    assert_eq!(got.size, Some(blob.len() as u64));
    let mut body = Vec::new();
    got.reader.take(1 << 20).read_to_end(&mut body).unwrap();
    assert_eq!(body, blob);
    let storage_requests = storage.requests();
    assert_eq!(storage_requests.len(), 1);
    assert_eq!(storage_requests[0].header("authorization"), None);
    assert!(registry
        .requests()
        .iter()
        .any(|r| r.header("authorization").is_some()));
}

#[test]
fn a_redirect_to_plain_http_elsewhere_is_refused() {
    let registry = Server::start("127.0.0.1", |_| {
        Reply::new(302).header("Location", "http://203.0.113.7/blob")
    });
    let err = client()
        .get_blob(&reference(&registry, "app"), &Digest::sha256_of(b"x"))
        .unwrap_err();
    assert!(matches!(err, RegistryError::InsecureUrl { .. }), "{err}");
}

#[test]
fn too_many_requests_waits_for_retry_after() {
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    let server = Server::start("127.0.0.1", move |_| {
        if c.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::new(429).header("Retry-After", "1")
        } else {
            Reply::new(200).body("{}")
        }
    });
    let started = Instant::now();
    client()
        .get_manifest(&reference(&server, "app:v1"), &[OCI_MANIFEST], 1024)
        .unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[test]
fn transient_server_errors_are_retried_a_bounded_number_of_times() {
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    let flaky = Server::start("127.0.0.1", move |_| {
        match c.fetch_add(1, Ordering::SeqCst) {
            0 => Reply::new(502),
            1 => Reply::new(503),
            _ => Reply::new(200).body("{}"),
        }
    });
    client()
        .get_manifest(&reference(&flaky, "app:v1"), &[OCI_MANIFEST], 1024)
        .unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 3);

    let down = Server::start("127.0.0.1", |_| {
        Reply::new(503).body(error_body("UNAVAILABLE", "maintenance"))
    });
    let err = client()
        .get_manifest(&reference(&down, "app:v1"), &[OCI_MANIFEST], 1024)
        .unwrap_err();
    assert!(
        matches!(err, RegistryError::Status { status: 503, .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("UNAVAILABLE (maintenance)"),
        "{err}"
    );
    assert_eq!(down.requests().len(), 4);
}

#[test]
fn a_dropped_connection_is_retried() {
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    let server = Server::start("127.0.0.1", move |_| {
        let mut reply = Reply::new(200).body("{}");
        reply.hang_up = c.fetch_add(1, Ordering::SeqCst) == 0;
        reply
    });
    client()
        .get_manifest(&reference(&server, "app:v1"), &[OCI_MANIFEST], 1024)
        .unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[test]
fn public_images_never_touch_credentials() {
    // A Docker config naming a helper that does not exist: harmless until a registry asks.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.json");
    std::fs::write(&config, r#"{"credsStore":"seatbelt-test-absent"}"#).unwrap();
    let options = ClientOptions {
        docker_config: Some(config),
        ..ClientOptions::default()
    };
    let open = Server::start("127.0.0.1", |_| Reply::new(200).body("{}"));
    Client::new(options.clone())
        .unwrap()
        .get_manifest(&reference(&open, "app:v1"), &[OCI_MANIFEST], 1024)
        .unwrap();
    let locked = Server::start("127.0.0.1", |_| {
        Reply::new(401).header("WWW-Authenticate", r#"Basic realm="r""#)
    });
    let err = Client::new(options)
        .unwrap()
        .get_manifest(&reference(&locked, "app:v1"), &[OCI_MANIFEST], 1024)
        .unwrap_err();
    assert!(matches!(err, RegistryError::Credentials { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("docker-credential-seatbelt-test-absent"),
        "{err}"
    );
}

#[test]
fn a_tls_registry_with_an_untrusted_certificate_gets_a_hint() {
    // This server hangs up on the TLS probe and answers plain HTTP the way Go's TLS server does.
    let server = Server::start("127.0.0.1", |_| {
        Reply::new(400).body("Client sent an HTTP request to an HTTPS server.\n")
    });
    let err = client()
        .get_manifest(&reference(&server, "app:v1"), &[OCI_MANIFEST], 1024)
        .unwrap_err()
        .to_string();
    assert!(err.contains("certificate was not accepted"), "{err}");
    assert!(err.contains("trust store"), "{err}");
}

#[test]
fn a_truncated_blob_fails_while_reading() {
    let server = Server::start("127.0.0.1", |_| {
        let mut reply = Reply::new(200).body(vec![1u8; 10]);
        reply.declared_length = Some(1000);
        reply
    });
    let blob = client()
        .get_blob(&reference(&server, "app"), &Digest::sha256_of(b"x"))
        .unwrap();
    assert_eq!(blob.size, Some(1000));
    let mut body = Vec::new();
    assert!(blob.reader.take(1 << 20).read_to_end(&mut body).is_err());
}

#[test]
fn not_found_names_the_image_and_says_what_to_do() {
    let server = Server::start("127.0.0.1", |_| {
        Reply::new(404).body(error_body("MANIFEST_UNKNOWN", "manifest unknown"))
    });
    let r = reference(&server, "team/app:v9");
    let err = client()
        .get_manifest(&r, &[OCI_MANIFEST], 1024)
        .unwrap_err()
        .to_string();
    assert!(err.contains(&r.to_string()), "{err}");
    assert!(err.contains("MANIFEST_UNKNOWN"), "{err}");
    assert!(err.contains("no such image or tag"), "{err}");
    assert!(client()
        .head_manifest(&r, &[OCI_MANIFEST])
        .unwrap()
        .is_none());
}

#[test]
fn basic_auth_with_and_without_credentials() {
    let server = Server::start("127.0.0.1", |r| {
        if r.header("authorization") == Some(&basic("alice", "s3cret")) {
            Reply::new(200).body("{}")
        } else {
            Reply::new(401)
                .header("WWW-Authenticate", r#"Basic realm="registry""#)
                .body(error_body("UNAUTHORIZED", "authentication required"))
        }
    });
    let r = reference(&server, "app:v1");
    client_with("alice", "s3cret")
        .get_manifest(&r, &[OCI_MANIFEST], 1024)
        .unwrap();

    let err = client()
        .get_manifest(&r, &[OCI_MANIFEST], 1024)
        .unwrap_err();
    assert!(matches!(err, RegistryError::Unauthorized { .. }), "{err}");
    assert!(err.to_string().contains("docker login"), "{err}");

    let wrong = client_with("alice", "hunter2");
    let err = wrong.get_manifest(&r, &[OCI_MANIFEST], 1024).unwrap_err();
    let text = format!("{err} {err:?} {wrong:?}");
    assert!(text.contains("refused"), "{text}");
    assert!(!text.contains("hunter2"), "a password leaked: {text}");
    assert!(!text.contains(&basic("alice", "hunter2")[6..]), "{text}");
}

#[test]
fn docker_config_credentials_are_used() {
    let server = Server::start("127.0.0.1", |r| {
        if r.header("authorization") == Some(&basic("carol", "pw")) {
            Reply::new(200).body("{}")
        } else {
            Reply::new(401).header("WWW-Authenticate", r#"Basic realm="registry""#)
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.json");
    let auth = base64::engine::general_purpose::STANDARD.encode("carol:pw");
    std::fs::write(
        &config,
        format!(
            r#"{{"auths":{{"http://{}":{{"auth":"{auth}"}}}}}}"#,
            server.host()
        ),
    )
    .unwrap();
    let client = Client::new(ClientOptions {
        docker_config: Some(config),
        ..ClientOptions::default()
    })
    .unwrap();
    client
        .get_manifest(&reference(&server, "app:v1"), &[OCI_MANIFEST], 1024)
        .unwrap();
}

#[test]
fn bearer_tokens_are_fetched_with_scope_service_and_credentials_then_cached() {
    let tokens = Server::start("127.0.0.1", |r| {
        let ok = r.query("service") == ["test-registry"]
            && r.query("scope") == ["repository:team/app:pull"]
            && r.header("authorization") == Some(&basic("dave", "tokpw"));
        if ok {
            Reply::new(200).body(r#"{"access_token":"tok-123","expires_in":300}"#)
        } else {
            Reply::new(401).body(error_body("DENIED", "bad token request"))
        }
    });
    let realm = format!("http://{}/token", tokens.host());
    let registry = Server::start("127.0.0.1", move |r| {
        if r.header("authorization") == Some("Bearer tok-123") {
            Reply::new(200).body("{}")
        } else {
            Reply::new(401).header(
                "WWW-Authenticate",
                &format!(r#"Bearer realm="{realm}",service="test-registry",scope="repository:team/app:pull""#),
            )
        }
    });
    let client = client_with("dave", "tokpw");
    let r = reference(&registry, "team/app:v1");
    client.get_manifest(&r, &[OCI_MANIFEST], 1024).unwrap();
    client.get_manifest(&r, &[OCI_MANIFEST], 1024).unwrap();
    assert_eq!(tokens.requests().len(), 1, "the token is cached per scope");
    // One anonymous try, then two requests with the token.
    assert_eq!(registry.requests().len(), 3);

    let err = client_with("dave", "wrong")
        .get_manifest(&r, &[OCI_MANIFEST], 1024)
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, RegistryError::Auth { .. }), "{text}");
    assert!(
        text.contains("refused") && !text.contains("wrong"),
        "{text}"
    );
}

#[test]
fn identity_tokens_are_exchanged_with_an_oauth_post() {
    let tokens = Server::start("127.0.0.1", |r| {
        let form: Vec<(String, String)> =
            url::form_urlencoded::parse(&r.body).into_owned().collect();
        let has = |k: &str, v: &str| form.iter().any(|(a, b)| a == k && b == v);
        if r.method == "POST"
            && r.header("authorization").is_none()
            && has("grant_type", "refresh_token")
            && has("refresh_token", "refresh-xyz")
            && has("service", "svc")
            && has("scope", "repository:app:pull")
        {
            Reply::new(200).body(r#"{"access_token":"from-refresh"}"#)
        } else {
            Reply::new(400)
        }
    });
    let realm = format!("http://{}/oauth", tokens.host());
    let registry = Server::start("127.0.0.1", move |r| {
        if r.header("authorization") == Some("Bearer from-refresh") {
            Reply::new(200).body("{}")
        } else {
            Reply::new(401).header(
                "WWW-Authenticate",
                &format!(r#"Bearer realm="{realm}",service="svc""#),
            )
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.json");
    std::fs::write(
        &config,
        format!(
            r#"{{"auths":{{"{}":{{"identitytoken":"refresh-xyz"}}}}}}"#,
            registry.host()
        ),
    )
    .unwrap();
    let client = Client::new(ClientOptions {
        docker_config: Some(config),
        ..ClientOptions::default()
    })
    .unwrap();
    client
        .get_manifest(&reference(&registry, "app:v1"), &[OCI_MANIFEST], 1024)
        .unwrap();
    assert_eq!(tokens.requests().len(), 1);
}

#[test]
fn forbidden_says_which_access_is_missing() {
    let server = Server::start("127.0.0.1", |_| {
        Reply::new(403).body(error_body(
            "DENIED",
            "requested access to the resource is denied",
        ))
    });
    let (blob, digest) = (b"x".to_vec(), Digest::sha256_of(b"x"));
    let err = client()
        .push_blob(&reference(&server, "app"), &digest, 1, &mut &blob[..])
        .unwrap_err();
    assert!(
        matches!(err, RegistryError::Denied { access: "push", .. }),
        "{err}"
    );
    assert!(err.to_string().contains("no push access"), "{err}");
}

/// Blobs a fake registry committed: digest and content.
type Committed = Arc<std::sync::Mutex<Vec<(String, Vec<u8>)>>>;

/// A registry that implements just enough of the upload protocol, refusing monolithic PUTs
/// when asked to, and storing what was committed.
fn upload_registry(refuse_monolithic: bool) -> (Server, Committed) {
    let committed: Committed = Arc::default();
    let sessions: Arc<std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>> =
        Arc::default();
    let next = Arc::new(AtomicUsize::new(0));
    let store = committed.clone();
    let server = Server::start("127.0.0.1", move |r| {
        let path = r.path().to_string();
        match (r.method.as_str(), path.as_str()) {
            ("POST", "/v2/app/blobs/uploads/") => {
                let id = next.fetch_add(1, Ordering::SeqCst).to_string();
                sessions.lock().unwrap().insert(id.clone(), Vec::new());
                Reply::new(202).header(
                    "Location",
                    &format!("/v2/app/blobs/uploads/{id}?_state=opaque"),
                )
            }
            ("PATCH", p) => {
                let id = p.rsplit('/').next().unwrap().to_string();
                let mut s = sessions.lock().unwrap();
                let data = s.get_mut(&id).unwrap();
                let range = r.header("content-range").unwrap();
                assert_eq!(
                    range,
                    format!("{}-{}", data.len(), data.len() + r.body.len() - 1)
                );
                data.extend_from_slice(&r.body);
                Reply::new(202)
                    .header(
                        "Location",
                        &format!("/v2/app/blobs/uploads/{id}?_state=next"),
                    )
                    .header("Range", &format!("0-{}", data.len() - 1))
            }
            ("PUT", p) if p.starts_with("/v2/app/blobs/uploads/") => {
                assert_eq!(r.query("_state").len(), 1, "the session's query is kept");
                let id = p.rsplit('/').next().unwrap().to_string();
                let mut s = sessions.lock().unwrap();
                if refuse_monolithic && !r.body.is_empty() {
                    return Reply::new(405);
                }
                let mut data = s.remove(&id).unwrap();
                data.extend_from_slice(&r.body);
                let digest = r.query("digest").remove(0);
                if Digest::sha256_of(&data).to_string() != digest {
                    return Reply::new(400).body(error_body("DIGEST_INVALID", "digest mismatch"));
                }
                store.lock().unwrap().push((digest.clone(), data));
                Reply::new(201).header("Docker-Content-Digest", &digest)
            }
            ("DELETE", p) => {
                sessions
                    .lock()
                    .unwrap()
                    .remove(p.rsplit('/').next().unwrap());
                Reply::new(204)
            }
            _ => Reply::new(404),
        }
    });
    (server, committed)
}

#[test]
fn small_blobs_go_up_monolithic_or_chunked_when_refused() {
    for refuse in [false, true] {
        let (server, committed) = upload_registry(refuse);
        let data = b"config json".to_vec();
        let digest = Digest::sha256_of(&data);
        client()
            .push_blob(
                &reference(&server, "app"),
                &digest,
                data.len() as u64,
                &mut &data[..],
            )
            .unwrap();
        assert_eq!(
            committed.lock().unwrap().as_slice(),
            &[(digest.to_string(), data.clone())]
        );
        let patches = server
            .requests()
            .iter()
            .filter(|r| r.method == "PATCH")
            .count();
        assert_eq!(patches, usize::from(refuse), "refuse={refuse}");
    }
}

#[test]
fn larger_blobs_stream_and_lying_data_is_not_committed() {
    let (server, committed) = upload_registry(false);
    let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let digest = Digest::sha256_of(&data);
    client()
        .push_blob(
            &reference(&server, "app"),
            &digest,
            data.len() as u64,
            &mut &data[..],
        )
        .unwrap();
    assert_eq!(committed.lock().unwrap().len(), 1);

    // A short reader: the upload is abandoned, the session deleted, nothing committed.
    let (server, committed) = upload_registry(false);
    let err = client()
        .push_blob(
            &reference(&server, "app"),
            &digest,
            data.len() as u64,
            &mut &data[..2_000_000],
        )
        .unwrap_err();
    assert!(matches!(err, RegistryError::Source { .. }), "{err}");
    assert!(committed.lock().unwrap().is_empty());
    assert!(server.requests().iter().any(|r| r.method == "DELETE"));
}

#[test]
fn mounts_and_manifests() {
    let manifest = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}"#.to_vec();
    let good = Digest::sha256_of(&manifest).to_string();
    let server = Server::start("127.0.0.1", move |r| match (r.method.as_str(), r.path()) {
        ("POST", "/v2/app/blobs/uploads/") if r.query("from") == ["other"] => Reply::new(201),
        ("POST", "/v2/app/blobs/uploads/") => {
            Reply::new(202).header("Location", "/v2/app/blobs/uploads/s1")
        }
        ("DELETE", _) => Reply::new(204),
        ("PUT", "/v2/app/manifests/v1") => {
            assert_eq!(r.header("content-type"), Some(OCI_MANIFEST));
            Reply::new(201).header("Docker-Content-Digest", &good)
        }
        ("PUT", _) => Reply::new(201).header(
            "Docker-Content-Digest",
            &Digest::sha256_of(b"lie").to_string(),
        ),
        _ => Reply::new(404),
    });
    let c = client();
    let r = reference(&server, "app");
    let d = Digest::sha256_of(b"blob");
    assert!(c.mount_blob(&r, &d, "other").unwrap());
    assert!(!c.mount_blob(&r, &d, "elsewhere").unwrap());
    assert!(
        server.requests().iter().any(|r| r.method == "DELETE"),
        "the unwanted session is cancelled"
    );
    let digest = c.put_manifest(&r, "v1", OCI_MANIFEST, &manifest).unwrap();
    assert_eq!(digest, Digest::sha256_of(&manifest));
    let err = c
        .put_manifest(&r, "v2", OCI_MANIFEST, &manifest)
        .unwrap_err();
    assert!(matches!(err, RegistryError::DigestMismatch { .. }), "{err}");
}

#[test]
fn tags_are_listed_across_pages() {
    let server = Server::start("127.0.0.1", |r| {
        if r.query("last").is_empty() {
            Reply::new(200)
                .header("Link", r#"</v2/app/tags/list?n=2&last=b>; rel="next""#)
                .body(r#"{"name":"app","tags":["b","a"]}"#)
        } else {
            Reply::new(200).body(r#"{"name":"app","tags":["c"]}"#)
        }
    });
    assert_eq!(
        client().list_tags(&reference(&server, "app")).unwrap(),
        ["a", "b", "c"]
    );
}
