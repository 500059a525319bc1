//! Whether a setting's name says it holds a secret (env vars, labels, build args).

/// Name fragments (upper case) that mark a secret.
const SECRET_NAME_PARTS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "CREDENTIAL",
    "AUTH_KEY",
];

/// Suffixes that make the value a reference to a secret (a path, a file) rather than the secret:
/// `POSTGRES_PASSWORD_FILE=/run/secrets/db` is the recommended practice.
const REFERENCE_SUFFIXES: &[&str] = &[
    "_FILE", "_PATH", "_DIR", "_URL", "_URI", "_NAME", "_ID", "_LENGTH", "_TYPE",
];

/// Whether `name` (an env var, label or build-arg name) says its value is a secret.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase().replace(['.', '-'], "_");
    SECRET_NAME_PARTS.iter().any(|p| upper.contains(p))
        && !REFERENCE_SUFFIXES.iter().any(|s| upper.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_but_not_references() {
        for name in [
            "DB_PASSWORD",
            "github-token",
            "AWS_SECRET_ACCESS_KEY",
            "com.example.api-key",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in ["PASSWORD_FILE", "PATH", "GPG_KEY", "TOKEN_URL", "LANG"] {
            assert!(!is_secret_name(name), "{name}");
        }
    }
}
