//! PyPI upload tokens.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::secrets::SecretRule;

/// PyPI API tokens (`pypi-AgEIcHlwaS5vcmc…`); the page is [`DOCS`].
pub(super) const RULE: SecretRule = SecretRule {
    info: RuleInfo {
        id: "SB3013",
        aliases: &[],
        name: "pypi-token",
        severity: Severity::Critical,
        summary: "PyPI API token",
        docs: DOCS,
    },
    // PyPI tokens are macaroons whose serialised form starts with the base64 of the location
    // `pypi.org` (or `test.pypi.org`).
    keywords: &["pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"],
    pattern: r"\b(?P<secret>pypi-Ag(?:EIcHlwaS5vcmc|ENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_\-]{50,})",
    before: 1,
    after: 512,
    min_entropy: Some(4.0),
    keep: 5,
    fallback: false,
    validate: None,
};

const DOCS: &str = "## What it does\nFinds PyPI (and TestPyPI) API tokens, which start `pypi-AgEIcHlwaS5vcmc`.\n\n## Why it matters\nThe token uploads releases of the owner's projects: a supply-chain attack.\n\n## Example\n`password = pypi-AgEIcHlwaS5vcmc…` in a `.pypirc`.\n\n## Use instead\nTrusted publishing from CI; build secrets through `RUN --mount=type=secret`. Remove the token on pypi.org.\n\n## References\n- PyPI help, \"API tokens\".\n";

#[cfg(test)]
mod tests {
    use crate::secrets::rules::test_support::ids;

    #[test]
    fn finds_pypi_tokens() {
        let token = format!(
            "pypi-AgEIcHlwaS5vcmcCJ{}",
            "Zq8kLm2vR9xT4pW7nC3bY6Jd5Hf1Gs0K".repeat(3)
        );
        assert_eq!(ids(&format!("password = {token}\n")), ["SB3013"]);
        assert!(ids("pypi-AgEIcHlwaS5vcmc").is_empty());
    }
}
