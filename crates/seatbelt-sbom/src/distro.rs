//! The OS release, from `os-release` (<https://www.freedesktop.org/software/systemd/man/os-release.html>)
//! or, where an image has none (old or minimal images), `etc/alpine-release` / `etc/debian_version`.

use seatbelt_types::Distro;

/// Paths the distro detector reads, best first.
pub(crate) const OS_RELEASE_PATHS: &[&str] = &["etc/os-release", "usr/lib/os-release"];
/// Fallbacks for images without os-release.
pub(crate) const ALPINE_RELEASE: &str = "etc/alpine-release";
/// Fallback for old Debian images.
pub(crate) const DEBIAN_VERSION: &str = "etc/debian_version";

/// Parses os-release text. Values may be unquoted, or in single or double quotes (with `\`
/// escapes in double quotes); comments and malformed lines are ignored, as the spec says.
/// Returns `None` without an `ID`.
pub fn parse_os_release(text: &str) -> Option<Distro> {
    let mut distro = Distro::default();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, raw)) = line.split_once('=') else {
            continue;
        };
        let value = unquote(raw.trim());
        match key.trim() {
            "ID" => distro.id = value.to_ascii_lowercase(),
            "VERSION_ID" => distro.version_id = Some(value),
            "VERSION_CODENAME" => distro.codename = Some(value),
            "PRETTY_NAME" => distro.pretty_name = Some(value),
            "ID_LIKE" => distro.id_like = value.split_whitespace().map(str::to_string).collect(),
            _ => {}
        }
    }
    (!distro.id.is_empty()).then_some(distro)
}

fn unquote(raw: &str) -> String {
    if let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            } else {
                out.push(c);
            }
        }
        out
    } else if let Some(inner) = raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        inner.to_string()
    } else {
        raw.to_string()
    }
}

/// A distro from `etc/alpine-release` (`3.19.1`).
pub(crate) fn from_alpine_release(text: &str) -> Option<Distro> {
    let version = text.lines().next()?.trim();
    (!version.is_empty()).then(|| Distro {
        id: "alpine".to_string(),
        version_id: Some(version.to_string()),
        pretty_name: Some(format!("Alpine Linux v{version}")),
        ..Distro::default()
    })
}

/// A distro from `etc/debian_version` (`12.7`, or `bookworm/sid` on testing).
pub(crate) fn from_debian_version(text: &str) -> Option<Distro> {
    let version = text.lines().next()?.trim();
    let major = version.split('.').next()?;
    if major.is_empty() || !major.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(Distro {
        id: "debian".to_string(),
        version_id: Some(major.to_string()),
        pretty_name: Some(format!("Debian GNU/Linux {major}")),
        ..Distro::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_12_os_release() {
        let text = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL=\"https://www.debian.org/\"\n";
        let d = parse_os_release(text).unwrap();
        assert_eq!(d.id, "debian");
        assert_eq!(d.version_id.as_deref(), Some("12"));
        assert_eq!(d.codename.as_deref(), Some("bookworm"));
        assert_eq!(
            d.pretty_name.as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
    }

    #[test]
    fn quoting_comments_and_garbage() {
        let d = parse_os_release(
            "# c\nID='ubuntu'\nID_LIKE=\"debian rhel\"\nnonsense\nVERSION_ID=\"a\\\"b\"\n",
        )
        .unwrap();
        assert_eq!(d.id, "ubuntu");
        assert_eq!(d.id_like, vec!["debian", "rhel"]);
        assert_eq!(d.version_id.as_deref(), Some("a\"b"));
        assert!(parse_os_release("NAME=x\n").is_none());
        assert!(parse_os_release("\u{0}\u{1}=\n").is_none());
    }

    #[test]
    fn fallbacks() {
        assert_eq!(
            from_alpine_release("3.19.1\n")
                .unwrap()
                .version_id
                .as_deref(),
            Some("3.19.1")
        );
        assert_eq!(
            from_debian_version("12.7\n").unwrap().version_id.as_deref(),
            Some("12")
        );
        assert!(from_debian_version("bookworm/sid\n").is_none());
        assert!(from_alpine_release("").is_none());
    }
}
