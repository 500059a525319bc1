//! Pushing to and pulling from a real registry (`docker-registry` on loopback), anonymous and
//! with basic auth, and a lying registry that the image layer must catch.
// Test fixtures panic on failure by design.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};

use oci_spec::image::{Descriptor, DescriptorBuilder, MediaType};
use seatbelt_image::media_types::{OCI_CONFIG, OCI_INDEX, OCI_LAYER_GZIP, OCI_MANIFEST};
use seatbelt_image::sink::{BlobSink, RegistrySink};
use seatbelt_image::{open, ImageError, ImageRef, OpenOptions, Platform};
use seatbelt_registry::{Client, ClientOptions, Credentials, Reference, RegistryError};
use seatbelt_test::registry::{DockerRegistry, FakeReply, FakeServer, RegistryAuth, TokenServer};
use seatbelt_types::Digest;

/// A tiny image: one gzip layer holding `etc/greeting`, its config, its OCI manifest.
struct Synthetic {
    layer: Vec<u8>,
    config: Vec<u8>,
    manifest: Vec<u8>,
}

fn descriptor(media_type: &str, bytes: &[u8]) -> Descriptor {
    DescriptorBuilder::default()
        .media_type(MediaType::from(media_type))
        .digest(
            Digest::sha256_of(bytes)
                .to_string()
                .parse::<oci_spec::image::Digest>()
                .unwrap(),
        )
        .size(bytes.len() as u64)
        .build()
        .unwrap()
}

fn synthetic(greeting: &str, architecture: &str) -> Synthetic {
    let mut tar = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_ustar();
    header.set_size(greeting.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(0);
    header.set_cksum();
    tar.append_data(&mut header, "etc/greeting", greeting.as_bytes())
        .unwrap();
    let tar = tar.into_inner().unwrap();
    let diff_id = Digest::sha256_of(&tar);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar).unwrap();
    let layer = gz.finish().unwrap();
    let config = format!(
        r#"{{"architecture":"{architecture}","os":"linux","config":{{"User":"1000"}},"rootfs":{{"type":"layers","diff_ids":["{diff_id}"]}}}}"#
    )
    .into_bytes();
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": descriptor(OCI_CONFIG, &config),
        "layers": [descriptor(OCI_LAYER_GZIP, &layer)],
    });
    Synthetic {
        layer,
        config,
        manifest: serde_json::to_vec(&manifest).unwrap(),
    }
}

fn no_config() -> ClientOptions {
    ClientOptions {
        docker_config: Some("/nonexistent/seatbelt-test/config.json".into()),
        ..ClientOptions::default()
    }
}

fn with_credentials(username: &str, password: &str) -> ClientOptions {
    ClientOptions {
        credentials: Some(Credentials {
            username: username.into(),
            password: password.into(),
        }),
        ..no_config()
    }
}

fn push(
    image: &Synthetic,
    reference: &Reference,
    options: &ClientOptions,
    tag: Option<&str>,
) -> Digest {
    let mut sink = RegistrySink::new(reference, options).unwrap();
    for (media_type, blob) in [(OCI_LAYER_GZIP, &image.layer), (OCI_CONFIG, &image.config)] {
        let d = descriptor(media_type, blob);
        if !sink.has_blob(&d).unwrap() {
            sink.put_blob(&d, &mut &blob[..]).unwrap();
        }
        assert!(sink.has_blob(&d).unwrap());
    }
    let digest = sink
        .put_manifest(&image.manifest, OCI_MANIFEST, tag)
        .unwrap();
    Box::new(sink).finish().unwrap();
    digest
}

fn open_options(registry: ClientOptions, platform: &str) -> OpenOptions {
    OpenOptions {
        platform: Some(platform.parse::<Platform>().unwrap()),
        registry,
        ..OpenOptions::default()
    }
}

fn read_greeting(image: &seatbelt_image::Image) -> String {
    let seatbelt_image::LayerSource::Blob(layer) = &image.layers[0] else {
        panic!("a blob layer expected");
    };
    let (_, stream) = image.open_layer(layer).unwrap();
    let mut archive = tar::Archive::new(stream);
    let mut entry = archive.entries().unwrap().next().unwrap().unwrap();
    assert_eq!(entry.path().unwrap().to_str(), Some("etc/greeting"));
    let mut text = String::new();
    entry.read_to_string(&mut text).unwrap();
    text
}

#[test]
fn push_then_pull_round_trips_verified() {
    let registry = DockerRegistry::start();
    let image = synthetic("hello from seatbelt", "amd64");
    let reference: Reference = format!("{}/demo/app:v1", registry.host()).parse().unwrap();
    let digest = push(&image, &reference, &no_config(), Some("v1"));
    assert_eq!(digest, Digest::sha256_of(&image.manifest));

    let opened = open(
        &ImageRef::Registry(reference.clone()),
        &open_options(no_config(), "linux/amd64"),
    )
    .unwrap();
    assert_eq!(
        opened.reference,
        format!("{}/demo/app@{digest}", registry.host())
    );
    assert_eq!(opened.digest(), Some(&digest));
    assert_eq!(opened.manifest.as_ref().unwrap().bytes, image.manifest);
    assert_eq!(opened.config.user(), "1000");
    assert_eq!(read_greeting(&opened), "hello from seatbelt");

    // By digest too, and the tag is listed.
    let pinned = ImageRef::Registry(reference.with_digest(digest.clone()));
    assert_eq!(
        open(&pinned, &open_options(no_config(), "linux/amd64"))
            .unwrap()
            .digest(),
        Some(&digest)
    );
    let tags = Client::new(no_config())
        .unwrap()
        .list_tags(&reference)
        .unwrap();
    assert_eq!(tags, ["v1"]);
}

#[test]
fn an_index_resolves_to_the_wanted_platform() {
    let registry = DockerRegistry::start();
    let reference: Reference = format!("{}/multi", registry.host()).parse().unwrap();
    let amd = synthetic("amd64 says hi", "amd64");
    let arm = synthetic("arm64 says hi", "arm64");
    let amd_digest = push(&amd, &reference, &no_config(), None);
    let arm_digest = push(&arm, &reference, &no_config(), None);
    let entry = |m: &Synthetic, arch: &str| {
        let mut d = descriptor(OCI_MANIFEST, &m.manifest);
        d.set_platform(Some(
            oci_spec::image::PlatformBuilder::default()
                .os(oci_spec::image::Os::Linux)
                .architecture(oci_spec::image::Arch::from(arch))
                .build()
                .unwrap(),
        ));
        d
    };
    let index = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [entry(&amd, "amd64"), entry(&arm, "arm64")],
    }))
    .unwrap();
    let mut sink = RegistrySink::new(&reference, &no_config()).unwrap();
    sink.put_manifest(&index, OCI_INDEX, Some("latest"))
        .unwrap();

    let arm_image = open(
        &ImageRef::Registry(reference.clone()),
        &open_options(no_config(), "linux/arm64"),
    )
    .unwrap();
    assert_eq!(arm_image.digest(), Some(&arm_digest));
    assert_eq!(read_greeting(&arm_image), "arm64 says hi");
    let amd_image = open(
        &ImageRef::Registry(reference.clone()),
        &open_options(no_config(), "linux/amd64"),
    )
    .unwrap();
    assert_eq!(amd_image.digest(), Some(&amd_digest));
    let err = open(
        &ImageRef::Registry(reference),
        &open_options(no_config(), "linux/s390x"),
    )
    .unwrap_err();
    assert!(
        matches!(err, ImageError::NoMatchingPlatform { .. }),
        "{err}"
    );
}

#[test]
fn basic_auth_is_required_and_used() {
    let registry = DockerRegistry::start_with(RegistryAuth::Htpasswd {
        username: "alice".into(),
        password: "correct horse".into(),
    });
    let image = synthetic("authenticated", "amd64");
    let reference: Reference = format!("{}/private/app:v1", registry.host())
        .parse()
        .unwrap();
    let creds = with_credentials("alice", "correct horse");

    // Without credentials, pushing fails clearly.
    let mut anonymous = RegistrySink::new(&reference, &no_config()).unwrap();
    let err = anonymous
        .put_blob(
            &descriptor(OCI_CONFIG, &image.config),
            &mut &image.config[..],
        )
        .unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(
            err,
            ImageError::Registry(RegistryError::Unauthorized { .. })
        ),
        "{text}"
    );
    assert!(text.contains("docker login"), "{text}");

    push(&image, &reference, &creds, Some("v1"));
    let opened = open(
        &ImageRef::Registry(reference.clone()),
        &open_options(creds, "linux/amd64"),
    )
    .unwrap();
    assert_eq!(read_greeting(&opened), "authenticated");

    let err = open(
        &ImageRef::Registry(reference.clone()),
        &open_options(no_config(), "linux/amd64"),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            ImageError::Registry(RegistryError::Unauthorized { .. })
        ),
        "{err}"
    );
    let err = open(
        &ImageRef::Registry(reference),
        &open_options(with_credentials("alice", "wrong battery"), "linux/amd64"),
    )
    .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(
        text.contains("refused") && !text.contains("wrong battery"),
        "{text}"
    );
}

#[test]
fn bearer_tokens_from_a_token_service_work_against_the_real_registry() {
    let tokens = TokenServer::start("seatbelt-registry", Some(("bob", "token pass")));
    let registry = DockerRegistry::start_with(tokens.registry_auth());
    let image = synthetic("signed tokens", "amd64");
    let reference: Reference = format!("{}/tok/app:v1", registry.host()).parse().unwrap();
    let creds = with_credentials("bob", "token pass");

    push(&image, &reference, &creds, Some("v1"));
    let opened = open(
        &ImageRef::Registry(reference.clone()),
        &open_options(creds, "linux/amd64"),
    )
    .unwrap();
    assert_eq!(read_greeting(&opened), "signed tokens");

    let requests = tokens.requests();
    assert!(!requests.is_empty());
    for r in &requests {
        assert!(
            r.target.contains("service=seatbelt-registry"),
            "{}",
            r.target
        );
        assert!(r
            .header("authorization")
            .is_some_and(|a| a.starts_with("Basic ")));
    }
    assert!(requests.iter().any(|r| r
        .target
        .contains("scope=repository%3Atok%2Fapp%3Apull%2Cpush")));
    assert!(requests
        .iter()
        .any(|r| r.target.contains("scope=repository%3Atok%2Fapp%3Apull")
            && !r.target.contains("push")));
    // Tokens are cached per scope: far fewer token requests than registry requests.
    assert!(requests.len() <= 4, "{} token requests", requests.len());

    // Anonymous: the token grants nothing, so the registry refuses with a clear hint.
    let err = open(
        &ImageRef::Registry(reference.clone()),
        &open_options(no_config(), "linux/amd64"),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            ImageError::Registry(RegistryError::Unauthorized { .. })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("docker login"), "{err}");
    // Wrong password: the token service refuses.
    let err = open(
        &ImageRef::Registry(reference),
        &open_options(with_credentials("bob", "nope"), "linux/amd64"),
    )
    .unwrap_err();
    assert!(
        matches!(err, ImageError::Registry(RegistryError::Auth { .. })),
        "{err}"
    );
}

#[test]
fn blobs_mount_across_repositories_and_lying_data_is_refused() {
    let registry = DockerRegistry::start();
    let image = synthetic("mount me", "amd64");
    let source: Reference = format!("{}/team/source:v1", registry.host())
        .parse()
        .unwrap();
    push(&image, &source, &no_config(), Some("v1"));

    let target: Reference = format!("{}/team/target", registry.host()).parse().unwrap();
    let mut sink = RegistrySink::new(&target, &no_config())
        .unwrap()
        .with_mount_source(Some(source));
    let layer = descriptor(OCI_LAYER_GZIP, &image.layer);
    assert!(!sink.has_blob(&layer).unwrap());
    // A mount never reads the data: this reader would fail the push if it were read.
    struct Unreadable;
    impl Read for Unreadable {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other(
                "the data was read although the blob could be mounted",
            ))
        }
    }
    sink.put_blob(&layer, &mut Unreadable).unwrap();
    assert!(sink.has_blob(&layer).unwrap());

    // Content that does not match its descriptor is refused and not stored.
    let claimed = descriptor(OCI_CONFIG, b"the real config");
    let err = sink
        .put_blob(&claimed, &mut &b"a fake config!!"[..])
        .unwrap_err();
    assert!(matches!(err, ImageError::DigestMismatch { .. }), "{err}");
    assert!(!sink.has_blob(&claimed).unwrap());
}

#[test]
fn a_large_blob_goes_up_in_chunks() {
    let registry = DockerRegistry::start();
    let reference: Reference = format!("{}/big", registry.host()).parse().unwrap();
    // Just over the 64 MiB threshold, so the chunked path runs; generated, never held whole.
    let size: u64 = 65 * 1024 * 1024 + 123;
    let pattern = |offset: u64| (offset.wrapping_mul(2_654_435_761) >> 13) as u8;
    struct Generated<F: Fn(u64) -> u8> {
        offset: u64,
        size: u64,
        pattern: F,
    }
    impl<F: Fn(u64) -> u8> Read for Generated<F> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = (buf.len() as u64).min(self.size - self.offset) as usize;
            for (i, b) in buf[..n].iter_mut().enumerate() {
                *b = (self.pattern)(self.offset + i as u64);
            }
            self.offset += n as u64;
            Ok(n)
        }
    }
    let mut hasher = seatbelt_types::Hasher::new(seatbelt_types::Algorithm::Sha256);
    let mut gen = Generated {
        offset: 0,
        size,
        pattern,
    };
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = gen.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let digest = hasher.finish();
    let client = Client::new(no_config()).unwrap();
    client
        .push_blob(
            &reference,
            &digest,
            size,
            &mut Generated {
                offset: 0,
                size,
                pattern,
            },
        )
        .unwrap();
    assert!(client.blob_exists(&reference, &digest).unwrap());
    let blob = client.get_blob(&reference, &digest).unwrap();
    assert_eq!(blob.size, Some(size));
}

/// Serves `image` at `app:v1`, with hooks to make it lie.
fn lying_registry(
    image: Synthetic,
    claim: Option<Digest>,
    swap_layer: Option<Vec<u8>>,
) -> FakeServer {
    let layer_digest = Digest::sha256_of(&image.layer).to_string();
    let config_digest = Digest::sha256_of(&image.config).to_string();
    let manifest_digest = Digest::sha256_of(&image.manifest).to_string();
    FakeServer::start("127.0.0.1", move |r| {
        let path = r.path();
        if path == "/v2/app/manifests/v1" || path == format!("/v2/app/manifests/{manifest_digest}")
        {
            let mut reply = FakeReply::new(200)
                .header("Content-Type", OCI_MANIFEST)
                .body(image.manifest.clone());
            if let Some(c) = &claim {
                reply = reply.header("Docker-Content-Digest", &c.to_string());
            }
            reply
        } else if path == format!("/v2/app/blobs/{config_digest}") {
            FakeReply::new(200).body(image.config.clone())
        } else if path == format!("/v2/app/blobs/{layer_digest}") {
            FakeReply::new(200).body(swap_layer.clone().unwrap_or_else(|| image.layer.clone()))
        } else {
            FakeReply::new(404)
        }
    })
}

#[test]
fn a_lying_registry_is_caught() {
    let options = open_options(no_config(), "linux/amd64");
    let at = |server: &FakeServer, rest: &str| {
        ImageRef::Registry(format!("{}/app{rest}", server.host()).parse().unwrap())
    };

    // Honest: opens and reads.
    let honest = lying_registry(synthetic("true", "amd64"), None, None);
    assert_eq!(
        read_greeting(&open(&at(&honest, ":v1"), &options).unwrap()),
        "true"
    );

    // The layer's bytes are swapped for another layer of the same size.
    let image = synthetic("true", "amd64");
    let evil = synthetic("evil", "amd64").layer;
    assert_eq!(evil.len(), image.layer.len());
    let server = lying_registry(image, None, Some(evil));
    let opened = open(&at(&server, ":v1"), &options).unwrap();
    let seatbelt_image::LayerSource::Blob(layer) = &opened.layers[0] else {
        panic!()
    };
    let mut out = Vec::new();
    let err = opened
        .open_blob(layer)
        .unwrap()
        .read_to_end(&mut out)
        .unwrap_err();
    let err = ImageError::from_stream("layer", err);
    assert!(matches!(err, ImageError::DigestMismatch { .. }), "{err}");

    // The Docker-Content-Digest header does not match the manifest served.
    let server = lying_registry(
        synthetic("true", "amd64"),
        Some(Digest::sha256_of(b"x")),
        None,
    );
    let err = open(&at(&server, ":v1"), &options).unwrap_err();
    assert!(matches!(err, ImageError::DigestMismatch { .. }), "{err}");

    // Asked by digest, the registry serves other bytes under it.
    let image = synthetic("true", "amd64");
    let wanted = Digest::sha256_of(b"the manifest we want");
    let server = FakeServer::start("127.0.0.1", move |_| {
        FakeReply::new(200).body(image.manifest.clone())
    });
    let err = open(&at(&server, &format!("@{wanted}")), &options).unwrap_err();
    assert!(
        matches!(err, ImageError::DigestMismatch { ref expected, .. } if *expected == wanted),
        "{err}"
    );

    // A manifest over the limit is refused.
    let server = FakeServer::start("127.0.0.1", |_| {
        FakeReply::new(200).body(vec![b' '; 2 << 20])
    });
    let mut small = options.clone();
    small.limits.max_manifest_bytes = 1 << 20;
    let err = open(&at(&server, ":v1"), &small).unwrap_err();
    assert!(
        matches!(err, ImageError::Registry(RegistryError::TooLarge { .. })),
        "{err}"
    );
}
