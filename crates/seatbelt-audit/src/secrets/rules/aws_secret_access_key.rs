//! AWS secret access keys, recognised by the name they are assigned to.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::secrets::SecretRule;

/// AWS secret access keys; the page is [`DOCS`].
pub(super) const RULE: SecretRule = SecretRule {
    info: RuleInfo {
        id: "SB3002",
        aliases: &[],
        name: "aws-secret-access-key",
        severity: Severity::Critical,
        summary: "AWS secret access key",
        docs: DOCS,
    },
    keywords: &[
        "aws_secret_access_key",
        "AWS_SECRET_ACCESS_KEY",
        "SecretAccessKey",
        "secretAccessKey",
        "aws_secret_key",
        "AWS_SECRET_KEY",
    ],
    pattern: r#"(?i)(?:(?:aws_?)?secret_?access_?key|aws_?secret_?key)["']?\s*(?:[:=]|=>)\s*["']?(?P<secret>[A-Za-z0-9/+]{40})(?:["'\s,;]|$)"#,
    before: 4,
    after: 64,
    min_entropy: Some(4.0),
    keep: 0,
    fallback: false,
    validate: None,
};

const DOCS: &str = "## What it does\nFinds AWS secret access keys: 40 base64 characters assigned to `aws_secret_access_key`, `AWS_SECRET_ACCESS_KEY` or `SecretAccessKey` (credentials files, env files, JSON).\n\n## Why it matters\nWith its access key id, the secret key signs any API call the IAM user may make. Every `docker pull` of the image hands it out, even when a later layer deleted the file.\n\n## Example\n`aws_secret_access_key = ` followed by 40 random base64 characters.\n\n## Use instead\nIAM roles for the workload; `RUN --mount=type=secret,id=aws` at build time. Rotate the leaked key.\n\n## References\n- AWS IAM user guide, \"Manage access keys for IAM users\".\n";

#[cfg(test)]
mod tests {
    use crate::secrets::rules::test_support::ids;

    #[test]
    fn finds_assigned_secret_keys_only() {
        assert_eq!(
            ids("aws_secret_access_key = q8Vn3Kz1Lw9Rt7Yp2Xb5Jm4Hc6Gd0Sf8Ae1Uo3Ti\n"),
            ["SB3002"]
        );
        assert_eq!(
            ids(r#"{"SecretAccessKey": "q8Vn3Kz1Lw9Rt7Yp2Xb5Jm4Hc6Gd0Sf8Ae1Uo3Ti"}"#),
            ["SB3002"]
        );
        // AWS's documented example key.
        assert!(ids("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").is_empty());
        assert!(
            ids("q8Vn3Kz1Lw9Rt7Yp2Xb5Jm4Hc6Gd0Sf8Ae1Uo3Ti").is_empty(),
            "no name, no finding"
        );
    }
}
