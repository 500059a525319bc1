//! Twilio API keys.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::secrets::SecretRule;

/// Twilio API key SIDs with their secret, or auth tokens named as such; the page is [`DOCS`].
pub(super) const RULE: SecretRule = SecretRule {
    info: RuleInfo {
        id: "SB3010",
        aliases: &[],
        name: "twilio-key",
        severity: Severity::High,
        summary: "Twilio API key or auth token",
        docs: DOCS,
    },
    keywords: &["twilio", "TWILIO", "Twilio"],
    // An API key SID (`SK` + 32 hex) or an auth token (32 hex) assigned to a Twilio name. A bare
    // `SK…` is too common a shape to report without the name nearby.
    pattern: r#"(?i)twilio[A-Za-z0-9_.-]{0,24}["']?\s*(?:[:=]|=>)\s*["']?(?P<secret>(?:SK)?[0-9a-f]{32})\b"#,
    before: 0,
    after: 96,
    min_entropy: Some(3.0),
    keep: 2,
    fallback: false,
    validate: None,
};

const DOCS: &str = "## What it does\nFinds Twilio API keys (`SK` and 32 hex digits) and auth tokens (32 hex digits) assigned to a name that mentions Twilio.\n\n## Why it matters\nThe key sends SMS and places calls billed to the account, and reads message logs.\n\n## Example\n`TWILIO_AUTH_TOKEN=` followed by 32 hex digits.\n\n## Use instead\nInject credentials at run time; revoke the leaked key in the console.\n\n## References\n- Twilio docs, \"API keys\".\n";

#[cfg(test)]
mod tests {
    use crate::secrets::rules::test_support::ids;

    #[test]
    fn finds_named_twilio_credentials() {
        assert_eq!(
            ids("TWILIO_API_KEY=SK9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
            ["SB3010"]
        );
        assert_eq!(
            ids("twilio_auth_token: 9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
            ["SB3010"]
        );
        assert!(ids("checksum=9f8e7d6c5b4a39281706f5e4d3c2b1a0").is_empty());
    }
}
