//! The layer walk on well-formed images: versions across layers, filters, content, formats.
// A panic is how a test reports failure.
#![allow(clippy::unwrap_used)]

mod walk_support;

use std::collections::HashMap;
use std::sync::Arc;

use seatbelt_image::walk::{resolve_in_root, walk, EntryKind, Interest, Version};
use seatbelt_image::{Image, LayerSource, Limits, RawConfig};
use seatbelt_test::layers::{Blob, Layer};
use seatbelt_types::Digest;
use walk_support::*;

fn three_layers() -> Vec<Vec<u8>> {
    let l0 = Layer::new()
        .dir("etc")
        .file("etc/passwd", b"root:x:0:0")
        .file("etc/shadow", b"secret0")
        .dir("var")
        .dir("var/cache")
        .file("var/cache/a", b"a0")
        .file("var/cache/b", b"b0")
        .dir("opt")
        .file("opt/tool", b"tool0")
        .dir("usr")
        .dir("usr/lib")
        .file("usr/lib/os-release", b"ID=debian\n")
        .finish();
    let l1 = Layer::new()
        .file("etc/passwd", b"root:x:0:0\napp:x:1000")
        .whiteout("etc/shadow")
        .dir("var/cache")
        .opaque("var/cache")
        .file("var/cache/c", b"c1")
        .symlink("opt", "/usr")
        .symlink("etc/os-release", "../usr/lib/os-release")
        .finish();
    let l2 = Layer::new()
        .file("etc/shadow", b"secret2")
        .whiteout("var")
        .finish();
    vec![l0, l1, l2]
}

#[test]
fn whiteouts_and_opaque_dirs_across_three_layers() {
    let image = image(&three_layers());
    let (r, report) = walk_all(&image, true).unwrap();
    assert_eq!(report.layers, 3);
    let v = r.versions();
    let version = |path: &str, layer: usize| {
        v.iter()
            .find(|(p, l, _)| p == path && *l == layer)
            .map(|(_, _, v)| *v)
    };
    use Version::*;
    // Newest layer first, in stream order within a layer.
    assert_eq!(v[0], ("etc/shadow".to_string(), 2, Final));
    // The nearest newer layer decides: layer 1 whited it out before layer 2 wrote it again.
    assert_eq!(version("etc/shadow", 0), Some(Deleted), "{v:?}");
    assert_eq!(version("etc/passwd", 1), Some(Final));
    assert_eq!(version("etc/passwd", 0), Some(Shadowed));
    // `var` is whited out in layer 2: everything below from layers 1 and 0 is deleted, and
    // layer 1's opaque marker is never an entry.
    assert_eq!(version("var/cache", 1), Some(Deleted));
    assert_eq!(version("var/cache/c", 1), Some(Deleted));
    assert_eq!(version("var/cache/a", 0), Some(Deleted));
    assert_eq!(version("var", 0), Some(Deleted));
    // Layer 1 rewrote `var/cache` before layer 2 deleted `var`: shadowed, by the nearest rule.
    assert_eq!(version("var/cache", 0), Some(Shadowed));
    // `opt` became a symlink in layer 1: the old directory is shadowed, its file deleted.
    assert_eq!(version("opt", 1), Some(Final));
    assert_eq!(version("opt", 0), Some(Shadowed));
    assert_eq!(version("opt/tool", 0), Some(Deleted));
    assert_eq!(version("etc", 0), Some(Final));
    assert!(v.iter().all(|(p, _, _)| !p.contains(".wh.")), "{v:?}");

    let finals = r.finals();
    let names: Vec<&str> = finals.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "etc",
            "etc/os-release",
            "etc/passwd",
            "etc/shadow",
            "opt",
            "usr",
            "usr/lib",
            "usr/lib/os-release"
        ]
    );
    assert_eq!(
        finals["etc/shadow"].content.as_deref(),
        Some(&b"secret2"[..])
    );
    assert_eq!(finals["opt"].entry.link_target.as_deref(), Some("/usr"));
    assert!(r.seen.iter().all(|s| s.entry.layer_digest.is_some()));
}

#[test]
fn opaque_directory_hides_only_lower_children() {
    let l0 = Layer::new()
        .dir("d")
        .file("d/old", b"0")
        .file("d/kept-name", b"0")
        .finish();
    let l1 = Layer::new()
        .dir("d")
        .file("d/kept-name", b"1")
        .opaque("d")
        .file("d/new", b"1")
        .finish();
    let l2 = Layer::new().file("top", b"2").finish();
    let (r, _) = walk_all(&image(&[l0, l1, l2]), true).unwrap();
    let finals = r.finals();
    assert!(finals.contains_key("d/new"));
    assert_eq!(finals["d/kept-name"].content.as_deref(), Some(&b"1"[..]));
    assert!(!finals.contains_key("d/old"));
    let v = r.versions();
    assert!(v.contains(&("d/old".into(), 0, Version::Deleted)));
    assert!(v.contains(&("d/kept-name".into(), 0, Version::Shadowed)));
    assert!(v.contains(&("d".into(), 0, Version::Shadowed)));
}

#[test]
fn visitors_without_history_see_final_versions_only() {
    let image = image(&three_layers());
    let mut all = Recorder::all(false);
    let mut etc_meta = Recorder::with(
        Arc::new(|p: &str, _| {
            if p.starts_with("etc/") {
                Interest::Metadata
            } else {
                Interest::Skip
            }
        }),
        false,
    );
    let mut history = Recorder::all(true);
    walk(&image, &mut [&mut all, &mut etc_meta, &mut history]).unwrap();
    assert!(all.seen.iter().all(|s| s.entry.version == Version::Final));
    assert_eq!(all.seen.len(), all.finals().len());
    assert!(history.seen.len() > all.seen.len());
    let etc: Vec<&str> = etc_meta
        .seen
        .iter()
        .map(|s| s.entry.path.as_str())
        .collect();
    assert_eq!(etc, ["etc/shadow", "etc/passwd", "etc/os-release"]);
    assert!(etc_meta.seen.iter().all(|s| s.content.is_none()));
}

#[test]
fn resolves_os_release_through_collected_symlinks() {
    let image = image(&three_layers());
    let (r, _) = walk_all(&image, false).unwrap();
    let finals = r.finals();
    let lookup = |p: &str| {
        finals
            .get(p)
            .map(|s| (s.entry.kind, s.entry.link_target.clone()))
    };
    let resolved = resolve_in_root("etc/os-release", lookup).unwrap();
    assert_eq!(resolved, "usr/lib/os-release");
    assert_eq!(
        finals[&resolved].content.as_deref(),
        Some(&b"ID=debian\n"[..])
    );
    assert_eq!(resolve_in_root("/opt/lib", lookup).unwrap(), "usr/lib");
}

#[test]
fn long_names_pax_records_and_other_writers_are_read() {
    let long_dir = "very-long-directory-name/".repeat(8);
    let long = format!("{long_dir}file.txt");
    let pax_path = format!("{long_dir}pax-named");
    let ours = Layer::new()
        .file(&long, b"gnu")
        .pax(&[("path", pax_path.as_bytes()), ("mtime", b"1700000000.5")])
        .file("ignored-short-name", b"pax")
        .symlink("link-to-long", &long)
        .finish();
    // The tar crate writes GNU long names and its own headers; the walk must read them too.
    let mut builder = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(5);
    h.set_mode(0o4755);
    h.set_entry_type(tar::EntryType::Regular);
    builder
        .append_data(&mut h, format!("{long_dir}from-tar-crate"), &b"hello"[..])
        .unwrap();
    let theirs = builder.into_inner().unwrap();
    let (r, report) = walk_all(&image(&[ours, theirs]), false).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let f = r.finals();
    assert_eq!(f[&long].content.as_deref(), Some(&b"gnu"[..]));
    assert_eq!(f[&pax_path].content.as_deref(), Some(&b"pax"[..]));
    assert_eq!(f[&pax_path].entry.mtime, 1_700_000_000);
    assert!(!f.contains_key("ignored-short-name"));
    assert_eq!(
        f["link-to-long"].entry.link_target.as_deref(),
        Some(long.as_str())
    );
    let t = &f[&format!("{long_dir}from-tar-crate")];
    assert_eq!(t.content.as_deref(), Some(&b"hello"[..]));
    assert_eq!(t.entry.mode, 0o4755);
}

#[test]
fn every_compression_is_read_and_reported() {
    let tar = Layer::new().file("a", &[7u8; 10_000]).finish();
    for compression in ["gzip", "zstd", "none"] {
        let blob = Blob::new(&tar, compression);
        let image = image_with(&[blob], Limits::default());
        let (r, report) = walk_all(&image, false).unwrap();
        assert_eq!(report.bytes, tar.len() as u64, "{compression}");
        assert_eq!(report.entries, 1);
        assert_eq!(
            r.finals()["a"].content.as_deref().map(<[u8]>::len),
            Some(10_000)
        );
    }
}

#[test]
fn content_over_the_memory_limit_is_truncated_and_marked() {
    let tar = Layer::new()
        .file("big", &vec![1u8; 300_000])
        .file("small", b"ok")
        .finish();
    let limits = Limits {
        max_file_bytes_in_memory: 100_000,
        ..Limits::default()
    };
    let image = image_with(&[Blob::new(&tar, "gzip")], limits);
    let (r, _) = walk_all(&image, false).unwrap();
    let f = r.finals();
    assert_eq!(f["big"].content.as_ref().map(Vec::len), Some(100_000));
    assert!(!f["big"].complete);
    assert_eq!(f["big"].entry.size, 300_000);
    assert!(f["small"].complete);
}

#[test]
fn hardlinks_get_their_targets_content_from_the_same_layer() {
    let l0 = Layer::new().file("lower", b"from below").finish();
    let l1 = Layer::new()
        .file("usr/bin/perl", b"#!perl")
        .hardlink("usr/bin/perl5.36", "./usr/bin/perl")
        .hardlink("lower-link", "lower")
        .finish();
    let (r, _) = walk_all(&image(&[l0, l1]), false).unwrap();
    let f = r.finals();
    let link = &f["usr/bin/perl5.36"];
    assert_eq!(link.entry.kind, EntryKind::Hardlink);
    assert_eq!(link.entry.link_target.as_deref(), Some("usr/bin/perl"));
    assert_eq!(link.content.as_deref(), Some(&b"#!perl"[..]));
    assert!(link.complete);
    // Across layers the walk holds nothing: documented as `None`.
    assert_eq!(f["lower-link"].content, None);
}

/// A recorder whose content filter wants executables only.
struct ExecutablesOnly(Recorder);

impl seatbelt_image::walk::Visitor for ExecutablesOnly {
    fn filter(&self) -> seatbelt_image::walk::PathFilter {
        Arc::new(|_, _| Interest::Content)
    }
    fn content_filter(&self) -> Option<seatbelt_image::walk::ContentFilter> {
        Some(Arc::new(|_, mode| mode & 0o111 != 0))
    }
    fn visit(
        &mut self,
        entry: &seatbelt_image::walk::Entry,
        content: Option<&[u8]>,
        complete: bool,
    ) -> Result<(), seatbelt_image::ImageError> {
        self.0.visit(entry, content, complete)
    }
}

#[test]
fn a_content_filter_narrows_content_by_mode_for_its_visitor_only() {
    let l = Layer::new()
        .file_mode("usr/bin/tool", b"\x7fELF...", 0o755)
        .file_mode("usr/share/doc/README", b"words", 0o644)
        .finish();
    let img = image(&[l]);
    let mut narrow = ExecutablesOnly(Recorder::all(false));
    let mut everything = Recorder::all(false);
    walk(&img, &mut [&mut narrow, &mut everything]).unwrap();
    let narrow = narrow.0.finals();
    assert_eq!(
        narrow["usr/bin/tool"].content.as_deref(),
        Some(&b"\x7fELF..."[..])
    );
    // Still presented, with its metadata, but without content.
    assert_eq!(narrow["usr/share/doc/README"].content, None);
    assert_eq!(narrow["usr/share/doc/README"].entry.mode & 0o777, 0o644);
    // The other visitor's interest is its own.
    let all = everything.finals();
    assert_eq!(
        all["usr/share/doc/README"].content.as_deref(),
        Some(&b"words"[..])
    );
}

#[test]
fn device_nodes_are_presented_by_kind_and_never_read() {
    let l = Layer::new()
        .char_device("dev/null", 1, 3)
        .block_device("dev/sda", 8, 0)
        .fifo("run/fifo")
        .finish();
    let (r, _) = walk_all(&image(&[l]), false).unwrap();
    assert_eq!(kind_of(&r, "dev/null"), Some(EntryKind::CharDevice));
    assert_eq!(kind_of(&r, "dev/sda"), Some(EntryKind::BlockDevice));
    assert_eq!(kind_of(&r, "run/fifo"), Some(EntryKind::Fifo));
    assert!(r.seen.iter().all(|s| s.content.is_none()));
}

#[test]
fn filters_run_per_kind_and_a_skipped_upper_entry_still_shadows() {
    // The upper `etc/conf` is a symlink the visitor does not want; the lower file must still not
    // be presented as final.
    let l0 = Layer::new().file("etc/conf", b"old").finish();
    let l1 = Layer::new().symlink("etc/conf", "elsewhere").finish();
    let mut files = Recorder::with(
        Arc::new(|_, k| {
            if k == EntryKind::File {
                Interest::Content
            } else {
                Interest::Skip
            }
        }),
        false,
    );
    walk(&image(&[l0, l1]), &mut [&mut files]).unwrap();
    assert!(files.seen.is_empty(), "{:?}", files.versions());
}

#[test]
fn duplicate_paths_in_one_layer_are_presented_in_order() {
    let l = Layer::new()
        .file("dup", b"first")
        .file("dup", b"second")
        .finish();
    let (r, _) = walk_all(&image(&[l]), false).unwrap();
    let contents: Vec<_> = r.seen.iter().map(|s| s.content.clone().unwrap()).collect();
    assert_eq!(contents, [b"first".to_vec(), b"second".to_vec()]);
    assert_eq!(r.finals()["dup"].content.as_deref(), Some(&b"second"[..]));
}

#[test]
fn many_layers_are_delivered_newest_first() {
    let tars: Vec<Vec<u8>> = (0..12)
        .map(|i| {
            Layer::new()
                .file("same", format!("{i}").as_bytes())
                .file(&format!("only-{i}"), &vec![i as u8; 50_000])
                .finish()
        })
        .collect();
    let (r, report) = walk_all(&image(&tars), true).unwrap();
    assert_eq!(report.layers, 12);
    let layers: Vec<usize> = r.seen.iter().map(|s| s.entry.layer_index).collect();
    let mut sorted = layers.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(layers, sorted);
    assert_eq!(r.finals()["same"].content.as_deref(), Some(&b"11"[..]));
    let shadowed = r
        .seen
        .iter()
        .filter(|s| s.entry.path == "same" && s.entry.version == Version::Shadowed)
        .count();
    assert_eq!(shadowed, 11);
}

#[test]
fn a_visitor_error_stops_the_walk() {
    struct Fails;
    impl seatbelt_image::walk::Visitor for Fails {
        fn filter(&self) -> seatbelt_image::walk::PathFilter {
            Arc::new(|_, _| Interest::Metadata)
        }
        fn visit(
            &mut self,
            entry: &seatbelt_image::walk::Entry,
            _: Option<&[u8]>,
            _: bool,
        ) -> Result<(), seatbelt_image::ImageError> {
            Err(seatbelt_image::ImageError::malformed(
                entry.path.clone(),
                "visitor says no",
            ))
        }
    }
    let tars: Vec<Vec<u8>> = (0..6)
        .map(|i| Layer::new().file(&format!("f{i}"), b"x").finish())
        .collect();
    let err = walk(&image(&tars), &mut [&mut Fails]).unwrap_err();
    assert!(err.to_string().contains("visitor says no"), "{err}");
}

#[test]
fn a_root_filesystem_directory_is_walked_like_a_layer() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(root.join("etc/os-release"), "ID=test\n").unwrap();
    std::os::unix::fs::symlink("/etc/os-release", root.join("os-release")).unwrap();
    let config =
        br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#;
    let image = Image::new(
        format!("dir:{}", root.display()),
        None,
        RawConfig::from_verified_bytes(config.to_vec(), Digest::sha256_of(config)).unwrap(),
        vec![LayerSource::Directory(root.to_path_buf())],
        Limits::default(),
        Arc::new(MemBlobs(HashMap::new())),
    )
    .unwrap();
    let (r, _) = walk_all(&image, false).unwrap();
    let f = r.finals();
    assert_eq!(f["etc"].entry.kind, EntryKind::Directory);
    assert_eq!(
        f["etc/os-release"].content.as_deref(),
        Some(&b"ID=test\n"[..])
    );
    assert_eq!(
        f["os-release"].entry.link_target.as_deref(),
        Some("/etc/os-release")
    );
    assert!(f.values().all(|s| s.entry.layer_digest.is_none()));
}

#[test]
fn large_wanted_content_in_many_layers_neither_deadlocks_nor_overflows() {
    // Files larger than the prefetch allowance (16 MiB) in every layer: each waits until its
    // layer is the one being delivered.
    let big = vec![0u8; 20 * 1024 * 1024];
    let tars: Vec<Vec<u8>> = (0..4)
        .map(|i| {
            Layer::new()
                .file(&format!("big-{i}"), &big)
                .file("same", &big[..1000])
                .finish()
        })
        .collect();
    let (r, report) = walk_all(&image(&tars), true).unwrap();
    assert_eq!(report.layers, 4);
    assert_eq!(r.seen.len(), 8);
    assert!(r.seen.iter().all(|s| s.complete));
    // And with a small in-memory limit, everything is truncated but still delivered.
    let blobs: Vec<Blob> = tars.iter().map(|t| Blob::new(t, "gzip")).collect();
    let limits = Limits {
        max_file_bytes_in_memory: 4096,
        ..Limits::default()
    };
    let (r, _) = walk_all(&image_with(&blobs, limits), true).unwrap();
    let big_ones: Vec<_> = r
        .seen
        .iter()
        .filter(|s| s.entry.path.starts_with("big-"))
        .collect();
    assert_eq!(big_ones.len(), 4);
    assert!(big_ones
        .iter()
        .all(|s| !s.complete && s.content.as_ref().map(Vec::len) == Some(4096)));
}

#[test]
fn a_panicking_visitor_does_not_hang_the_walk() {
    struct Panics;
    impl seatbelt_image::walk::Visitor for Panics {
        fn filter(&self) -> seatbelt_image::walk::PathFilter {
            Arc::new(|_, _| Interest::Content)
        }
        fn visit(
            &mut self,
            _: &seatbelt_image::walk::Entry,
            _: Option<&[u8]>,
            _: bool,
        ) -> Result<(), seatbelt_image::ImageError> {
            panic!("visitor bug");
        }
    }
    // Enough layers and content that workers are waiting for budget and start slots.
    let big = vec![3u8; 5 * 1024 * 1024];
    let tars: Vec<Vec<u8>> = (0..8)
        .map(|i| {
            let mut l = Layer::new();
            for f in 0..5 {
                l = l.file(&format!("f-{i}-{f}"), &big);
            }
            l.finish()
        })
        .collect();
    let image = image(&tars);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = walk(&image, &mut [&mut Panics]);
    }));
    assert!(outcome.is_err());
}
