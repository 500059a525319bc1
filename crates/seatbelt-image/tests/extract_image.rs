//! Extraction of well-formed images: the result matches the walk's final entries.
// A panic is how a test reports failure.
#![allow(clippy::unwrap_used)]

mod walk_support;

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use seatbelt_image::extract::{extract, ExtractOptions};
use seatbelt_image::walk::EntryKind;
use seatbelt_image::ImageError;
use seatbelt_test::layers::Layer;
use walk_support::*;

/// What is on disk under `root`: path → (kind, content or link target).
fn tree(root: &Path) -> BTreeMap<String, (EntryKind, Vec<u8>)> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(root).min_depth(1).follow_links(false) {
        let e = e.unwrap();
        let rel = e
            .path()
            .strip_prefix(root)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let ft = e.file_type();
        let v = if ft.is_symlink() {
            let t = std::fs::read_link(e.path()).unwrap();
            (EntryKind::Symlink, t.to_str().unwrap().as_bytes().to_vec())
        } else if ft.is_dir() {
            (EntryKind::Directory, Vec::new())
        } else {
            (EntryKind::File, std::fs::read(e.path()).unwrap())
        };
        out.insert(rel, v);
    }
    out
}

fn layers() -> Vec<Vec<u8>> {
    let l0 = Layer::new()
        .dir("etc")
        .file("etc/passwd", b"root:x:0:0")
        .file("etc/shadow", b"secret0")
        .dir("var")
        .dir("var/cache")
        .file("var/cache/a", b"a0")
        .dir("keep")
        .file("keep/old", b"old")
        .dir("opt")
        .file("opt/tool", b"tool0")
        .dir("usr")
        .dir("usr/lib")
        .file("usr/lib/os-release", b"ID=debian\n")
        .finish();
    let l1 = Layer::new()
        .file("etc/passwd", b"root:x:0:0\napp:x:1000")
        .whiteout("etc/shadow")
        .dir("keep")
        .opaque("keep")
        .file("keep/new", b"new")
        .symlink("opt", "/usr")
        .symlink("etc/os-release", "../usr/lib/os-release")
        .hardlink("usr/lib/os-release-copy", "usr/lib/os-release")
        .finish();
    let l2 = Layer::new()
        .file("etc/shadow", b"secret2")
        .whiteout("var")
        .finish();
    vec![l0, l1, l2]
}

#[test]
fn extraction_matches_the_walks_final_entries() {
    let image = image(&layers());
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("rootfs");
    let report = extract(&image, &target, &ExtractOptions::default()).unwrap();
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert_eq!(report.hardlinks, 1);
    let on_disk = tree(&target);

    let (r, _) = walk_all(&image, false).unwrap();
    let from_walk: BTreeMap<String, (EntryKind, Vec<u8>)> = r
        .finals()
        .into_iter()
        .map(|(p, s)| {
            let v = match s.entry.kind {
                EntryKind::Symlink => (
                    EntryKind::Symlink,
                    s.entry.link_target.unwrap().into_bytes(),
                ),
                EntryKind::Directory => (EntryKind::Directory, Vec::new()),
                // A hardlink is a file on disk, with its target's content.
                _ => (EntryKind::File, s.content.unwrap_or_default()),
            };
            (p, v)
        })
        .collect();
    // The hardlink's content comes from a lower layer, which the walk does not hold.
    let mut on_disk_cmp = on_disk.clone();
    on_disk_cmp.insert(
        "usr/lib/os-release-copy".into(),
        (EntryKind::File, Vec::new()),
    );
    assert_eq!(on_disk_cmp, from_walk);
    assert_eq!(on_disk["usr/lib/os-release-copy"].1, b"ID=debian\n");
    assert_eq!(on_disk["etc/shadow"].1, b"secret2");
    assert!(!on_disk.contains_key("keep/old"));
    assert!(!on_disk.contains_key("var"));
}

#[test]
fn modes_setuid_and_read_only_directories() {
    let l = Layer::new()
        .dir_mode("ro", 0o555)
        .file_mode("ro/inside", b"x", 0o444)
        .file_mode("suid", b"#!", 0o4755)
        .file_mode("sgid", b"#!", 0o2711)
        .finish();
    let image = image(&[l]);
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain");
    extract(&image, &plain, &ExtractOptions::default()).unwrap();
    let mode = |p: &Path| std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode(&plain.join("ro")), 0o555);
    assert_eq!(mode(&plain.join("ro/inside")), 0o444);
    assert_eq!(mode(&plain.join("suid")), 0o755);
    assert_eq!(mode(&plain.join("sgid")), 0o711);
    let kept = dir.path().join("kept");
    let options = ExtractOptions {
        preserve_setuid: true,
        ..ExtractOptions::default()
    };
    extract(&image, &kept, &options).unwrap();
    assert_eq!(mode(&kept.join("suid")), 0o4755);
    assert_eq!(mode(&kept.join("sgid")), 0o2711);
    // Applying owners (which clears setuid/setgid on Linux) must not undo the kept bits.
    let owned = dir.path().join("owned");
    let options = ExtractOptions {
        preserve_setuid: true,
        preserve_ownership: true,
    };
    extract(&image, &owned, &options).unwrap();
    assert_eq!(mode(&owned.join("suid")), 0o4755);
    assert_eq!(mode(&owned.join("sgid")), 0o2711);
    std::fs::set_permissions(owned.join("ro"), std::fs::Permissions::from_mode(0o755)).unwrap();
    // Let the temp dir be removed.
    std::fs::set_permissions(plain.join("ro"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(kept.join("ro"), std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn ownership_is_applied_only_when_asked_and_possible() {
    let image = image(&[Layer::new().file("f", b"x").finish()]);
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("t");
    let options = ExtractOptions {
        preserve_ownership: true,
        ..ExtractOptions::default()
    };
    let report = extract(&image, &t, &options).unwrap();
    let uid = std::fs::metadata(t.join("f")).unwrap().uid();
    let me = std::fs::metadata(dir.path()).unwrap().uid();
    // The layer says root; as root it is applied, otherwise it is noted and skipped.
    if me == 0 {
        assert_eq!(uid, 0);
    } else {
        assert_eq!(uid, me);
        assert!(
            report.skipped.iter().any(|s| s.contains("owners")),
            "{report:?}"
        );
    }
}

#[test]
fn refuses_a_non_empty_or_non_directory_target() {
    let image = image(&[Layer::new().file("f", b"x").finish()]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("existing"), b"").unwrap();
    let err = extract(&image, dir.path(), &ExtractOptions::default()).unwrap_err();
    assert!(matches!(err, ImageError::Destination { .. }), "{err}");
    assert!(err.to_string().contains("not empty"));
    let err = extract(
        &image,
        &dir.path().join("existing"),
        &ExtractOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, ImageError::Destination { .. }), "{err}");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    extract(&image, &empty, &ExtractOptions::default()).unwrap();
    assert_eq!(std::fs::read(empty.join("f")).unwrap(), b"x");
}

#[test]
fn replacing_a_hardlinked_file_does_not_change_its_twin() {
    let l0 = Layer::new()
        .file("a", b"original")
        .hardlink("b", "a")
        .finish();
    let l1 = Layer::new().file("b", b"replaced").finish();
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("t");
    extract(&image(&[l0, l1]), &t, &ExtractOptions::default()).unwrap();
    assert_eq!(std::fs::read(t.join("a")).unwrap(), b"original");
    assert_eq!(std::fs::read(t.join("b")).unwrap(), b"replaced");
}

#[test]
fn a_directory_replaces_a_file_and_a_file_replaces_a_directory() {
    let l0 = Layer::new()
        .file("x", b"file")
        .dir("y")
        .file("y/inner", b"i")
        .finish();
    let l1 = Layer::new()
        .dir("x")
        .file("x/now-dir", b"d")
        .file("y", b"now file")
        .finish();
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("t");
    extract(&image(&[l0, l1]), &t, &ExtractOptions::default()).unwrap();
    assert_eq!(std::fs::read(t.join("x/now-dir")).unwrap(), b"d");
    assert_eq!(std::fs::read(t.join("y")).unwrap(), b"now file");
}

#[test]
fn a_root_filesystem_directory_is_extracted_too() {
    use std::sync::Arc;

    use seatbelt_image::{Image, LayerSource, Limits, RawConfig};
    use seatbelt_types::Digest;

    let src = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(src.path().join("etc")).unwrap();
    std::fs::write(src.path().join("etc/hostname"), "box\n").unwrap();
    std::os::unix::fs::symlink("etc/hostname", src.path().join("hn")).unwrap();
    let config = br#"{"architecture":"amd64","os":"linux"}"#;
    let image = Image::new(
        "dir:test".into(),
        None,
        RawConfig::from_verified_bytes(config.to_vec(), Digest::sha256_of(config)).unwrap(),
        vec![LayerSource::Directory(src.path().to_path_buf())],
        Limits::default(),
        Arc::new(MemBlobs(std::collections::HashMap::new())),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let t = out.path().join("t");
    let report = extract(&image, &t, &ExtractOptions::default()).unwrap();
    assert_eq!(
        (report.files, report.symlinks, report.directories),
        (1, 1, 1)
    );
    assert_eq!(std::fs::read(t.join("etc/hostname")).unwrap(), b"box\n");
    assert_eq!(
        std::fs::read_link(t.join("hn")).unwrap(),
        Path::new("etc/hostname")
    );
}
