//! Hostile layers, generated in code: every case ends in a clear error or a documented skip,
//! never a panic, and nothing is written outside the extraction target.
// A panic is how a test reports failure.
#![allow(clippy::unwrap_used)]

mod walk_support;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use seatbelt_image::extract::{extract, ExtractOptions, ExtractReport};
use seatbelt_image::walk::EntryKind;
use seatbelt_image::{Image, ImageError, Limits};
use seatbelt_test::layers::{config_and_manifest, header_block, Blob, Layer, RawHeader};
use walk_support::*;

/// A target beside a sentinel directory that must never change.
struct Scene {
    _dir: tempfile::TempDir,
    base: PathBuf,
    target: PathBuf,
    sentinel: PathBuf,
}

impl Scene {
    fn new() -> Scene {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        let sentinel = base.join("sentinel");
        std::fs::create_dir(&sentinel).unwrap();
        std::fs::write(sentinel.join("keep"), b"untouched").unwrap();
        Scene {
            target: base.join("target"),
            base,
            sentinel,
            _dir: dir,
        }
    }

    fn extract(&self, image: &Image) -> Result<ExtractReport, ImageError> {
        extract(image, &self.target, &ExtractOptions::default())
    }

    /// Nothing beside the target changed.
    fn assert_contained(&self) {
        let mut names: Vec<_> = std::fs::read_dir(&self.base)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert!(
            names == ["sentinel", "target"] || names == ["sentinel"],
            "{names:?}"
        );
        let inside: Vec<_> = std::fs::read_dir(&self.sentinel)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(inside, ["keep"]);
        assert_eq!(
            std::fs::read(self.sentinel.join("keep")).unwrap(),
            b"untouched"
        );
    }

    fn sentinel_str(&self) -> &str {
        self.sentinel.to_str().unwrap()
    }
}

fn raw_file(name: &[u8], data: &[u8]) -> Layer {
    Layer::new().raw(
        &RawHeader {
            name,
            size: data.len() as u64,
            ..RawHeader::default()
        },
        data,
    )
}

#[test]
fn dot_dot_and_absolute_paths_stay_inside() {
    let s = Scene::new();
    let tar = raw_file(b"../escape", b"bad")
        .bytes(&raw_file(b"a/../../escape2", b"bad").unterminated())
        .bytes(&raw_file(b"/abs/file", b"inside").unterminated())
        .bytes(&raw_file(b"./ok/../fine", b"fine").unterminated())
        .finish();
    let image = image(&[tar]);
    let (r, report) = walk_all(&image, false).unwrap();
    assert_eq!(report.warnings.len(), 2, "{:?}", report.warnings);
    assert!(report.warnings.iter().all(|w| w.contains("climb out")));
    let f = r.finals();
    assert!(
        f.contains_key("abs/file") && f.contains_key("fine"),
        "{f:?}"
    );
    let rep = s.extract(&image).unwrap();
    assert_eq!(rep.skipped.len(), 2, "{:?}", rep.skipped);
    assert_eq!(std::fs::read(s.target.join("abs/file")).unwrap(), b"inside");
    assert!(!s.base.join("escape").exists());
    s.assert_contained();
}

#[test]
fn symlink_then_write_through_it_in_one_layer() {
    let s = Scene::new();
    let tar = Layer::new()
        .symlink("abs", s.sentinel_str())
        .file("abs/x", b"through absolute")
        .symlink("rel", "../sentinel")
        .file("rel/x", b"through relative")
        .symlink("up", "../../")
        .file("up/x", b"through parent")
        .dir("d")
        .symlink("d/deep", "../../sentinel")
        .file("d/deep/keep", b"overwrite")
        .finish();
    let image = image(&[tar]);
    let rep = s.extract(&image).unwrap();
    assert_eq!(rep.skipped.len(), 4, "{:?}", rep.skipped);
    assert!(
        rep.skipped.iter().all(|n| n.contains("is a symlink")),
        "{rep:?}"
    );
    // The links themselves are created as written, and never followed.
    assert_eq!(
        std::fs::read_link(s.target.join("rel")).unwrap(),
        Path::new("../sentinel")
    );
    s.assert_contained();
}

#[test]
fn symlink_planted_in_one_layer_written_through_in_the_next() {
    let s = Scene::new();
    let l0 = Layer::new().symlink("etc", s.sentinel_str()).finish();
    let l1 = Layer::new()
        .file("etc/keep", b"pwned")
        .hardlink("etc/hl", "etc/keep")
        .whiteout("etc/keep")
        .opaque("etc")
        .finish();
    let image = image(&[l0, l1]);
    let rep = s.extract(&image).unwrap();
    assert!(rep.skipped.len() >= 4, "{:?}", rep.skipped);
    s.assert_contained();
}

#[test]
fn hardlink_escapes_are_refused() {
    let s = Scene::new();
    let outside_file = s.sentinel.join("keep");
    let tar = Layer::new()
        .hardlink("passwd", "../../etc/passwd")
        .symlink("sym", outside_file.to_str().unwrap())
        .hardlink("via-symlink", "sym")
        .symlink("dir", s.sentinel_str())
        .hardlink("through-dir", "dir/keep")
        .hardlink("missing", "not/there")
        .finish();
    let image = image(&[tar]);
    let (_, report) = walk_all(&image, false).unwrap();
    assert!(
        report.warnings.iter().any(|w| w.contains("hardlink")),
        "{report:?}"
    );
    let rep = s.extract(&image).unwrap();
    assert_eq!(rep.hardlinks, 0);
    assert_eq!(rep.skipped.len(), 4, "{:?}", rep.skipped);
    for name in ["passwd", "via-symlink", "through-dir", "missing"] {
        assert!(
            std::fs::symlink_metadata(s.target.join(name)).is_err(),
            "{name}"
        );
    }
    // Writing to the extracted tree later cannot reach the sentinel through a shared inode.
    s.assert_contained();
}

fn pax_size_mismatch(pax_size: u64, ustar_size: u64, data_len: usize) -> Vec<u8> {
    Layer::new()
        .pax(&[("size", pax_size.to_string().as_bytes())])
        .bytes(&header_block(&RawHeader {
            name: b"liar",
            size: ustar_size,
            ..RawHeader::default()
        }))
        .bytes(&vec![b'A'; data_len])
        .bytes(&vec![0; (512 - data_len % 512) % 512])
        .file("after", b"after")
        .finish()
}

#[test]
fn pax_and_ustar_sizes_that_disagree() {
    // PAX says 0, ustar (and the data) say 1024: following PAX, the data is read as headers.
    let s = Scene::new();
    let lying = image(&[pax_size_mismatch(0, 1024, 1024)]);
    let err = walk_all(&lying, false).unwrap_err();
    assert!(matches!(err, ImageError::Malformed { .. }), "{err}");
    assert!(err.to_string().contains("checksum"), "{err}");
    let err = s.extract(&lying).unwrap_err();
    assert!(matches!(err, ImageError::Malformed { .. }), "{err}");
    s.assert_contained();

    // PAX says more than the archive holds: truncated.
    let too_big = image(&[pax_size_mismatch(1 << 40, 10, 10)]);
    let err = walk_all(&too_big, false).unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");

    // PAX and data agree, ustar lies: PAX wins and everything after still parses.
    let agreeing = image(&[pax_size_mismatch(700, 5, 700)]);
    let (r, _) = walk_all(&agreeing, false).unwrap();
    let f = r.finals();
    assert_eq!(f["liar"].content.as_ref().map(Vec::len), Some(700));
    assert_eq!(f["after"].content.as_deref(), Some(&b"after"[..]));
}

#[test]
fn truncated_tar_is_an_error() {
    let s = Scene::new();
    let mut tar = Layer::new()
        .file("a", &[1u8; 5000])
        .file("b", &[2u8; 5000])
        .finish();
    tar.truncate(7000);
    // Stored uncompressed with a digest of the truncated bytes: only the tar reader can notice.
    let image = image_with(&[Blob::new(&tar, "none")], Limits::default());
    let err = walk_all(&image, false).unwrap_err();
    assert!(matches!(err, ImageError::Malformed { .. }), "{err}");
    assert!(err.to_string().contains("truncated"), "{err}");
    let err = s.extract(&image).unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");
    s.assert_contained();
    // A truncated gzip stream fails in the decompressor.
    let mut gz = Blob::new(&Layer::new().file("a", &[7u8; 100_000]).finish(), "gzip");
    gz.bytes.truncate(gz.bytes.len() / 2);
    gz.digest = seatbelt_test::layers::sha256(&gz.bytes);
    let image = image_with(&[gz], Limits::default());
    assert!(walk_all(&image, false).is_err());
}

#[test]
fn gzip_bomb_stops_at_the_decompression_limit() {
    // One file of 256 MiB of zeros: about 250 KiB gzipped.
    let size: u64 = 256 * 1024 * 1024;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&header_block(&RawHeader {
        name: b"zeros",
        size,
        ..RawHeader::default()
    }))
    .unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..256 {
        enc.write_all(&chunk).unwrap();
    }
    enc.write_all(&[0u8; 1024]).unwrap();
    let bytes = enc.finish().unwrap();
    assert!(bytes.len() < 1024 * 1024, "{}", bytes.len());
    let blob = Blob {
        digest: seatbelt_test::layers::sha256(&bytes),
        media_type: "application/vnd.oci.image.layer.v1.tar+gzip".into(),
        diff_id: seatbelt_test::layers::sha256(b""),
        bytes,
    };
    let limits = Limits {
        max_decompressed_bytes: 16 * 1024 * 1024,
        ..Limits::default()
    };
    let image = image_with(&[blob], limits);
    // Even a visitor wanting nothing makes the walk read to the end, and so hit the limit.
    let mut nothing = Recorder::with(
        std::sync::Arc::new(|_, _| seatbelt_image::walk::Interest::Skip),
        false,
    );
    let err = seatbelt_image::walk::walk(&image, &mut [&mut nothing]).unwrap_err();
    assert!(
        matches!(
            err,
            ImageError::LimitExceeded {
                limit: "MAX_DECOMPRESSED_BYTES",
                ..
            }
        ),
        "{err}"
    );
    let err = walk_all(&image, false).unwrap_err();
    assert!(matches!(err, ImageError::LimitExceeded { .. }), "{err}");
    let s = Scene::new();
    let err = s.extract(&image).unwrap_err();
    assert!(matches!(err, ImageError::LimitExceeded { .. }), "{err}");
    s.assert_contained();
}

fn many_files(n: usize) -> Vec<u8> {
    let mut layer = Layer::new().dir("d");
    for i in 0..n {
        layer = layer.file(&format!("d/{i:06}"), b"");
    }
    layer.finish()
}

#[test]
fn a_hundred_thousand_tiny_files_are_fast_and_bounded() {
    let tar = many_files(100_000);
    let image = image(std::slice::from_ref(&tar));
    let start = Instant::now();
    let mut some = Recorder::with(
        std::sync::Arc::new(|p: &str, _| {
            if p.ends_with("999") {
                seatbelt_image::walk::Interest::Content
            } else {
                seatbelt_image::walk::Interest::Skip
            }
        }),
        false,
    );
    let report = seatbelt_image::walk::walk(&image, &mut [&mut some]).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(report.entries, 100_001);
    assert_eq!(some.seen.len(), 100);
    // Generous for a debug build on a shared 2-core machine; a release build takes ~50 ms.
    assert!(elapsed.as_secs() < 20, "{elapsed:?}");
    // The per-layer entry limit stops a layer with more entries than allowed.
    let limits = Limits {
        max_entries_per_layer: 50_000,
        ..Limits::default()
    };
    let image = image_with(&[Blob::new(&tar, "gzip")], limits);
    let err = walk_all(&image, false).unwrap_err();
    assert!(
        matches!(
            err,
            ImageError::LimitExceeded {
                limit: "MAX_ENTRIES_PER_LAYER",
                ..
            }
        ),
        "{err}"
    );
    let limits = Limits {
        max_entries_per_layer: 1_000,
        ..Limits::default()
    };
    let image = image_with(&[Blob::new(&many_files(2_000), "gzip")], limits);
    let s = Scene::new();
    let err = s.extract(&image).unwrap_err();
    assert!(matches!(err, ImageError::LimitExceeded { .. }), "{err}");
    s.assert_contained();
}

#[test]
fn non_utf8_names_are_skipped_with_a_warning() {
    let s = Scene::new();
    let tar = Layer::new()
        .file_bytes_name(b"bad-\xff\xfe-name", b"x")
        .raw(
            &RawHeader {
                name: b"link",
                typeflag: b'2',
                link: b"\xff",
                ..RawHeader::default()
            },
            b"",
        )
        .file("good", b"y")
        .finish();
    let image = image(&[tar]);
    let (r, report) = walk_all(&image, false).unwrap();
    assert_eq!(report.warnings.len(), 2, "{:?}", report.warnings);
    assert!(report.warnings[0].contains("not valid UTF-8"));
    assert_eq!(r.finals().keys().collect::<Vec<_>>(), ["good"]);
    let rep = s.extract(&image).unwrap();
    assert_eq!(rep.skipped.len(), 2);
    assert_eq!(rep.files, 1);
    s.assert_contained();
}

#[test]
fn device_nodes_are_skipped_by_extraction() {
    let s = Scene::new();
    let tar = Layer::new()
        .char_device("dev/null", 1, 3)
        .block_device("dev/sda", 8, 0)
        .fifo("dev/fifo")
        .file("dev/regular", b"r")
        .finish();
    let image = image(&[tar]);
    let rep = s.extract(&image).unwrap();
    assert_eq!(rep.skipped.len(), 3, "{:?}", rep.skipped);
    assert!(rep.skipped.iter().all(|n| n.contains("device")));
    assert!(!s.target.join("dev/null").exists());
    assert!(s.target.join("dev/regular").exists());
    s.assert_contained();
}

#[test]
fn digest_mismatch_mid_walk_names_both_digests() {
    let tars = [
        Layer::new().file("base", b"base").finish(),
        Layer::new().file("middle", b"original content").finish(),
        Layer::new().file("top", b"top").finish(),
    ];
    let blobs: Vec<Blob> = tars.iter().map(|t| Blob::new(t, "none")).collect();
    let (config, manifest) = config_and_manifest(&blobs);
    // Same length, one byte of file content changed: the tar still parses; only the digest
    // check at the end of the layer can tell.
    let mut tampered = blobs[1].bytes.clone();
    let at = tampered.windows(8).position(|w| w == b"original").unwrap();
    tampered[at] = b'O';
    let actual = seatbelt_test::layers::sha256(&tampered);
    let replace = HashMap::from([(blobs[1].digest.clone(), tampered)]);
    let image = image_from_parts(&blobs, config, manifest, Limits::default(), replace);
    let (err, seen) = {
        let mut r = Recorder::all(true);
        let err = seatbelt_image::walk::walk(&image, &mut [&mut r]).unwrap_err();
        (err, r.seen)
    };
    match &err {
        ImageError::DigestMismatch {
            expected,
            actual: got,
            ..
        } => {
            assert_eq!(expected.to_string(), blobs[1].digest);
            assert_eq!(got.to_string(), actual);
        }
        other => panic!("expected a digest mismatch, got {other}"),
    }
    let text = err.to_string();
    assert!(
        text.contains(&blobs[1].digest) && text.contains(&actual),
        "{text}"
    );
    // The top layer was delivered; nothing of the base layer was.
    assert!(seen
        .iter()
        .all(|s| s.entry.layer_index == 2 || s.entry.layer_index == 1));
    assert!(seen.iter().any(|s| s.entry.layer_index == 2));
    let s = Scene::new();
    assert!(matches!(
        s.extract(&image),
        Err(ImageError::DigestMismatch { .. })
    ));
    s.assert_contained();
}

#[test]
fn overlong_extension_headers_are_refused_without_allocating() {
    // A PAX header claiming 1 TiB and a GNU long name claiming 1 GiB.
    for (typeflag, size) in [(b'x', 1u64 << 40), (b'L', 1u64 << 30)] {
        let tar = Layer::new()
            .bytes(&header_block(&RawHeader {
                name: b"ext",
                typeflag,
                size,
                ..RawHeader::default()
            }))
            .finish();
        let err = walk_all(&image(&[tar]), false).unwrap_err();
        assert!(matches!(err, ImageError::Malformed { .. }), "{err}");
        assert!(err.to_string().contains("accepted"), "{err}");
    }
}

#[test]
fn garbage_is_not_a_layer() {
    let s = Scene::new();
    let garbage: Vec<u8> = (0..10_000u32).map(|i| (i * 7919 % 251) as u8).collect();
    let image = image(&[garbage]);
    let err = walk_all(&image, false).unwrap_err();
    assert!(matches!(err, ImageError::Malformed { .. }), "{err}");
    assert!(s.extract(&image).is_err());
    s.assert_contained();
}

#[test]
fn whiteout_of_a_symlinked_directory_does_not_delete_outside() {
    let s = Scene::new();
    let l0 = Layer::new().symlink("link", s.sentinel_str()).finish();
    let l1 = Layer::new().whiteout("link/keep").opaque("link").finish();
    let l2 = Layer::new().whiteout("link").finish();
    let image = image(&[l0, l1, l2]);
    let rep = s.extract(&image).unwrap();
    assert_eq!(rep.skipped.len(), 2, "{:?}", rep.skipped);
    // The final whiteout removes the link itself, not what it points to.
    assert!(std::fs::symlink_metadata(s.target.join("link")).is_err());
    s.assert_contained();
    let (r, _) = walk_all(&image, true).unwrap();
    assert!(r.finals().is_empty());
    assert_eq!(r.seen[0].entry.kind, EntryKind::Symlink);
}

#[test]
fn odd_entry_types_and_names_are_skipped_with_a_reason() {
    let s = Scene::new();
    let long_component = "n".repeat(300);
    let tar = Layer::new()
        // A GNU sparse file: presented without content, never extracted.
        .raw(
            &RawHeader {
                name: b"sparse",
                typeflag: b'S',
                size: 5,
                ..RawHeader::default()
            },
            b"12345",
        )
        // A volume label: not a file at all.
        .raw(
            &RawHeader {
                name: b"label",
                typeflag: b'V',
                ..RawHeader::default()
            },
            b"",
        )
        .pax(&[("path", b"nul\0inside")])
        .file("x", b"")
        .pax(&[("linkpath", "l".repeat(5000).as_bytes())])
        .symlink("long-link", "short")
        .file(&long_component, b"too long for Linux")
        .file("fine", b"ok")
        .finish();
    let image = image(&[tar]);
    let (r, report) = walk_all(&image, false).unwrap();
    assert_eq!(report.warnings.len(), 4, "{:?}", report.warnings);
    let f = r.finals();
    assert_eq!(f["sparse"].entry.kind, EntryKind::File);
    assert_eq!(f["sparse"].content, None);
    assert!(f.contains_key(&long_component) && f.contains_key("fine"));
    let rep = s.extract(&image).unwrap();
    assert_eq!(rep.files, 1, "{rep:?}");
    assert_eq!(rep.skipped.len(), 5, "{:?}", rep.skipped);
    s.assert_contained();
}

#[test]
fn random_corruptions_never_panic_or_escape() {
    let s = Scene::new();
    let base = Layer::new()
        .dir("d")
        .file("d/a", b"alpha")
        .symlink("d/l", s.sentinel_str())
        .hardlink("d/h", "d/a")
        .pax(&[("path", b"d/pax-name"), ("size", b"3")])
        .file("short", b"abc")
        .file(&"long/".repeat(30), b"long")
        .whiteout("d/gone")
        .opaque("d")
        .finish();
    // A fixed xorshift sequence: reproducible, no new dependency.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..300 {
        let mut tar = base.clone();
        for _ in 0..1 + next() % 8 {
            let at = (next() % tar.len() as u64) as usize;
            tar[at] = next() as u8;
        }
        if round % 7 == 0 {
            tar.truncate((next() % tar.len() as u64) as usize);
        }
        let image = image_with(&[Blob::new(&tar, "none")], Limits::default());
        let _ = walk_all(&image, true);
        let target = s.base.join("target");
        let _ = extract(&image, &target, &ExtractOptions::default());
        s.assert_contained();
        let _ = std::fs::remove_dir_all(&target);
    }
}
