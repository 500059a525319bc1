// A panic is how a test reports failure.
#![allow(clippy::unwrap_used)]

use super::*;

fn layer() -> Digest {
    Digest::sha256_of(b"a layer")
}

const LIMIT: u64 = 1024;

fn entry(path: &str, kind: EntryKind, target: Option<&str>, summary: Option<&[u8]>) -> LoggedStep {
    LoggedStep::Entry(LoggedEntry {
        path: path.to_string(),
        kind,
        mode: 0o644,
        uid: 0,
        gid: 0,
        size: 3,
        mtime: 0,
        link_target: target.map(str::to_string),
        summary: summary.map(<[u8]>::to_vec),
        complete: summary.is_some(),
    })
}

fn file(steps: Vec<LoggedStep>) -> MemoFile {
    MemoFile {
        format: FORMAT,
        key: "k".to_string(),
        layer: layer().to_string(),
        content_limit: LIMIT,
        entries: steps.len() as u64,
        bytes: 1536,
        dropped_warnings: 0,
        steps,
    }
}

fn good_steps() -> Vec<LoggedStep> {
    vec![
        LoggedStep::Opaque(String::new()),
        LoggedStep::Whiteout("etc/old".into()),
        LoggedStep::Warning("layer 0: an entry was skipped".into()),
        entry("etc", EntryKind::Directory, None, None),
        entry("etc/passwd", EntryKind::File, None, Some(b"facts")),
        entry("etc/link", EntryKind::Symlink, Some("../usr/lib/x"), None),
        entry(
            "etc/hard",
            EntryKind::Hardlink,
            Some("etc/passwd"),
            Some(b"facts"),
        ),
    ]
}

fn decodes(f: &MemoFile) -> bool {
    let bytes = encode(f).unwrap();
    decode(&bytes, "k", &layer(), LIMIT, 1000).is_some_and(|d| &d == f)
}

#[test]
fn a_memo_round_trips() {
    assert!(decodes(&file(good_steps())));
    assert!(decodes(&file(Vec::new())));
}

#[test]
fn a_memo_for_anything_else_is_refused() {
    let bytes = encode(&file(good_steps())).unwrap();
    assert!(decode(&bytes, "other key", &layer(), LIMIT, 1000).is_none());
    assert!(decode(&bytes, "k", &Digest::sha256_of(b"another"), LIMIT, 1000).is_none());
    assert!(decode(&bytes, "k", &layer(), LIMIT + 1, 1000).is_none());
    assert!(
        decode(&bytes, "k", &layer(), LIMIT, 3).is_none(),
        "more steps than entries allowed"
    );
    let mut old = file(good_steps());
    old.format = FORMAT + 1;
    assert!(!decodes(&old));
}

#[test]
fn damaged_bytes_are_refused() {
    let bytes = encode(&file(good_steps())).unwrap();
    for cut in [
        0,
        1,
        MAGIC.len(),
        MAGIC.len() + 5,
        bytes.len() - 33,
        bytes.len() - 1,
    ] {
        assert!(
            decode(&bytes[..cut], "k", &layer(), LIMIT, 1000).is_none(),
            "cut at {cut}"
        );
    }
    for i in 0..bytes.len() {
        let mut flipped = bytes.clone();
        flipped[i] ^= 1;
        assert!(
            decode(&flipped, "k", &layer(), LIMIT, 1000).is_none(),
            "byte {i}"
        );
    }
    // A valid checksum over a body with bytes after the memo.
    let mut body = postcard::to_allocvec(&file(good_steps())).unwrap();
    body.push(0);
    assert!(decode(&seal(&body), "k", &layer(), LIMIT, 1000).is_none());
    assert!(decode(&seal(b"\xff\xff\xff\xff\xff"), "k", &layer(), LIMIT, 1000).is_none());
}

#[test]
fn steps_the_layer_reader_could_not_have_produced_are_refused() {
    let bad: Vec<(&str, LoggedStep)> = vec![
        (
            "climbs out",
            entry("../etc/passwd", EntryKind::File, None, None),
        ),
        (
            "climbs out inside",
            entry("etc/../../x", EntryKind::File, None, None),
        ),
        (
            "absolute",
            entry("/etc/passwd", EntryKind::File, None, None),
        ),
        (
            "double slash",
            entry("etc//passwd", EntryKind::File, None, None),
        ),
        ("dot", entry("etc/./passwd", EntryKind::File, None, None)),
        (
            "the root as an entry",
            entry("", EntryKind::Directory, None, None),
        ),
        ("NUL", entry("etc/pass\0wd", EntryKind::File, None, None)),
        (
            "too long",
            entry(&"a/".repeat(3000), EntryKind::File, None, None),
        ),
        (
            "hardlink out",
            entry("x", EntryKind::Hardlink, Some("../etc/shadow"), None),
        ),
        (
            "hardlink absolute",
            entry("x", EntryKind::Hardlink, Some("/etc/shadow"), None),
        ),
        (
            "link without target",
            entry("x", EntryKind::Symlink, None, None),
        ),
        (
            "file with target",
            entry("x", EntryKind::File, Some("y"), None),
        ),
        (
            "summary of a directory",
            entry("d", EntryKind::Directory, None, Some(b"s")),
        ),
        (
            "summary too large",
            entry(
                "x",
                EntryKind::File,
                None,
                Some(&vec![0; 5 * 1024 + 64 * 1024]),
            ),
        ),
        ("whiteout of the root", LoggedStep::Whiteout(String::new())),
        ("whiteout out", LoggedStep::Whiteout("../x".into())),
        ("opaque out", LoggedStep::Opaque("a/../..".into())),
        (
            "long warning",
            LoggedStep::Warning("w".repeat(MAX_WARNING_BYTES + 1)),
        ),
    ];
    for (what, step) in bad {
        let mut steps = good_steps();
        steps.push(step);
        assert!(!decodes(&file(steps)), "{what}");
    }
    let many_warnings = (0..=MAX_WARNINGS_PER_LAYER)
        .map(|i| LoggedStep::Warning(format!("w{i}")))
        .collect();
    assert!(
        !decodes(&file(many_warnings)),
        "more warnings than the walk keeps"
    );
}

#[test]
fn a_layer_too_large_to_remember_records_nothing() {
    let mut recorder = Recorder::default();
    recorder.push(entry("etc/passwd", EntryKind::File, None, Some(b"facts")));
    let small = recorder.finish("k", &layer(), LIMIT, (1, 10, 0)).unwrap();
    assert!(decode(&small, "k", &layer(), LIMIT, 10).is_some());

    let mut recorder = Recorder::default();
    let big = vec![0u8; 1024 * 1024];
    for i in 0..=(MAX_MEMO_BYTES / big.len() as u64) {
        recorder.push(entry(&format!("f{i}"), EntryKind::File, None, Some(&big)));
    }
    assert!(
        recorder.steps.is_empty(),
        "what was recorded is freed at once"
    );
    assert!(recorder.finish("k", &layer(), LIMIT, (1, 10, 0)).is_none());
}

#[test]
fn names_differ_by_key_layer_and_limit() {
    let a = name("k", &layer(), LIMIT);
    assert_eq!(a, name("k", &layer(), LIMIT));
    assert_ne!(a, name("k2", &layer(), LIMIT));
    assert_ne!(a, name("k", &Digest::sha256_of(b"x"), LIMIT));
    assert_ne!(a, name("k", &layer(), LIMIT + 1));
    assert_eq!(a.len(), 64);
}
