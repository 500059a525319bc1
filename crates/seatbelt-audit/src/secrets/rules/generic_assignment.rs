//! Generic `password = …` / `secret: …` / `token=…` assignments with a random-looking value.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::secrets::SecretRule;

/// Secrets assigned to secret-sounding names; the page is [`DOCS`]. Reported only where no
/// specific rule matched on the same line.
pub(super) const RULE: SecretRule = SecretRule {
    info: RuleInfo {
        id: "SB3017",
        aliases: &[],
        name: "generic-secret-assignment",
        severity: Severity::Medium,
        summary: "Secret assigned to a password, secret or token setting",
        docs: DOCS,
    },
    keywords: &[
        "password", "Password", "PASSWORD", "passwd", "PASSWD", "secret", "Secret", "SECRET",
        "token", "Token", "TOKEN", "api_key", "apikey", "apiKey", "API_KEY", "APIKEY",
    ],
    // Either a quoted value (`password = "…"`, `"secret": "…"`) or an unquoted value filling
    // the rest of a config or env line (`DB_PASSWORD=…`, `token: …`). Values with `$`, `{`,
    // `(` or spaces are references or code, not secrets.
    pattern: r#"(?im)(?:(?:password|passwd|secret|token|api_?key)["']?\s*(?:[:=]|:=|=>)\s*["'](?P<secret>[^"'\s$<>{}()\\]{8,128})["']|^[ \t]*(?:export[ \t]+)?[A-Za-z0-9_.\-]*(?:password|passwd|secret|token|api_?key)[A-Za-z0-9_.\-]*[ \t]*[:=][ \t]*(?P<bare>[^"'\s$<>{}()\\#]{8,128})[ \t]*\r?$)"#,
    before: 128,
    after: 160,
    min_entropy: Some(3.0),
    keep: 2,
    fallback: true,
    validate: Some(looks_random),
};

/// At least three of lower case, upper case, digits and symbols (which leaves out UUIDs, hex
/// digests and snake_case words), and not a dotted identifier (`self.password`,
/// `settings.SECRET_KEY`).
fn looks_random(value: &[u8]) -> bool {
    let classes = [
        value.iter().any(u8::is_ascii_lowercase),
        value.iter().any(u8::is_ascii_uppercase),
        value.iter().any(u8::is_ascii_digit),
        // `_`, `-` and `.` join words in identifiers (`pbkdf2_sha256`), so they do not count.
        value
            .iter()
            .any(|b| b.is_ascii_punctuation() && !matches!(b, b'_' | b'-' | b'.')),
    ];
    if classes.iter().filter(|&&c| c).count() < 3 {
        return false;
    }
    let identifier = |part: &[u8]| {
        part.first()
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
            && part.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
    };
    if value.contains(&b'.') && value.split(|&b| b == b'.').all(identifier) {
        return false;
    }
    true
}

const DOCS: &str = "## What it does\nFinds values assigned to settings named like `password`, `secret`, `token` or `api_key` (quoted in code and JSON, or unquoted filling the rest of a config or env line) that look random: at least 8 characters, three kinds of characters, Shannon entropy of 3 bits per character or more, and no placeholder markers (`changeme`, `<…>`, `${…}`, `example`).\n\n## Why it matters\nMost leaked credentials have no recognisable prefix: database passwords, internal API keys, session secrets.\n\n## Example\n`DB_PASSWORD=Zq8kLm2vR9x!` in an `.env` file copied into the image.\n\n## Use instead\nRead secrets at run time from the environment or a mounted file; at build time use `RUN --mount=type=secret`.\n\n## References\n- OWASP Secrets Management Cheat Sheet.\n";

#[cfg(test)]
mod tests {
    use crate::secrets::rules::test_support::ids;

    #[test]
    fn finds_random_values_assigned_to_secret_names() {
        assert_eq!(ids("DB_PASSWORD=Zq8kLm2vR9x!\n"), ["SB3017"]);
        assert_eq!(ids("  secret_key: Zq8kLm2vR9x7\n"), ["SB3017"]);
        assert_eq!(ids(r#"config = {"api_key": "Zq8k-Lm2v-R9xT"}"#), ["SB3017"]);
        assert_eq!(ids("export GITHUB_TOKEN=Zq8kLm2vR9xT4pW\n"), ["SB3017"]);
    }

    #[test]
    fn code_words_placeholders_and_references_are_not_secrets() {
        for text in [
            "password = self.password\n",
            "password=changeme\n",
            "DB_PASSWORD=${DB_PASSWORD}\n",
            "token = tokenize(line)\n",
            "SECRET_KEY = settings.SECRET_KEY\n",
            "password: \"<your password here>\"\n",
            "password = 'hunter'\n",
            "token_type: bearer_token\n",
            "secret_id: 123e4567-e89b-12d3-a456-426614174000\n",
            "PASSWORD_HASH_ALGORITHM=pbkdf2_sha256\n",
        ] {
            assert!(ids(text).is_empty(), "{text}");
        }
    }
}
