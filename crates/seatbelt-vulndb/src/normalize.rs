//! Package-name normalisation shared by import and lookup, so both sides agree on one spelling.

/// The name the DB stores for `name` in `ecosystem` (an OSV ecosystem, with or without release).
///
/// PyPI names compare per PEP 503 (lower case, runs of `-`, `_`, `.` as one `-`); every other
/// ecosystem's names are case-sensitive and kept as given (Go module paths, Maven
/// `group:artifact`, Debian and Alpine source package names).
pub fn normalize_package(ecosystem: &str, name: &str) -> String {
    let base = ecosystem.split(':').next().unwrap_or(ecosystem);
    if base.eq_ignore_ascii_case("PyPI") {
        let mut out = String::with_capacity(name.len());
        let mut in_separator = false;
        for c in name.trim().chars() {
            if matches!(c, '-' | '_' | '.') {
                if !in_separator {
                    out.push('-');
                }
                in_separator = true;
            } else {
                out.extend(c.to_lowercase());
                in_separator = false;
            }
        }
        out
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pypi_names_follow_pep_503() {
        assert_eq!(normalize_package("PyPI", "Friendly-Bard"), "friendly-bard");
        assert_eq!(normalize_package("PyPI", "FRIENDLY__bard"), "friendly-bard");
        assert_eq!(
            normalize_package("PyPI", "friendly.-_bard"),
            "friendly-bard"
        );
        assert_eq!(
            normalize_package("Go", "github.com/Foo/Bar"),
            "github.com/Foo/Bar"
        );
        assert_eq!(normalize_package("Debian:12", "OpenSSL"), "OpenSSL");
    }
}
