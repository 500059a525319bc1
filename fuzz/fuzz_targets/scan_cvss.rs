//! CVSS v3.x / v4.0 vector scoring on arbitrary text: no panic; scores stay within 0–10.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for vector in [text.to_string(), format!("CVSS:3.1/{text}"), format!("CVSS:4.0/{text}")] {
        if let Ok(score) = seatbelt_scan::cvss::base_score(&vector) {
            assert!((0.0..=10.0).contains(&score.score), "{vector}: {}", score.score);
        }
    }
});
