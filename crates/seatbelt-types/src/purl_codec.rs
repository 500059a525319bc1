//! The purl string form: percent-encoding and the component grammar.

use std::collections::BTreeMap;
use std::fmt;

use crate::purl::{Purl, PurlError};

/// Characters written as they are; everything else is percent-encoded. `:` is allowed
/// unencoded by the spec and is common in versions (Debian epochs).
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

pub(crate) fn write(p: &Purl, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(f, "pkg:{}/", p.ty)?;
    if let Some(ns) = &p.namespace {
        for segment in ns.split('/').filter(|s| !s.is_empty()) {
            encode(f, segment, b"")?;
            f.write_str("/")?;
        }
    }
    encode(f, &p.name, b"")?;
    if let Some(v) = &p.version {
        f.write_str("@")?;
        encode(f, v, b"")?;
    }
    let mut first = true;
    for (k, v) in p.qualifiers.iter().filter(|(_, v)| !v.is_empty()) {
        f.write_str(if first { "?" } else { "&" })?;
        first = false;
        write!(f, "{k}=")?;
        encode(f, v, b"/")?;
    }
    if let Some(sub) = &p.subpath {
        f.write_str("#")?;
        let segments: Vec<&str> = sub
            .split('/')
            .filter(|s| !s.is_empty() && *s != "." && *s != "..")
            .collect();
        for (i, segment) in segments.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
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
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            let value = hex
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
        .ok_or_else(|| err(s, "it has no name"))?;
    if ty.is_empty()
        || !ty
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        || ty.as_bytes()[0].is_ascii_digit()
    {
        return Err(err(
            s,
            "the type must be letters, digits, `+`, `-` or `.`, not starting with a digit",
        ));
    }
    let path = path.trim_end_matches('/');
    let (path, version) = match path.rsplit_once('@') {
        Some((p, v)) => (p, Some(decode(s, v)?)),
        None => (path, None),
    };
    let (namespace, name) = match path.rsplit_once('/') {
        Some((ns, n)) => {
            let segments: Result<Vec<String>, PurlError> = ns
                .split('/')
                .filter(|x| !x.is_empty())
                .map(|x| decode(s, x))
                .collect();
            (Some(segments?.join("/")), n)
        }
        None => (None, path),
    };
    let name = decode(s, name)?;
    if name.is_empty() {
        return Err(err(s, "the name is empty"));
    }
    let mut quals = BTreeMap::new();
    if let Some(q) = qualifiers {
        for pair in q.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| err(s, "a qualifier has no `=`"))?;
            let v = decode(s, v)?;
            if !v.is_empty() {
                quals.insert(k.to_ascii_lowercase(), v);
            }
        }
    }
    let subpath = subpath
        .map(|sub| decode(s, sub.trim_matches('/')))
        .transpose()?
        .filter(|x| !x.is_empty());
    Ok(Purl {
        ty: ty.to_ascii_lowercase(),
        namespace: namespace.filter(|n| !n.is_empty()),
        name,
        version,
        qualifiers: quals,
        subpath,
    })
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
    fn rejects_garbage() {
        for bad in [
            "",
            "deb/debian/x",
            "pkg:",
            "pkg:deb",
            "pkg:1x/y",
            "pkg:deb/%zz",
            "pkg:deb/a?b",
        ] {
            assert!(bad.parse::<Purl>().is_err(), "{bad}");
        }
    }
}
