use super::*;

fn v(text: &str) -> MavenVersion {
    Maven::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// ComparableVersionTest's `newComparable`: the canonical form is a fixed point.
fn comparable(text: &str) -> MavenVersion {
    let version = v(text);
    let canonical = version.to_string();
    assert_eq!(v(&canonical).to_string(), canonical, "canonical of {text}");
    version
}

fn check_order(low: &str, high: &str) {
    let (a, b) = (comparable(low), comparable(high));
    assert_eq!(a.cmp(&b), Ordering::Less, "expected {low} < {high}");
    assert_eq!(b.cmp(&a), Ordering::Greater, "expected {high} > {low}");
}

fn check_equal(a: &str, b: &str) {
    let (x, y) = (comparable(a), comparable(b));
    assert_eq!(x.cmp(&y), Ordering::Equal, "expected {a} == {b}");
    assert_eq!(y.cmp(&x), Ordering::Equal, "expected {b} == {a}");
}

fn check_all_ordered(versions: &[&str]) {
    for (i, low) in versions.iter().enumerate() {
        for high in &versions[i + 1..] {
            check_order(low, high);
        }
    }
}

// apache/maven `compat/maven-artifact/src/test/java/org/apache/maven/artifact/versioning/
// ComparableVersionTest.java`, test by test.

#[test]
fn versions_qualifier() {
    check_all_ordered(&[
        "1-alpha2snapshot",
        "1-alpha2",
        "1-alpha-123",
        "1-beta-2",
        "1-beta123",
        "1-m2",
        "1-m11",
        "1-rc",
        "1-cr2",
        "1-rc123",
        "1-SNAPSHOT",
        "1",
        "1-sp",
        "1-sp2",
        "1-sp123",
        "1-abc",
        "1-def",
        "1-pom-1",
        "1-1-snapshot",
        "1-1",
        "1-2",
        "1-123",
    ]);
}

#[test]
fn versions_number() {
    check_all_ordered(&[
        "2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1",
        "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11", "11",
        "11.a", "11b", "11c", "11m",
    ]);
}

#[test]
fn versions_equal() {
    comparable("1.0-alpha");
    for (a, b) in [
        ("1", "1"),
        ("1", "1.0"),
        ("1", "1.0.0"),
        ("1.0", "1.0.0"),
        ("1", "1-0"),
        ("1", "1.0-0"),
        ("1.0", "1.0-0"),
        ("1a", "1-a"),
        ("1a", "1.0-a"),
        ("1a", "1.0.0-a"),
        ("1.0a", "1-a"),
        ("1.0.0a", "1-a"),
        ("1x", "1-x"),
        ("1x", "1.0-x"),
        ("1x", "1.0.0-x"),
        ("1.0x", "1-x"),
        ("1.0.0x", "1-x"),
        ("1cr", "1rc"),
        ("1a1", "1-alpha-1"),
        ("1b2", "1-beta-2"),
        ("1m3", "1-milestone-3"),
        ("1X", "1x"),
        ("1A", "1a"),
        ("1B", "1b"),
        ("1M", "1m"),
        ("1Cr", "1Rc"),
        ("1cR", "1rC"),
        ("1m3", "1Milestone3"),
        ("1m3", "1MileStone3"),
        ("1m3", "1MILESTONE3"),
    ] {
        check_equal(a, b);
    }
}

#[test]
fn versions_have_same_order() {
    for a in [
        "1ga", "1release", "1final", "1Ga", "1GA", "1RELEASE", "1RELeaSE", "1Final", "1FinaL",
        "1FINAL",
    ] {
        assert_eq!(v(a).cmp(&v("1")), Ordering::Equal, "{a} == 1");
        assert_eq!(v("1").cmp(&v(a)), Ordering::Equal, "1 == {a}");
    }
}

#[test]
fn version_comparing() {
    for (a, b) in [
        ("1", "2"),
        ("1.5", "2"),
        ("1", "2.5"),
        ("1.0", "1.1"),
        ("1.1", "1.2"),
        ("1.0.0", "1.1"),
        ("1.0.1", "1.1"),
        ("1.1", "1.2.0"),
        ("1.0-alpha-1", "1.0"),
        ("1.0-alpha-1", "1.0-alpha-2"),
        ("1.0-alpha-1", "1.0-beta-1"),
        ("1.0-beta-1", "1.0-SNAPSHOT"),
        ("1.0-SNAPSHOT", "1.0"),
        ("1.0-alpha-1-SNAPSHOT", "1.0-alpha-1"),
        ("1.0", "1.0-1"),
        ("1.0-1", "1.0-2"),
        ("1.0.0", "1.0-1"),
        ("2.0-1", "2.0.1"),
        ("2.0.1-klm", "2.0.1-lmn"),
        ("2.0.1", "2.0.1-xyz"),
        ("2.0.1", "2.0.1-123"),
        ("2.0.1-xyz", "2.0.1-123"),
    ] {
        check_order(a, b);
    }
}

#[test]
fn leading_zeroes() {
    check_order("0.7", "2");
    check_order("0.2", "1.0.7");
}

#[test]
fn digits_above_letters_and_non_ascii() {
    assert!(v("1") > v("é"));
    assert!(v("1") > v("\u{1D7E4}"));
    assert!(v("7") > v("J"));
    assert!(v("7") > v("c"));
    assert!(v("1") > v("\u{0668}"));
    assert!(v("9") > v("\u{0668}"));
    assert!(v("zebra") > v("aardvark"));
    assert!(v("ζέβρα") > v("zebra"));
}

#[test]
fn get_canonical() {
    for text in ["0.x", "0-x", "0.rc", "0-1"] {
        comparable(text);
    }
    assert_eq!(v("0.x").to_string(), "x");
    assert_eq!(v("0.2").to_string(), "0.2");
}

#[test]
fn case_insensitive() {
    assert_eq!(v("1.0.0-alpha1"), v("1.0.0-ALPHA1"));
    assert_eq!(v("1.a"), v("1.A"));
    assert_eq!(v("1.é"), v("1.É"));
    check_equal(
        "1-abcdefghijklmnopqrstuvwxyz",
        "1-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    );
}

#[test]
fn mng_5568_transitivity() {
    check_order("6.1.0rc3", "6.1.0");
    check_order("6.1.0rc3", "6.1H.5-beta");
    check_order("6.1.0", "6.1H.5-beta");
}

#[test]
fn mng_6572_long_numbers() {
    let (a, b, c, d) = (
        "20190126.230843",
        "1234567890.12345",
        "123456789012345.1H.5-beta",
        "12345678901234567890.1H.5-beta",
    );
    for (x, y) in [(a, b), (b, c), (a, c), (c, d), (b, d), (a, d)] {
        check_order(x, y);
    }
}

#[test]
fn leading_zeroes_of_any_length_are_equal() {
    let ones: Vec<String> = (0..19).map(|n| format!("{}1", "0".repeat(n))).collect();
    let zeros: Vec<String> = (1..20).map(|n| "0".repeat(n)).collect();
    for set in [&ones, &zeros] {
        for a in set.iter() {
            for b in set.iter() {
                check_equal(a, b);
            }
        }
    }
}

#[test]
fn mng_6964() {
    check_order("1-0.alpha", "1");
    check_order("1-0.beta", "1");
    check_order("1-0.alpha", "1-0.beta");
}

#[test]
fn mng_7644() {
    for x in [
        "abc",
        "alpha",
        "a",
        "beta",
        "b",
        "def",
        "milestone",
        "m",
        "RC",
    ] {
        check_order(&format!("1.0.0.{x}1"), &format!("1.0.0-{x}2"));
        check_equal(&format!("2-{x}"), &format!("2.0.{x}"));
        check_equal(&format!("2-{x}"), &format!("2.0.0.{x}"));
        check_equal(&format!("2.0.{x}"), &format!("2.0.0.{x}"));
    }
}

#[test]
fn mng_7714() {
    let f = v("1.0.final-redhat");
    for sp in ["1.0-sp1-redhat", "1.0-sp-1-redhat", "1.0-sp.1-redhat"] {
        assert!(f < v(sp), "1.0.final-redhat < {sp}");
    }
}

#[test]
fn bounds() {
    assert!(Maven::parse("").is_err());
    assert!(Maven::parse(&"1".repeat(MAX_MAVEN_VERSION_LEN + 1)).is_err());
    assert!(Maven::parse("1.0 beta").is_err());
    // Deep nesting within the limit stays cheap and comparable.
    let deep = "1-".repeat(MAX_MAVEN_VERSION_LEN / 2 - 1) + "1";
    assert!(v(&deep) > v("1"));
}

/// Maven's "Dependency Version Requirement Specification" table, and VersionRangeTest cases.
#[test]
fn ranges() {
    let cases = [
        ("[1.0]", "1.0", true),
        ("[1.0]", "1.0.0", true),
        ("[1.0]", "1.1", false),
        ("(,1.0]", "0.9", true),
        ("(,1.0]", "1.0", true),
        ("(,1.0]", "1.0.1", false),
        ("(,1.0)", "1.0", false),
        ("(,1.0)", "1.0-SNAPSHOT", true),
        ("[1.2,1.3]", "1.2", true),
        ("[1.2,1.3]", "1.3", true),
        ("[1.0,2.0)", "1.9.9", true),
        ("[1.0,2.0)", "2.0", false),
        ("[1.5,)", "99", true),
        ("[1.5,)", "1.4", false),
        ("(,1.0],[1.2,)", "1.1", false),
        ("(,1.0],[1.2,)", "1.0", true),
        ("(,1.0],[1.2,)", "1.3", true),
        ("(,1.1),(1.1,)", "1.1", false),
        ("(,1.1),(1.1,)", "1.1.1", true),
        ("1.0", "1.0", true),
        ("1.0", "2.0", false),
    ];
    for (range, version, want) in cases {
        assert_eq!(
            Maven::satisfies(&v(version), range),
            Ok(want),
            "{version} in {range}"
        );
    }
    for bad in [
        "",
        "[1.0",
        "(1.0)",
        "[2.0,1.0]",
        "(1.0,1.0)",
        "[1.0,2.0),1.5",
        "[1,2,3]",
        "[a b]",
    ] {
        assert!(Maven::satisfies(&v("1.0"), bad).is_err(), "{bad:?}");
    }
}
