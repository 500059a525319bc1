//! Slack API tokens.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::secrets::SecretRule;

/// Slack tokens (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`); the page is [`DOCS`].
pub(super) const RULE: SecretRule = SecretRule {
    info: RuleInfo {
        id: "SB3007",
        aliases: &[],
        name: "slack-token",
        severity: Severity::High,
        summary: "Slack token",
        docs: DOCS,
    },
    keywords: &["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"],
    pattern: r"\b(?P<secret>xox[baprs]-[0-9]{6,}-[A-Za-z0-9-]{10,250})",
    before: 1,
    after: 256,
    min_entropy: Some(3.0),
    keep: 5,
    fallback: false,
    validate: None,
};

const DOCS: &str = "## What it does\nFinds Slack API tokens: bot (`xoxb-`), user (`xoxp-`), app (`xoxa-`), refresh (`xoxr-`) and legacy session tokens (`xoxs-`).\n\n## Why it matters\nA token reads and posts in the workspace as the bot or user it belongs to.\n\n## Example\n`SLACK_BOT_TOKEN=xoxb-` followed by team id, bot id and a random part.\n\n## Use instead\nInject the token at run time from a secret store; revoke the leaked one.\n\n## References\n- Slack API docs, \"Token types\".\n";

#[cfg(test)]
mod tests {
    use crate::secrets::rules::test_support::ids;

    #[test]
    fn finds_slack_tokens() {
        assert_eq!(
            ids("SLACK=xoxb-2048917364-4096385172946-Zq8kLm2vR9xT4pW7nC3bY6"),
            ["SB3007"]
        );
        assert!(ids("xoxb-not-a-token").is_empty());
    }
}
