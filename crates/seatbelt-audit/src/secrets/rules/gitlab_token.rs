//! GitLab personal access tokens.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::secrets::SecretRule;

/// GitLab personal access tokens (`glpat-`); the page is [`DOCS`].
pub(super) const RULE: SecretRule = SecretRule {
    info: RuleInfo {
        id: "SB3006",
        aliases: &[],
        name: "gitlab-token",
        severity: Severity::Critical,
        summary: "GitLab personal access token",
        docs: DOCS,
    },
    keywords: &["glpat-"],
    pattern: r"\b(?P<secret>glpat-[A-Za-z0-9_\-]{20,})",
    before: 1,
    after: 80,
    min_entropy: Some(3.0),
    keep: 6,
    fallback: false,
    validate: None,
};

const DOCS: &str = "## What it does\nFinds GitLab personal access tokens (`glpat-` and at least 20 characters).\n\n## Why it matters\nThe token acts as its user on GitLab, with the scopes it was given (often `api`: everything).\n\n## Example\n`CI_TOKEN=glpat-` followed by 20 random characters.\n\n## Use instead\nCI job tokens, build secrets mounted with `RUN --mount=type=secret`; revoke the leaked token.\n\n## References\n- GitLab docs, \"Personal access tokens\" (token prefix).\n";

#[cfg(test)]
mod tests {
    use crate::secrets::rules::test_support::ids;

    #[test]
    fn finds_gitlab_tokens() {
        assert_eq!(ids("export GL=glpat-Zq8kLm2vR9xT4pW7nC3b"), ["SB3006"]);
        assert!(ids("glpat-short").is_empty());
    }
}
