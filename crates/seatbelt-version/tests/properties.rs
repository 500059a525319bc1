//! Property tests over every scheme: the order is total (antisymmetric and transitive), a
//! version's display parses back to an equal version, and no input makes parsing, comparing or
//! range checks panic.

use std::cmp::Ordering;

use proptest::prelude::*;
use seatbelt_version::{Scheme, Version};

/// Versions in each scheme's grammar, with the parts that make ordering interesting (epochs,
/// `~`, suffixes, qualifiers, pre-releases) over-represented.
fn versions(scheme: Scheme) -> BoxedStrategy<String> {
    let pattern = match scheme {
        Scheme::Deb => "([0-9]{1,2}:)?[0-9][0-9a-z.+~]{0,8}(-[0-9a-z.+~]{1,6})?",
        Scheme::Apk => {
            "[0-9]{1,3}(\\.[0-9]{1,3}){0,3}[a-z]?(_(alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]{0,2}){0,2}(~[0-9a-f]{1,4})?(-r[0-9]{1,2})?"
        }
        Scheme::Rpm => "([0-9]:)?[0-9a-z.~^_+]{1,10}(-[0-9a-z.~^]{1,6})?",
        Scheme::Semver => "v?[0-9]{1,3}(\\.[0-9]{1,3}){0,2}(-[a-z1-9][a-z0-9]{0,2}(\\.[a-z1-9][a-z0-9]{0,2}){0,2})?(\\+[a-z0-9]{1,3})?",
        Scheme::Npm | Scheme::Cargo => {
            "(0|[1-9][0-9]?)\\.(0|[1-9][0-9]?)\\.(0|[1-9][0-9]?)(-[a-z1-9][a-z0-9]{0,2}(\\.[a-z1-9][a-z0-9]{0,2}){0,2})?"
        }
        Scheme::Go => {
            "(v(0|[1-9])\\.(0|[1-9][0-9]?)\\.(0|[1-9][0-9]?)(-[a-z1-9][a-z0-9]{0,2})?(\\+incompatible)?|go1(\\.(0|[1-9][0-9]?)(\\.[0-9])?((rc|beta)[1-9])?)?)"
        }
        Scheme::Pep440 => {
            "([0-9]!)?[0-9]{1,2}(\\.[0-9]{1,2}){0,2}((a|b|rc)[0-9])?(\\.post[0-9])?(\\.dev[0-9])?(\\+[a-z0-9]{1,3})?"
        }
        Scheme::Maven => {
            "[0-9]{1,2}([.-]?(alpha|beta|milestone|rc|cr|snapshot|ga|final|release|sp|a|b|m|x|[0-9]{1,2})){0,5}"
        }
        Scheme::Gem => "[0-9]{1,2}(\\.([0-9]{1,2}|[a-z]{1,3})){0,4}(-[a-z0-9]{1,3})?",
    };
    proptest::string::string_regex(pattern)
        .unwrap_or_else(|e| panic!("{scheme}: {e}"))
        .boxed()
}

fn scheme_and_versions(n: usize) -> impl Strategy<Value = (Scheme, Vec<String>)> {
    proptest::sample::select(Scheme::ALL.to_vec())
        .prop_flat_map(move |scheme| (Just(scheme), proptest::collection::vec(versions(scheme), n)))
}

fn parse_all(scheme: Scheme, texts: &[String]) -> Option<Vec<Version>> {
    texts.iter().map(|t| scheme.parse(t).ok()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn order_is_antisymmetric((scheme, texts) in scheme_and_versions(2)) {
        let Some(v) = parse_all(scheme, &texts) else { return Ok(()) };
        prop_assert_eq!(v[0].cmp(&v[1]), v[1].cmp(&v[0]).reverse(), "{} {:?}", scheme, texts);
        prop_assert_eq!(v[0].cmp(&v[0]), Ordering::Equal);
    }

    #[test]
    fn order_is_transitive((scheme, texts) in scheme_and_versions(3)) {
        let Some(v) = parse_all(scheme, &texts) else { return Ok(()) };
        for (a, b, c) in [(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)] {
            if v[a] <= v[b] && v[b] <= v[c] {
                prop_assert!(v[a] <= v[c], "{} {:?} vs {:?} vs {:?}", scheme, texts[a], texts[b], texts[c]);
            }
            if v[a] == v[b] && v[b] == v[c] {
                prop_assert!(v[a] == v[c], "{} {:?} == {:?} == {:?}", scheme, texts[a], texts[b], texts[c]);
            }
        }
    }

    #[test]
    fn display_parses_back_to_an_equal_version((scheme, texts) in scheme_and_versions(1)) {
        let Ok(version) = scheme.parse(&texts[0]) else { return Ok(()) };
        let shown = version.to_string();
        let again = scheme.parse(&shown);
        prop_assert!(again.is_ok(), "{} {:?} shows as {:?}, which does not parse", scheme, texts[0], shown);
        if let Ok(again) = again {
            prop_assert_eq!(again.cmp(&version), Ordering::Equal, "{} {:?} -> {:?}", scheme, texts[0], shown);
        }
    }

    #[test]
    fn compare_agrees_with_parse((scheme, texts) in scheme_and_versions(2)) {
        let Some(v) = parse_all(scheme, &texts) else { return Ok(()) };
        prop_assert_eq!(scheme.compare(&texts[0], &texts[1]), Ok(v[0].cmp(&v[1])));
    }

    #[test]
    fn arbitrary_text_never_panics(scheme in proptest::sample::select(Scheme::ALL.to_vec()), a in ".{0,40}", b in ".{0,40}") {
        if let (Ok(x), Ok(y)) = (scheme.parse(&a), scheme.parse(&b)) {
            prop_assert_eq!(x.cmp(&y), y.cmp(&x).reverse());
        }
        let _ = scheme.satisfies(&a, &b);
        let _ = scheme.range_shape();
    }

    #[test]
    fn equal_versions_satisfy_their_own_equality((scheme, texts) in scheme_and_versions(1)) {
        let Ok(version) = scheme.parse(&texts[0]) else { return Ok(()) };
        let exact = match scheme {
            Scheme::Maven => format!("[{}]", texts[0]),
            Scheme::Npm | Scheme::Cargo => format!("={}", texts[0]),
            Scheme::Pep440 => format!("=={}", version),
            _ => format!("= {}", texts[0]),
        };
        prop_assert_eq!(scheme.satisfies(&texts[0], &exact), Ok(true), "{} {:?} in {:?}", scheme, texts[0], exact);
    }
}
