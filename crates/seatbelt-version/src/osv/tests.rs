use super::*;

fn introduced(v: &str) -> RangeEvent {
    RangeEvent::Introduced(v.into())
}
fn fixed(v: &str) -> RangeEvent {
    RangeEvent::Fixed(v.into())
}
fn last(v: &str) -> RangeEvent {
    RangeEvent::LastAffected(v.into())
}
fn limit(v: &str) -> RangeEvent {
    RangeEvent::Limit(v.into())
}
fn range(kind: RangeKind, events: Vec<RangeEvent>) -> AffectedRange {
    AffectedRange { kind, events }
}
fn eco(events: Vec<RangeEvent>) -> AffectedRange {
    range(RangeKind::Ecosystem, events)
}

fn affected(scheme: Scheme, version: &str, ranges: &[AffectedRange]) -> bool {
    osv_affected(scheme, version, ranges, &[])
        .unwrap_or_else(|e| panic!("{version}: {e}"))
        .affected
}

#[test]
fn introduced_and_fixed() {
    let r = [eco(vec![introduced("1.0"), fixed("1.5")])];
    assert!(!affected(Scheme::Pep440, "0.9", &r));
    assert!(affected(Scheme::Pep440, "1.0", &r));
    assert!(affected(Scheme::Pep440, "1.4.9", &r));
    assert!(!affected(Scheme::Pep440, "1.5", &r));
    assert!(!affected(Scheme::Pep440, "2.0", &r));
}

#[test]
fn introduced_zero_is_the_beginning() {
    // A Debian record: everything before the fixed version of the release.
    let r = [eco(vec![introduced("0"), fixed("2.36.1-8+deb12u1")])];
    assert!(affected(Scheme::Deb, "2.36.1-8", &r));
    assert!(affected(Scheme::Deb, "0.1", &r));
    assert!(!affected(Scheme::Deb, "2.36.1-8+deb12u1", &r));
    assert!(!affected(Scheme::Deb, "1:0.1", &r));
    // Unfixed: only `introduced: "0"`.
    assert!(affected(
        Scheme::Deb,
        "9.9-9",
        &[eco(vec![introduced("0")])]
    ));
}

#[test]
fn several_introduced_in_one_range_and_unsorted_events() {
    // Two affected stretches, [1.0, 1.2) and [2.0, 2.3), listed out of order.
    let r = [eco(vec![
        fixed("2.3"),
        introduced("2.0"),
        fixed("1.2"),
        introduced("1.0"),
    ])];
    for (v, want) in [
        ("0.9", false),
        ("1.0", true),
        ("1.1", true),
        ("1.2", false),
        ("1.9", false),
        ("2.0", true),
        ("2.2.9", true),
        ("2.3", false),
    ] {
        assert_eq!(affected(Scheme::Pep440, v, &r), want, "{v}");
    }
    let verdict = osv_affected(Scheme::Pep440, "2.1", &r, &[]).unwrap();
    assert_eq!(verdict.fixed.as_deref(), Some("2.3"));
    let verdict = osv_affected(Scheme::Pep440, "1.1", &r, &[]).unwrap();
    assert_eq!(verdict.fixed.as_deref(), Some("1.2"));
}

#[test]
fn last_affected_is_inclusive() {
    let r = [eco(vec![introduced("1.0.0"), last("1.4.0")])];
    assert!(affected(Scheme::Npm, "1.4.0", &r));
    assert!(!affected(Scheme::Npm, "1.4.1", &r));
    let verdict = osv_affected(Scheme::Npm, "1.2.0", &r, &[]).unwrap();
    assert_eq!(verdict.fixed, None);
}

#[test]
fn limits_bound_the_range() {
    let r = [eco(vec![introduced("0"), limit("2.0.0")])];
    assert!(affected(Scheme::Cargo, "1.9.9", &r));
    assert!(!affected(Scheme::Cargo, "2.0.0", &r));
    let r = [eco(vec![introduced("1.0.0"), limit("*")])];
    assert!(affected(Scheme::Cargo, "9.0.0", &r));
    // Two branches' limits: below either is enough.
    let r = [eco(vec![
        introduced("1.0.0"),
        limit("1.5.0"),
        limit("3.0.0"),
    ])];
    assert!(affected(Scheme::Cargo, "2.0.0", &r));
    assert!(!affected(Scheme::Cargo, "3.0.0", &r));
}

#[test]
fn semver_ranges_use_semver_leniently() {
    // Go records use SEMVER ranges without the `v`, and `introduced: "0"`.
    let r = [range(
        RangeKind::Semver,
        vec![introduced("0"), fixed("0.0.0-20220314234659-1baeb1ce4c0b")],
    )];
    assert!(affected(
        Scheme::Go,
        "v0.0.0-20210101000000-abcdefabcdef",
        &r
    ));
    assert!(!affected(Scheme::Go, "v0.1.0", &r));
    let r = [range(
        RangeKind::Semver,
        vec![introduced("1.2"), fixed("1.4")],
    )];
    assert!(affected(Scheme::Npm, "1.3.0", &r));
}

#[test]
fn git_ranges_are_skipped_and_reported() {
    let r = [
        range(RangeKind::Git, vec![introduced("0"), fixed("abc123")]),
        eco(vec![introduced("1.0"), fixed("2.0")]),
    ];
    let verdict = osv_affected(Scheme::Pep440, "1.5", &r, &[]).unwrap();
    assert!(verdict.affected);
    assert!(verdict.git_ranges_skipped);
    let verdict = osv_affected(Scheme::Pep440, "3.0", &r[..1], &[]).unwrap();
    assert!(!verdict.affected);
    assert!(verdict.git_ranges_skipped);
}

#[test]
fn versions_lists_match_by_the_scheme() {
    let versions = vec![
        "1.0".to_string(),
        "1.1.0".to_string(),
        "not-a-version".to_string(),
    ];
    let check = |v| {
        osv_affected(Scheme::Pep440, v, &[], &versions)
            .unwrap()
            .affected
    };
    assert!(check("1.0"));
    assert!(check("1.0.0"));
    assert!(check("1.1"));
    assert!(!check("1.2"));
}

#[test]
fn a_bad_event_version_is_an_error_naming_it() {
    let r = [eco(vec![introduced("1.0"), fixed("one.five")])];
    let err = osv_affected(Scheme::Pep440, "1.2", &r, &[]).unwrap_err();
    assert!(err.to_string().contains("one.five"), "{err}");
    // And an installed version the scheme cannot read.
    assert!(osv_affected(Scheme::Deb, "", &[eco(vec![introduced("0")])], &[]).is_err());
}

#[test]
fn a_range_opening_and_closing_at_one_version_covers_nothing() {
    let r = [eco(vec![fixed("1.0"), introduced("1.0")])];
    assert!(!affected(Scheme::Pep440, "1.0", &r));
}

#[test]
fn a_pre_parsed_installed_version_gives_the_same_verdicts() {
    let ranges = [
        eco(vec![introduced("0"), fixed("1.2-1+deb12u1")]),
        eco(vec![introduced("2.0-1"), last("2.1-1")]),
        eco(vec![introduced("0"), fixed("3.0-1"), limit("2.5-1")]),
        range(RangeKind::Semver, vec![introduced("0"), fixed("9.0.0")]),
    ];
    let versions = ["2.9-1".to_string()];
    for installed in [
        "1.0-1",
        "1.2-1+deb12u1",
        "2.0-1",
        "2.1-1",
        "2.2-1",
        "2.9-1",
        "1:0.1-1",
    ] {
        let parsed = Scheme::Deb.parse(installed).unwrap();
        for (r, v) in [(&ranges[..3], &versions[..]), (&ranges[..], &[][..])] {
            assert_eq!(
                osv_affected(Scheme::Deb, installed, r, v),
                osv_affected_parsed(Scheme::Deb, installed, &parsed, r, v),
                "{installed}"
            );
        }
    }
}
