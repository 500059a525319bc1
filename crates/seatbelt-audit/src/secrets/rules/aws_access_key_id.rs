//! AWS access key ids.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::secrets::SecretRule;

/// AWS access key ids (`AKIA…`, `ASIA…`); the page is [`DOCS`].
pub(super) const RULE: SecretRule = SecretRule {
    info: RuleInfo {
        id: "SB3001",
        aliases: &[],
        name: "aws-access-key-id",
        severity: Severity::High,
        summary: "AWS access key id",
        docs: DOCS,
    },
    keywords: &["AKIA", "ASIA", "ABIA", "ACCA"],
    pattern: r"\b(?P<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b",
    before: 1,
    after: 20,
    min_entropy: Some(3.0),
    keep: 4,
    fallback: false,
    validate: None,
};

const DOCS: &str = "## What it does\nFinds AWS access key ids: 20 characters starting `AKIA` (long-term user keys), `ASIA` (temporary STS keys), `ABIA` or `ACCA`.\n\n## Why it matters\nAn access key id is half of a credential pair, and the secret key is rarely far away; the id alone also names the account to attack.\n\n## Example\n`aws_access_key_id = AKIA` followed by 16 upper-case letters and digits.\n\n## Use instead\nGive the workload an IAM role (instance profile, IRSA, ECS task role); pass build-time credentials with `RUN --mount=type=secret`. Deactivate the leaked key.\n\n## References\n- AWS IAM user guide, \"Manage access keys for IAM users\".\n";

#[cfg(test)]
mod tests {
    use crate::secrets::rules::test_support::ids;

    #[test]
    fn finds_key_ids_but_not_the_documented_example() {
        assert_eq!(ids("aws_access_key_id=AKIAZ7Q2LJX4MRT5PW3N\n"), ["SB3001"]);
        assert_eq!(ids("ASIAQ4DK7ZL2PXM3TWRB"), ["SB3001"]);
        assert!(ids("aws_access_key_id=AKIAIOSFODNN7EXAMPLE").is_empty());
        assert!(
            ids("XAKIAZ7Q2LJX4MRT5PW3N").is_empty(),
            "inside a longer token"
        );
        assert!(ids("AKIAAAAAAAAAAAAAAAAA").is_empty(), "no entropy");
    }
}
