//! Slack incoming-webhook URLs.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::secrets::SecretRule;

/// Slack incoming webhooks; the page is [`DOCS`].
pub(super) const RULE: SecretRule = SecretRule {
    info: RuleInfo {
        id: "SB3008",
        aliases: &[],
        name: "slack-webhook",
        severity: Severity::Medium,
        summary: "Slack incoming-webhook URL",
        docs: DOCS,
    },
    keywords: &["hooks.slack.com/services/"],
    pattern: r"https://hooks\.slack\.com/services/(?P<secret>T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{20,32})",
    before: 8,
    after: 80,
    min_entropy: Some(3.5),
    keep: 0,
    fallback: false,
    validate: None,
};

const DOCS: &str = "## What it does\nFinds Slack incoming-webhook URLs (`https://hooks.slack.com/services/T…/B…/…`).\n\n## Why it matters\nAnyone with the URL can post to the channel: a phishing vector that looks official.\n\n## Example\n`WEBHOOK=https://hooks.slack.com/services/T0000/B0000/…`\n\n## Use instead\nPass the URL at run time from a secret store; regenerate the leaked webhook.\n\n## References\n- Slack API docs, \"Sending messages using incoming webhooks\".\n";

#[cfg(test)]
mod tests {
    use crate::secrets::rules::test_support::ids;

    #[test]
    fn finds_webhook_urls() {
        assert_eq!(
            ids("url: https://hooks.slack.com/services/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"),
            ["SB3008"]
        );
        assert!(ids(
            "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
        )
        .is_empty());
    }
}
