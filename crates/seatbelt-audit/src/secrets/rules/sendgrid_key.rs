//! SendGrid API keys.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::secrets::SecretRule;

/// SendGrid API keys (`SG.`); the page is [`DOCS`].
pub(super) const RULE: SecretRule = SecretRule {
    info: RuleInfo {
        id: "SB3011",
        aliases: &[],
        name: "sendgrid-api-key",
        severity: Severity::High,
        summary: "SendGrid API key",
        docs: DOCS,
    },
    keywords: &["SG."],
    pattern: r"\b(?P<secret>SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})\b",
    before: 1,
    after: 72,
    min_entropy: Some(4.0),
    keep: 3,
    fallback: false,
    validate: None,
};

const DOCS: &str = "## What it does\nFinds SendGrid API keys: `SG.`, 22 characters, `.`, 43 characters.\n\n## Why it matters\nThe key sends mail from the account's verified domains: ideal for phishing.\n\n## Example\n`SENDGRID_API_KEY=SG.` followed by the two random parts.\n\n## Use instead\nInject the key at run time; delete the leaked key in the SendGrid console.\n\n## References\n- Twilio SendGrid docs, \"API keys\".\n";

#[cfg(test)]
mod tests {
    use crate::secrets::rules::test_support::ids;

    #[test]
    fn finds_sendgrid_keys() {
        assert_eq!(
            ids("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"),
            ["SB3011"]
        );
        assert!(ids("SG.short.key").is_empty());
    }
}
