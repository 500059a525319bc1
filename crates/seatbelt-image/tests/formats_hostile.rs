//! Hostile and broken inputs: every one is refused with an error naming the file or digest,
//! never a panic, never a read outside the layout or archive.
// Test helpers panic on failure, like the tests that call them.
#![allow(clippy::unwrap_used)]

mod formats_common;

use formats_common::*;
use seatbelt_image::{open, ImageError, ImageRef, LayerSource, Limits, OpenOptions};
use serde_json::json;

fn open_with(text: &str, limits: Limits) -> Result<seatbelt_image::Image, ImageError> {
    let options = OpenOptions {
        platform: Some("linux/amd64".parse().unwrap()),
        limits,
        ..OpenOptions::default()
    };
    open(&text.parse::<ImageRef>()?, &options)
}

fn open_ref(text: &str) -> Result<seatbelt_image::Image, ImageError> {
    open_with(text, Limits::default())
}

fn layout_with_sample() -> (tempfile::TempDir, TestImage) {
    let dir = tempfile::tempdir().unwrap();
    let img = sample_image();
    write_layout(dir.path(), &[(&img, None)]);
    (dir, img)
}

#[test]
fn an_index_entry_whose_digest_is_a_path_is_a_clear_error() {
    let (dir, img) = layout_with_sample();
    let mut entry = img.entry(None);
    entry["digest"] = json!("sha256:../../../../etc/passwd");
    write_index(dir.path(), vec![entry]);
    let err = open_ref(&format!("oci-dir:{}", dir.path().display())).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ImageError::Malformed { .. }), "{text}");
    assert!(text.contains("index.json"), "{text}");
}

#[test]
fn a_blob_symlink_leading_outside_the_layout_is_refused() {
    let (dir, img) = layout_with_sample();
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), &img.config).unwrap();
    let config_blob = dir
        .path()
        .join("blobs/sha256")
        .join(img.config_digest().hex());
    std::fs::remove_file(&config_blob).unwrap();
    std::os::unix::fs::symlink(outside.path(), &config_blob).unwrap();
    let err = open_ref(&format!("oci-dir:{}", dir.path().display())).unwrap_err();
    assert!(matches!(err, ImageError::UnsafePath { .. }), "{err}");
    // A symlink to another blob inside the layout is fine (some tools deduplicate that way).
    let copy = dir.path().join("blobs/sha256/config-copy");
    std::fs::write(&copy, &img.config).unwrap();
    std::fs::remove_file(&config_blob).unwrap();
    std::os::unix::fs::symlink(&copy, &config_blob).unwrap();
    open_ref(&format!("oci-dir:{}", dir.path().display())).unwrap();
}

#[test]
fn oversize_index_manifest_and_config_hit_their_limits() {
    let (dir, img) = layout_with_sample();
    let root = format!("oci-dir:{}", dir.path().display());
    let small_manifests = Limits {
        max_manifest_bytes: 200,
        ..Limits::default()
    };
    // index.json itself is over 200 bytes.
    let err = open_with(&root, small_manifests).unwrap_err();
    assert!(
        matches!(
            err,
            ImageError::LimitExceeded {
                limit: "MAX_MANIFEST_BYTES",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("index.json"), "{err}");

    let manifest_limit = Limits {
        max_manifest_bytes: img.manifest.len() as u64 - 1,
        ..Limits::default()
    };
    // A padded index.json under the limit, but a manifest over it.
    write_index(dir.path(), vec![img.entry(None)]);
    let err = open_with(&root, manifest_limit).unwrap_err();
    assert!(
        matches!(
            err,
            ImageError::LimitExceeded {
                limit: "MAX_MANIFEST_BYTES",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains(&img.digest().to_string()), "{err}");

    let config_limit = Limits {
        max_config_bytes: 10,
        ..Limits::default()
    };
    let err = open_with(&root, config_limit).unwrap_err();
    assert!(
        matches!(
            err,
            ImageError::LimitExceeded {
                limit: "MAX_CONFIG_BYTES",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_corrupt_blob_names_expected_and_actual_digest() {
    let (dir, img) = layout_with_sample();
    let layer_path = dir
        .path()
        .join("blobs/sha256")
        .join(seatbelt_types::Digest::sha256_of(&img.layers[0].blob).hex());
    let mut corrupt = img.layers[0].blob.clone();
    let last = corrupt.len() - 1;
    corrupt[last] ^= 0xff;
    std::fs::write(&layer_path, &corrupt).unwrap();
    let image = open_ref(&format!("oci-dir:{}", dir.path().display())).unwrap();
    let LayerSource::Blob(d) = &image.layers[0] else {
        panic!()
    };
    match image.open_blob(d).unwrap().finish().unwrap_err() {
        ImageError::DigestMismatch {
            expected, actual, ..
        } => {
            assert_eq!(
                expected,
                seatbelt_types::Digest::sha256_of(&img.layers[0].blob)
            );
            assert_eq!(actual, seatbelt_types::Digest::sha256_of(&corrupt));
        }
        other => panic!("{other}"),
    }
    // A tampered config is caught at open time.
    let config_path = dir
        .path()
        .join("blobs/sha256")
        .join(img.config_digest().hex());
    let mut config = img.config.clone();
    config[1] = b' ';
    std::fs::write(&config_path, &config).unwrap();
    let err = open_ref(&format!("oci-dir:{}", dir.path().display())).unwrap_err();
    assert!(matches!(err, ImageError::DigestMismatch { .. }), "{err}");
}

#[test]
fn a_missing_blob_and_a_wrong_layout_version_say_what_is_wrong() {
    let (dir, img) = layout_with_sample();
    let root = format!("oci-dir:{}", dir.path().display());
    std::fs::remove_file(
        dir.path()
            .join("blobs/sha256")
            .join(img.config_digest().hex()),
    )
    .unwrap();
    let err = open_ref(&root).unwrap_err().to_string();
    assert!(
        err.contains(&img.config_digest().to_string()) && err.contains("missing"),
        "{err}"
    );

    std::fs::write(
        dir.path().join("oci-layout"),
        br#"{"imageLayoutVersion":"2.0.0"}"#,
    )
    .unwrap();
    let err = open_ref(&root).unwrap_err().to_string();
    assert!(err.contains("2.0.0") && err.contains("1.0.0"), "{err}");
    std::fs::remove_file(dir.path().join("oci-layout")).unwrap();
    let err = open_ref(&root).unwrap_err().to_string();
    assert!(err.contains("no `oci-layout`"), "{err}");
    std::fs::write(dir.path().join("oci-layout"), b"{not json").unwrap();
    let err = open_ref(&root).unwrap_err().to_string();
    assert!(
        err.contains("oci-layout") && err.contains("malformed"),
        "{err}"
    );
}

#[test]
fn deeply_nested_indexes_end_in_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    // An index whose only entry is an index, nested deep: platform selection only ever picks
    // image manifests, so this ends at once with "no image for the platform", not a long chase.
    let leaf = sample_image();
    leaf.write_blobs(dir.path());
    let mut child = leaf.entry(None);
    child["platform"] = json!({"os": "linux", "architecture": "amd64"});
    for _ in 0..8 {
        let index = serde_json::to_vec(&json!({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [child],
        }))
        .unwrap();
        write_blob(dir.path(), &index);
        child = descriptor("application/vnd.oci.image.index.v1+json", &index);
        child["platform"] = json!({"os": "linux", "architecture": "amd64"});
    }
    write_index(dir.path(), vec![child]);
    let err = open_ref(&format!("oci-dir:{}", dir.path().display())).unwrap_err();
    assert!(
        matches!(err, ImageError::NoMatchingPlatform { .. }),
        "{err}"
    );
}

fn archive_error(bytes: &[u8], scheme: &str) -> ImageError {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hostile.tar");
    std::fs::write(&file, bytes).unwrap();
    open_ref(&format!("{scheme}:{}", file.display())).unwrap_err()
}

#[test]
fn archive_members_escaping_with_dotdot_or_absolute_names_are_refused() {
    for name in [&b"../evil"[..], b"blobs/../../evil", b"/etc/passwd"] {
        for scheme in ["oci-archive", "docker-archive"] {
            let err = archive_error(&raw_tar(&[(name, b"x")]), scheme);
            assert!(
                matches!(err, ImageError::UnsafePath { .. }),
                "{scheme} {name:?}: {err}"
            );
        }
    }
}

#[test]
fn duplicate_members_are_refused() {
    let tar = raw_tar(&[(b"oci-layout", b"{}"), (b"./oci-layout", b"{}")]);
    let err = archive_error(&tar, "oci-archive").to_string();
    assert!(err.contains("more than once"), "{err}");
}

#[test]
fn truncated_archives_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("layout");
    let img = sample_image();
    write_layout(&layout, &[(&img, None)]);
    let whole = tar_of_dir(&layout, "");
    // The last member (`oci-layout`) is cut inside its data, past all the end-of-archive blocks.
    for cut in [100, 700, whole.len() / 2, whole.len() - 1024 - 500] {
        let err = archive_error(&whole[..cut], "oci-archive");
        assert!(
            matches!(
                err,
                ImageError::Malformed { .. } | ImageError::Stream { .. }
            ),
            "cut at {cut}: {err}"
        );
    }
    // Not a tar at all.
    let err = archive_error(&[7u8; 3000], "oci-archive");
    assert!(matches!(err, ImageError::Malformed { .. }), "{err}");
}

#[test]
fn a_layout_tarred_with_its_directory_gets_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("layout");
    write_layout(&layout, &[(&sample_image(), None)]);
    let err = archive_error(&tar_of_dir(&layout, "layout/"), "oci-archive").to_string();
    assert!(err.contains("inside the directory `layout/`"), "{err}");
}

#[test]
fn a_docker_manifest_naming_a_missing_layer_says_which() {
    let img = sample_image();
    let config_name = format!("{}.json", img.config_digest().hex());
    let manifest = json!([{"Config": config_name, "RepoTags": ["a:b"],
        "Layers": ["one/layer.tar", "two/layer.tar", "gone/layer.tar"]}]);
    let manifest = serde_json::to_vec(&manifest).unwrap();
    let tar = raw_tar(&[
        (config_name.as_bytes(), &img.config),
        (b"one/layer.tar", &img.layers[0].uncompressed),
        (b"two/layer.tar", &img.layers[1].uncompressed),
        (b"manifest.json", &manifest),
    ]);
    let err = archive_error(&tar, "docker-archive").to_string();
    assert!(err.contains("gone/layer.tar"), "{err}");
}

#[test]
fn docker_archive_inconsistencies_are_named() {
    let img = sample_image();
    // The config file name claims a digest the bytes do not have.
    let wrong_name = format!("{}.json", seatbelt_types::Digest::sha256_of(b"other").hex());
    let manifest = serde_json::to_vec(&json!([{"Config": wrong_name, "Layers": []}])).unwrap();
    let tar = raw_tar(&[
        (wrong_name.as_bytes(), &img.config),
        (b"manifest.json", &manifest),
    ]);
    let err = archive_error(&tar, "docker-archive");
    assert!(matches!(err, ImageError::DigestMismatch { .. }), "{err}");

    // Fewer layers than diff_ids.
    let manifest = serde_json::to_vec(&json!([{"Config": "c.json", "Layers": []}])).unwrap();
    let tar = raw_tar(&[(b"c.json", &img.config), (b"manifest.json", &manifest)]);
    let err = archive_error(&tar, "docker-archive").to_string();
    assert!(err.contains("diff_ids"), "{err}");

    // Garbage manifest.json, and none at all.
    let tar = raw_tar(&[(b"manifest.json", b"{\"Config\": 3}")]);
    let err = archive_error(&tar, "docker-archive").to_string();
    assert!(
        err.contains("manifest.json") && err.contains("docker save"),
        "{err}"
    );
    let tar = raw_tar(&[(b"other", b"x")]);
    let err = archive_error(&tar, "docker-archive").to_string();
    assert!(err.contains("no `manifest.json`"), "{err}");
}

#[test]
fn a_symlink_loop_inside_an_archive_is_refused() {
    let mut b = tar::Builder::new(Vec::new());
    for (name, target) in [
        ("a/layer.tar", "../b/layer.tar"),
        ("b/layer.tar", "../a/layer.tar"),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Symlink);
        h.set_size(0);
        b.append_link(&mut h, name, target).unwrap();
    }
    let img = sample_image();
    let manifest = serde_json::to_vec(
        &json!([{"Config": "c.json", "Layers": ["a/layer.tar", "a/layer.tar", "a/layer.tar"]}]),
    )
    .unwrap();
    for (name, data) in [("c.json", &img.config), ("manifest.json", &manifest)] {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        b.append_data(&mut h, name, &data[..]).unwrap();
    }
    let err = archive_error(&b.into_inner().unwrap(), "docker-archive").to_string();
    assert!(err.contains("loop"), "{err}");
}

#[test]
fn special_files_are_never_opened() {
    let (dir, img) = layout_with_sample();
    let config_blob = dir
        .path()
        .join("blobs/sha256")
        .join(img.config_digest().hex());
    std::fs::remove_file(&config_blob).unwrap();
    // A FIFO would block a reader forever; it must be refused before it is opened.
    let status = std::process::Command::new("mkfifo")
        .arg(&config_blob)
        .status()
        .unwrap();
    assert!(status.success());
    let err = open_ref(&format!("oci-dir:{}", dir.path().display()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a regular file"), "{err}");
    let err = open_ref(&format!("oci-archive:{}", config_blob.display()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a regular file"), "{err}");
}

#[test]
fn mutated_archives_fail_cleanly_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("layout");
    let img = sample_image();
    write_layout(&layout, &[(&img, None)]);
    let whole = tar_of_dir(&layout, "");
    let file = dir.path().join("m.tar");
    // A cheap deterministic fuzz: one byte changed per round, all over the archive (headers,
    // JSON, blobs), through the pure index and through the whole open path.
    for round in 0..600usize {
        let mut bytes = whole.clone();
        let at = (round * 7919) % bytes.len();
        bytes[at] = bytes[at].wrapping_add(1 + (round % 251) as u8);
        let _ = seatbelt_image::source::ArchiveIndex::build(
            std::io::Cursor::new(&bytes),
            bytes.len() as u64,
            "fuzz",
        );
        std::fs::write(&file, &bytes).unwrap();
        if let Ok(image) = open_ref(&format!("oci-archive:{}", file.display())) {
            for layer in &image.layers {
                let LayerSource::Blob(d) = layer else {
                    panic!()
                };
                if let Ok((_, mut r)) = image.open_layer(d) {
                    let _ = std::io::copy(&mut r, &mut std::io::sink());
                }
            }
        }
    }
    for text in [
        "[",
        "[{}]",
        "[{\"Config\":\"\",\"Layers\":[1]}]",
        "null",
        "\"x\"",
    ] {
        assert!(
            seatbelt_image::source::parse_docker_manifest(text.as_bytes(), "t").is_err(),
            "{text}"
        );
    }
}
