use seatbelt_types::Distro;

use crate::catalogers::test_support::found;

use super::stanza::MAX_PROBLEMS;
use super::*;

/// Excerpts of a real Debian 12 status file, field order and quirks kept: a multi-line
/// `Conffiles`, a binNMU-style `Source` with version, a purged package left as config files,
/// folded `Depends`, a package with `Multi-Arch: same` (its list file carries the arch).
const STATUS_TEXT: &str = "Package: adduser
Status: install ok installed
Priority: important
Section: admin
Installed-Size: 686
Maintainer: Debian Adduser Developers <adduser@packages.debian.org>
Architecture: all
Multi-Arch: foreign
Version: 3.134
Depends: passwd
Suggests: liblocale-gettext-perl, perl, cron, quota
Conffiles:
 /etc/adduser.conf cc3493ecd2d09837ffdcc3e25fdfff18
 /etc/deluser.conf 11a06baf8245fd8d690b99024d228c1f
Description: add and remove users and groups
 This package includes the 'adduser' and 'deluser' commands for creating
 and removing users.
 .
 Adding users with 'adduser' is much easier than adding them manually.

Package: libssl3
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 6211
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Architecture: amd64
Multi-Arch: same
Source: openssl
Version: 3.0.15-1~deb12u1
Depends: libc6 (>= 2.34)
Description: Secure Sockets Layer toolkit - shared libraries

Package: libgcc-s1
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 140
Maintainer: Debian GCC Maintainers <debian-gcc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: gcc-12 (12.2.0-14)
Version: 12.2.0-14
Replaces: libgcc1 (<< 1:10)
Provides: libgcc1 (= 1:12.2.0-14)
Depends: gcc-12-base (= 12.2.0-14), libc6 (>= 2.35)
Description: GCC support library

Package: apt
Status: install ok installed
Architecture: amd64
Version: 2.6.2
Pre-Depends: libc6 (>= 2.34)
Depends: adduser, gpgv | gpgv2 | gpgv1, libapt-pkg6.0 (>= 2.6.2),
 debian-archive-keyring, libc6 (>= 2.34), perl:any
Description: commandline package manager

Package: e2fsprogs
Status: deinstall ok config-files
Priority: required
Section: admin
Installed-Size: 1533
Architecture: amd64
Version: 1.47.0-2
Conffiles:
 /etc/mke2fs.conf 5aff6ac6a6a2b7a1e7f37e5b2b4ad2b2
Description: ext2/ext3/ext4 file system utilities

Package: bash
Essential: yes
Status: install ok installed
Architecture: amd64
Version: 5.2.15-2+b7
Source: bash (5.2.15-2)
Description: GNU Bourne Again SHell
";

fn bookworm() -> CatalogContext {
    CatalogContext {
        distro: Some(Distro {
            id: "debian".to_string(),
            version_id: Some("12".to_string()),
            ..Distro::default()
        }),
    }
}

fn run(files: &[(&str, &str)]) -> CatalogOutput {
    crate::catalogers::test_support::run(Box::new(Dpkg::default()), files, &bookworm())
}

fn by_name<'a>(out: &'a CatalogOutput, name: &str) -> &'a Package {
    out.packages
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name} is listed"))
}

#[test]
fn lists_installed_packages_with_source_and_purl() {
    let out = run(&[(STATUS, STATUS_TEXT)]);
    let names: Vec<&str> = out.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["adduser", "libssl3", "libgcc-s1", "apt", "bash"]);
    assert!(out.unknowns.is_empty(), "{:?}", out.unknowns);

    let ssl = by_name(&out, "libssl3");
    assert_eq!(
        ssl.purl.to_string(),
        "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl"
    );
    assert_eq!(
        ssl.source,
        Some(SourcePackage {
            name: "openssl".into(),
            version: "3.0.15-1~deb12u1".into()
        })
    );
    assert_eq!(ssl.arch.as_deref(), Some("amd64"));
    assert_eq!(ssl.locations[0].path, STATUS);

    let gcc = by_name(&out, "libgcc-s1");
    assert_eq!(gcc.source.as_ref().map(|s| s.name.as_str()), Some("gcc-12"));
    assert_eq!(
        gcc.purl.to_string(),
        "pkg:deb/debian/libgcc-s1@12.2.0-14?arch=amd64&distro=debian-12&upstream=gcc-12"
    );

    // binNMU: same source name, different source version.
    let bash = by_name(&out, "bash");
    assert_eq!(
        bash.source.as_ref().map(|s| s.version.as_str()),
        Some("5.2.15-2")
    );
    assert_eq!(
        bash.purl.to_string(),
        "pkg:deb/debian/bash@5.2.15-2%2Bb7?arch=amd64&distro=debian-12&upstream=bash%405.2.15-2"
    );

    let adduser = by_name(&out, "adduser");
    assert_eq!(
        adduser.purl.to_string(),
        "pkg:deb/debian/adduser@3.134?arch=all&distro=debian-12"
    );
    assert_eq!(
        adduser
            .source
            .as_ref()
            .map(|s| (s.name.as_str(), s.version.as_str())),
        Some(("adduser", "3.134"))
    );
}

#[test]
fn dependencies_take_the_first_alternative_without_constraints() {
    let out = run(&[(STATUS, STATUS_TEXT)]);
    assert_eq!(
        by_name(&out, "apt").dependencies,
        [
            "libc6",
            "adduser",
            "gpgv",
            "libapt-pkg6.0",
            "debian-archive-keyring",
            "perl"
        ]
    );
}

#[test]
fn attaches_list_files_and_dep5_licenses() {
    let copyright = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\
Upstream-Name: OpenSSL\n\nFiles: *\nCopyright: 1998-2023 The OpenSSL Project\nLicense: Apache-2.0\n";
    let out = run(&[
        (
            "var/lib/dpkg/info/libssl3:amd64.list",
            "/.\n/usr\n/usr/lib\n/usr/lib/x86_64-linux-gnu/libssl.so.3\n",
        ),
        (
            "var/lib/dpkg/info/adduser.list",
            "/.\n/usr/sbin/adduser\n/etc/adduser.conf\n",
        ),
        ("usr/share/doc/libssl3/copyright", copyright),
        (STATUS, STATUS_TEXT),
    ]);
    assert_eq!(
        by_name(&out, "libssl3").files,
        ["usr", "usr/lib", "usr/lib/x86_64-linux-gnu/libssl.so.3"]
    );
    assert_eq!(by_name(&out, "libssl3").licenses, ["Apache-2.0"]);
    assert_eq!(
        by_name(&out, "adduser").files,
        ["usr/sbin/adduser", "etc/adduser.conf"]
    );
    assert!(by_name(&out, "apt").files.is_empty());
}

#[test]
fn distroless_status_d_has_no_status_field_and_skips_md5sums() {
    let dpkg = Dpkg::default();
    let wants = dpkg.wants();
    assert!(!wants("var/lib/dpkg/status.d/base.md5sums"));
    assert!(!wants("var/lib/dpkg/status-old"));
    assert!(!wants("var/lib/dpkg/info/base.md5sums"));
    assert!(!wants("usr/share/doc/base/changelog.gz"));
    let out = run(&[
        (
            "var/lib/dpkg/status.d/tzdata",
            "Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\nMaintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>\nInstalled-Size: 2735\nDepends: debconf (>= 0.5) | debconf-2.0\nProvides: tzdata-bookworm\nSection: localization\nPriority: required\nMulti-Arch: foreign\nDescription: time zone and daylight-saving time data\n",
        ),
        (
            "var/lib/dpkg/status.d/libc6",
            "Package: libc6\nSource: glibc\nVersion: 2.36-9+deb12u4\nArchitecture: amd64\n",
        ),
    ]);
    assert_eq!(out.packages.len(), 2);
    let tz = by_name(&out, "tzdata");
    assert_eq!(tz.locations[0].path, "var/lib/dpkg/status.d/tzdata");
    assert_eq!(tz.dependencies, ["debconf"]);
    assert_eq!(
        by_name(&out, "libc6").purl.to_string(),
        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc"
    );
}

#[test]
fn malformed_input_becomes_unknowns() {
    let text = "Package: ok\nVersion: 1\n\nthis is not a field\nVersion: 2\n\nPackage: noversion\n\n\u{0}\u{1}garbage";
    let out = run(&[(STATUS, text)]);
    assert_eq!(out.packages.len(), 1);
    let reasons: Vec<&str> = out.unknowns.iter().map(|u| u.reason.as_str()).collect();
    assert!(reasons.iter().any(|r| r.contains("line 4")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("without `Package`")));
    assert!(reasons.iter().any(|r| r.contains("noversion")));

    let mut dpkg = Box::new(Dpkg::default());
    let mut truncated = found(STATUS, b"Package: a\nVersion: 1\n");
    truncated.complete = false;
    dpkg.observe(&truncated);
    let out = dpkg.finish(&CatalogContext::default());
    assert!(out.packages.is_empty());
    assert!(out.unknowns[0].reason.contains("in-memory limit"));
}

#[test]
fn without_a_known_distro_the_namespace_is_debian_and_no_distro_qualifier() {
    let mut dpkg = Box::new(Dpkg::default());
    dpkg.observe(&found(
        STATUS,
        b"Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: arm64\n",
    ));
    let out = dpkg.finish(&CatalogContext::default());
    assert_eq!(
        out.packages[0].purl.to_string(),
        "pkg:deb/debian/a@1?arch=arm64"
    );
}

#[test]
fn hostile_status_reports_are_bounded() {
    let text = "x\n".repeat(10_000);
    let parsed = parse_status(&text);
    assert!(parsed.entries.is_empty());
    assert_eq!(parsed.problems.len(), MAX_PROBLEMS);
}
