//! JSON Web Tokens.

use base64::Engine as _;
use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::secrets::SecretRule;

/// JWTs whose header decodes to JSON naming an algorithm; the page is [`DOCS`].
pub(super) const RULE: SecretRule = SecretRule {
    info: RuleInfo {
        id: "SB3014",
        aliases: &[],
        name: "jwt",
        severity: Severity::Medium,
        summary: "JSON Web Token",
        docs: DOCS,
    },
    // `eyJ` is base64url of `{"`: every JWT header and payload starts with it.
    keywords: &["eyJ"],
    pattern: r"\b(?P<secret>eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})",
    before: 1,
    after: 8192,
    min_entropy: Some(4.0),
    keep: 6,
    fallback: false,
    validate: Some(header_is_json_with_alg),
};

/// The first part must decode (base64url, no padding) to a JSON object with `alg`: base64
/// blobs that merely start `eyJ` are not tokens.
fn header_is_json_with_alg(token: &[u8]) -> bool {
    let Some(header) = token.split(|&b| b == b'.').next() else {
        return false;
    };
    let Ok(json) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header) else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&json)
        .ok()
        .and_then(|v| v.get("alg").cloned())
        .is_some_and(|alg| {
            alg.as_str()
                .is_some_and(|a| !a.eq_ignore_ascii_case("none"))
        })
}

const DOCS: &str = "## What it does\nFinds JSON Web Tokens: three base64url parts whose header decodes to JSON with a signing algorithm (`alg` other than `none`).\n\n## Why it matters\nA signed token is a bearer credential until it expires, and tokens baked into images are usually long-lived service tokens.\n\n## Example\n`Authorization: Bearer eyJhbGciOi…`\n\n## Use instead\nFetch tokens at run time; revoke or rotate the signing key if the token does not expire.\n\n## References\n- RFC 7519, JSON Web Token.\n";

#[cfg(test)]
mod tests {
    use crate::secrets::rules::test_support::ids;

    #[test]
    fn finds_signed_tokens_not_the_documented_sample() {
        // Header {"alg":"HS256","typ":"JWT"}, payload {"sub":"svc-42","iat":1700000000}.
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtNDIiLCJpYXQiOjE3MDAwMDAwMDB9.Zq8kLm2vR9xT4pW7nC3bY6Jd5Hf1Gs0Ka9Lb8Mc7N";
        assert_eq!(ids(&format!("Bearer {token}")), ["SB3014"]);
        // jwt.io's sample token.
        assert!(ids("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c").is_empty());
        // `{"a":1}` is JSON without `alg`.
        assert!(ids("eyJhIjoxfQxxxxxxxxxx.eyJhIjoxfQyyyyyyyyyy.Zq8kLm2vR9xT4pW7nC3bY6").is_empty());
    }
}
