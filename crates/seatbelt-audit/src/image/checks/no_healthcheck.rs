//! SB2002: no HEALTHCHECK.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::image::{ConfigCheck, ConfigInput, Hit};

/// Healthcheck check; the page is [`DOCS`].
pub(super) const CHECK: ConfigCheck = ConfigCheck {
    info: RuleInfo {
        id: "SB2002",
        aliases: &["CIS-DI-0006"],
        name: "no-healthcheck",
        severity: Severity::Low,
        summary: "The image has no HEALTHCHECK",
        docs: DOCS,
    },
    run,
};

fn run(input: &ConfigInput<'_>) -> Vec<Hit> {
    let test = input
        .config
        .value
        .get("config")
        .and_then(|c| c.get("Healthcheck"))
        .and_then(|h| h.get("Test"))
        .and_then(serde_json::Value::as_array);
    let disabled = |t: &Vec<serde_json::Value>| t.first().and_then(|v| v.as_str()) == Some("NONE");
    match test {
        Some(t) if !t.is_empty() && !disabled(t) => Vec::new(),
        Some(t) if disabled(t) => vec![Hit::new(
            "HEALTHCHECK NONE turns the base image's health check off",
        )],
        _ => vec![Hit::new("the config has no Healthcheck")
            .fix("add a `HEALTHCHECK CMD …` that probes the service")],
    }
}

const DOCS: &str = "## What it does\nReports images whose config has no `Healthcheck`, or `HEALTHCHECK NONE`.\n\n## Why it matters\nWithout a health check, Docker and Swarm only see whether the process runs, not whether it serves; a hung service stays in rotation. (Kubernetes ignores the image's health check and uses probes: set those instead.)\n\n## Example\nA web service image without `HEALTHCHECK`.\n\n## Use instead\n`HEALTHCHECK --interval=30s CMD [\"/app/healthcheck\"]`, or Kubernetes liveness/readiness probes.\n\n## References\n- CIS Docker Benchmark 4.6, \"Ensure that HEALTHCHECK instructions have been added to container images\".\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::checks::image_age::tests::input_with;

    #[test]
    fn missing_or_disabled_health_checks() {
        let none = serde_json::json!({"config": {}});
        assert_eq!(input_with(none, None, run).len(), 1);
        let off = serde_json::json!({"config": {"Healthcheck": {"Test": ["NONE"]}}});
        assert_eq!(input_with(off, None, run).len(), 1);
        let on = serde_json::json!({"config": {"Healthcheck": {"Test": ["CMD-SHELL", "curl -f localhost"]}}});
        assert!(input_with(on, None, run).is_empty());
    }
}
