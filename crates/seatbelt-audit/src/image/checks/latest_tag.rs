//! SB2006: the image was referenced by the `latest` tag.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::image::{ConfigCheck, ConfigInput, Hit};

/// Latest-tag check; the page is [`DOCS`].
pub(super) const CHECK: ConfigCheck = ConfigCheck {
    info: RuleInfo {
        id: "SB2006",
        aliases: &["DKL-DI-0006"],
        name: "latest-tag",
        severity: Severity::Low,
        summary: "The image is referenced by the `latest` tag only",
        docs: DOCS,
    },
    run,
};

fn run(input: &ConfigInput<'_>) -> Vec<Hit> {
    match input.tag {
        Some("latest") => vec![Hit::new(
            "the image was referenced as :latest, which names a different image tomorrow",
        )
        .fix("reference a versioned tag, and pin it by digest (`name:1.2.3@sha256:…`)")],
        _ => Vec::new(),
    }
}

const DOCS: &str = "## What it does\nReports an image audited through the `latest` tag (only when the reference used a tag).\n\n## Why it matters\n`latest` moves: what was audited is not what runs next week, and a rollback has nothing to roll back to.\n\n## Example\n`seatbelt audit registry.example.com/app:latest`\n\n## Use instead\nVersioned tags pinned by digest: `app:1.4.2@sha256:…`.\n\n## References\n- Dockle DKL-DI-0006, \"Avoid latest tag\".\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::checks::image_age::tests::input_with;

    #[test]
    fn only_the_latest_tag() {
        let config = serde_json::json!({});
        assert_eq!(input_with(config.clone(), Some("latest"), run).len(), 1);
        assert!(input_with(config.clone(), Some("1.2"), run).is_empty());
        assert!(input_with(config, None, run).is_empty());
    }
}
