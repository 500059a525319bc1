//! Every rule against its fixture `tests/fixtures/<ID>.Dockerfile`: the part under `# Error`
//! must trigger the rule (its findings are snapshotted), the part under `# OK` must not.

use std::fmt::Write as _;
use std::path::PathBuf;

use seatbelt_lint::rules::RULES;
use seatbelt_lint::LintOptions;

fn options() -> LintOptions {
    LintOptions {
        trusted_registries: vec!["registry.example.com".into()],
        require_digest: true,
    }
}

fn fixture(id: &str) -> (String, String) {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/{id}.Dockerfile"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{id} has no fixture {}: {e}", path.display()));
    let rest = text
        .strip_prefix("# Error\n")
        .unwrap_or_else(|| panic!("{id}: fixture must start with `# Error`"));
    let (error, ok) = rest
        .split_once("\n# OK\n")
        .unwrap_or_else(|| panic!("{id}: fixture needs a `# OK` line"));
    (format!("{error}\n"), ok.to_string())
}

#[test]
fn every_rule_fires_on_its_error_fixture_and_not_on_its_ok_fixture() {
    let mut failures = Vec::new();
    for rule in RULES {
        let id = rule.info.id;
        let (error, ok) = fixture(id);
        let found = seatbelt_lint::lint(&error, "Dockerfile", &options(), true)
            .unwrap_or_else(|e| panic!("{id} error fixture: {e}"));
        let hits: Vec<_> = found.iter().filter(|f| f.rule_id == id).collect();
        if hits.is_empty() {
            failures.push(format!("{id}: no finding on the # Error fixture"));
        }
        let clean = seatbelt_lint::lint(&ok, "Dockerfile", &options(), true)
            .unwrap_or_else(|e| panic!("{id} ok fixture: {e}"));
        for f in clean.iter().filter(|f| f.rule_id == id) {
            failures.push(format!(
                "{id}: finding on the # OK fixture: line {:?}: {}",
                f.location.line, f.message
            ));
        }
        let mut snapshot = String::new();
        for f in &hits {
            let _ = writeln!(
                snapshot,
                "{}:{} {} {}{}",
                f.location.line.unwrap_or(0),
                f.location.column.unwrap_or(0),
                f.rule_id,
                f.message,
                f.fix
                    .as_ref()
                    .map(|x| format!(" [fix: {x}]"))
                    .unwrap_or_default()
            );
        }
        insta::assert_snapshot!(id, snapshot);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn rule_ids_are_unique_and_docs_have_every_heading() {
    let mut seen = std::collections::HashSet::new();
    for rule in RULES {
        let info = &rule.info;
        assert!(seen.insert(info.id), "duplicate id {}", info.id);
        for alias in info.aliases {
            assert!(seen.insert(alias), "alias {alias} used twice");
        }
        for heading in [
            "## What it does",
            "## Why it matters",
            "## Example",
            "## Use instead",
            "## References",
        ] {
            assert!(
                info.docs.contains(heading),
                "{} docs lack {heading}",
                info.id
            );
        }
    }
}

#[test]
fn pragmas_silence_by_id_alias_and_globally() {
    let source = "# hadolint global ignore=DL3057\nFROM debian:12\n# hadolint ignore=DL3008\nRUN apt-get install -y --no-install-recommends curl\n# seatbelt ignore=SB1008,SB1201\nRUN apt-get install -y --no-install-recommends git\nRUN apt-get install -y --no-install-recommends vim\n";
    let found = seatbelt_lint::lint(source, "Dockerfile", &LintOptions::default(), true).unwrap();
    let ids: Vec<_> = found
        .iter()
        .map(|f| (f.location.line.unwrap_or(0), f.rule_id.as_str()))
        .collect();
    assert!(!ids.iter().any(|(_, id)| *id == "SB1057"), "{ids:?}");
    assert!(ids.contains(&(7, "SB1008")), "{ids:?}");
    assert!(
        !ids.contains(&(4, "SB1008")) && !ids.contains(&(6, "SB1008")),
        "{ids:?}"
    );
    let all = seatbelt_lint::lint(source, "Dockerfile", &LintOptions::default(), false).unwrap();
    assert!(all.iter().filter(|f| f.rule_id == "SB1008").count() == 3);
}

#[test]
fn generated_rule_docs_are_current() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules");
    let mut stale = Vec::new();
    for (name, text) in seatbelt_lint::docs::pages() {
        if std::fs::read_to_string(dir.join(&name)).ok().as_deref() != Some(text.as_str()) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules is stale ({}); run `seatbelt rule --generate-docs docs/rules`",
        stale.join(", ")
    );
}
