//! Google Cloud service-account key files (JSON).

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::secrets::SecretRule;

/// GCP service-account JSON keys; the page is [`DOCS`].
pub(super) const RULE: SecretRule = SecretRule {
    info: RuleInfo {
        id: "SB3003",
        aliases: &[],
        name: "gcp-service-account-key",
        severity: Severity::Critical,
        summary: "Google Cloud service-account key",
        docs: DOCS,
    },
    keywords: &["service_account"],
    // The key file's `private_key` holds a PEM with escaped newlines; the secret shown is its
    // first line of base64.
    pattern: r#"(?s)"type"\s*:\s*"service_account".{0,4096}?"private_key"\s*:\s*"-----BEGIN PRIVATE KEY-----\\n(?P<secret>[A-Za-z0-9+/=]{40,})"#,
    before: 64,
    after: 8192,
    min_entropy: Some(4.0),
    keep: 0,
    fallback: false,
    validate: None,
};

const DOCS: &str = "## What it does\nFinds Google Cloud service-account key files: JSON with `\"type\": \"service_account\"` and a `private_key` PEM.\n\n## Why it matters\nThe key authenticates as the service account from anywhere, with all its IAM roles, until someone deletes the key.\n\n## Example\nA `key.json` downloaded from the console and `COPY`'d into the image.\n\n## Use instead\nWorkload identity (GKE, Cloud Run) or short-lived tokens; build-time secrets through `RUN --mount=type=secret`. Delete the leaked key in IAM.\n\n## References\n- Google Cloud IAM, \"Create and delete service account keys\" (key file format).\n";

#[cfg(test)]
mod tests {
    use crate::secrets::rules::test_support::ids;

    #[test]
    fn finds_key_files() {
        let key = r#"{
  "type": "service_account",
  "project_id": "demo-1",
  "private_key_id": "5c8b2a91e0f4d7c6b3a29180f7e6d5c4b3a29180",
  "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7q9Zk3\n-----END PRIVATE KEY-----\n",
  "client_email": "svc@demo-1.iam.gserviceaccount.com"
}"#;
        assert_eq!(ids(key), ["SB3003"]);
        assert!(ids(r#"{"type": "service_account", "private_key": ""}"#).is_empty());
    }
}
