//! What to look a package up by: OSV ecosystem (with the distro release for OS packages),
//! the name the advisory databases use, and the version to compare.

use seatbelt_types::{Distro, Ecosystem, Package};

use crate::report::MatchKey;

/// Why a package is not looked up (reported as a count, never fatal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// An OS package with no known distro release to pick advisories by.
    NoRelease(&'static str),
    /// A version no advisory can be compared with (`devel` Go toolchains).
    Unversioned,
}

/// The lookup key of `package` in an image running `distro`.
///
/// OS packages are keyed by their **source** package and **source version**: Debian and Alpine
/// publish fixes per source package and judge their own backports, so a binary package rebuilt
/// from a patched source is never flagged by upstream version ranges.
pub fn match_key(package: &Package, distro: Option<&Distro>) -> Result<MatchKey, Skip> {
    let (ecosystem, name, version) = match package.ecosystem {
        Ecosystem::Deb => {
            let ecosystem =
                deb_release(package, distro).ok_or(Skip::NoRelease("Debian or Ubuntu"))?;
            let (name, version) = source_or_binary(package);
            (ecosystem, name, version)
        }
        Ecosystem::Apk => {
            let ecosystem = apk_release(distro).ok_or(Skip::NoRelease("Alpine or Wolfi"))?;
            let (name, version) = source_or_binary(package);
            (ecosystem, name, version)
        }
        Ecosystem::Rpm => {
            let ecosystem =
                rpm_release(distro).ok_or(Skip::NoRelease("AlmaLinux or Rocky Linux"))?;
            (ecosystem, package.name.clone(), package.version.clone())
        }
        Ecosystem::Pypi => (
            "PyPI".to_string(),
            pep503(&package.name),
            package.version.clone(),
        ),
        Ecosystem::Npm => (
            "npm".to_string(),
            with_namespace(package, "/"),
            package.version.clone(),
        ),
        Ecosystem::Cargo => (
            "crates.io".to_string(),
            package.name.clone(),
            package.version.clone(),
        ),
        Ecosystem::Go => {
            // The Go vulnerability database writes versions without the `v` prefix; stdlib's
            // version is the toolchain's (`1.21.5`, from `go1.21.5`), recorded by the cataloger.
            if package.version.starts_with("devel") || package.version.is_empty() {
                return Err(Skip::Unversioned);
            }
            let version = package
                .version
                .strip_prefix('v')
                .unwrap_or(&package.version);
            ("Go".to_string(), package.name.clone(), version.to_string())
        }
        Ecosystem::Maven => (
            "Maven".to_string(),
            with_namespace(package, ":"),
            package.version.clone(),
        ),
        Ecosystem::Gem => (
            "RubyGems".to_string(),
            package.name.clone(),
            package.version.clone(),
        ),
        Ecosystem::Composer => (
            "Packagist".to_string(),
            with_namespace(package, "/"),
            package.version.clone(),
        ),
        Ecosystem::Nuget => (
            "NuGet".to_string(),
            package.name.clone(),
            package.version.clone(),
        ),
    };
    Ok(MatchKey {
        ecosystem,
        name,
        version,
    })
}

fn source_or_binary(package: &Package) -> (String, String) {
    match &package.source {
        Some(source) if !source.name.is_empty() && !source.version.is_empty() => {
            (source.name.clone(), source.version.clone())
        }
        Some(source) if !source.name.is_empty() => (source.name.clone(), package.version.clone()),
        _ => (package.name.clone(), package.version.clone()),
    }
}

/// `group:artifact`, `@scope/name`, `vendor/name`: from the purl's namespace when there is one.
fn with_namespace(package: &Package, separator: &str) -> String {
    match &package.purl.namespace {
        Some(ns) if !package.name.contains(separator) => {
            format!("{ns}{separator}{}", package.purl.name)
        }
        _ => package.name.clone(),
    }
}

/// PEP 503: lowercase, runs of `-`, `_`, `.` become one `-`.
pub fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            pending = true;
        } else {
            if pending && !out.is_empty() {
                out.push('-');
            }
            pending = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

fn major(version: &str) -> &str {
    version.split('.').next().unwrap_or(version)
}

/// `Debian:12` from os-release `VERSION_ID`, else from the purl's `distro=debian-12` qualifier
/// (SBOM files without a distro section); `Ubuntu:22.04` keeps the full version.
fn deb_release(package: &Package, distro: Option<&Distro>) -> Option<String> {
    if let Some(d) = distro {
        if let Some(version) = d.version_id.as_deref().filter(|v| !v.is_empty()) {
            match d.id.as_str() {
                "debian" => return Some(format!("Debian:{}", major(version))),
                "ubuntu" => return Some(format!("Ubuntu:{version}")),
                _ => {}
            }
        }
    }
    let qualifier = package.purl.qualifiers.get("distro")?;
    if let Some(v) = qualifier.strip_prefix("debian-") {
        return Some(format!("Debian:{}", major(v)));
    }
    qualifier
        .strip_prefix("ubuntu-")
        .map(|v| format!("Ubuntu:{v}"))
}

/// `Alpine:v3.19` (major.minor), or `Wolfi` (rolling).
fn apk_release(distro: Option<&Distro>) -> Option<String> {
    let d = distro?;
    match d.id.as_str() {
        "alpine" => {
            let version = d.version_id.as_deref()?;
            let mut parts = version.split('.');
            let (Some(a), Some(b)) = (parts.next(), parts.next()) else {
                return None;
            };
            Some(format!("Alpine:v{a}.{b}"))
        }
        "wolfi" => Some("Wolfi".to_string()),
        _ => None,
    }
}

fn rpm_release(distro: Option<&Distro>) -> Option<String> {
    let d = distro?;
    let version = major(d.version_id.as_deref()?);
    match d.id.as_str() {
        "almalinux" => Some(format!("AlmaLinux:{version}")),
        "rocky" => Some(format!("Rocky Linux:{version}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use seatbelt_types::{Purl, SourcePackage};

    fn package(ecosystem: Ecosystem, purl: Purl, name: &str, version: &str) -> Package {
        Package {
            id: String::new(),
            name: name.into(),
            version: version.into(),
            ecosystem,
            purl,
            arch: None,
            source: None,
            licenses: vec![],
            locations: vec![],
            files: vec![],
            dependencies: vec![],
            cpes: vec![],
            cataloger: "test".into(),
            metadata: Default::default(),
        }
    }

    fn distro(id: &str, version: &str) -> Distro {
        Distro {
            id: id.into(),
            version_id: Some(version.into()),
            ..Distro::default()
        }
    }

    fn key(e: &str, n: &str, v: &str) -> MatchKey {
        MatchKey {
            ecosystem: e.into(),
            name: n.into(),
            version: v.into(),
        }
    }

    #[test]
    fn os_packages_use_source_name_and_version() {
        // libssl3 from source openssl; a binNMU gives the binary a `+b1` the source lacks.
        let mut libssl = package(
            Ecosystem::Deb,
            Purl::new(
                "deb",
                Some("debian"),
                "libssl3",
                Some("3.0.11-1~deb12u2+b1"),
            ),
            "libssl3",
            "3.0.11-1~deb12u2+b1",
        );
        libssl.source = Some(SourcePackage {
            name: "openssl".into(),
            version: "3.0.11-1~deb12u2".into(),
        });
        assert_eq!(
            match_key(&libssl, Some(&distro("debian", "12"))),
            Ok(key("Debian:12", "openssl", "3.0.11-1~deb12u2"))
        );
        assert_eq!(
            match_key(&libssl, Some(&distro("ubuntu", "22.04"))),
            Ok(key("Ubuntu:22.04", "openssl", "3.0.11-1~deb12u2"))
        );
        // No distro section (an SBOM file): the purl's distro qualifier decides.
        let tagged = Package {
            purl: libssl.purl.clone().with_qualifier("distro", "debian-12.4"),
            ..libssl.clone()
        };
        assert_eq!(
            match_key(&tagged, None).map(|k| k.ecosystem),
            Ok("Debian:12".to_string())
        );
        assert_eq!(
            match_key(&libssl, None),
            Err(Skip::NoRelease("Debian or Ubuntu"))
        );
        let mut busybox = package(
            Ecosystem::Apk,
            Purl::new("apk", Some("alpine"), "ssl_client", Some("1.36.1-r15")),
            "ssl_client",
            "1.36.1-r15",
        );
        busybox.source = Some(SourcePackage {
            name: "busybox".into(),
            version: String::new(),
        });
        assert_eq!(
            match_key(&busybox, Some(&distro("alpine", "3.19.1"))),
            Ok(key("Alpine:v3.19", "busybox", "1.36.1-r15"))
        );
    }

    #[test]
    fn language_packages_use_ecosystem_names() {
        let py = package(
            Ecosystem::Pypi,
            Purl::new("pypi", None, "PyYAML", Some("5.3")),
            "PyYAML",
            "5.3",
        );
        assert_eq!(match_key(&py, None), Ok(key("PyPI", "pyyaml", "5.3")));
        assert_eq!(pep503("zope.interface__x"), "zope-interface-x");
        let maven = package(
            Ecosystem::Maven,
            Purl::new(
                "maven",
                Some("org.apache.logging.log4j"),
                "log4j-core",
                Some("2.14.1"),
            ),
            "log4j-core",
            "2.14.1",
        );
        assert_eq!(
            match_key(&maven, None),
            Ok(key(
                "Maven",
                "org.apache.logging.log4j:log4j-core",
                "2.14.1"
            ))
        );
        let npm = package(
            Ecosystem::Npm,
            Purl::new("npm", Some("@babel"), "core", Some("7.0.0")),
            "@babel/core",
            "7.0.0",
        );
        assert_eq!(
            match_key(&npm, None),
            Ok(key("npm", "@babel/core", "7.0.0"))
        );
        let composer = package(
            Ecosystem::Composer,
            Purl::new("composer", Some("symfony"), "http-kernel", Some("v5.4.0")),
            "symfony/http-kernel",
            "v5.4.0",
        );
        assert_eq!(
            match_key(&composer, None),
            Ok(key("Packagist", "symfony/http-kernel", "v5.4.0"))
        );
        let go = package(
            Ecosystem::Go,
            Purl::new("golang", Some("golang.org/x"), "net", Some("v0.7.0")),
            "golang.org/x/net",
            "v0.7.0",
        );
        assert_eq!(
            match_key(&go, None),
            Ok(key("Go", "golang.org/x/net", "0.7.0"))
        );
        let stdlib = package(
            Ecosystem::Go,
            Purl::new("golang", None, "stdlib", Some("1.21.5")),
            "stdlib",
            "1.21.5",
        );
        assert_eq!(match_key(&stdlib, None), Ok(key("Go", "stdlib", "1.21.5")));
        let devel = package(
            Ecosystem::Go,
            Purl::new("golang", None, "stdlib", None),
            "stdlib",
            "devel go1.23-abc",
        );
        assert_eq!(match_key(&devel, None), Err(Skip::Unversioned));
    }
}
