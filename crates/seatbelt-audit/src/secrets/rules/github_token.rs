//! GitHub tokens.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::secrets::SecretRule;

/// GitHub tokens (`ghp_`, `gho_`, `ghs_`, `ghu_`, `ghr_`, `github_pat_`); the page is [`DOCS`].
pub(super) const RULE: SecretRule = SecretRule {
    info: RuleInfo {
        id: "SB3005",
        aliases: &[],
        name: "github-token",
        severity: Severity::Critical,
        summary: "GitHub token",
        docs: DOCS,
    },
    keywords: &["ghp_", "gho_", "ghs_", "ghu_", "ghr_", "github_pat_"],
    pattern: r"\b(?P<secret>(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82}))\b",
    before: 1,
    after: 96,
    min_entropy: Some(3.5),
    keep: 4,
    fallback: false,
    validate: None,
};

const DOCS: &str = "## What it does\nFinds GitHub tokens by their prefixes: personal access tokens (`ghp_`, fine-grained `github_pat_`), OAuth (`gho_`), app user-to-server (`ghu_`), installation (`ghs_`) and refresh tokens (`ghr_`).\n\n## Why it matters\nA token acts as its owner on GitHub: read private repositories, push code, publish packages.\n\n## Example\n`GITHUB_TOKEN=ghp_` followed by 36 letters and digits.\n\n## Use instead\n`RUN --mount=type=secret,id=github_token`; revoke the leaked token.\n\n## References\n- GitHub docs, \"About authentication to GitHub\" (token prefixes).\n";

#[cfg(test)]
mod tests {
    use crate::secrets::rules::test_support::ids;

    #[test]
    fn finds_every_prefix() {
        for prefix in ["ghp", "gho", "ghs", "ghu", "ghr"] {
            let text = format!("token: {prefix}_R3alLooking0TokenQ8vX2mZ7kLp4Wn9Ts1Y\n");
            assert!(ids(&text).contains(&"SB3005"), "{text}");
        }
        let pat = format!(
            "github_pat_11AB{}",
            "Zq8kLm2vR9xT4pW7nC3bY6"
                .repeat(4)
                .get(..78)
                .unwrap_or_default()
        );
        assert_eq!(ids(&pat), ["SB3005"]);
        assert!(ids("ghp_short").is_empty());
        assert!(ids("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").is_empty());
    }
}
