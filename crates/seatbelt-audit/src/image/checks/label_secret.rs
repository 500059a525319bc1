//! SB2004: secrets in the config's `Labels`.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use super::env_secret::setting_hits;
use crate::image::{ConfigCheck, ConfigInput, Hit};

/// Label secret check; the page is [`DOCS`].
pub(super) const CHECK: ConfigCheck = ConfigCheck {
    info: RuleInfo {
        id: "SB2004",
        aliases: &[],
        name: "secret-in-label",
        severity: Severity::High,
        summary: "A secret is in the image's labels",
        docs: DOCS,
    },
    run,
};

fn run(input: &ConfigInput<'_>) -> Vec<Hit> {
    input
        .config
        .labels()
        .iter()
        .filter_map(|(name, value)| setting_hits(input, "Label", name, value))
        .collect()
}

const DOCS: &str = "## What it does\nReports labels whose name says secret and that hold a real value, or whose value a secret rule recognises (redacted in the output).\n\n## Why it matters\nLabels are public metadata: registries show them, `docker inspect` prints them, SBOM tools copy them.\n\n## Example\n`LABEL deploy.token=…`\n\n## Use instead\nKeep labels to descriptive metadata (`org.opencontainers.image.*`); pass secrets at run time.\n\n## References\n- OCI image spec, annotations and labels.\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::checks::image_age::tests::input_with;

    #[test]
    fn secret_labels_only() {
        let config = serde_json::json!({"config": {"Labels": {
            "org.opencontainers.image.source": "https://example.invalid/app",
            "deploy.token": "Zq8kLm2vR9xT!",
        }}});
        let hits = input_with(config, None, run);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].key, "deploy.token");
    }
}
