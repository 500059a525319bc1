//! `seatbelt version compare|satisfies` through the real binary: answers on stdout, exit 0;
//! invalid input exits 2 with a message naming the text and the expected shape.

use std::process::Output;

fn seatbelt(args: &[&str]) -> Output {
    seatbelt_test::cli::run(env!("CARGO_BIN_EXE_seatbelt"), args)
}

fn answer(args: &[&str]) -> String {
    seatbelt_test::cli::succeeded(&format!("seatbelt {args:?}"), &seatbelt(args))
        .trim_end()
        .to_string()
}

#[test]
fn compare_prints_minus_one_zero_or_one() {
    let cases = [
        (["deb", "1:1.0-1", "2.0-1"], "1"),
        (["deb", "1.0~rc1-1", "1.0-1"], "-1"),
        (["deb", "1.0-1", "0:1.0-1"], "0"),
        (["apk", "1.2.3_rc1-r0", "1.2.3-r0"], "-1"),
        (["rpm", "1.0^git1", "1.0"], "1"),
        (["semver", "v1.2", "1.2.0"], "0"),
        (["npm", "1.0.0-beta.11", "1.0.0-beta.2"], "1"),
        (["cargo", "0.10.0", "0.9.9"], "1"),
        (["go", "v0.0.0-20191109021931-daa7c04131f5", "v0.0.1"], "-1"),
        (["go", "go1.21rc1", "go1.21.0"], "-1"),
        (["pep440", "1.0.post1", "1.0"], "1"),
        (["maven", "1.0-SNAPSHOT", "1.0"], "-1"),
        (["maven", "1.0.RELEASE", "1.0"], "0"),
        (["gem", "1.0.0.rc1", "1.0.0"], "-1"),
    ];
    for (args, want) in cases {
        let mut full = vec!["version", "compare"];
        full.extend(args);
        assert_eq!(answer(&full), want, "{args:?}");
    }
}

#[test]
fn satisfies_prints_true_or_false() {
    let cases = [
        (["npm", "1.4.2", "^1.2.0 || ^2.0.0"], "true"),
        (["npm", "1.3.0-beta", "^1.2.0"], "false"),
        (["cargo", "0.3.1", "^0.2"], "false"),
        (["pep440", "2.19.0", ">=2.0,<2.20.0"], "true"),
        (["maven", "2.9.10.1", "[2.9.0,2.9.10.8)"], "true"),
        (
            ["maven", "2.12.0", "(,2.9.10.8),[2.10.0,2.10.5.1)"],
            "false",
        ),
        (["gem", "5.2.4.3", "~> 5.2.4, >= 5.2.4.3"], "true"),
        (["deb", "2.36.1-8", "<< 2.36.1-8+deb12u1"], "true"),
        (["go", "go1.21.3", ">= 1.21.0-0, < 1.21.5"], "true"),
        (["rpm", "1:3.0.7-27.el9", ">= 1:3.0.7-24.el9"], "true"),
    ];
    for (args, want) in cases {
        let mut full = vec!["version", "satisfies"];
        full.extend(args);
        assert_eq!(answer(&full), want, "{args:?}");
    }
}

#[test]
fn an_invalid_version_exits_2_naming_it_and_the_expected_shape() {
    let out = seatbelt(&["version", "compare", "deb", "one.two", "1.0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    insta::assert_snapshot!("invalid_deb_version", stderr.trim_end());

    let out = seatbelt(&["version", "satisfies", "pep440", "1.0", "=>1.0"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("invalid pep440 range \"=>1.0\""),
        "{stderr}"
    );
    assert!(stderr.contains("PEP 440 specifiers"), "{stderr}");
}

#[test]
fn hostile_input_is_refused_with_a_bound_not_a_crash() {
    let huge = "1.".repeat(5000);
    let out = seatbelt(&["version", "compare", "npm", &huge, "1.0.0"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("limit"), "{stderr}");

    for scheme in [
        "deb", "apk", "rpm", "semver", "npm", "cargo", "go", "pep440", "maven", "gem",
    ] {
        for weird in ["", "ﬁ.1", "1.\u{7}", "١.٢.٣", "🦀"] {
            let out = seatbelt(&["version", "compare", scheme, weird, "1"]);
            assert!(
                matches!(out.status.code(), Some(0 | 2)),
                "{scheme} {weird:?}: {:?}",
                out.status
            );
        }
    }
}

#[test]
fn an_unknown_scheme_is_a_usage_error_listing_the_schemes() {
    let out = seatbelt(&["version", "compare", "debian", "1", "2"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("deb, apk, rpm"), "{stderr}");
}
