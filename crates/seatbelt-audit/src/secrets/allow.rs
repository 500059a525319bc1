//! Allow-lists: values that are documentation examples or placeholders, and paths that hold
//! documentation and test fixtures. Both err towards silence: a secret scanner that cries wolf
//! on every README gets turned off.

/// Substrings (lower-case) that mark a value as a placeholder or documentation example:
/// AWS's documented `AKIAIOSFODNN7EXAMPLE`, `<password>`, `${VAR}`, `changeme`, `xxxx`…
const PLACEHOLDER_MARKERS: &[&str] = &[
    "example",
    "sample",
    "dummy",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "redacted",
    "your_",
    "your-",
    "yourpass",
    "yoursecret",
    "yourtoken",
    "password",
    "passwd",
    "secret",
    "xxxx",
    "****",
    "....",
    "<",
    ">",
    "${",
    "$(",
    "{{",
    "%s",
    "fake",
    "notreal",
    "not_real",
    "not-a-real",
    "insert",
    "replace",
    "0123456",
    "1234567",
    "abcdefg",
    "qwerty",
];

/// Exact values documentation uses as examples that carry no marker: the signature of the
/// sample token on jwt.io's debugger and RFC 7519's example.
const KNOWN_EXAMPLES: &[&str] = &[
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
];

/// Whether `value` is a placeholder or documentation example rather than a secret.
pub fn is_placeholder(value: &[u8]) -> bool {
    if value.is_empty() {
        return true;
    }
    let lower = value.to_ascii_lowercase();
    if matches!(lower.first(), Some(b'$' | b'%' | b'@')) {
        // `$VAR`, `%VAR%`, `@VAR@` (autoconf): references, not values.
        return true;
    }
    if lower.iter().all(|&b| b == lower[0]) {
        return true;
    }
    let contains = |needle: &[u8]| memchr::memmem::find(&lower, needle).is_some();
    PLACEHOLDER_MARKERS.iter().any(|m| contains(m.as_bytes()))
        || KNOWN_EXAMPLES
            .iter()
            .any(|e| memchr::memmem::find(value, e.as_bytes()).is_some())
}

/// Path components under which files are documentation or test fixtures.
const ALLOWED_COMPONENTS: &[&str] = &[
    "test",
    "tests",
    "testdata",
    "test-data",
    "test_data",
    "__tests__",
    "fixtures",
    "fixture",
    "example",
    "examples",
    "doc",
    "docs",
];

/// Trees of documentation a distribution installs.
const ALLOWED_PREFIXES: &[&str] = &[
    "usr/share/doc/",
    "usr/share/man/",
    "usr/share/info/",
    "usr/share/locale/",
    "usr/share/i18n/",
    "usr/share/zoneinfo/",
    "usr/share/mime/",
];

/// Extensions of files never scanned: documentation, and formats whose content is compressed
/// or binary (a regex over deflate output finds only noise).
const SKIPPED_EXTENSIONS: &[&str] = &[
    ".md", ".rst", ".html", ".htm", ".gz", ".xz", ".bz2", ".zst", ".zip", ".jar", ".whl", ".egg",
    ".png", ".jpg", ".jpeg", ".gif", ".ico", ".svg", ".woff", ".woff2", ".ttf", ".otf", ".pdf",
    ".so", ".a", ".o", ".pyc", ".pyo", ".mo", ".deb", ".rpm", ".tar", ".tgz", ".db", ".sqlite",
    ".wasm",
];

/// Whether a path (relative to the image root, `usr/share/doc/x`) is exempt from secret
/// scanning: documentation, test fixtures, binary formats.
pub fn is_allowed_path(path: &str) -> bool {
    if ALLOWED_PREFIXES.iter().any(|p| path.starts_with(p)) {
        return true;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    if let Some(dot) = name.rfind('.') {
        let ext = &name[dot..];
        if SKIPPED_EXTENSIONS
            .iter()
            .any(|e| ext.eq_ignore_ascii_case(e))
        {
            return true;
        }
        // Shared libraries carry a version after `.so` (`libc.so.6`).
        if name.contains(".so.") {
            return true;
        }
    }
    let mut components: Vec<&str> = path.split('/').collect();
    components.pop();
    components.iter().any(|c| ALLOWED_COMPONENTS.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documentation_examples_and_placeholders_are_allowed() {
        for value in [
            &b"AKIAIOSFODNN7EXAMPLE"[..],
            b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            b"changeme",
            b"<password>",
            b"${DB_PASSWORD}",
            b"$DB_PASSWORD",
            b"xxxxxxxxxxxxxxxx",
            b"zzzzzzzzzzzz",
            b"your_token_here",
            b"",
        ] {
            assert!(is_placeholder(value), "{}", String::from_utf8_lossy(value));
        }
        for value in [
            &b"ghp_R3alLooking0TokenQ8vX2mZ7kLp4Wn9Ts1Y"[..],
            b"Zq8$kLm2!vR9",
        ] {
            assert!(!is_placeholder(value), "{}", String::from_utf8_lossy(value));
        }
    }

    #[test]
    fn docs_fixtures_and_binary_formats_are_skipped() {
        for path in [
            "usr/share/doc/openssl/README",
            "usr/lib/python3/dist-packages/cryptography/tests/keys.py",
            "srv/app/docs/setup.txt",
            "usr/lib/x86_64-linux-gnu/libssl.so.3",
            "app/README.md",
            "app/static/logo.PNG",
        ] {
            assert!(is_allowed_path(path), "{path}");
        }
        for path in [
            "app/.env",
            "root/.ssh/id_rsa",
            "etc/app/config.yaml",
            "test",
            "docs.txt",
        ] {
            assert!(!is_allowed_path(path), "{path}");
        }
    }
}
