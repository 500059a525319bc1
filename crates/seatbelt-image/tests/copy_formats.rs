//! `copy` between local formats: OCI round trips keep every byte, docker archives convert and
//! read back, a `dir:` tree becomes a one-layer image, and failed writes leave nothing behind.
// Test helpers panic on failure, like the tests that call them.
#![allow(clippy::unwrap_used)]

mod formats_common;

use std::io::Read;
use std::path::Path;

use formats_common::*;
use std::sync::atomic::AtomicBool;

use seatbelt_image::copy::{copy, put_layers, CopyOptions, CopyReport};
use seatbelt_image::sink::{BlobSink, NoProgress, OciLayoutSink};
use seatbelt_image::{open, Destination, Image, ImageError, ImageRef, LayerSource, OpenOptions};
use seatbelt_types::Digest;

fn open_ref(text: &str) -> Image {
    let options = OpenOptions {
        platform: Some("linux/amd64".parse().unwrap()),
        ..OpenOptions::default()
    };
    open(&text.parse::<ImageRef>().unwrap(), &options).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn copy_to(image: &Image, destination: &str) -> Result<CopyReport, ImageError> {
    let options = CopyOptions {
        progress: &NoProgress,
        preserve_setuid: false,
        registry: Default::default(),
    };
    copy(
        image,
        &destination.parse::<Destination>().unwrap(),
        &options,
    )
}

fn layer_bytes(image: &Image, index: usize) -> Vec<u8> {
    let LayerSource::Blob(d) = &image.layers[index] else {
        panic!("blob layer expected")
    };
    let (_, mut r) = image.open_layer(d).unwrap();
    let mut out = Vec::new();
    r.read_to_end(&mut out).unwrap();
    out
}

fn index_json(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("index.json")).unwrap()).unwrap()
}

#[test]
fn oci_dir_to_oci_archive_to_oci_dir_keeps_every_byte() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, archive) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("x.tar"),
    );
    let img = sample_image();
    write_layout(&a, &[(&img, Some("v1"))]);
    let source = open_ref(&format!("oci-dir:{}:v1", a.display()));

    let report = copy_to(&source, &format!("oci-archive:{}:v1", archive.display())).unwrap();
    assert_eq!(report.manifest_digest, Some(img.digest()));
    assert_eq!((report.blobs_copied, report.blobs_skipped), (4, 0));
    assert!(report.conversion.is_none());

    let from_archive = open_ref(&format!("oci-archive:{}:v1", archive.display()));
    assert_eq!(from_archive.digest(), Some(&img.digest()));
    let report = copy_to(&from_archive, &format!("oci-dir:{}:v1", b.display())).unwrap();
    assert_eq!(report.manifest_digest, Some(img.digest()));

    let blobs = |root: &Path| {
        files_of(root)
            .into_iter()
            .filter(|(name, _)| name.starts_with("blobs/"))
            .collect::<Vec<_>>()
    };
    assert_eq!(blobs(&a), blobs(&b));
    let entry = &index_json(&b)["manifests"][0];
    assert_eq!(entry["digest"], img.digest().to_string());
    assert_eq!(
        entry["annotations"]["org.opencontainers.image.ref.name"],
        "v1"
    );
    let back = open_ref(&format!("oci-dir:{}:v1", b.display()));
    assert_eq!(back.manifest.unwrap().bytes, img.manifest);
    for written in [
        "index.json",
        "oci-layout",
        &format!("blobs/sha256/{}", img.digest().hex()),
    ] {
        let meta = std::fs::metadata(b.join(written)).unwrap();
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o777,
            0o644,
            "{written}"
        );
    }
}

#[test]
fn oci_archives_are_deterministic_and_replace_the_destination() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("l");
    write_layout(&layout, &[(&sample_image(), None)]);
    let source = open_ref(&format!("oci-dir:{}", layout.display()));
    let (one, two) = (dir.path().join("1.tar"), dir.path().join("2.tar"));
    std::fs::write(&two, b"old content").unwrap();
    copy_to(&source, &format!("oci-archive:{}", one.display())).unwrap();
    copy_to(&source, &format!("oci-archive:{}", two.display())).unwrap();
    assert_eq!(std::fs::read(&one).unwrap(), std::fs::read(&two).unwrap());
    let mode = |p: &Path| {
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(p).unwrap().permissions())
            & 0o777
    };
    assert_eq!(
        mode(&one),
        0o644,
        "outputs are readable like any created file"
    );
    // Only the two archives and the layout remain: no staging directories or temp files.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["1.tar", "2.tar", "l"]);
}

#[test]
fn copying_into_a_layout_skips_present_blobs_and_moves_tags() {
    let dir = tempfile::tempdir().unwrap();
    let (src, dst) = (dir.path().join("src"), dir.path().join("dst"));
    let one = sample_image();
    let two = TestImage::new("amd64", vec![layer(&[("two", b"2")], Comp::Gzip)]);
    write_layout(&src, &[(&one, Some("one")), (&two, Some("two"))]);
    let first = open_ref(&format!("oci-dir:{}:one", src.display()));
    let second = open_ref(&format!("oci-dir:{}:two", src.display()));
    let dst_ref = |tag: &str| format!("oci-dir:{}:{tag}", dst.display());

    copy_to(&first, &dst_ref("v1")).unwrap();
    let again = copy_to(&first, &dst_ref("v1")).unwrap();
    assert_eq!((again.blobs_copied, again.blobs_skipped), (0, 4));
    assert_eq!(index_json(&dst)["manifests"].as_array().unwrap().len(), 1);

    copy_to(&second, &dst_ref("v1")).unwrap();
    copy_to(&first, &dst_ref("old")).unwrap();
    let manifests = index_json(&dst)["manifests"].as_array().unwrap().clone();
    assert_eq!(manifests.len(), 2);
    assert_eq!(open_ref(&dst_ref("v1")).digest(), Some(&two.digest()));
    assert_eq!(open_ref(&dst_ref("old")).digest(), Some(&one.digest()));

    // A directory that is not a layout is never written into.
    let stranger = dir.path().join("stranger");
    std::fs::create_dir(&stranger).unwrap();
    std::fs::write(stranger.join("notes.txt"), b"mine").unwrap();
    let err = copy_to(&first, &format!("oci-dir:{}", stranger.display())).unwrap_err();
    assert!(
        err.to_string()
            .contains("neither empty nor an OCI image layout"),
        "{err}"
    );
}

#[test]
fn layers_put_early_are_skipped_by_the_copy_and_a_stop_keeps_no_partial_blob() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let image = sample_image();
    write_layout(&src, &[(&image, Some("one"))]);
    let opened = open_ref(&format!("oci-dir:{}:one", src.display()));
    let options = CopyOptions {
        progress: &NoProgress,
        preserve_setuid: false,
        registry: Default::default(),
    };
    let layers = opened.layers.len();
    let go = AtomicBool::new(false);

    // Stopped before it starts: nothing but the empty layout.
    let stopped = dir.path().join("stopped");
    let dest: Destination = format!("oci-dir:{}", stopped.display()).parse().unwrap();
    assert!(put_layers(&opened, &dest, &options, &AtomicBool::new(true)).is_err());
    let blobs: Vec<_> = files_of(&stopped)
        .into_keys()
        .filter(|n| n.starts_with("blobs/sha256/"))
        .collect();
    assert!(blobs.is_empty(), "{blobs:?}");

    let early = dir.path().join("early");
    let dest: Destination = format!("oci-dir:{}:t", early.display()).parse().unwrap();
    assert_eq!(put_layers(&opened, &dest, &options, &go).unwrap(), layers);
    assert_eq!(
        put_layers(&opened, &dest, &options, &go).unwrap(),
        0,
        "already there"
    );
    // Blobs only: no image is listed until the copy writes its manifest.
    let listed = std::fs::read(early.join("index.json"))
        .map(|b| serde_json::from_slice::<serde_json::Value>(&b).unwrap()["manifests"].clone());
    assert!(
        listed
            .as_ref()
            .map_or(true, |m| m.as_array().unwrap().is_empty()),
        "{listed:?}"
    );
    let report = copy_to(&opened, &format!("oci-dir:{}:t", early.display())).unwrap();
    assert_eq!(report.blobs_skipped, layers);
    assert_eq!(report.blobs_copied, 1, "the config");
    assert_eq!(
        open_ref(&format!("oci-dir:{}:t", early.display())).digest(),
        Some(&image.digest())
    );

    // Destinations that keep no loose blobs are left alone.
    let archive = dir.path().join("a.tar");
    let dest: Destination = format!("oci-archive:{}", archive.display())
        .parse()
        .unwrap();
    assert_eq!(put_layers(&opened, &dest, &options, &go).unwrap(), 0);
    assert!(!archive.exists());
}

#[test]
fn a_blob_that_does_not_match_its_descriptor_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mut sink = OciLayoutSink::open(dir.path()).unwrap();
    let descriptor = oci_spec::image::Descriptor::new(
        "application/octet-stream".into(),
        5,
        oci_spec::image::Digest::try_from(Digest::sha256_of(b"hello").to_string()).unwrap(),
    );
    let err = sink.put_blob(&descriptor, &mut &b"jello"[..]).unwrap_err();
    assert!(matches!(err, ImageError::DigestMismatch { .. }), "{err}");
    let err = sink
        .put_blob(&descriptor, &mut &b"hello world"[..])
        .unwrap_err();
    assert!(matches!(err, ImageError::SizeMismatch { .. }), "{err}");
    let leftovers: Vec<_> = files_of(dir.path())
        .into_keys()
        .filter(|n| n.starts_with("blobs"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    sink.put_blob(&descriptor, &mut &b"hello"[..]).unwrap();
    assert!(sink.has_blob(&descriptor).unwrap());
}

#[test]
fn docker_archive_round_trip_stores_uncompressed_layers_and_reports_the_new_digest() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("l");
    let img = sample_image();
    write_layout(&layout, &[(&img, None)]);
    let source = open_ref(&format!("oci-dir:{}", layout.display()));
    let archive = dir.path().join("d.tar");
    let report = copy_to(
        &source,
        &format!("docker-archive:{}:app:v1", archive.display()),
    )
    .unwrap();
    let new_digest = report.manifest_digest.clone().unwrap();
    assert_ne!(new_digest, img.digest());
    let note = report.conversion.unwrap();
    assert!(
        note.contains(&img.digest().to_string()) && note.contains(&new_digest.to_string()),
        "{note}"
    );

    let members = tar_members(std::fs::File::open(&archive).unwrap());
    let manifest: serde_json::Value = serde_json::from_slice(&members["manifest.json"]).unwrap();
    assert_eq!(manifest[0]["RepoTags"], serde_json::json!(["app:v1"]));
    for (i, l) in img.layers.iter().enumerate() {
        let name = format!("blobs/sha256/{}", l.diff_id.hex());
        assert_eq!(manifest[0]["Layers"][i], name.as_str());
        assert_eq!(members[&name], l.uncompressed);
    }
    assert_eq!(
        members[&format!("blobs/sha256/{}", img.config_digest().hex())],
        img.config
    );
    assert!(members.contains_key("repositories") && members.contains_key("oci-layout"));

    for text in [
        format!("docker-archive:{}:app:v1", archive.display()),
        format!("docker-archive:{}", archive.display()),
        format!("oci-archive:{}", archive.display()),
    ] {
        let back = open_ref(&text);
        assert_eq!(back.digest(), Some(&new_digest), "{text}");
        assert_eq!(back.config.bytes, img.config);
        for (i, l) in img.layers.iter().enumerate() {
            assert_eq!(layer_bytes(&back, i), l.uncompressed);
        }
    }

    // The same image written again gives the same bytes.
    let again = dir.path().join("again.tar");
    copy_to(
        &source,
        &format!("docker-archive:{}:app:v1", again.display()),
    )
    .unwrap();
    assert_eq!(
        std::fs::read(&archive).unwrap(),
        std::fs::read(&again).unwrap()
    );
}

#[test]
fn docker_archive_refuses_a_layer_that_is_not_its_diff_id() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("l");
    let good = layer(&[("a", b"a")], Comp::Gzip);
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [Digest::sha256_of(b"not the layer").to_string()]},
    }))
    .unwrap();
    let img = TestImage::with_config(config, vec![good.clone()]);
    write_layout(&layout, &[(&img, None)]);
    let source = open_ref(&format!("oci-dir:{}", layout.display()));
    let archive = dir.path().join("d.tar");
    match copy_to(&source, &format!("docker-archive:{}", archive.display())).unwrap_err() {
        ImageError::DigestMismatch {
            expected, actual, ..
        } => {
            assert_eq!(expected, Digest::sha256_of(b"not the layer"));
            assert_eq!(actual, good.diff_id);
        }
        other => panic!("{other}"),
    }
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["l"], "nothing but the source may remain");
}

fn sample_tree(root: &Path) {
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::create_dir_all(root.join("usr/bin")).unwrap();
    std::fs::write(root.join("etc/os-release"), b"ID=tree\n").unwrap();
    std::fs::write(root.join("usr/bin/tool"), b"\x7fELF tool").unwrap();
    std::fs::set_permissions(
        root.join("usr/bin/tool"),
        std::os::unix::fs::PermissionsExt::from_mode(0o4755),
    )
    .unwrap();
    std::fs::hard_link(root.join("usr/bin/tool"), root.join("usr/bin/tool-link")).unwrap();
    std::os::unix::fs::symlink("../etc/os-release", root.join("usr/os-release")).unwrap();
}

#[test]
fn a_dir_becomes_one_deterministic_layer_with_links_kept() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    sample_tree(&tree);
    // A socket cannot be stored; it is skipped and the report says so.
    let _socket = std::os::unix::net::UnixListener::bind(tree.join("etc/sock")).unwrap();
    let source = open_ref(&format!("dir:{}", tree.display()));
    let layout = dir.path().join("out");
    let report = copy_to(&source, &format!("oci-dir:{}:v1", layout.display())).unwrap();
    let note = report.conversion.unwrap();
    assert!(note.contains("etc/sock"), "{note}");

    let image = open_ref(&format!("oci-dir:{}:v1", layout.display()));
    assert_eq!(image.digest(), report.manifest_digest.as_ref());
    let diff_ids = image.config.diff_ids().unwrap();
    let tar = layer_bytes(&image, 0);
    assert_eq!(diff_ids, [Digest::sha256_of(&tar)]);
    let mut archive = tar::Archive::new(&tar[..]);
    let mut seen = Vec::new();
    for entry in archive.entries().unwrap() {
        let entry = entry.unwrap();
        let path = entry.path().unwrap().to_str().unwrap().to_string();
        let header = entry.header();
        let link = entry
            .link_name()
            .unwrap()
            .map(|l| l.to_str().unwrap().to_string());
        seen.push((
            path,
            header.entry_type(),
            header.mode().unwrap() & 0o7777,
            link,
        ));
    }
    let find = |p: &str| {
        seen.iter()
            .find(|s| s.0 == p)
            .unwrap_or_else(|| panic!("{p} in {seen:?}"))
    };
    assert_eq!(find("usr/bin/tool").1, tar::EntryType::Regular);
    assert_eq!(find("usr/bin/tool").2, 0o4755);
    assert_eq!(find("usr/bin/tool-link").1, tar::EntryType::Link);
    assert_eq!(find("usr/bin/tool-link").3.as_deref(), Some("usr/bin/tool"));
    assert_eq!(find("usr/os-release").1, tar::EntryType::Symlink);
    assert_eq!(
        find("usr/os-release").3.as_deref(),
        Some("../etc/os-release")
    );
    assert!(!seen.iter().any(|s| s.0.contains("sock")));
    let paths: Vec<&str> = seen.iter().map(|s| s.0.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "entries are sorted");

    // The same tree converts to the same image.
    let again = dir.path().join("again");
    let second = copy_to(&source, &format!("oci-dir:{}:v1", again.display())).unwrap();
    assert_eq!(second.manifest_digest, report.manifest_digest);

    // And a dir can go straight to a docker archive.
    let archive = dir.path().join("d.tar");
    copy_to(
        &source,
        &format!("docker-archive:{}:tree:v1", archive.display()),
    )
    .unwrap();
    let back = open_ref(&format!("docker-archive:{}", archive.display()));
    assert_eq!(layer_bytes(&back, 0), tar);
}

#[test]
fn copy_to_dir_extracts_the_final_filesystem() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("l");
    write_layout(&layout, &[(&sample_image(), None)]);
    let source = open_ref(&format!("oci-dir:{}", layout.display()));
    let target = dir.path().join("rootfs");
    let report = copy_to(&source, &format!("dir:{}", target.display())).unwrap();
    assert!(report.conversion.is_some());
    assert_eq!(std::fs::read(target.join("etc/motd")).unwrap(), b"hello\n");
}

#[derive(Default)]
struct Recorder {
    started: std::sync::Mutex<u64>,
    advanced: std::sync::atomic::AtomicU64,
    skipped: std::sync::atomic::AtomicU64,
}

impl seatbelt_image::sink::Progress for Recorder {
    fn blob_started(&self, _digest: &Digest, size: u64) {
        *self.started.lock().unwrap() += size;
    }
    fn advanced(&self, bytes: u64) {
        self.advanced
            .fetch_add(bytes, std::sync::atomic::Ordering::Relaxed);
    }
    fn blob_skipped(&self, _digest: &Digest, size: u64) {
        self.skipped
            .fetch_add(size, std::sync::atomic::Ordering::Relaxed);
    }
}

#[test]
fn progress_adds_up_to_the_blob_sizes_announced() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("l");
    let img = sample_image();
    write_layout(&layout, &[(&img, None)]);
    let source = open_ref(&format!("oci-dir:{}", layout.display()));
    for destination in [
        format!("oci-dir:{}", dir.path().join("o").display()),
        format!("docker-archive:{}", dir.path().join("d.tar").display()),
    ] {
        let recorder = Recorder::default();
        let options = CopyOptions {
            progress: &recorder,
            preserve_setuid: false,
            registry: Default::default(),
        };
        copy(
            &source,
            &destination.parse::<Destination>().unwrap(),
            &options,
        )
        .unwrap();
        let started = *recorder.started.lock().unwrap();
        assert!(started > 0);
        assert_eq!(recorder.advanced.into_inner(), started, "{destination}");
    }
    let recorder = Recorder::default();
    let options = CopyOptions {
        progress: &recorder,
        preserve_setuid: false,
        registry: Default::default(),
    };
    let again = format!("oci-dir:{}", dir.path().join("o").display());
    copy(&source, &again.parse::<Destination>().unwrap(), &options).unwrap();
    let total: u64 =
        img.config.len() as u64 + img.layers.iter().map(|l| l.blob.len() as u64).sum::<u64>();
    assert_eq!(recorder.skipped.into_inner(), total);
}

#[test]
fn a_tampered_source_blob_is_refused_by_every_blob_destination_and_nothing_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("l");
    let img = sample_image();
    write_layout(&layout, &[(&img, None)]);
    let blob = &img.layers[0].blob;
    let mut tampered = blob.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 0xff;
    std::fs::write(
        layout
            .join("blobs/sha256")
            .join(Digest::sha256_of(blob).hex()),
        &tampered,
    )
    .unwrap();
    let source = open_ref(&format!("oci-dir:{}", layout.display()));
    for destination in ["oci-dir:out-layout", "oci-archive:out.tar"] {
        let target = dir.path().join(destination.split_once(':').unwrap().1);
        let err = copy_to(
            &source,
            &format!(
                "{}:{}",
                destination.split_once(':').unwrap().0,
                target.display()
            ),
        )
        .unwrap_err();
        match err {
            ImageError::DigestMismatch {
                expected, actual, ..
            } => {
                assert_eq!(expected, Digest::sha256_of(blob), "{destination}");
                assert_eq!(actual, Digest::sha256_of(&tampered), "{destination}");
            }
            other => panic!("{destination}: {other}"),
        }
        let tampered_name = Digest::sha256_of(blob).hex().to_string();
        let left: Vec<_> = walkdir(&target)
            .into_iter()
            .filter(|p| p.ends_with(&tampered_name))
            .collect();
        assert!(left.is_empty(), "{destination}: {left:?}");
    }
}

/// Every file under `root` (none when it does not exist).
fn walkdir(root: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.display().to_string());
            }
        }
    }
    out
}
