//! Private keys in PEM / armoured form.

use seatbelt_findings::RuleInfo;
use seatbelt_types::Severity;

use crate::secrets::SecretRule;

/// PEM private keys (PKCS#1 RSA, EC, DSA, OpenSSH, PKCS#8, encrypted PKCS#8) and PGP private
/// key blocks; the page is [`DOCS`].
pub(super) const RULE: SecretRule = SecretRule {
    info: RuleInfo {
        id: "SB3015",
        aliases: &[],
        name: "private-key",
        severity: Severity::Critical,
        summary: "Private key",
        docs: DOCS,
    },
    keywords: &["PRIVATE KEY-----", "PRIVATE KEY BLOCK-----"],
    // A header, at least 64 characters of body (armour headers such as `Proc-Type:` included),
    // and the matching kind of footer; a header alone (documentation, parsers) is not a key.
    pattern: r"-----BEGIN (?P<kind>(?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----\r?\n(?P<secret>[A-Za-z0-9+/=:,.\- \t\r\n]{64,16384}?)-----END ",
    before: 32,
    after: 16 * 1024,
    min_entropy: Some(4.0),
    keep: 0,
    fallback: false,
    validate: None,
};

const DOCS: &str = "## What it does\nFinds private keys: PEM blocks `-----BEGIN … PRIVATE KEY-----` (RSA, DSA, EC, OpenSSH, PKCS#8, encrypted PKCS#8) and PGP private key blocks, with a body and an end line.\n\n## Why it matters\nA private key is the identity it belongs to: TLS servers, SSH access, package signing, git commits.\n\n## Example\nAn `id_rsa` copied into the image to clone a private repository, deleted in a later layer — still in every pull.\n\n## Use instead\n`RUN --mount=type=ssh` for cloning; `RUN --mount=type=secret` for keys needed at build time; mount keys at run time. Replace the leaked key.\n\n## References\n- RFC 7468, textual encodings of PKIX, PKCS and CMS structures.\n- RFC 4880 section 6.2, OpenPGP ASCII armor.\n";

#[cfg(test)]
mod tests {
    use crate::secrets::rules::test_support::ids;

    fn body() -> String {
        "MIIEowIBAAKCAQEAq8kLm2vR9xT4pW7nC3bY6Jd5Hf1Gs0Ka9Lb8Mc7Nd6Oe5Pf4Qg3\nRh2Si1Tj0Uk9Vl8Wm7Xn6Yo5Zp4Aq3Br2Cs1Dt0Eu9Fv8Gw7Hx6Iy5Jz4Ka3Lb2Mc1\n".to_string()
    }

    #[test]
    fn finds_every_kind() {
        for kind in ["RSA ", "EC ", "OPENSSH ", "", "ENCRYPTED ", "DSA "] {
            let pem = format!(
                "-----BEGIN {kind}PRIVATE KEY-----\n{}-----END {kind}PRIVATE KEY-----\n",
                body()
            );
            assert_eq!(ids(&pem), ["SB3015"], "{kind}");
        }
        let pgp = format!("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{}=Ab3x\n-----END PGP PRIVATE KEY BLOCK-----\n", body());
        assert_eq!(ids(&pgp), ["SB3015"]);
    }

    #[test]
    fn headers_without_bodies_and_public_keys_are_not_keys() {
        assert!(ids("if line == '-----BEGIN RSA PRIVATE KEY-----':\n    pass\n-----END RSA PRIVATE KEY-----").is_empty());
        let public = format!(
            "-----BEGIN PUBLIC KEY-----\n{}-----END PUBLIC KEY-----\n",
            body()
        );
        assert!(ids(&public).is_empty());
        assert!(
            ids("-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----").is_empty()
        );
    }
}
