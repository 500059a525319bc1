//! Every Dockerfile of the hand-written corpus parses, round-trips through the printer (parse,
//! print, parse gives the same tree), and lints without error.

use std::path::PathBuf;

fn corpus() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the corpus directory")
        .map(|e| e.expect("a corpus entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "Dockerfile"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name()
                    .expect("a file name")
                    .to_string_lossy()
                    .into_owned(),
                std::fs::read_to_string(&p).expect("a readable corpus file"),
            )
        })
        .collect()
}

#[test]
fn corpus_has_over_a_hundred_files() {
    assert!(
        corpus().len() >= 100,
        "only {} corpus files",
        corpus().len()
    );
}

#[test]
fn every_corpus_file_parses_and_round_trips() {
    for (name, text) in corpus() {
        let first = seatbelt_lint::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(first.instructions().count() > 0, "{name}: no instructions");
        let printed = seatbelt_lint::print(&first);
        let second = seatbelt_lint::parse(&printed)
            .unwrap_or_else(|e| panic!("{name} printed: {e}\n{printed}"));
        assert_eq!(
            first.without_positions(),
            second.without_positions(),
            "{name} does not round-trip:\n{printed}"
        );
        assert_eq!(
            seatbelt_lint::print(&second),
            printed,
            "{name}: printing is not stable"
        );
    }
}

#[test]
fn every_corpus_file_lints() {
    let options = seatbelt_lint::LintOptions::default();
    let mut total = 0;
    for (name, text) in corpus() {
        let findings = seatbelt_lint::lint(&text, &name, &options, true)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        total += findings.len();
    }
    assert!(
        total > 100,
        "the corpus should exercise the rules; only {total} findings"
    );
}
