//! SB2007: the image is older than the configured limit.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::image::date::parse_rfc3339;
use crate::image::{ConfigCheck, ConfigInput, Hit};

/// Image age check; the page is [`DOCS`].
pub(super) const CHECK: ConfigCheck = ConfigCheck {
    info: RuleInfo {
        id: "SB2007",
        aliases: &[],
        name: "image-too-old",
        severity: Severity::Medium,
        summary: "The image was built longer ago than the age limit",
        docs: DOCS,
    },
    run,
};

fn run(input: &ConfigInput<'_>) -> Vec<Hit> {
    let Some(created_text) = input.config.created() else {
        return Vec::new();
    };
    // Reproducible builds set `created` to the epoch (SOURCE_DATE_EPOCH=0): that says nothing
    // about age.
    let Some(created) = parse_rfc3339(created_text).filter(|&c| c > 0) else {
        return Vec::new();
    };
    let age_days = (input.now_unix - created).max(0) / 86_400;
    if u64::try_from(age_days).unwrap_or(0) <= input.max_age_days {
        return Vec::new();
    }
    vec![Hit::new(format!(
        "the image was created {created_text}, {age_days} days ago (limit {} days): its packages miss every fix since",
        input.max_age_days
    ))
    .fix("rebuild on a current base image")]
}

const DOCS: &str = "## What it does\nReports images whose config `created` time is older than the limit (365 days by default; `max-image-age-days` in `.seatbelt.yaml`). Images created at the Unix epoch (reproducible builds) are not judged.\n\n## Why it matters\nAn old image carries every vulnerability fixed since it was built; rebuilding on a current base is the cheapest fix there is.\n\n## Example\nAn image last built two years ago.\n\n## Use instead\nRebuild regularly (a scheduled CI job) on a maintained base image.\n\n## References\n- CIS Docker Benchmark 4.7, \"Ensure update instructions are not used alone\" and section 4 on image maintenance.\n";

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::secrets::Engine;
    use seatbelt_image::RawConfig;
    use seatbelt_types::Digest;

    /// Runs `f` on a config built from `value`, now = 2024-01-01, limit 365 days.
    pub(crate) fn input_with<T>(
        value: serde_json::Value,
        tag: Option<&str>,
        f: impl FnOnce(&ConfigInput<'_>) -> T,
    ) -> T {
        let bytes = serde_json::to_vec(&value).expect("json");
        let config = RawConfig::from_verified_bytes(bytes.clone(), Digest::sha256_of(&bytes))
            .expect("config");
        let engine = Engine::new(&[]).expect("engine");
        f(&ConfigInput {
            config: &config,
            tag,
            now_unix: 1_704_067_200,
            max_age_days: 365,
            engine: &engine,
        })
    }

    #[test]
    fn old_images_only() {
        let old = serde_json::json!({"created": "2021-03-01T00:00:00Z"});
        let hits = input_with(old, None, run);
        assert_eq!(hits.len(), 1);
        assert!(hits[0].message.contains("1036 days"), "{}", hits[0].message);
        assert!(input_with(
            serde_json::json!({"created": "2023-12-01T00:00:00Z"}),
            None,
            run
        )
        .is_empty());
        assert!(input_with(
            serde_json::json!({"created": "1970-01-01T00:00:00Z"}),
            None,
            run
        )
        .is_empty());
        assert!(input_with(serde_json::json!({}), None, run).is_empty());
    }
}
