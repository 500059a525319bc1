//! Stripe live secret and restricted keys.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::secrets::SecretRule;

/// Stripe live keys (`sk_live_`, `rk_live_`); the page is [`DOCS`].
pub(super) const RULE: SecretRule = SecretRule {
    info: RuleInfo {
        id: "SB3009",
        aliases: &[],
        name: "stripe-live-key",
        severity: Severity::Critical,
        summary: "Stripe live secret key",
        docs: DOCS,
    },
    keywords: &["sk_live_", "rk_live_"],
    pattern: r"\b(?P<secret>[sr]k_live_[A-Za-z0-9]{20,247})\b",
    before: 1,
    after: 256,
    min_entropy: Some(3.5),
    keep: 8,
    fallback: false,
    validate: None,
};

const DOCS: &str = "## What it does\nFinds Stripe live-mode secret keys (`sk_live_`) and restricted keys (`rk_live_`). Test-mode keys (`sk_test_`) are not reported.\n\n## Why it matters\nA live secret key moves real money: charges, refunds, payouts.\n\n## Example\n`STRIPE_KEY=sk_live_` followed by 24 or more letters and digits.\n\n## Use instead\nInject the key at run time from a secret store; roll the leaked key in the dashboard.\n\n## References\n- Stripe docs, \"API keys\".\n";

#[cfg(test)]
mod tests {
    use crate::secrets::rules::test_support::ids;

    #[test]
    fn finds_live_keys_not_test_keys() {
        assert_eq!(ids("sk_live_51Hq8kLm2vR9xT4pW7nC3bY6Jd"), ["SB3009"]);
        assert_eq!(ids("rk_live_51Hq8kLm2vR9xT4pW7nC3bY6Jd"), ["SB3009"]);
        assert!(ids("sk_test_4eC39HqLyjWDarjtT1zdp7dc").is_empty());
    }
}
