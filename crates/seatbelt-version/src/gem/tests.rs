use super::*;

fn v(text: &str) -> GemVersion {
    Gem::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn satisfied(version: &str, requirement: &str) -> bool {
    Gem::satisfies(&v(version), requirement).unwrap_or_else(|e| panic!("{requirement}: {e}"))
}

// rubygems/rubygems `test/rubygems/test_gem_version.rb`.

#[test]
fn test_bump() {
    for (want, version) in [
        ("5.3", "5.2.4"),
        ("5.3", "5.2.4.a"),
        ("5.3", "5.2.4.a10"),
        ("5.1", "5.0.0"),
        ("6", "5"),
    ] {
        assert_eq!(v(version).bump(), v(want), "bump {version}");
    }
}

#[test]
fn test_equals2_and_initialize() {
    assert_eq!(v("1.2"), v("1.2"));
    assert_ne!(v("1.2"), v("1.3"));
    assert_eq!(v("1.2.b1"), v("1.2.b.1"));
    for good in ["1.0", "1.0 ", " 1.0 ", "1.0\n", "\n1.0\n"] {
        assert_eq!(v(good), v("1.0"), "{good:?}");
    }
    for bad in ["junk", "1.0\n2.0", "1..0", "1.0.", ".1", "1.0+build"] {
        assert!(Gem::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn test_prerelease_and_release() {
    for pre in ["1.2.0.a", "2.9.b", "22.1.50.0.d", "1.2.d.42", "1.A"] {
        assert!(v(pre).is_prerelease(), "{pre}");
    }
    for release in ["1.2.0", "2.9", "22.1.50.0"] {
        assert!(!v(release).is_prerelease(), "{release}");
    }
    for (want, version) in [
        ("1.2.0", "1.2.0.a"),
        ("1.1", "1.1.rc10"),
        ("1.9.3", "1.9.3.alpha.5"),
        ("1.9.3", "1.9.3"),
    ] {
        assert_eq!(v(version).release(), v(want), "release {version}");
    }
}

#[test]
fn test_spaceship() {
    let cases = [
        ("1.0", "1.0.0", Ordering::Equal),
        ("1.0", "1.0.a", Ordering::Greater),
        ("1.8.2", "0.0.0", Ordering::Greater),
        ("1.8.2", "1.8.2.a", Ordering::Greater),
        ("1.8.2.b", "1.8.2.a", Ordering::Greater),
        ("1.8.2.a", "1.8.2", Ordering::Less),
        ("1.8.2.a10", "1.8.2.a9", Ordering::Greater),
        ("", "0", Ordering::Equal),
        // Since RubyGems 3 (canonical segments): zeros before a pre-release are insignificant.
        ("0.beta.1", "0.0.beta.1", Ordering::Equal),
        ("0.0.beta", "0.0.beta.1", Ordering::Less),
        ("0.0.beta", "0.beta.1", Ordering::Less),
        ("5.a", "5.0.0.rc2", Ordering::Less),
        ("5.x", "5.0.0.rc2", Ordering::Greater),
        // SemVer-style pre-releases (test_semver, without the build metadata RubyGems refuses).
        ("1.0.0-alpha", "1.0.0-alpha.1", Ordering::Less),
        ("1.0.0-alpha.1", "1.0.0-beta.2", Ordering::Less),
        ("1.0.0-beta.2", "1.0.0-beta.11", Ordering::Less),
        ("1.0.0-beta.11", "1.0.0-rc.1", Ordering::Less),
        ("1.0.0-rc.1", "1.0.0", Ordering::Less),
    ];
    for (a, b, want) in cases {
        assert_eq!(v(a).cmp(&v(b)), want, "{a} <=> {b}");
    }
}

// rubygems/rubygems `test/rubygems/test_gem_requirement.rb`.

#[test]
fn test_satisfied_by_operators() {
    let cases = [
        ("1.1", "!= 1.2", true),
        ("1.2", "!= 1.2", false),
        ("1.3", "!= 1.2", true),
        ("1.1", "1.2", false),
        ("1.2", "1.2", true),
        ("1.2", "= 1.2", true),
        ("1.3", "= 1.2", false),
        ("1.2", "> 1.2", false),
        ("1.3", "> 1.2", true),
        ("1.1", ">= 1.2", false),
        ("1.2", ">= 1.2", true),
        ("1.1", "> 1.1, < 1.3", false),
        ("1.2", "> 1.1, < 1.3", true),
        ("1.3", "> 1.1, < 1.3", false),
        ("1.1", "< 1.2", true),
        ("1.2", "< 1.2", false),
        ("1.2", "<= 1.2", true),
        ("1.3", "<= 1.2", false),
        ("1.1", "~> 1.2", false),
        ("1.2", "~> 1.2", true),
        ("1.3", "~> 1.2", true),
    ];
    for (version, req, want) in cases {
        assert_eq!(satisfied(version, req), want, "{version} in {req}");
    }
}

#[test]
fn test_satisfied_by_eh_good() {
    for (version, req) in [
        ("0.2.33", "= 0.2.33"),
        ("0.2.34", "> 0.2.33"),
        ("1.0", "= 1.0"),
        ("1.0", "1.0"),
        ("1.8.2", "> 1.8.0"),
        ("1.112", "> 1.111"),
        ("0.2", "> 0.0.0"),
        ("0.0.0.0.0.2", "> 0.0.0"),
        ("0.0.1.0", "> 0.0.0.1"),
        ("10.3.2", "> 9.3.2"),
        ("1.0.0.0", "= 1.0"),
        ("10.3.2", "!= 9.3.4"),
        (" 9.3.2", ">= 9.3.2"),
        ("9.3.2 ", ">= 9.3.2"),
        ("", "= 0"),
        ("", "< 0.1"),
        ("  ", "< 0.1 "),
        ("", " <  0.1"),
        ("  ", "> 0.a "),
        ("", " >  0.a"),
        ("3.1", "< 3.2.rc1"),
        ("3.2.0", "> 3.2.0.rc1"),
        ("3.2.0.rc2", "> 3.2.0.rc1"),
        ("3.0.rc2", "< 3.0"),
        ("3.0.rc2", "< 3.0.0"),
        ("3.0.rc2", "< 3.0.1"),
        ("3.0.rc2", "> 0"),
    ] {
        assert!(
            satisfied(version, req),
            "{version:?} should satisfy {req:?}"
        );
    }
}

#[test]
fn test_bad() {
    for (version, req) in [
        ("", "> 0.1"),
        ("1.2.3", "!= 1.2.3"),
        ("1.2.003.0.0", "!= 1.02.3"),
        ("4.5.6", "< 1.2.3"),
        ("1.0", "> 1.1"),
        ("", "= 0.1"),
        ("1.1.1", "> 1.1.1"),
        ("1.2", "= 1.1"),
        ("1.40", "= 1.1"),
        ("1.3", "= 1.40"),
        ("9.3.3", "<= 9.3.2"),
        ("9.3.1", ">= 9.3.2"),
        ("9.3.03", "<= 9.3.2"),
        ("1.0.0.1", "= 1.0"),
    ] {
        assert!(
            !satisfied(version, req),
            "{version:?} should not satisfy {req:?}"
        );
    }
}

#[test]
fn test_pessimistic() {
    let cases: &[(&str, &[(&str, bool)])] = &[
        (
            "~> 1.4",
            &[("1.3", false), ("1.4", true), ("1.5", true), ("2.0", false)],
        ),
        (
            "~> 1.4.4",
            &[
                ("1.3", false),
                ("1.4", false),
                ("1.4.4", true),
                ("1.4.5", true),
                ("1.5", false),
                ("2.0", false),
            ],
        ),
        ("~> 1.0.0", &[("1.1.pre", false)]),
        ("~> 1.1", &[("1.1.pre", false)]),
        ("~> 1.0", &[("2.0.a", false)]),
        ("~> 2.0", &[("2.0.a", false)]),
        (
            "~> 1.4.beta",
            &[
                ("1.3.beta.0", false),
                ("1.3", false),
                ("1.3.0", false),
                ("1.4.alpha", false),
                ("1.4.alpha.0", false),
                ("1.4.beta", true),
                ("1.4.beta.0", true),
                ("1.4", true),
                ("1.4.0", true),
                ("1.4.1", true),
                ("2.0", false),
                ("2.0.0", false),
            ],
        ),
        (
            "~> 1.4.0.beta",
            &[
                ("1.3.0.beta.0", false),
                ("1.3", false),
                ("1.4.alpha", false),
                ("1.4.0.alpha.0", false),
                ("1.4.0.beta", true),
                ("1.4.0.beta.0", true),
                ("1.4", true),
                ("1.4.1", true),
                ("2.0", false),
                ("1.5", false),
                ("1.5.0.alpha", false),
                ("1.5.0.beta.0", false),
                ("1.5.1", false),
            ],
        ),
        (
            "~> 1.4.0.beta.1",
            &[
                ("1.4.0.beta", false),
                ("1.4.0.beta.0", false),
                ("1.4.0.beta.1", true),
                ("1.4", true),
                ("1.4.1", true),
                ("1.5", false),
            ],
        ),
        (
            "~> 1.4.0",
            &[
                ("1.3.beta.0", false),
                ("1.3", false),
                ("1.4.beta.0", false),
                ("1.4", true),
                ("1.4.0", true),
                ("1.4.1", true),
                ("1.5.alpha.0", false),
                ("1.5.beta.0", false),
                ("1.5", false),
                ("1.5.1", false),
            ],
        ),
    ];
    for (req, versions) in cases {
        for (version, want) in versions.iter() {
            assert_eq!(satisfied(version, req), *want, "{version} in {req}");
        }
    }
}

#[test]
fn test_ranges_and_lists() {
    let cases: &[(&str, &[(&str, bool)])] = &[
        (
            ">= 1.4.beta, < 1.5",
            &[
                ("1.3.alpha.0", false),
                ("1.4.alpha.0", false),
                ("1.4.beta.0", true),
                ("1.4.beta.1", true),
                ("1.4", true),
                ("1.4.1", true),
                ("1.5", false),
                ("1.5.1", false),
            ],
        ),
        (
            ">= 1.4, < 1.5",
            &[
                ("1.4.alpha.0", false),
                ("1.4.beta.0", false),
                ("1.4.0.beta.0", false),
                ("1.4", true),
                ("1.4.1", true),
                ("1.5", false),
            ],
        ),
        (
            ">= 1.4.0.beta, < 1.5",
            &[
                ("1.4.0.alpha.0", false),
                ("1.4.0.beta.0", true),
                ("1.4.0", true),
            ],
        ),
        (
            ">= 1.4, <= 1.6, != 1.5",
            &[
                ("1.3", false),
                ("1.4", true),
                ("1.5", false),
                ("1.6", true),
                ("1.7", false),
            ],
        ),
        // test_satisfied_by_explicitly_bounded (RubyGems 3): `<` is plain ordering, so a
        // pre-release of the bound is below it. (Older copies of this test expected the
        // opposite; RubyGems dropped that rule.)
        (
            ">= 1.4.4, < 1.5",
            &[("1.4.5", true), ("1.5.0.rc1", true), ("1.5.0", false)],
        ),
    ];
    for (req, versions) in cases {
        for (version, want) in versions.iter() {
            assert_eq!(satisfied(version, req), *want, "{version} in {req}");
        }
    }
}

#[test]
fn test_illformed_requirements() {
    for bad in [">>> 1.3.5", "> blah", "", "~>", "1.0,,2.0"] {
        assert!(Gem::satisfies(&v("1.0"), bad).is_err(), "{bad:?}");
    }
    assert!(satisfied("1", "=\n1"));
}

#[test]
fn huge_numbers() {
    assert!(v("1.99999999999999999999999") > v("1.99999999999999999999998"));
    assert_eq!(v("9.99999999999999999999").bump(), v("10"));
}
