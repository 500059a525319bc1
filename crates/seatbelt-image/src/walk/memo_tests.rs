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
        header: MemoHeader {
            format: FORMAT,
            key: "k".to_string(),
            layer: layer().to_string(),
            content_limit: LIMIT,
            entries: steps.len() as u64,
            bytes: 1536,
            dropped_warnings: 0,
        },
        steps,
    }
}

fn limits(max_entries: u64) -> crate::Limits {
    crate::Limits {
        max_file_bytes_in_memory: LIMIT,
        max_entries_per_layer: max_entries,
        max_decompressed_bytes: 1 << 30,
        ..crate::Limits::default()
    }
}

fn dec(bytes: &[u8], key: &str, layer: &Digest, limit: u64, max_entries: u64) -> Option<MemoFile> {
    let mut l = limits(max_entries);
    l.max_file_bytes_in_memory = limit;
    decode(bytes, key, layer, &l)
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
    dec(&bytes, "k", &layer(), LIMIT, 1000).is_some_and(|d| &d == f)
}

#[test]
fn a_memo_round_trips() {
    assert!(decodes(&file(good_steps())));
    assert!(decodes(&file(Vec::new())));
}

#[test]
fn a_memo_for_anything_else_is_refused() {
    let bytes = encode(&file(good_steps())).unwrap();
    assert!(dec(&bytes, "other key", &layer(), LIMIT, 1000).is_none());
    assert!(dec(&bytes, "k", &Digest::sha256_of(b"another"), LIMIT, 1000).is_none());
    assert!(dec(&bytes, "k", &layer(), LIMIT + 1, 1000).is_none());
    assert!(
        dec(&bytes, "k", &layer(), LIMIT, 3).is_none(),
        "more steps than entries allowed"
    );
    let mut old = file(good_steps());
    old.header.format = FORMAT + 1;
    assert!(!decodes(&old));
    let mut huge = file(good_steps());
    huge.header.bytes = u64::MAX;
    assert!(!decodes(&huge), "more bytes than the walk would inflate");
    let mut entries = file(good_steps());
    entries.header.entries = 1001;
    assert!(!decodes(&entries));
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
            dec(&bytes[..cut], "k", &layer(), LIMIT, 1000).is_none(),
            "cut at {cut}"
        );
    }
    for i in 0..bytes.len() {
        let mut flipped = bytes.clone();
        flipped[i] ^= 1;
        assert!(
            dec(&flipped, "k", &layer(), LIMIT, 1000).is_none(),
            "byte {i}"
        );
    }
    // A valid checksum over a body with a partial step after the memo.
    let mut body = encode(&file(good_steps())).unwrap();
    body.truncate(body.len() - 32);
    let mut body = body.split_off(MAGIC.len());
    body.push(3);
    assert!(dec(&seal(&body), "k", &layer(), LIMIT, 1000).is_none());
    assert!(dec(&seal(b"\xff\xff\xff\xff\xff"), "k", &layer(), LIMIT, 1000).is_none());
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
        (
            "a whiteout file as an entry",
            entry("etc/.wh.passwd", EntryKind::File, None, None),
        ),
        (
            "an opaque marker as an entry",
            entry("etc/.wh..wh..opq", EntryKind::File, None, None),
        ),
        (
            "AUFS bookkeeping",
            entry(".wh..wh.plnk/1.2", EntryKind::File, None, None),
        ),
        (
            "hardlink to a whiteout",
            entry("x", EntryKind::Hardlink, Some(".wh.y"), None),
        ),
        ("mode bits beyond 07777", {
            let LoggedStep::Entry(mut e) = entry("etc/x", EntryKind::File, None, None) else {
                unreachable!()
            };
            e.mode = 0o170_644;
            LoggedStep::Entry(e)
        }),
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
fn decoding_stops_once_the_steps_would_cost_more_than_a_recording_may_hold() {
    // Tiny encoded steps that each cost over a hundred bytes decoded: a memo within the file
    // limit must not decode into ten times that.
    let step = LoggedStep::Entry(LoggedEntry {
        path: "a".into(),
        kind: EntryKind::Directory,
        mode: 0,
        uid: 0,
        gid: 0,
        size: 0,
        mtime: 0,
        link_target: None,
        summary: None,
        complete: false,
    });
    let per_step = cost(&step);
    let n = usize::try_from(MAX_MEMO_BYTES / per_step + 2).unwrap();
    let mut f = file(Vec::new());
    f.header.entries = n as u64;
    f.steps = vec![step; n];
    let bytes = encode(&f).unwrap();
    assert!(
        (bytes.len() as u64) < MAX_MEMO_BYTES / 4,
        "the file itself is small"
    );
    assert!(decode(&bytes, "k", &layer(), &limits(u64::MAX)).is_none());
}

#[test]
fn a_layer_too_large_to_remember_records_nothing() {
    let mut recorder = Recorder::default();
    recorder.push(entry("etc/passwd", EntryKind::File, None, Some(b"facts")));
    let small = recorder.finish("k", &layer(), LIMIT, (1, 10, 0)).unwrap();
    assert!(dec(&small, "k", &layer(), LIMIT, 10).is_some());

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
