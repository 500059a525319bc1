//! SB2003: secrets in the config's `Env`.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::image::names::is_secret_name;
use crate::image::{ConfigCheck, ConfigInput, Hit};
use crate::secrets::{is_placeholder, redact};

/// Env secret check; the page is [`DOCS`].
pub(super) const CHECK: ConfigCheck = ConfigCheck {
    info: RuleInfo {
        id: "SB2003",
        aliases: &["CIS-DI-0010"],
        name: "secret-in-env",
        severity: Severity::High,
        summary: "A secret is set in the image's environment",
        docs: DOCS,
    },
    run,
};

/// Hits for `NAME=value` settings: by the name, or by a secret rule matching the value.
pub(crate) fn setting_hits(
    input: &ConfigInput<'_>,
    what: &str,
    name: &str,
    value: &str,
) -> Option<Hit> {
    if value.is_empty() || is_placeholder(value.as_bytes()) {
        return None;
    }
    let matched = input.engine.scan(value.as_bytes()).into_iter().next();
    if let Some(m) = matched {
        return Some(
            Hit::new(format!(
                "{what} {name} holds a {} ({}): {}",
                rule_summary(m.rule),
                m.rule_id,
                m.redacted
            ))
            .key(name),
        );
    }
    is_secret_name(name).then(|| {
        Hit::new(format!("{what} {name} looks like a secret: {}", redact(value.as_bytes(), 2)))
            .key(name)
            .fix("pass secrets at run time (`docker run -e`, a mounted file) or at build time with `RUN --mount=type=secret`")
    })
}

fn rule_summary(rule: usize) -> &'static str {
    crate::secrets::RULES
        .get(rule)
        .map_or("secret", |r| r.info.summary)
}

fn run(input: &ConfigInput<'_>) -> Vec<Hit> {
    input
        .config
        .env()
        .iter()
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair.as_str(), ""));
            setting_hits(input, "Env", name, value)
        })
        .collect()
}

const DOCS: &str = "## What it does\nReports `Env` entries of the image config whose name says secret (`*PASSWORD*`, `*TOKEN*`, `*SECRET*`, `*API_KEY*`…; not `*_FILE`/`*_PATH` references) with a real value, or whose value a secret rule recognises. Values are redacted in the output.\n\n## Why it matters\n`ENV` values are stored in the image config: anyone who can pull the image reads them with `docker inspect`, and every container and child process inherits them.\n\n## Example\n`ENV DB_PASSWORD=…` in a Dockerfile.\n\n## Use instead\nPass secrets at run time (orchestrator secrets, mounted files, `POSTGRES_PASSWORD_FILE=/run/secrets/db`); at build time, `RUN --mount=type=secret`.\n\n## References\n- CIS Docker Benchmark 4.10, \"Ensure secrets are not stored in Dockerfiles\".\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::checks::image_age::tests::input_with;

    #[test]
    fn secret_names_and_recognised_values_redacted() {
        let config = serde_json::json!({"config": {"Env": [
            "PATH=/usr/bin",
            "DB_PASSWORD=Zq8kLm2vR9x!",
            "PASSWORD_FILE=/run/secrets/db",
            "API_TOKEN=",
            "ADMIN_PASSWORD=changeme",
            "GH=ghp_R3alLooking0TokenQ8vX2mZ7kLp4Wn9Ts1Y"
        ]}});
        let hits = input_with(config, None, run);
        let keys: Vec<_> = hits.iter().map(|h| h.key.as_str()).collect();
        assert_eq!(keys, ["DB_PASSWORD", "GH"]);
        assert!(hits
            .iter()
            .all(|h| !h.message.contains("Zq8kLm2vR9x") && !h.message.contains("R3alLooking")));
    }
}
