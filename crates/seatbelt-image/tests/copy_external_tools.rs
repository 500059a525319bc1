//! Independent checkers: what seatbelt writes must satisfy skopeo and umoci, and what skopeo
//! writes seatbelt must read. These tools are part of the development environment; set
//! `SEATBELT_SKIP_EXTERNAL_TOOLS=1` to skip on a machine without them.
// Test helpers panic on failure, like the tests that call them.
#![allow(clippy::unwrap_used)]

mod formats_common;

use std::path::Path;
use std::process::Command;

use formats_common::*;
use seatbelt_image::copy::{copy, CopyOptions, CopyReport};
use seatbelt_image::sink::NoProgress;
use seatbelt_image::{open, Destination, Image, ImageRef, LayerSource, OpenOptions};

fn tools_wanted() -> bool {
    std::env::var_os("SEATBELT_SKIP_EXTERNAL_TOOLS").is_none()
}

/// Runs a tool, failing the test with its stderr if it fails.
fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {program} ({e}); install it or set SEATBELT_SKIP_EXTERNAL_TOOLS=1")
        });
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn open_ref(text: &str) -> Image {
    let options = OpenOptions {
        platform: Some("linux/amd64".parse().unwrap()),
        ..OpenOptions::default()
    };
    open(&text.parse::<ImageRef>().unwrap(), &options).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn copy_to(image: &Image, destination: &str) -> CopyReport {
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
    .unwrap()
}

fn read_all_layers(image: &Image) {
    for layer in &image.layers {
        let LayerSource::Blob(d) = layer else {
            panic!()
        };
        let (_, mut r) = image.open_layer(d).unwrap();
        std::io::copy(&mut r, &mut std::io::sink()).unwrap();
    }
}

fn skopeo_inspect(target: &str) -> serde_json::Value {
    serde_json::from_str(&run("skopeo", &["inspect", target])).unwrap()
}

fn layout_with_sample(root: &Path) -> Image {
    let layout = root.join("src");
    write_layout(&layout, &[(&sample_image(), Some("v1"))]);
    open_ref(&format!("oci-dir:{}:v1", layout.display()))
}

#[test]
fn skopeo_and_umoci_read_the_oci_layout_seatbelt_writes() {
    if !tools_wanted() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = layout_with_sample(dir.path());
    let out = dir.path().join("out");
    let report = copy_to(&source, &format!("oci-dir:{}:v1", out.display()));
    let inspected = skopeo_inspect(&format!("oci:{}:v1", out.display()));
    assert_eq!(
        inspected["Digest"],
        report.manifest_digest.unwrap().to_string()
    );
    assert_eq!(inspected["Architecture"], "amd64");
    assert_eq!(inspected["Layers"].as_array().unwrap().len(), 3);
    let stat = run(
        "umoci",
        &["stat", "--image", &format!("{}:v1", out.display())],
    );
    assert!(stat.contains("LAYER"), "{stat}");
}

#[test]
fn skopeo_reads_and_fully_copies_the_docker_archive_seatbelt_writes() {
    if !tools_wanted() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = layout_with_sample(dir.path());
    let archive = dir.path().join("d.tar");
    copy_to(
        &source,
        &format!("docker-archive:{}:app:v1", archive.display()),
    );
    let inspected = skopeo_inspect(&format!("docker-archive:{}", archive.display()));
    assert_eq!(inspected["Layers"].as_array().unwrap().len(), 3);
    // skopeo looks the name up in manifest.json's RepoTags, and fails if it is not there.
    let tagged = skopeo_inspect(&format!("docker-archive:{}:app:v1", archive.display()));
    assert_eq!(tagged["Digest"], inspected["Digest"]);
    // A full copy makes skopeo read and verify every layer against the config's diff_ids.
    let copied = dir.path().join("copied");
    run(
        "skopeo",
        &[
            "--insecure-policy",
            "copy",
            &format!("docker-archive:{}", archive.display()),
            &format!("oci:{}:x", copied.display()),
        ],
    );
    read_all_layers(&open_ref(&format!("oci-dir:{}:x", copied.display())));
}

#[test]
fn seatbelt_reads_what_skopeo_writes() {
    if !tools_wanted() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // skopeo cannot put zstd layers in a docker archive: gzip and plain only here.
    let img = TestImage::new(
        "amd64",
        vec![
            layer(&[("a", b"gzip")], Comp::Gzip),
            layer(&[("b", b"plain")], Comp::Plain),
        ],
    );
    write_layout(&dir.path().join("src"), &[(&img, Some("v1"))]);
    let source = open_ref(&format!("oci-dir:{}:v1", dir.path().join("src").display()));
    let src = format!("oci:{}:v1", dir.path().join("src").display());
    let docker = dir.path().join("skopeo-docker.tar");
    let oci = dir.path().join("skopeo-oci.tar");
    run(
        "skopeo",
        &[
            "--insecure-policy",
            "copy",
            &src,
            &format!("docker-archive:{}:app:v1", docker.display()),
        ],
    );
    run(
        "skopeo",
        &[
            "--insecure-policy",
            "copy",
            &src,
            &format!("oci-archive:{}:v1", oci.display()),
        ],
    );

    let from_docker = open_ref(&format!("docker-archive:{}:app:v1", docker.display()));
    assert_eq!(from_docker.config.bytes, source.config.bytes);
    read_all_layers(&from_docker);
    let from_oci = open_ref(&format!("oci-archive:{}:v1", oci.display()));
    // skopeo re-serialises the manifest, so only the config is byte-identical.
    assert_eq!(from_oci.config.bytes, source.config.bytes);
    read_all_layers(&from_oci);
}

#[test]
fn umoci_unpacks_the_image_built_from_a_dir() {
    if !tools_wanted() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    std::fs::create_dir_all(tree.join("etc")).unwrap();
    std::fs::write(tree.join("etc/os-release"), b"ID=tree\n").unwrap();
    std::os::unix::fs::symlink("etc/os-release", tree.join("os-release")).unwrap();
    let source = open_ref(&format!("dir:{}", tree.display()));
    let layout = dir.path().join("layout");
    copy_to(&source, &format!("oci-dir:{}:v1", layout.display()));
    let bundle = dir.path().join("bundle");
    run(
        "umoci",
        &[
            "unpack",
            "--rootless",
            "--image",
            &format!("{}:v1", layout.display()),
            bundle.to_str().unwrap(),
        ],
    );
    assert_eq!(
        std::fs::read(bundle.join("rootfs/etc/os-release")).unwrap(),
        b"ID=tree\n"
    );
    assert_eq!(
        std::fs::read_link(bundle.join("rootfs/os-release")).unwrap(),
        Path::new("etc/os-release")
    );
}

#[test]
fn a_legacy_docker_archive_copied_to_a_layout_is_visible_to_skopeo_and_umoci() {
    if !tools_wanted() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let img = TestImage::new("amd64", vec![layer(&[("a", b"a")], Comp::Plain)]);
    let archive = dir.path().join("saved.tar");
    std::fs::write(&archive, legacy_docker_archive(&img, &["app:v1"])).unwrap();
    let source = open_ref(&format!("docker-archive:{}", archive.display()));
    let layout = dir.path().join("layout");
    let report = copy_to(&source, &format!("oci-dir:{}:v1", layout.display()));
    let inspected = skopeo_inspect(&format!("oci:{}:v1", layout.display()));
    assert_eq!(
        inspected["Digest"],
        report.manifest_digest.unwrap().to_string()
    );
    run(
        "umoci",
        &["stat", "--image", &format!("{}:v1", layout.display())],
    );
}
