//! Reading every local format: OCI layout directories and archives, docker archives (legacy and
//! compressed), and `dir:` root filesystems.
// Test helpers panic on failure, like the tests that call them.
#![allow(clippy::unwrap_used)]

mod formats_common;

use std::io::Read;

use formats_common::*;
use seatbelt_image::{open, ImageError, ImageRef, LayerSource, OpenOptions};
use serde_json::json;

fn open_ref(text: &str) -> Result<seatbelt_image::Image, ImageError> {
    let options = OpenOptions {
        platform: Some("linux/amd64".parse().unwrap()),
        ..OpenOptions::default()
    };
    open(&text.parse::<ImageRef>()?, &options)
}

/// Reads each layer decompressed and checks it is the tar the test built.
fn assert_layers(image: &seatbelt_image::Image, expected: &TestImage) {
    assert_eq!(image.layers.len(), expected.layers.len());
    for (source, want) in image.layers.iter().zip(&expected.layers) {
        let LayerSource::Blob(d) = source else {
            panic!("blob layer expected")
        };
        let (_, mut r) = image.open_layer(d).unwrap();
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, want.uncompressed);
    }
}

#[test]
fn oci_dir_with_one_image_opens_and_verifies_every_layer_compression() {
    let dir = tempfile::tempdir().unwrap();
    let img = sample_image();
    write_layout(dir.path(), &[(&img, None)]);
    let image = open_ref(&format!("oci-dir:{}", dir.path().display())).unwrap();
    assert_eq!(image.digest(), Some(&img.digest()));
    assert_eq!(image.manifest.as_ref().unwrap().bytes, img.manifest);
    assert_eq!(image.config.digest, img.config_digest());
    assert_eq!(image.config.cmd(), vec!["/bin/sh"]);
    assert_layers(&image, &img);
}

#[test]
fn oci_dir_chooses_by_tag_full_name_or_digest_and_lists_choices_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let a = TestImage::new("amd64", vec![layer(&[("a", b"a")], Comp::Gzip)]);
    let b = TestImage::new("amd64", vec![layer(&[("b", b"b")], Comp::Gzip)]);
    let c = TestImage::new("amd64", vec![layer(&[("c", b"c")], Comp::Gzip)]);
    write_layout(
        dir.path(),
        &[
            (&a, Some("v1")),
            (&b, Some("v2")),
            (&c, Some("docker.io/library/app:v3")),
        ],
    );
    let root = dir.path().display();
    let err = open_ref(&format!("oci-dir:{root}")).unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, ImageError::ManifestSelection { .. }),
        "{text}"
    );
    assert!(
        text.contains("v1") && text.contains("v2") && text.contains("app:v3"),
        "{text}"
    );

    assert_eq!(
        open_ref(&format!("oci-dir:{root}:v2")).unwrap().digest(),
        Some(&b.digest())
    );
    assert_eq!(
        open_ref(&format!("oci-dir:{root}:v3")).unwrap().digest(),
        Some(&c.digest())
    );
    assert_eq!(
        open_ref(&format!("oci-dir:{root}@{}", a.digest()))
            .unwrap()
            .digest(),
        Some(&a.digest())
    );
    let missing = open_ref(&format!("oci-dir:{root}:v9"))
        .unwrap_err()
        .to_string();
    assert!(
        missing.contains("no image tagged `v9`") && missing.contains("v1"),
        "{missing}"
    );
}

#[test]
fn oci_dir_index_entry_is_an_index_and_the_platform_decides() {
    let dir = tempfile::tempdir().unwrap();
    let amd = TestImage::new("amd64", vec![layer(&[("arch", b"amd64")], Comp::Gzip)]);
    let arm = TestImage::new("arm64", vec![layer(&[("arch", b"arm64")], Comp::Gzip)]);
    amd.write_blobs(dir.path());
    arm.write_blobs(dir.path());
    let mut amd_entry = amd.entry(None);
    amd_entry["platform"] = json!({"os": "linux", "architecture": "amd64"});
    let mut arm_entry = arm.entry(None);
    arm_entry["platform"] = json!({"os": "linux", "architecture": "arm64", "variant": "v8"});
    let index = serde_json::to_vec(&json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [amd_entry, arm_entry],
    }))
    .unwrap();
    write_blob(dir.path(), &index);
    let mut top = descriptor("application/vnd.oci.image.index.v1+json", &index);
    top["annotations"] = json!({"org.opencontainers.image.ref.name": "multi"});
    write_index(dir.path(), vec![top]);

    let reference: ImageRef = format!("oci-dir:{}:multi", dir.path().display())
        .parse()
        .unwrap();
    let on = |platform: &str| {
        open(
            &reference,
            &OpenOptions {
                platform: Some(platform.parse().unwrap()),
                ..OpenOptions::default()
            },
        )
    };
    assert_eq!(on("linux/amd64").unwrap().digest(), Some(&amd.digest()));
    let arm_image = on("linux/arm64").unwrap();
    assert_eq!(arm_image.digest(), Some(&arm.digest()));
    assert_layers(&arm_image, &arm);
    let err = on("linux/s390x").unwrap_err();
    assert!(
        matches!(err, ImageError::NoMatchingPlatform { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("linux/arm64/v8"), "{err}");
}

#[test]
fn oci_archive_is_read_in_place_with_or_without_a_dot_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("layout");
    let img = sample_image();
    write_layout(&layout, &[(&img, Some("latest"))]);
    for (name, prefix) in [("plain.tar", ""), ("dotted.tar", "./")] {
        let archive = dir.path().join(name);
        std::fs::write(&archive, tar_of_dir(&layout, prefix)).unwrap();
        let image = open_ref(&format!("oci-archive:{}", archive.display())).unwrap();
        assert_eq!(image.digest(), Some(&img.digest()));
        assert_layers(&image, &img);
        let tagged = open_ref(&format!("oci-archive:{}:latest", archive.display())).unwrap();
        assert_eq!(tagged.digest(), Some(&img.digest()));
    }
}

#[test]
fn a_gzip_compressed_oci_archive_is_read_too() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("layout");
    let img = sample_image();
    write_layout(&layout, &[(&img, None)]);
    let archive = dir.path().join("l.tar.gz");
    std::fs::write(&archive, gzip(&tar_of_dir(&layout, ""))).unwrap();
    let image = open_ref(&format!("oci-archive:{}", archive.display())).unwrap();
    assert_layers(&image, &img);
}

#[test]
fn legacy_docker_archive_selects_by_any_tag_spelling_and_verifies_layers() {
    let dir = tempfile::tempdir().unwrap();
    // The repeated layer is stored once, the second path a symlink, as `docker save` does.
    let shared = layer(&[("same", b"same")], Comp::Plain);
    let img = TestImage::new(
        "amd64",
        vec![
            layer(&[("etc/os-release", b"ID=x\n")], Comp::Plain),
            shared.clone(),
            shared,
        ],
    );
    let archive = dir.path().join("saved.tar");
    std::fs::write(&archive, legacy_docker_archive(&img, &["app:v1"])).unwrap();
    let path = archive.display();
    for text in [
        format!("docker-archive:{path}"),
        format!("docker-archive:{path}:app:v1"),
        format!("docker-archive:{path}:v1"),
        format!("docker-archive:{path}:docker.io/library/app:v1"),
    ] {
        let image = open_ref(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(image.config.digest, img.config_digest());
        let manifest = image.manifest.as_ref().unwrap();
        assert_eq!(
            manifest.media_type,
            "application/vnd.oci.image.manifest.v1+json"
        );
        assert_eq!(
            manifest.digest,
            seatbelt_types::Digest::sha256_of(&manifest.bytes)
        );
        assert_layers(&image, &img);
    }
    let err = open_ref(&format!("docker-archive:{path}:other:v1")).unwrap_err();
    assert!(err.to_string().contains("app:v1"), "{err}");
}

#[test]
fn docker_archive_compressed_whole_and_with_a_compressed_layer() {
    let dir = tempfile::tempdir().unwrap();
    let img = sample_image();
    // The legacy writer stores `uncompressed`; swap one layer's stored bytes for gzip, as some
    // non-Docker writers do.
    let mut archive = legacy_docker_archive(&img, &[]);
    let whole = dir.path().join("saved.tar.gz");
    std::fs::write(&whole, gzip(&archive)).unwrap();
    let image = open_ref(&format!("docker-archive:{}", whole.display())).unwrap();
    assert_layers(&image, &img);

    let mut gz_layer = img.clone();
    gz_layer.layers[0].uncompressed = gzip(&img.layers[0].uncompressed);
    archive = legacy_docker_archive(&gz_layer, &[]);
    let file = dir.path().join("gzlayer.tar");
    std::fs::write(&file, &archive).unwrap();
    let image = open_ref(&format!("docker-archive:{}", file.display())).unwrap();
    let first = &image.manifest.as_ref().unwrap().parsed.layers()[0];
    assert_eq!(
        first.media_type().to_string(),
        "application/vnd.oci.image.layer.v1.tar+gzip"
    );
    assert_layers(&image, &img);
}

#[test]
fn a_docker_archive_layer_that_is_not_its_diff_id_fails_when_read() {
    let dir = tempfile::tempdir().unwrap();
    let img = sample_image();
    let mut lying = img.clone();
    lying.layers[1].uncompressed = tar_of(&[("etc/motd", b"tampered")]);
    let file = dir.path().join("lying.tar");
    std::fs::write(&file, legacy_docker_archive(&lying, &[])).unwrap();
    let image = open_ref(&format!("docker-archive:{}", file.display())).unwrap();
    let LayerSource::Blob(d) = &image.layers[1] else {
        panic!()
    };
    let err = image.open_blob(d).unwrap().finish().unwrap_err();
    match err {
        ImageError::DigestMismatch {
            expected, actual, ..
        } => {
            assert_eq!(expected, img.layers[1].diff_id);
            assert_eq!(
                actual,
                seatbelt_types::Digest::sha256_of(&lying.layers[1].uncompressed)
            );
        }
        other => panic!("{other}"),
    }
}

#[test]
fn dir_source_is_one_directory_layer_with_a_host_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("etc")).unwrap();
    let image = open_ref(&format!("dir:{}", dir.path().display())).unwrap();
    assert!(image.manifest.is_none());
    assert!(matches!(&image.layers[..], [LayerSource::Directory(p)] if p == dir.path()));
    assert_eq!(image.config.platform().unwrap().os, "linux");
    assert!(image.config.diff_ids().unwrap().is_empty());
    // The same tree always gets the same synthesised config.
    let again = open_ref(&format!("dir:{}", dir.path().display())).unwrap();
    assert_eq!(image.config.digest, again.config.digest);

    let file = dir.path().join("etc/file");
    std::fs::write(&file, b"x").unwrap();
    let err = open_ref(&format!("dir:{}", file.display()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("needs a directory"), "{err}");
}

#[test]
fn a_docker_25_archive_keeps_its_real_manifest_even_from_a_multi_platform_index() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("archive");
    let amd = TestImage::new("amd64", vec![layer(&[("arch", b"amd64")], Comp::Plain)]);
    let arm = TestImage::new("arm64", vec![layer(&[("arch", b"arm64")], Comp::Plain)]);
    // containerd-backed Docker saves the whole index but only the blobs of one platform.
    arm.write_blobs(&root);
    let mut amd_entry = amd.entry(None);
    amd_entry["platform"] = json!({"os": "linux", "architecture": "amd64"});
    let mut arm_entry = arm.entry(None);
    arm_entry["platform"] = json!({"os": "linux", "architecture": "arm64"});
    let index = serde_json::to_vec(&json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [amd_entry, arm_entry],
    }))
    .unwrap();
    write_blob(&root, &index);
    write_index(
        &root,
        vec![descriptor(
            "application/vnd.oci.image.index.v1+json",
            &index,
        )],
    );
    let blob = |d: seatbelt_types::Digest| format!("blobs/sha256/{}", d.hex());
    let manifest = json!([{
        "Config": blob(arm.config_digest()),
        "RepoTags": ["multi:v1"],
        "Layers": [blob(arm.layers[0].diff_id.clone())],
    }]);
    std::fs::write(
        root.join("manifest.json"),
        serde_json::to_vec(&manifest).unwrap(),
    )
    .unwrap();
    let file = dir.path().join("saved.tar");
    std::fs::write(&file, tar_of_dir(&root, "")).unwrap();

    let image = open_ref(&format!("docker-archive:{}:multi:v1", file.display())).unwrap();
    assert_eq!(image.digest(), Some(&arm.digest()));
    assert_layers(&image, &arm);
}
