use super::*;

fn v(text: &str) -> GemVersion {
    Gem::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn trailing_zeros_and_prereleases() {
    assert_eq!(v("1.0"), v("1"));
    assert_eq!(v("1.0.0"), v("1"));
    assert!(v("1.0.a") < v("1.0"));
    assert!(v("1.0-beta") < v("1.0"));
}
