//! SB2005: secrets in the build history (`created_by`).

use std::sync::OnceLock;

use regex::Regex;
use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use super::env_secret::setting_hits;
use crate::image::{ConfigCheck, ConfigInput, Hit};

/// History secret check; the page is [`DOCS`].
pub(super) const CHECK: ConfigCheck = ConfigCheck {
    info: RuleInfo {
        id: "SB2005",
        aliases: &[],
        name: "secret-in-history",
        severity: Severity::High,
        summary: "A secret is in the image's build history",
        docs: DOCS,
    },
    run,
};

/// `NAME=value` pairs in a history command: build args (`|2 TOKEN=… /bin/sh -c …`) and `ENV`.
fn assignments() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?:^|\s)([A-Za-z_][A-Za-z0-9_.\-]*)=("[^"]*"|'[^']*'|[^\s"']+)"#).ok()
    })
    .as_ref()
}

fn run(input: &ConfigInput<'_>) -> Vec<Hit> {
    let Some(history) = input.config.value.get("history").and_then(|h| h.as_array()) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for (index, step) in history.iter().enumerate() {
        let Some(created_by) = step.get("created_by").and_then(|c| c.as_str()) else {
            continue;
        };
        let what = format!("history[{index}].created_by:");
        let mut found = false;
        if let Some(re) = assignments() {
            for caps in re.captures_iter(created_by) {
                let (Some(name), Some(value)) = (caps.get(1), caps.get(2)) else {
                    continue;
                };
                let value = value.as_str().trim_matches(['"', '\'']);
                if let Some(hit) = setting_hits(input, &what, name.as_str(), value) {
                    hits.push(hit.key(format!("{index}:{}", name.as_str())));
                    found = true;
                }
            }
        }
        if !found {
            // Secrets not in an assignment: `curl -H "Authorization: Bearer ghp_…"`.
            if let Some(m) = input.engine.scan(created_by.as_bytes()).into_iter().next() {
                hits.push(
                    Hit::new(format!(
                        "{what} a {} ({}): {}",
                        rule_summary(m.rule),
                        m.rule_id,
                        m.redacted
                    ))
                    .key(format!("{index}")),
                );
            }
        }
    }
    hits
}

fn rule_summary(rule: usize) -> &'static str {
    crate::secrets::RULES
        .get(rule)
        .map_or("secret", |r| r.info.summary)
}

const DOCS: &str = "## What it does\nReads every `history[].created_by` of the image config (the commands that built each layer, with the build args they saw) for `NAME=value` settings whose name says secret, and for anything a secret rule recognises. Values are redacted.\n\n## Why it matters\n`ARG` values used by a `RUN` are recorded in the history in clear (`|1 TOKEN=… /bin/sh -c …`), as are `ENV` values and tokens pasted into commands; `docker history` shows them to anyone who can pull.\n\n## Example\n`ARG NPM_TOKEN` then `RUN npm install` with `--build-arg NPM_TOKEN=…`.\n\n## Use instead\n`RUN --mount=type=secret,id=npm_token …`: secret mounts never reach the history or the layers.\n\n## References\n- Docker docs, \"Build secrets\".\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::checks::image_age::tests::input_with;

    #[test]
    fn build_args_env_and_inline_tokens() {
        let config = serde_json::json!({"history": [
            {"created_by": "/bin/sh -c #(nop) ADD file:abc in / "},
            {"created_by": "|1 NPM_TOKEN=Zq8kLm2vR9xT! /bin/sh -c npm ci"},
            {"created_by": "/bin/sh -c curl -H 'Authorization: token ghp_R3alLooking0TokenQ8vX2mZ7kLp4Wn9Ts1Y' https://x"},
            {"created_by": "ENV PASSWORD_FILE=/run/secrets/pw"},
            {"empty_layer": true},
        ]});
        let hits = input_with(config, None, run);
        let keys: Vec<_> = hits.iter().map(|h| h.key.as_str()).collect();
        assert_eq!(keys, ["1:NPM_TOKEN", "2"]);
        assert!(hits
            .iter()
            .all(|h| !h.message.contains("Zq8kLm2vR9xT") && !h.message.contains("R3alLooking")));
    }
}
