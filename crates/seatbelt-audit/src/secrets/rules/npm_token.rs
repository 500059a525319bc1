//! npm access tokens.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::secrets::SecretRule;

/// npm tokens (`npm_`, and `_authToken=` values in `.npmrc`); the page is [`DOCS`].
pub(super) const RULE: SecretRule = SecretRule {
    info: RuleInfo {
        id: "SB3012",
        aliases: &[],
        name: "npm-token",
        severity: Severity::Critical,
        summary: "npm access token",
        docs: DOCS,
    },
    keywords: &["npm_", "_authToken"],
    pattern: r"(?:\b(?P<secret>npm_[A-Za-z0-9]{36})\b|_authToken\s*=\s*(?P<auth>[A-Za-z0-9_.\-]{20,}))",
    before: 1,
    after: 96,
    min_entropy: Some(3.5),
    keep: 4,
    fallback: false,
    validate: None,
};

const DOCS: &str = "## What it does\nFinds npm access tokens: granular and automation tokens (`npm_` and 36 characters), and any `_authToken=` value in an `.npmrc`.\n\n## Why it matters\nThe token publishes packages as its owner: a supply-chain attack on everyone who installs them.\n\n## Example\n`//registry.npmjs.org/:_authToken=npm_` followed by 36 characters.\n\n## Use instead\n`RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`; or `_authToken=${NPM_TOKEN}`. Revoke the leaked token.\n\n## References\n- npm docs, \"About access tokens\".\n";

#[cfg(test)]
mod tests {
    use crate::secrets::rules::test_support::ids;

    #[test]
    fn finds_npm_tokens_and_npmrc_values() {
        assert_eq!(ids("npm_Zq8kLm2vR9xT4pW7nC3bY6Jd5Hf1Gs0Ka9Lb"), ["SB3012"]);
        assert_eq!(
            ids("//registry.npmjs.org/:_authToken=9f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0\n"),
            ["SB3012"]
        );
        assert!(ids("//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n").is_empty());
    }
}
