//! The memoised walk: a layer replayed from its memo must look exactly like the layer read,
//! memos are shared between images by layer digest, and a memo that is damaged, for another
//! visitor or for another limit is never used.
// A panic is how a test reports failure.
#![allow(clippy::unwrap_used)]

mod walk_support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use seatbelt_image::walk::memo::{seal, DirMemoStore, Memo, MemoStore, Summariser};
use seatbelt_image::walk::{walk, walk_memoised, EntryKind, Interest, PathFilter, WalkReport};
use seatbelt_image::{Image, Limits};
use seatbelt_test::layers::{Blob, Layer};
use seatbelt_types::Digest;
use walk_support::*;

/// Memos in memory, counting saves.
#[derive(Default)]
struct MemStore {
    memos: Mutex<HashMap<String, Vec<u8>>>,
    saves: Mutex<usize>,
}

impl MemoStore for MemStore {
    fn load(&self, name: &str) -> Option<Vec<u8>> {
        self.memos.lock().unwrap().get(name).cloned()
    }

    fn save(&self, name: &str, bytes: &[u8]) {
        *self.saves.lock().unwrap() += 1;
        self.memos
            .lock()
            .unwrap()
            .insert(name.to_string(), bytes.to_vec());
    }
}

impl MemStore {
    fn len(&self) -> usize {
        self.memos.lock().unwrap().len()
    }

    /// Applies `damage` to every memo held.
    fn damage(&self, damage: impl Fn(&mut Vec<u8>)) {
        for bytes in self.memos.lock().unwrap().values_mut() {
            damage(bytes);
        }
    }
}

/// A summary that depends on every byte and on completeness, so any mix-up shows.
fn summary_of(path: &str, mode: u32, content: &[u8], complete: bool) -> Vec<u8> {
    format!(
        "{path} {mode:o} {} {} {complete}",
        content.len(),
        Digest::sha256_of(content)
    )
    .into_bytes()
}

fn memo(key: &str, store: Arc<dyn MemoStore>) -> Memo {
    let summarise: Summariser = Arc::new(summary_of);
    Memo {
        key: key.to_string(),
        summarise,
        store,
    }
}

/// Every layer shape the reader knows: files, dirs, whiteouts, opaque markers, symlinks,
/// hardlinks (whose content comes from their target), devices, a skipped entry (a warning),
/// and a path written twice.
fn layers() -> Vec<Vec<u8>> {
    let l0 = Layer::new()
        .dir("etc")
        .file("etc/passwd", b"root:x:0:0")
        .file_mode("usr-bin-su", b"\x7fELF setuid", 0o4755)
        .dir("var")
        .dir("var/cache")
        .file("var/cache/a", b"a0")
        .file("var/cache/b", b"b0")
        .char_device("dev-null", 1, 3)
        .finish();
    let l1 = Layer::new()
        .file("etc/passwd", b"root:x:0:0\napp:x:1000")
        .whiteout("usr-bin-su")
        .opaque("var/cache")
        .file("var/cache/c", b"c1")
        .symlink("etc/os-release", "../usr/lib/os-release")
        .file("bin/tool", b"#!/bin/sh\necho tool\n")
        .hardlink("bin/tool-again", "bin/tool")
        .file("../escape", b"never")
        .file("bin/tool", b"#!/bin/sh\necho tool, second\n")
        .finish();
    let l2 = Layer::new()
        .file("etc/shadow", b"secret2")
        .whiteout("var")
        .fifo("run-pipe")
        .finish();
    vec![l0, l1, l2]
}

/// What a walk delivered, with content as the summariser would put it: comparable between a
/// plain walk and a memoised one.
fn walk_summaries(image: &Image, memo: Option<&Memo>) -> (Vec<String>, WalkReport) {
    let mut r = Recorder::all(true);
    let report = match memo {
        Some(memo) => walk_memoised(image, &mut r, memo).unwrap(),
        None => walk(image, &mut [&mut r]).unwrap(),
    };
    // A hardlink is summarised as its target, the earlier file of its layer it shares content
    // with.
    let mut modes: HashMap<(usize, String), u32> = HashMap::new();
    let seen = r
        .seen
        .iter()
        .map(|s| {
            let e = &s.entry;
            modes.insert((e.layer_index, e.path.clone()), e.mode);
            let (path, mode) = match (&e.kind, &e.link_target) {
                (EntryKind::Hardlink, Some(target)) => {
                    (target.clone(), modes[&(e.layer_index, target.clone())])
                }
                _ => (e.path.clone(), e.mode),
            };
            let content = match (&s.content, memo) {
                (Some(c), Some(_)) => String::from_utf8(c.clone()).unwrap(),
                (Some(c), None) => {
                    String::from_utf8(summary_of(&path, mode, c, s.complete)).unwrap()
                }
                (None, _) => "-".to_string(),
            };
            format!(
                "{} {:?} {:o} {}:{} {} {} {:?} L{} {:?} {:?} | {content}",
                e.path,
                e.kind,
                e.mode,
                e.uid,
                e.gid,
                e.size,
                e.mtime,
                e.link_target,
                e.layer_index,
                e.layer_digest.as_ref().map(|d| d.to_string()),
                e.version
            )
        })
        .collect();
    (seen, report)
}

fn counts(report: &WalkReport) -> (usize, u64, u64, &[String]) {
    (
        report.layers,
        report.entries,
        report.bytes,
        report.warnings.as_slice(),
    )
}

#[test]
fn a_replayed_walk_delivers_exactly_what_a_read_one_did() {
    let image = image(&layers());
    let store = Arc::new(MemStore::default());
    let memo = memo("test v1", store.clone());
    let (plain, plain_report) = walk_summaries(&image, None);
    let (read, read_report) = walk_summaries(&image, Some(&memo));
    assert_eq!(read_report.replayed_layers, 0);
    assert_eq!(store.len(), 3, "one memo per layer");
    let (replayed, replayed_report) = walk_summaries(&image, Some(&memo));
    assert_eq!(replayed_report.replayed_layers, 3);

    assert_eq!(read, plain);
    assert_eq!(replayed, plain);
    assert_eq!(counts(&read_report), counts(&plain_report));
    assert_eq!(counts(&replayed_report), counts(&plain_report));
    // The shapes this test means to cover are really there.
    let all = plain.join("\n");
    for needle in [
        "bin/tool-again Hardlink",
        "Deleted",
        "Shadowed",
        "dev-null CharDevice",
        "run-pipe Fifo",
    ] {
        assert!(all.contains(needle), "{needle} missing from {all}");
    }
    assert!(
        plain_report.warnings.iter().any(|w| w.contains("climb")),
        "{:?}",
        plain_report.warnings
    );
}

#[test]
fn a_layer_shared_by_two_images_is_read_once() {
    let l = layers();
    let first = image(&[l[0].clone(), l[1].clone()]);
    let other_top = Layer::new().file("app/main", b"app").finish();
    let second = image(&[l[0].clone(), other_top]);
    let store = Arc::new(MemStore::default());
    let memo = memo("test v1", store.clone());
    walk_summaries(&first, Some(&memo));
    let (seen, report) = walk_summaries(&second, Some(&memo));
    assert_eq!(report.replayed_layers, 1, "the shared base layer");
    assert_eq!(seen, walk_summaries(&second, None).0);
}

#[test]
fn a_replayed_layer_names_the_image_walked_not_the_one_remembered() {
    // The layer with a skipped entry, at index 1 of one image and index 0 of another.
    let l = layers();
    let first = image(&[l[0].clone(), l[1].clone()]);
    let second = image(&[l[1].clone()]);
    let store = Arc::new(MemStore::default());
    let memo = memo("test v1", store.clone());
    walk_summaries(&first, Some(&memo));
    let (_, replayed) = walk_summaries(&second, Some(&memo));
    assert_eq!(replayed.replayed_layers, 1);
    let (_, read) = walk_summaries(&second, None);
    assert!(!read.warnings.is_empty());
    assert_eq!(replayed.warnings, read.warnings);
}

#[test]
fn memos_of_another_visitor_or_content_limit_are_not_used() {
    let image = image(&layers());
    let store = Arc::new(MemStore::default());
    walk_summaries(&image, Some(&memo("test v1", store.clone())));
    let (_, report) = walk_summaries(&image, Some(&memo("test v2", store.clone())));
    assert_eq!(report.replayed_layers, 0, "another key");
    let blobs: Vec<Blob> = layers().iter().map(|t| Blob::new(t, "gzip")).collect();
    let limited = image_with(
        &blobs,
        Limits {
            max_file_bytes_in_memory: 4,
            ..Limits::default()
        },
    );
    let (seen, report) = walk_summaries(&limited, Some(&memo("test v1", store.clone())));
    assert_eq!(report.replayed_layers, 0, "another in-memory limit");
    assert_eq!(seen, walk_summaries(&limited, None).0);
}

#[test]
fn a_damaged_memo_is_ignored_and_the_layer_read_again() {
    let image = image(&layers());
    let plain = walk_summaries(&image, None).0;
    type Damage = fn(&mut Vec<u8>);
    let damages: [(&str, Damage); 5] = [
        ("a flipped byte", |b| {
            let mid = b.len() / 2;
            b[mid] ^= 0x40;
        }),
        ("truncated", |b| b.truncate(b.len() - 7)),
        ("empty", |b| b.clear()),
        ("another magic", |b| b[0] = b'X'),
        ("a byte appended", |b| b.push(0)),
    ];
    for (what, damage) in damages {
        let store = Arc::new(MemStore::default());
        let memo = memo("test v1", store.clone());
        walk_summaries(&image, Some(&memo));
        store.damage(damage);
        let (seen, report) = walk_summaries(&image, Some(&memo));
        assert_eq!(report.replayed_layers, 0, "{what}");
        assert_eq!(seen, plain, "{what}");
        // Read again and remembered again, intact this time.
        assert_eq!(walk_summaries(&image, Some(&memo)).1.replayed_layers, 3);
    }
}

#[test]
fn a_layer_that_fails_verification_is_not_remembered() {
    let good = Layer::new().file("etc/passwd", b"root").finish();
    let blob = Blob::new(&good, "gzip");
    let (config, manifest) =
        seatbelt_test::layers::config_and_manifest(std::slice::from_ref(&blob));
    let lying = seatbelt_test::layers::gzip(&Layer::new().file("etc/passwd", b"evil").finish());
    let image = image_from_parts(
        std::slice::from_ref(&blob),
        config,
        manifest,
        Limits::default(),
        HashMap::from([(blob.digest.clone(), lying)]),
    );
    let store = Arc::new(MemStore::default());
    let mut r = Recorder::all(false);
    let err = walk_memoised(&image, &mut r, &memo("test v1", store.clone())).unwrap_err();
    assert!(err.to_string().contains("sha256:"), "{err}");
    assert_eq!(*store.saves.lock().unwrap(), 0);
}

#[test]
fn content_a_filter_does_not_want_is_neither_read_nor_summarised() {
    let image = image(&layers());
    let store = Arc::new(MemStore::default());
    let memo = memo("test v1", store.clone());
    let only_etc: PathFilter = Arc::new(|path: &str, _| {
        if path.starts_with("etc/") {
            Interest::Content
        } else {
            Interest::Metadata
        }
    });
    for _ in 0..2 {
        let mut r = Recorder::with(Arc::clone(&only_etc), false);
        walk_memoised(&image, &mut r, &memo).unwrap();
        for s in &r.seen {
            assert_eq!(
                s.content.is_some(),
                s.entry.path.starts_with("etc/") && s.entry.kind == EntryKind::File,
                "{}",
                s.entry.path
            );
        }
    }
}

#[test]
fn the_directory_store_is_private_and_round_trips() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = DirMemoStore::new(dir.path().join("layers"));
    assert_eq!(store.load("x"), None);
    store.save("x", b"memo");
    store.save("x", b"memo, again");
    assert_eq!(store.load("x").as_deref(), Some(&b"memo, again"[..]));
    let mode = std::fs::metadata(store.dir()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700);
    // Only the memo is left: the temp file was renamed into place.
    assert_eq!(std::fs::read_dir(store.dir()).unwrap().count(), 1);
    // A directory or memo others can write is not trusted, nor written to.
    std::fs::set_permissions(store.dir(), std::fs::Permissions::from_mode(0o777)).unwrap();
    assert_eq!(store.load("x"), None);
    store.save("y", b"memo");
    assert!(!store.dir().join("y").exists());
    std::fs::set_permissions(store.dir(), std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::set_permissions(
        store.dir().join("x"),
        std::fs::Permissions::from_mode(0o666),
    )
    .unwrap();
    assert_eq!(store.load("x"), None);
    std::fs::set_permissions(
        store.dir().join("x"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    assert!(store.load("x").is_some());
    // Nor one another user owns (only root can make one here).
    if rustix::process::geteuid().is_root() {
        std::os::unix::fs::chown(store.dir(), Some(4242), None).unwrap();
        assert_eq!(store.load("x"), None);
        std::os::unix::fs::chown(store.dir(), Some(0), None).unwrap();
        assert!(store.load("x").is_some());
    }
    // Past its budget, a save removes the least recently used memos (a load is a use).
    let small = DirMemoStore::new(dir.path().join("small")).with_budget(3200);
    let memo_bytes = seal(&[0; 1000]);
    let memo_name = |c: &str| c.repeat(64);
    let aged = |name: &str, secs: u64| {
        let file = std::fs::File::options()
            .write(true)
            .open(small.dir().join(memo_name(name)))
            .unwrap();
        file.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
            .unwrap();
    };
    for (name, secs) in [("a", 100), ("b", 200), ("c", 300)] {
        small.save(&memo_name(name), &memo_bytes);
        aged(name, secs);
    }
    let each = memo_bytes.len() as u64;
    assert_eq!(small.usage().unwrap(), (3, 3 * each));
    // Files that are not memos are neither counted nor removed, whatever their names.
    std::fs::write(small.dir().join("e".repeat(64)), vec![0u8; 5000]).unwrap();
    assert_eq!(small.usage().unwrap(), (3, 3 * each));
    assert!(
        small.load(&memo_name("a")).is_some(),
        "a is now the most recently used"
    );
    small.save(&memo_name("d"), &memo_bytes);
    let left: std::collections::BTreeSet<String> = std::fs::read_dir(small.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // The least recently used go (b, then c) until a quarter of the budget is free again.
    let expected = ["a", "d", "e"].map(memo_name).into();
    assert_eq!(left, expected);
    assert_eq!(small.clear().unwrap(), (2, 2 * each));
    assert!(small.dir().join("e".repeat(64)).exists());
    // Nor is a directory others can write emptied.
    std::fs::set_permissions(small.dir(), std::fs::Permissions::from_mode(0o777)).unwrap();
    assert!(small.clear().is_err());
    // A store it cannot write to only loses the speed-up.
    let blocked = DirMemoStore::new(dir.path().join("file-in-the-way/layers"));
    std::fs::write(dir.path().join("file-in-the-way"), b"").unwrap();
    blocked.save("x", b"memo");
    assert_eq!(blocked.load("x"), None);
}
