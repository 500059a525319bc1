//! Arbitrary text under every version scheme: parsing, comparing and range checks end in a
//! value or an error, never a panic, and comparison is antisymmetric.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seatbelt_types::{AffectedRange, RangeEvent, RangeKind};
use seatbelt_version::{osv_affected, Scheme};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Two or three fields separated by NUL: a, b and a range.
    let mut fields = text.splitn(3, '\0');
    let a = fields.next().unwrap_or_default();
    let b = fields.next().unwrap_or_default();
    let range = fields.next().unwrap_or_default();
    for scheme in Scheme::ALL {
        let parsed_a = scheme.parse(a);
        let parsed_b = scheme.parse(b);
        if let (Ok(x), Ok(y)) = (&parsed_a, &parsed_b) {
            assert_eq!(x.cmp(y), y.cmp(x).reverse(), "{scheme}: {a:?} vs {b:?}");
            assert_eq!(scheme.compare(a, b), Ok(x.cmp(y)));
        }
        if let Ok(x) = &parsed_a {
            // A version's display reads back as an equal version, where it fits the limits
            // (Maven's canonical form spells `m1` as `milestone1`, so it can outgrow them).
            let shown = x.to_string();
            if shown.chars().count() <= 256 {
                let again = scheme.parse(&shown).expect("a displayed version parses");
                assert_eq!(again.cmp(x), std::cmp::Ordering::Equal, "{scheme}: {a:?}");
            }
        }
        let _ = scheme.satisfies(a, range);
        let _ = scheme.satisfies(a, b);
        let ranges = [AffectedRange {
            kind: RangeKind::Ecosystem,
            events: vec![
                RangeEvent::Introduced(b.to_string()),
                RangeEvent::Fixed(range.to_string()),
                RangeEvent::LastAffected(b.to_string()),
                RangeEvent::Limit(range.to_string()),
            ],
        }];
        let _ = osv_affected(scheme, a, &ranges, &[b.to_string()]);
    }
});
