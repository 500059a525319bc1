use super::*;

/// apk-tools `test/version.data` (alpinelinux/apk-tools), one `A op B` comparison per line.
const VERSION_DATA: &str = include_str!("version.data");

#[test]
fn apk_tools_version_data() {
    let mut checked = 0;
    for line in VERSION_DATA.lines() {
        let line = line.split('#').next().unwrap_or_default().trim();
        let mut fields = line.split_whitespace();
        let (Some(a), Some(op), Some(b)) = (fields.next(), fields.next(), fields.next()) else {
            continue;
        };
        let want = match op {
            "<" => Ordering::Less,
            "=" => Ordering::Equal,
            ">" => Ordering::Greater,
            other => panic!("unknown operator {other} in {line}"),
        };
        assert_eq!(compare(a, b), want, "{line}");
        assert_eq!(compare(b, a), want.reverse(), "{line} (reversed)");
        // Through the validated type too, where both sides are valid apk versions.
        if let (Ok(va), Ok(vb)) = (Apk::parse(a), Apk::parse(b)) {
            assert_eq!(va.cmp(&vb), want, "{line}");
        }
        checked += 1;
    }
    assert!(checked > 700, "only {checked} lines read");
}

#[test]
fn grammar() {
    for good in [
        "1",
        "1.2.3",
        "1.2.3a",
        "1.2.3_rc1",
        "1.2.3_alpha_pre2",
        "1.2.3_p1-r4",
        "1.0~abc123-r0",
        "006",
        "2.12r-r4",
        "1.0.0_pre20191002222144-r0",
    ] {
        assert!(Apk::parse(good).is_ok(), "{good}");
    }
    for bad in [
        "",
        "a",
        "1.0bc",
        "23_foo",
        "1.0-r",
        "1.0-1",
        "1.0~",
        "1.0_rc1a",
        "1..2",
        "1.0-r1-r2",
        "1.0 ",
        "1,0",
    ] {
        assert!(Apk::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn numbers_never_overflow() {
    let big = "99999999999999999999999999";
    let bigger = "99999999999999999999999999.1";
    assert_eq!(compare(big, bigger), Ordering::Less);
    assert_eq!(
        compare("1.0-r99999999999999999999", "1.0-r99999999999999999998"),
        Ordering::Greater
    );
}
