//! Comparison throughput per scheme, and the cost of matching 10,000 installed packages
//! against OSV ranges (the budget in issue #4 is 50 ms for 10,000 packages).
//!
//! Run: `cargo run --release -p seatbelt-version --example bench`

use std::hint::black_box;
use std::time::{Duration, Instant};

use seatbelt_types::{AffectedRange, RangeEvent, RangeKind};
use seatbelt_version::{osv_affected, Scheme};

/// Realistic versions per scheme, as found in images and advisories.
fn samples(scheme: Scheme) -> &'static [&'static str] {
    match scheme {
        Scheme::Deb => &[
            "2.36.1-8+deb12u1",
            "1:2.36.1-8",
            "3.0.11-1~deb12u2",
            "1.2.13.dfsg-1",
            "252.22-1~deb12u1",
            "7.88.1-10+deb12u5",
            "2.9.14+dfsg-1.3~deb12u1",
            "1:9.2p1-2+deb12u2",
            "5.2.15-2+b2",
            "0.5.11",
        ],
        Scheme::Apk => &[
            "3.1.4-r5",
            "1.36.1-r15",
            "2.12.1_rc1-r0",
            "8.5.0-r0",
            "1.2.4_git20230717-r4",
            "3.0.7-r2",
            "1.1.1w-r1",
            "0.9.28.1-r3",
            "20240226-r0",
            "1.36.1-r16",
        ],
        Scheme::Rpm => &[
            "2.34-100.el9_4.2",
            "1:3.0.7-27.el9",
            "8.0.1-5.el9",
            "1.0^git20230101-1",
            "4.16.1.3-29.el9",
            "2.9.13-6.el9_4",
            "1.2.11-40.el9",
            "252-32.el9_4",
            "1.0~rc1-1",
            "9.0-3.el9",
        ],
        Scheme::Semver | Scheme::Npm => &[
            "4.17.21",
            "1.0.0-beta.11",
            "7.5.4",
            "2.0.0-rc.1",
            "0.0.3",
            "10.2.4",
            "1.13.6",
            "3.0.0",
            "18.2.0",
            "1.0.0",
        ],
        Scheme::Cargo => &[
            "1.0.197",
            "0.11.27",
            "1.38.0",
            "0.4.41",
            "2.0.0-alpha.1",
            "0.3.30",
            "1.0.86",
            "0.9.8",
            "0.22.4",
            "1.6.0",
        ],
        Scheme::Go => &[
            "v1.2.3",
            "v0.0.0-20191109021931-daa7c04131f5",
            "v2.0.0+incompatible",
            "v0.17.0",
            "go1.21.3",
            "go1.22rc1",
            "v1.9.1",
            "v0.15.0",
            "1.21.5",
            "v1.60.1",
        ],
        Scheme::Pep440 => &[
            "2.19.0",
            "1.24.1",
            "2.10",
            "5.3",
            "1.0rc1",
            "2!1.0",
            "1.0.post1",
            "3.4.dev2",
            "1.2+local.7",
            "42.0.5",
        ],
        Scheme::Maven => &[
            "2.9.10.8",
            "5.3.31.RELEASE",
            "1.0-SNAPSHOT",
            "2.17.1",
            "9.4.53.v20231009",
            "1.2.3-rc-1",
            "31.1-jre",
            "3.12.0",
            "1.0.0.Final",
            "2.0-beta-3",
        ],
        Scheme::Gem => &[
            "7.1.3.2",
            "1.16.2",
            "2.0.0.rc1",
            "5.2.4.3",
            "0.9.12",
            "3.2.0",
            "1.0.0-beta.2",
            "13.1.0",
            "6.1.7.7",
            "1.6.1",
        ],
    }
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

fn main() {
    const ROUNDS: usize = 20_000;
    println!(
        "{:<8} {:>16} {:>20}",
        "scheme", "cmp/s (parsed)", "compare/s (strings)"
    );
    for scheme in Scheme::ALL {
        let texts = samples(scheme);
        let parsed: Vec<_> = texts
            .iter()
            .map(|t| scheme.parse(t).unwrap_or_else(|e| panic!("{e}")))
            .collect();
        let pairs = parsed.len() * parsed.len();
        let ((), parsed_time) = time(|| {
            for _ in 0..ROUNDS / 10 {
                for a in &parsed {
                    for b in &parsed {
                        black_box(a.cmp(b));
                    }
                }
            }
        });
        let ((), string_time) = time(|| {
            for _ in 0..ROUNDS / 100 {
                for a in texts {
                    for b in texts {
                        let _ = black_box(scheme.compare(a, b));
                    }
                }
            }
        });
        let per_sec = |n: usize, d: Duration| n as f64 / d.as_secs_f64();
        println!(
            "{:<8} {:>16.0} {:>20.0}",
            scheme.name(),
            per_sec(pairs * (ROUNDS / 10), parsed_time),
            per_sec(pairs * (ROUNDS / 100), string_time)
        );
    }

    // 10,000 installed packages across schemes, each checked against an advisory with two
    // ranges of three stretches (what real OSV records look like), from strings each time.
    let packages: Vec<(Scheme, &str)> = (0..10_000)
        .map(|i| {
            let scheme = Scheme::ALL[i % Scheme::ALL.len()];
            let texts = samples(scheme);
            (scheme, texts[(i / Scheme::ALL.len()) % texts.len()])
        })
        .collect();
    let ranges_for = |scheme: Scheme| -> Vec<AffectedRange> {
        let t = samples(scheme);
        vec![
            AffectedRange {
                kind: RangeKind::Ecosystem,
                events: vec![
                    RangeEvent::Introduced("0".into()),
                    RangeEvent::Fixed(t[0].into()),
                    RangeEvent::Introduced(t[3].into()),
                    RangeEvent::Fixed(t[4].into()),
                ],
            },
            AffectedRange {
                kind: RangeKind::Ecosystem,
                events: vec![
                    RangeEvent::Introduced(t[5].into()),
                    RangeEvent::LastAffected(t[6].into()),
                ],
            },
        ]
    };
    let advisories: Vec<Vec<AffectedRange>> = Scheme::ALL.iter().map(|s| ranges_for(*s)).collect();
    let mut best = Duration::MAX;
    let mut affected = 0;
    for _ in 0..5 {
        let (count, took) = time(|| {
            packages
                .iter()
                .enumerate()
                .filter(|(i, (scheme, version))| {
                    osv_affected(*scheme, version, &advisories[i % Scheme::ALL.len()], &[])
                        .map(|v| v.affected)
                        .unwrap_or(false)
                })
                .count()
        });
        best = best.min(took);
        affected = count;
    }
    println!(
        "10,000 packages x 1 advisory (2 ranges, 6 events) with osv_affected: {:.2} ms (best of 5; {affected} affected)",
        best.as_secs_f64() * 1000.0
    );
}
