//! Licenses from machine-readable Debian copyright files (DEP-5,
//! <https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/>). Free-form copyright
//! files say nothing a program can trust, so they give no licenses.

/// The `License:` short names of a DEP-5 copyright file, mapped to SPDX identifiers where
/// Debian's name has one (`GPL-2+` → `GPL-2.0-or-later`), else as written; sorted, distinct.
/// Empty when the file is not DEP-5.
pub fn parse_copyright(text: &str) -> Vec<String> {
    let mut lines = text.lines().map(|l| l.strip_suffix('\r').unwrap_or(l));
    let is_dep5 = lines
        .by_ref()
        .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .and_then(|l| split_field(l, "Format"))
        .is_some_and(|v| v.contains("copyright-format") || v.to_ascii_lowercase().contains("dep5"));
    if !is_dep5 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for line in lines {
        let Some(value) = split_field(line, "License") else {
            continue;
        };
        for name in split_expression(value) {
            out.push(to_spdx(name));
        }
    }
    out.sort();
    out.dedup();
    // A hostile file could name thousands; real ones name a handful.
    out.truncate(64);
    out
}

fn split_field<'a>(line: &'a str, field: &str) -> Option<&'a str> {
    let (key, value) = line.split_once(':')?;
    (key.eq_ignore_ascii_case(field) && !line.starts_with([' ', '\t']))
        .then(|| value.trim())
        .filter(|v| !v.is_empty())
}

/// `GPL-2+ or Artistic` → `GPL-2+`, `Artistic`. A name with an exception stays whole.
fn split_expression(value: &str) -> Vec<&str> {
    let lower = value.to_ascii_lowercase();
    if lower.contains(" with ") {
        return vec![value];
    }
    let mut out = Vec::new();
    let mut rest = value;
    loop {
        let l = rest.to_ascii_lowercase();
        let cut = [" or ", " and ", " | ", ", "]
            .iter()
            .filter_map(|sep| l.find(sep).map(|i| (i, sep.len())))
            .min();
        match cut {
            Some((i, len)) => {
                out.push(rest[..i].trim());
                rest = &rest[i + len..];
            }
            None => {
                out.push(rest.trim());
                break;
            }
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Debian short name → SPDX id. The versioned GNU families follow one rule (`GPL-2` is
/// `GPL-2.0-only`, a `+` means `-or-later`); the rest is a fixed table.
fn to_spdx(name: &str) -> String {
    const FIXED: &[(&str, &str)] = &[
        ("apache-2.0", "Apache-2.0"),
        ("apache-2", "Apache-2.0"),
        ("artistic", "Artistic-1.0-Perl"),
        ("artistic-1.0", "Artistic-1.0"),
        ("artistic-2.0", "Artistic-2.0"),
        ("artistic-2", "Artistic-2.0"),
        ("bsd-2-clause", "BSD-2-Clause"),
        ("bsd-3-clause", "BSD-3-Clause"),
        ("bsd-4-clause", "BSD-4-Clause"),
        ("cc0-1.0", "CC0-1.0"),
        ("cc0", "CC0-1.0"),
        ("expat", "MIT"),
        ("mit", "MIT"),
        ("isc", "ISC"),
        ("zlib", "Zlib"),
        ("mpl-1.1", "MPL-1.1"),
        ("mpl-2.0", "MPL-2.0"),
        ("openssl", "OpenSSL"),
        ("psf-2", "PSF-2.0"),
        ("python-2.0", "Python-2.0"),
        ("x11", "X11"),
        ("curl", "curl"),
        ("bsl-1.0", "BSL-1.0"),
        ("unicode-dfs-2016", "Unicode-DFS-2016"),
    ];
    let lower = name.to_ascii_lowercase();
    if let Some((_, spdx)) = FIXED.iter().find(|(debian, _)| *debian == lower) {
        return (*spdx).to_string();
    }
    for family in ["LGPL", "AGPL", "GPL", "GFDL"] {
        let Some(rest) = name
            .get(..family.len())
            .filter(|p| p.eq_ignore_ascii_case(family))
            .and_then(|_| name.get(family.len()..))
            .and_then(|r| r.strip_prefix('-'))
        else {
            continue;
        };
        let (version, later) = match rest.strip_suffix('+') {
            Some(v) => (v, true),
            None => (rest, false),
        };
        let version = match version {
            "1" | "1.0" => "1.0",
            "2" | "2.0" => "2.0",
            "2.1" => "2.1",
            "3" | "3.0" => "3.0",
            "1.1" => "1.1",
            "1.2" => "1.2",
            "1.3" => "1.3",
            _ => return name.to_string(),
        };
        let suffix = if later { "or-later" } else { "only" };
        return format!("{family}-{version}-{suffix}");
    }
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_debian_names_to_spdx() {
        assert_eq!(to_spdx("GPL-2+"), "GPL-2.0-or-later");
        assert_eq!(to_spdx("GPL-2"), "GPL-2.0-only");
        assert_eq!(to_spdx("LGPL-2.1+"), "LGPL-2.1-or-later");
        assert_eq!(to_spdx("lgpl-3"), "LGPL-3.0-only");
        assert_eq!(to_spdx("GFDL-1.3+"), "GFDL-1.3-or-later");
        assert_eq!(to_spdx("Expat"), "MIT");
        assert_eq!(to_spdx("Artistic-2"), "Artistic-2.0");
        assert_eq!(to_spdx("BSD-3-clause"), "BSD-3-Clause");
        assert_eq!(to_spdx("public-domain"), "public-domain");
        assert_eq!(to_spdx("GPL-9"), "GPL-9");
    }

    #[test]
    fn reads_only_machine_readable_files() {
        let dep5 = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\
Upstream-Name: dpkg\n\nFiles: *\nCopyright:\n Copyright © 1994 Ian Murdock\nLicense: GPL-2+\n\n\
Files: lib/compat/obstack.*\nCopyright: Copyright © 1988-2006 FSF\nLicense: LGPL-2.1+\n\n\
Files: utils/start-stop-daemon.c\nCopyright: 1999 Marek Michalkiewicz\nLicense: public-domain-s-s-d\n\n\
License: GPL-2+\n This program is free software; you can redistribute it\n .\n On Debian systems, see /usr/share/common-licenses/GPL-2.\n";
        assert_eq!(
            parse_copyright(dep5),
            [
                "GPL-2.0-or-later",
                "LGPL-2.1-or-later",
                "public-domain-s-s-d"
            ]
        );
        let free_form = "This is Debian's prepackaged version of bash.\n\nLicense: GPL-3+\n";
        assert!(parse_copyright(free_form).is_empty());
    }

    #[test]
    fn splits_disjunctions_but_keeps_exceptions() {
        let text = "Format: http://www.debian.org/doc/packaging-manuals/copyright-format/1.0\n\n\
Files: *\nLicense: GPL-1+ or Artistic\n\nFiles: x\nLicense: GPL-3+ with OpenSSL exception\n";
        assert_eq!(
            parse_copyright(text),
            [
                "Artistic-1.0-Perl",
                "GPL-1.0-or-later",
                "GPL-3+ with OpenSSL exception"
            ]
        );
    }
}
