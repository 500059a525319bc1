//! Azure storage account keys in connection strings.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::secrets::SecretRule;

/// Azure storage account keys; the page is [`DOCS`].
pub(super) const RULE: SecretRule = SecretRule {
    info: RuleInfo {
        id: "SB3004",
        aliases: &[],
        name: "azure-storage-key",
        severity: Severity::Critical,
        summary: "Azure storage account key",
        docs: DOCS,
    },
    keywords: &["AccountKey=", "accountkey=", "ACCOUNTKEY="],
    // Storage keys are 64 random bytes: 86 base64 characters and `==`.
    pattern: r"(?i)AccountKey=(?P<secret>[A-Za-z0-9+/]{86}==)",
    before: 0,
    after: 100,
    min_entropy: Some(4.5),
    keep: 0,
    fallback: false,
    validate: None,
};

const DOCS: &str = "## What it does\nFinds Azure storage account keys (`AccountKey=` and 88 base64 characters) in connection strings.\n\n## Why it matters\nAn account key grants full access to every blob, queue, table and file share of the account.\n\n## Example\n`DefaultEndpointsProtocol=https;AccountName=demo;AccountKey=…==;EndpointSuffix=core.windows.net`\n\n## Use instead\nManaged identities, or SAS tokens with short expiry; rotate the leaked key.\n\n## References\n- Azure Storage, \"Manage storage account access keys\".\n";

#[cfg(test)]
mod tests {
    use crate::secrets::rules::test_support::ids;

    #[test]
    fn finds_connection_string_keys() {
        let key = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6QUJDREVGR0hJSktMTU5PUFFSU1RV";
        let key = &key[..86];
        let text = format!("DefaultEndpointsProtocol=https;AccountName=demo;AccountKey={key}==;EndpointSuffix=core.windows.net");
        assert_eq!(ids(&text), ["SB3004"]);
        assert!(ids("AccountKey=tooShort==").is_empty());
    }
}
