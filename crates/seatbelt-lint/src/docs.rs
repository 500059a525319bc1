//! Rule documentation pages generated from the rules' doc comments, so the pages in
//! `docs/rules/` can never drift from the code (`seatbelt rule --generate-docs DIR --check`).

use crate::rule::docs_text;
use crate::rules::RULES;

/// The pages: (file name, markdown), the index `README.md` first.
pub fn pages() -> Vec<(String, String)> {
    let mut index = String::from(
        "# Dockerfile lint rules\n\nGenerated from the rule sources by `seatbelt rule --generate-docs docs/rules`; do not edit.\n\n| id | hadolint | severity | name | summary |\n| --- | --- | --- | --- | --- |\n",
    );
    let mut pages = Vec::with_capacity(RULES.len() + 1);
    for rule in RULES {
        let info = &rule.info;
        index.push_str(&format!(
            "| [{id}]({id}.md) | {aliases} | {severity} | {name} | {summary} |\n",
            id = info.id,
            aliases = info.aliases.join(", "),
            severity = info.severity,
            name = info.name,
            summary = info.summary.replace('|', "\\|"),
        ));
        pages.push((format!("{}.md", info.id), docs_text(info)));
    }
    pages.insert(0, ("README.md".to_string(), index));
    pages
}
