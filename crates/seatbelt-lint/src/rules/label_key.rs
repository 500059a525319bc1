use super::util::labels;
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `LABEL` keys that break Docker's key format: keys start with a lower-case
    /// letter, end with a lower-case letter or digit, hold only lower-case letters, digits,
    /// `.` and `-`, never repeat a separator (`..`, `--`), and stay out of the namespaces
    /// Docker reserves (`com.docker.`, `io.docker.`, `org.dockerproject.`).
    ///
    /// ## Why it matters
    /// Tools that read labels (registries, scanners, `docker inspect --format`) expect
    /// reverse-DNS keys; `Version` and `version` are different labels, and keys in Docker's
    /// namespaces may be overwritten by Docker itself.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL Maintainer_Email="ops@example.com"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL com.example.maintainer-email="ops@example.com"
    /// ```
    ///
    /// ## References
    /// - hadolint DL3048
    /// - <https://docs.docker.com/engine/manage-resources/labels/#key-format-recommendations>
    LABEL_KEY {
        id: "SB1048",
        aliases: ["DL3048"],
        name: "label-key-invalid",
        severity: Negligible,
        summary: "Invalid label key",
        check: check,
    }
}

/// Namespaces Docker reserves for its own labels.
const RESERVED: [&str; 3] = ["com.docker.", "io.docker.", "org.dockerproject."];

/// Whether `key` follows Docker's label key recommendations.
pub(crate) fn valid_key(key: &str) -> bool {
    let starts = key.starts_with(|c: char| c.is_ascii_lowercase());
    let ends = key.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit());
    let chars = key
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-');
    starts
        && ends
        && chars
        && !key.contains("..")
        && !key.contains("--")
        && !RESERVED.iter().any(|r| key.starts_with(r))
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (located, key, _) in labels(model) {
        if !valid_key(&key) {
            sink.report_word(
                located,
                &key,
                format!("Invalid label key `{key}`: use lower-case reverse-DNS keys (`com.example.name`)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::valid_key;

    #[test]
    fn keys_follow_dockers_format() {
        for good in [
            "maintainer",
            "org.opencontainers.image.source",
            "com.example.a-b1",
            "a.-b",
        ] {
            assert!(valid_key(good), "{good}");
        }
        for bad in [
            "",
            "Version",
            "a_b",
            "a-",
            ".a",
            "9a",
            "a..b",
            "a--b",
            "com.docker.x",
            "io.docker.y",
            "org.dockerproject.z",
            "a b",
            "a$b",
        ] {
            assert!(!valid_key(bad), "{bad}");
        }
    }
}
