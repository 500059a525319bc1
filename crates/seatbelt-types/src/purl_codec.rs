//! The purl string form: percent-encoding, the component grammar and the type-specific
//! normalisation rules (<https://github.com/package-url/purl-spec>, ECMA-427).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use crate::purl::{Purl, PurlError};

/// Characters written as they are; everything else is percent-encoded as UTF-8 octets. The
/// spec's "allowed set" is the alphanumerics and the punctuation `-._~`; the colon is never
/// encoded (it is common in versions: Debian and RPM epochs, OCI digests). `+` is not in the
/// set, so `2.36-9+deb12u9` is written `2.36-9%2Bdeb12u9`.
fn is_plain(b: u8, extra: &[u8]) -> bool {
    b.is_ascii_alphanumeric() || b"-._~:".contains(&b) || extra.contains(&b)
}

fn encode(f: &mut fmt::Formatter<'_>, s: &str, extra: &[u8]) -> fmt::Result {
    for &b in s.as_bytes() {
        if is_plain(b, extra) {
            write!(f, "{}", b as char)?;
        } else {
            write!(f, "%{b:02X}")?;
        }
    }
    Ok(())
}

/// How a type folds case in namespace and name (PURL-TYPES): these ecosystems treat names as
/// case-insensitive, so the canonical form is lowercase. Go module paths, Maven coordinates,
/// NuGet ids, gems and crates are case-sensitive and kept as written (for golang the spec only
/// warns about uppercase).
fn lowercases(ty: &str) -> (bool, bool) {
    match ty {
        "alpm" | "apk" | "bitbucket" | "composer" | "deb" | "github" | "hex" | "npm" => {
            (true, true)
        }
        "pypi" | "oci" => (false, true),
        "rpm" => (true, false),
        _ => (false, false),
    }
}

/// The canonical namespace of a type.
pub(crate) fn normalize_namespace<'a>(ty: &str, namespace: &'a str) -> Cow<'a, str> {
    let trimmed = namespace.trim_matches('/');
    if lowercases(ty).0 && trimmed.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(trimmed.to_lowercase())
    } else {
        Cow::Borrowed(trimmed)
    }
}

/// The canonical name of a type: PyPI names are lowercased with `_` replaced by `-`.
pub(crate) fn normalize_name<'a>(ty: &str, name: &'a str) -> Cow<'a, str> {
    if ty == "pypi" {
        if name.bytes().any(|b| b.is_ascii_uppercase() || b == b'_') {
            return Cow::Owned(name.to_lowercase().replace('_', "-"));
        }
        return Cow::Borrowed(name);
    }
    if lowercases(ty).1 && name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

pub(crate) fn write(p: &Purl, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let ty = p.ty.to_ascii_lowercase();
    write!(f, "pkg:{ty}/")?;
    if let Some(ns) = &p.namespace {
        for segment in normalize_namespace(&ty, ns)
            .split('/')
            .filter(|s| !s.is_empty())
        {
            encode(f, segment, b"")?;
            f.write_str("/")?;
        }
    }
    encode(f, &normalize_name(&ty, &p.name), b"")?;
    if let Some(v) = p.version.as_deref().filter(|v| !v.is_empty()) {
        f.write_str("@")?;
        encode(f, v, b"")?;
    }
    // BTreeMap iteration is the lexicographic key order the spec asks for.
    let mut first = true;
    for (k, v) in p.qualifiers.iter().filter(|(_, v)| !v.is_empty()) {
        f.write_str(if first { "?" } else { "&" })?;
        first = false;
        write!(f, "{}=", k.to_ascii_lowercase())?;
        // `/` is left as is in qualifier values, as the spec's own canonical examples write
        // `repository_url=repo.spring.io/release`.
        encode(f, v, b"/")?;
    }
    if let Some(sub) = &p.subpath {
        let segments: Vec<&str> = sub
            .split('/')
            .filter(|s| !s.is_empty() && *s != "." && *s != "..")
            .collect();
        for (i, segment) in segments.iter().enumerate() {
            f.write_str(if i == 0 { "#" } else { "/" })?;
            encode(f, segment, b"")?;
        }
    }
    Ok(())
}

fn decode(purl: &str, s: &str) -> Result<String, PurlError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let value = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| err(purl, "a `%` is not followed by two hex digits"))?;
            out.push(value);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| err(purl, "a percent-encoded component is not UTF-8"))
}

fn err(purl: &str, reason: &str) -> PurlError {
    PurlError {
        purl: purl.to_string(),
        reason: reason.to_string(),
    }
}

/// Types the spec requires more of than a name (checked on parse, so a purl read from a
/// foreign SBOM that could never match an advisory is reported rather than carried along).
/// The spec's suite also wants a namespace for golang, but syft and Go cataloging write the
/// toolchain as `pkg:golang/stdlib@…`, so that rule is not enforced.
fn check_type_rules(s: &str, p: &Purl) -> Result<(), PurlError> {
    match p.ty.as_str() {
        "swift" if p.namespace.is_none() || p.version.is_none() => Err(err(
            s,
            "a swift purl needs a namespace (the source host and owner) and a version",
        )),
        "cran" if p.version.is_none() => Err(err(s, "a cran purl needs a version")),
        "conan" if p.namespace.is_some() != p.qualifiers.contains_key("channel") => Err(err(
            s,
            "a conan purl has a namespace (user) exactly when it has a `channel` qualifier",
        )),
        _ => Ok(()),
    }
}

fn valid_type(ty: &str) -> bool {
    ty.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && ty
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
}

fn valid_qualifier_key(key: &str) -> bool {
    key.bytes().next().is_some_and(|b| !b.is_ascii_digit())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
}

/// Parses per the spec's "how to parse": split off the subpath at the first `#`, the
/// qualifiers at the first `?`, the scheme, the type, then the version at the last `@`,
/// the name at the last `/`, and the namespace.
pub(crate) fn parse(s: &str) -> Result<Purl, PurlError> {
    let rest = s
        .strip_prefix("pkg:")
        .ok_or_else(|| err(s, "it does not start with `pkg:`"))?;
    let rest = rest.trim_start_matches('/');
    let (rest, subpath) = match rest.split_once('#') {
        Some((r, sub)) => (r, Some(sub)),
        None => (rest, None),
    };
    let (rest, qualifiers) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let (ty, path) = rest
        .split_once('/')
        .ok_or_else(|| err(s, "it has no type, or no name after the type"))?;
    if !valid_type(ty) {
        return Err(err(
            s,
            "the type must be letters, digits, `+`, `-` or `.`, starting with a letter",
        ));
    }
    let ty = ty.to_ascii_lowercase();
    let path = path.trim_matches('/');
    let (path, version) = match path.rsplit_once('@') {
        Some((p, v)) => (p, Some(decode(s, v)?).filter(|v| !v.is_empty())),
        None => (path, None),
    };
    let (namespace, name) = match path.rsplit_once('/') {
        Some((ns, n)) => {
            let segments = ns
                .split('/')
                .filter(|x| !x.is_empty())
                .map(|x| decode(s, x))
                .collect::<Result<Vec<String>, PurlError>>()?;
            (Some(segments.join("/")), n)
        }
        None => (None, path),
    };
    let name = decode(s, name)?;
    if name.is_empty() {
        return Err(err(s, "the name is empty"));
    }
    let mut quals = BTreeMap::new();
    for pair in qualifiers.into_iter().flat_map(|q| q.split('&')) {
        if pair.is_empty() {
            continue;
        }
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| err(s, "a qualifier has no `=`"))?;
        if !valid_qualifier_key(k) {
            return Err(err(
                s,
                "a qualifier key must be letters, digits, `.`, `-` or `_`, not starting with a digit",
            ));
        }
        let v = decode(s, v)?;
        if !v.is_empty() && quals.insert(k.to_ascii_lowercase(), v).is_some() {
            return Err(err(s, "a qualifier key appears twice"));
        }
    }
    let subpath = match subpath {
        Some(sub) => {
            let segments = sub
                .split('/')
                .filter(|x| !x.is_empty() && *x != "." && *x != "..")
                .map(|x| decode(s, x))
                .collect::<Result<Vec<String>, PurlError>>()?;
            Some(segments.join("/")).filter(|x| !x.is_empty())
        }
        None => None,
    };
    let namespace = namespace
        .filter(|n| !n.is_empty())
        .map(|n| normalize_namespace(&ty, &n).into_owned());
    let name = normalize_name(&ty, &name).into_owned();
    let purl = Purl {
        ty,
        namespace,
        name,
        version,
        qualifiers: quals,
        subpath,
    };
    check_type_rules(s, &purl)?;
    Ok(purl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_purl_as_the_issue_writes_it() {
        let p = Purl::new("deb", Some("debian"), "libssl3", Some("3.0.15-1~deb12u1"))
            .with_qualifier("arch", "amd64")
            .with_qualifier("upstream", "openssl")
            .with_qualifier("distro", "debian-12");
        let text =
            "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl";
        assert_eq!(p.to_string(), text);
        assert_eq!(text.parse::<Purl>().unwrap(), p);
    }

    #[test]
    fn plus_epoch_and_tilde_in_versions() {
        let p = Purl::new("deb", Some("debian"), "libc6", Some("2.36-9+deb12u9"))
            .with_qualifier("upstream", "glibc@2.36-9+deb12u9");
        assert_eq!(
            p.to_string(),
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u9?upstream=glibc%402.36-9%2Bdeb12u9"
        );
        assert_eq!(p.to_string().parse::<Purl>().unwrap(), p);
        let epoch = Purl::new("deb", Some("debian"), "libgcc-s1", Some("1:12.2.0-14"));
        assert_eq!(epoch.to_string(), "pkg:deb/debian/libgcc-s1@1:12.2.0-14");
        let cxx = Purl::new("deb", Some("debian"), "libstdc++6", Some("12.2.0-14"));
        assert_eq!(cxx.to_string(), "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14");
        assert_eq!(cxx.to_string().parse::<Purl>().unwrap(), cxx);
        // A literal `+` in input is a plus, not a form-encoded space.
        let lax: Purl = "pkg:deb/debian/libc6@2.36-9+deb12u9".parse().unwrap();
        assert_eq!(lax.version.as_deref(), Some("2.36-9+deb12u9"));
    }

    #[test]
    fn scoped_npm_and_maven_round_trip() {
        let npm = Purl::new("npm", Some("@angular"), "core", Some("16.0.0"));
        assert_eq!(npm.to_string(), "pkg:npm/%40angular/core@16.0.0");
        assert_eq!(npm.to_string().parse::<Purl>().unwrap(), npm);
        let maven = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
            .parse::<Purl>()
            .unwrap();
        assert_eq!(maven.namespace.as_deref(), Some("org.apache.logging.log4j"));
    }

    #[test]
    fn type_specific_case_folding() {
        let cases = [
            (
                "pkg:PYPI/Django_package@1.11.1.dev1",
                "pkg:pypi/django-package@1.11.1.dev1",
            ),
            ("pkg:npm/%40Babel/Core@7.0.0", "pkg:npm/%40babel/core@7.0.0"),
            ("pkg:deb/Debian/LibSSL3@3", "pkg:deb/debian/libssl3@3"),
            (
                "pkg:apk/Alpine/MUSL@1.2.4-r2",
                "pkg:apk/alpine/musl@1.2.4-r2",
            ),
            (
                "pkg:rpm/Fedora/NetworkManager@1.0",
                "pkg:rpm/fedora/NetworkManager@1.0",
            ),
            (
                "pkg:golang/github.com/Azure/azure-sdk-for-go@v68.0.0%2Bincompatible",
                "pkg:golang/github.com/Azure/azure-sdk-for-go@v68.0.0%2Bincompatible",
            ),
            (
                "pkg:maven/HTTPClient/HTTPClient@0.3-3",
                "pkg:maven/HTTPClient/HTTPClient@0.3-3",
            ),
            (
                "pkg:Nuget/EnterpriseLibrary.Common@6.0.1304",
                "pkg:nuget/EnterpriseLibrary.Common@6.0.1304",
            ),
            (
                "pkg:composer/Laravel/Framework@10.0.0",
                "pkg:composer/laravel/framework@10.0.0",
            ),
            (
                "pkg:github/Package-url/purl-Spec@244fd47e07d1004f0aed9c",
                "pkg:github/package-url/purl-spec@244fd47e07d1004f0aed9c",
            ),
            (
                "pkg:bitbucket/birKenfeld/pyGments-main@244fd47e07d1014f0aed9c",
                "pkg:bitbucket/birkenfeld/pygments-main@244fd47e07d1014f0aed9c",
            ),
        ];
        for (input, canonical) in cases {
            let p: Purl = input.parse().unwrap();
            assert_eq!(p.to_string(), canonical, "{input}");
        }
        let built = Purl::new("pypi", None, "PyYAML", Some("5.3"));
        assert_eq!(built.name, "pyyaml");
        assert_eq!(built.to_string(), "pkg:pypi/pyyaml@5.3");
    }

    /// Vectors from the purl-spec test suite (input, canonical form, and the parsed parts).
    #[test]
    fn spec_test_suite_vectors() {
        type Parts<'a> = (
            &'a str,
            Option<&'a str>,
            &'a str,
            Option<&'a str>,
            &'a [(&'a str, &'a str)],
            Option<&'a str>,
        );
        let valid: &[(&str, &str, Parts<'_>)] = &[
            ("pkg:maven/org.apache.commons/io@1.3.4", "pkg:maven/org.apache.commons/io@1.3.4", ("maven", Some("org.apache.commons"), "io", Some("1.3.4"), &[], None)),
            ("pkg:maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", ("maven", Some("org.apache.commons"), "io", None, &[], None)),
            ("pkg:GOLANG/google.golang.org/genproto#/googleapis/api/annotations/", "pkg:golang/google.golang.org/genproto#googleapis/api/annotations", ("golang", Some("google.golang.org"), "genproto", None, &[], Some("googleapis/api/annotations"))),
            ("pkg:GOLANG/google.golang.org/genproto@abcdedf#/googleapis/api/annotations/", "pkg:golang/google.golang.org/genproto@abcdedf#googleapis/api/annotations", ("golang", Some("google.golang.org"), "genproto", Some("abcdedf"), &[], Some("googleapis/api/annotations"))),
            ("pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie", "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie", ("deb", Some("debian"), "curl", Some("7.50.3-1"), &[("arch", "i386"), ("distro", "jessie")], None)),
            ("pkg:docker/customer/dockerimage@sha256:244fd47e07d1004f0aed9c?repository_url=gcr.io", "pkg:docker/customer/dockerimage@sha256:244fd47e07d1004f0aed9c?repository_url=gcr.io", ("docker", Some("customer"), "dockerimage", Some("sha256:244fd47e07d1004f0aed9c"), &[("repository_url", "gcr.io")], None)),
            ("pkg:gem/jruby-launcher@1.1.2?Platform=java", "pkg:gem/jruby-launcher@1.1.2?platform=java", ("gem", None, "jruby-launcher", Some("1.1.2"), &[("platform", "java")], None)),
            ("pkg:Maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&repositorY_url=repo.spring.io/release", "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&repository_url=repo.spring.io/release", ("maven", Some("org.apache.xmlgraphics"), "batik-anim", Some("1.9.1"), &[("classifier", "sources"), ("repository_url", "repo.spring.io/release")], None)),
            ("pkg:Maven/net.sf.jacob-project/jacob@1.14.3?classifier=x86&type=dll", "pkg:maven/net.sf.jacob-project/jacob@1.14.3?classifier=x86&type=dll", ("maven", Some("net.sf.jacob-project"), "jacob", Some("1.14.3"), &[("classifier", "x86"), ("type", "dll")], None)),
            ("pkg:npm/%40angular/animation@12.3.1", "pkg:npm/%40angular/animation@12.3.1", ("npm", Some("@angular"), "animation", Some("12.3.1"), &[], None)),
            ("pkg:Rpm/fedora/curl@7.50.3-1.fc25?Arch=i386&Distro=fedora-25", "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25", ("rpm", Some("fedora"), "curl", Some("7.50.3-1.fc25"), &[("arch", "i386"), ("distro", "fedora-25")], None)),
            ("pkg:/maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", ("maven", Some("org.apache.commons"), "io", None, &[], None)),
            ("pkg://maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", ("maven", Some("org.apache.commons"), "io", None, &[], None)),
            ("pkg:///maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", ("maven", Some("org.apache.commons"), "io", None, &[], None)),
            ("pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value", "pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value", ("maven", Some("mygroup"), "myartifact", Some("1.0.0 Final"), &[("mykey", "my value")], None)),
            ("pkg:conan/cctz@2.3", "pkg:conan/cctz@2.3", ("conan", None, "cctz", Some("2.3"), &[], None)),
            ("pkg:conan/bincrafters/cctz@2.3?channel=stable", "pkg:conan/bincrafters/cctz@2.3?channel=stable", ("conan", Some("bincrafters"), "cctz", Some("2.3"), &[("channel", "stable")], None)),
            ("pkg:conda/absl-py@0.4.1?build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2", "pkg:conda/absl-py@0.4.1?build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2", ("conda", None, "absl-py", Some("0.4.1"), &[("build", "py36h06a4308_0"), ("channel", "main"), ("subdir", "linux-64"), ("type", "tar.bz2")], None)),
            ("pkg:cran/A3@0.9.1", "pkg:cran/A3@0.9.1", ("cran", None, "A3", Some("0.9.1"), &[], None)),
            ("pkg:swift/github.com/Alamofire/Alamofire@5.4.3", "pkg:swift/github.com/Alamofire/Alamofire@5.4.3", ("swift", Some("github.com/Alamofire"), "Alamofire", Some("5.4.3"), &[], None)),
            ("pkg:hackage/AC-HalfInteger@1.2.1", "pkg:hackage/AC-HalfInteger@1.2.1", ("hackage", None, "AC-HalfInteger", Some("1.2.1"), &[], None)),
            ("pkg:npm/packageurl-js@0.0.7?vcs_url=git%2Bhttps://github.com/package-url/packageurl-js.git", "pkg:npm/packageurl-js@0.0.7?vcs_url=git%2Bhttps://github.com/package-url/packageurl-js.git", ("npm", None, "packageurl-js", Some("0.0.7"), &[("vcs_url", "git+https://github.com/package-url/packageurl-js.git")], None)),
        ];
        for (input, canonical, (ty, ns, name, version, quals, sub)) in valid {
            let p: Purl = input.parse().unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(p.ty, *ty, "{input}");
            assert_eq!(p.namespace.as_deref(), *ns, "{input}");
            assert_eq!(p.name, *name, "{input}");
            assert_eq!(p.version.as_deref(), *version, "{input}");
            let q: BTreeMap<String, String> = quals
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            assert_eq!(p.qualifiers, q, "{input}");
            assert_eq!(p.subpath.as_deref(), *sub, "{input}");
            assert_eq!(p.to_string(), *canonical, "{input}");
            assert_eq!(canonical.parse::<Purl>().unwrap().to_string(), *canonical);
        }
        let invalid = [
            "EnterpriseLibrary.Common@6.0.1304",
            "pkg:EnterpriseLibrary.Common@6.0.1304",
            "pkg:maven/@1.3.4",
            "pkg:npm/myartifact@1.0.0?in%20production=true",
            "pkg:conan/bincrafters/cctz@2.3",
            "pkg:conan/cctz@2.3?channel=stable",
            "pkg:cran/@0.9.1",
            "pkg:cran/A3",
            "pkg:swift/Alamofire@5.4.3",
            "pkg:swift/github.com/Alamofire/@5.4.3",
            "pkg:swift/github.com/Alamofire/Alamofire",
            "pkg:hackage",
        ];
        for bad in invalid {
            assert!(bad.parse::<Purl>().is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn encodes_what_the_spec_reserves() {
        let mut p = Purl::new("generic", Some("a b"), "n@me?#", Some("1.0 beta&x=y"));
        p = p.with_qualifier("download_url", "https://host/p?a=b&c");
        p.subpath = Some("./dir/../fi le/".to_string());
        let text = p.to_string();
        assert_eq!(
            text,
            "pkg:generic/a%20b/n%40me%3F%23@1.0%20beta%26x%3Dy?download_url=https://host/p%3Fa%3Db%26c#dir/fi%20le"
        );
        let back: Purl = text.parse().unwrap();
        assert_eq!(back.name, "n@me?#");
        assert_eq!(back.version.as_deref(), Some("1.0 beta&x=y"));
        assert_eq!(back.subpath.as_deref(), Some("dir/fi le"));
        let utf8 = Purl::new("generic", None, "caf\u{e9}", None);
        assert_eq!(utf8.to_string(), "pkg:generic/caf%C3%A9");
        assert_eq!(utf8.to_string().parse::<Purl>().unwrap(), utf8);
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "deb/debian/x",
            "pkg:",
            "pkg:deb",
            "pkg:1x/y",
            "pkg:deb/%zz",
            "pkg:deb/a?b",
            "pkg:deb/a?1a=b",
            "pkg:deb/a?a=1&a=2",
            "pkg:deb/%FF",
            "pkg:deb/a@%",
        ] {
            assert!(bad.parse::<Purl>().is_err(), "{bad}");
        }
    }
}
