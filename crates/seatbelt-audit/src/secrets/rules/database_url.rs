//! Database and broker URLs with a password in them.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::secrets::SecretRule;

/// `postgres://user:password@host` and friends; the page is [`DOCS`].
pub(super) const RULE: SecretRule = SecretRule {
    info: RuleInfo {
        id: "SB3016",
        aliases: &[],
        name: "database-url-password",
        severity: Severity::High,
        summary: "Database URL with a password",
        docs: DOCS,
    },
    keywords: &[
        "postgres://",
        "postgresql://",
        "mysql://",
        "mariadb://",
        "mongodb://",
        "mongodb+srv://",
        "redis://",
        "rediss://",
        "amqp://",
        "amqps://",
    ],
    pattern: r#"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?)://[^\s:@/"'<>]{0,64}:(?P<secret>[^\s:@/"'<>]{3,128})@[A-Za-z0-9._\-\[\]]{1,255}"#,
    before: 16,
    after: 512,
    min_entropy: None,
    keep: 0,
    fallback: false,
    validate: None,
};

const DOCS: &str = "## What it does\nFinds connection URLs for PostgreSQL, MySQL/MariaDB, MongoDB, Redis and AMQP that carry a password (`scheme://user:password@host`).\n\n## Why it matters\nThe URL is the database's front door key, usually for an account that can read and write everything.\n\n## Example\n`DATABASE_URL=postgres://app:S3cr3t…@db.internal:5432/app`\n\n## Use instead\nRead the password from a mounted secret file or the environment at run time (`postgres://app@db/app` plus `PGPASSFILE`).\n\n## References\n- RFC 3986 section 3.2.1 (user information in URIs).\n";

#[cfg(test)]
mod tests {
    use crate::secrets::rules::test_support::ids;

    #[test]
    fn finds_urls_with_passwords_only() {
        for url in [
            "postgres://app:Zq8kLm2vR9x@db.internal:5432/app",
            "mysql://root:Zq8kLm2vR9x@127.0.0.1/db",
            "mongodb+srv://svc:Zq8kLm2vR9x@cluster0.mongodb.net/x",
            "redis://:Zq8kLm2vR9x@cache:6379/0",
            "amqp://guest:Zq8kLm2vR9x@rabbit/",
        ] {
            assert_eq!(ids(url), ["SB3016"], "{url}");
        }
        for url in [
            "postgres://app@db/app",
            "postgres://user:password@localhost/db",
            "postgres://user:${DB_PASSWORD}@db/app",
            "postgres://user:<password>@db/app",
            "redis://cache:6379/0",
        ] {
            assert!(ids(url).is_empty(), "{url}");
        }
    }
}
