//! SB2001: the image runs as root.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::image::{ConfigCheck, ConfigInput, Hit};

/// Root user check; the page is [`DOCS`].
pub(super) const CHECK: ConfigCheck = ConfigCheck {
    info: RuleInfo {
        id: "SB2001",
        aliases: &["CIS-DI-0001"],
        name: "runs-as-root",
        severity: Severity::High,
        summary: "The image runs as root",
        docs: DOCS,
    },
    run,
};

fn run(input: &ConfigInput<'_>) -> Vec<Hit> {
    let user = input.config.user().trim();
    let name = user.split(':').next().unwrap_or_default();
    let why = if user.is_empty() {
        "config User is empty, so containers run as root".to_string()
    } else if name == "root" || name == "0" {
        format!("config User is {user:?}: UID 0")
    } else {
        return Vec::new();
    };
    vec![Hit::new(why)
        .fix("add `USER 65532:65532` (or a named unprivileged user) as the last USER instruction")]
}

const DOCS: &str = "## What it does\nReports images whose config `User` is empty, `root`, `0`, or `0:…`, so containers run as UID 0 unless the runtime overrides it.\n\n## Why it matters\nRoot in a container is root on the host's kernel: a container escape or a writable host mount becomes a host compromise, and root can undo the image's file permissions.\n\n## Example\nA Dockerfile without any `USER` instruction.\n\n## Use instead\n`USER 65532:65532` (or a user created in the image) as the last `USER` instruction; numeric ids let Kubernetes verify `runAsNonRoot`.\n\n## References\n- CIS Docker Benchmark 4.1, \"Ensure that a user for the container has been created\".\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::checks::image_age::tests::input_with;

    #[test]
    fn root_in_every_spelling() {
        for user in [
            None,
            Some(""),
            Some("root"),
            Some("0"),
            Some("0:0"),
            Some("root:staff"),
        ] {
            let config = match user {
                Some(u) => serde_json::json!({"config": {"User": u}}),
                None => serde_json::json!({"config": {}}),
            };
            assert_eq!(input_with(config, None, run).len(), 1, "{user:?}");
        }
        for user in ["app", "1000", "1000:0", "nobody:nogroup"] {
            let config = serde_json::json!({"config": {"User": user}});
            assert!(input_with(config, None, run).is_empty(), "{user}");
        }
    }
}
