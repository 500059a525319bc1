//! `seatbelt sign-blob` / `verify-blob` end to end, with Debian's cosign as the independent
//! peer in both directions and both bundle formats, every tampering case refused, and keyless
//! bundles from a test PKI checked offline against a trusted root.

// A panic is how a test reports failure.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use seatbelt_sign::bundle::test_pki::{Format, Options, Pki, IDENTITY, ISSUER};
use seatbelt_test::tools::cosign;

const PASSWORD: &str = "blob password";

fn run(program: &Path, args: &[&str], dir: &Path) -> Output {
    seatbelt_test::cli::run_isolated(program, args, dir, PASSWORD, &[])
}

fn seatbelt_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_seatbelt"))
}

fn ok(program: &Path, args: &[&str], dir: &Path) -> String {
    let what = format!("{} {args:?}", program.display());
    seatbelt_test::cli::succeeded(&what, &run(program, args, dir))
}

fn code(program: &Path, args: &[&str], dir: &Path) -> (i32, String) {
    let out = run(program, args, dir);
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// cosign verifying offline with no transparency log; the new format needs a trusted root,
/// which for a key-signed bundle may be empty.
fn cosign_verifies(dir: &Path, extra: &[&str]) -> bool {
    let mut args = vec![
        "verify-blob",
        "--key",
        "cosign.pub",
        "--insecure-ignore-tlog",
    ];
    args.extend_from_slice(extra);
    run(&cosign(), &args, dir).status.success()
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("artifact.tar"), b"release 1.0 bytes\n").unwrap();
    std::fs::write(dir.path().join("tampered.tar"), b"release 1.0 bytez\n").unwrap();
    std::fs::write(
        dir.path().join("empty-root.json"),
        r#"{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}"#,
    )
    .unwrap();
    dir
}

#[test]
fn cosign_verifies_what_seatbelt_signed_in_every_format() {
    let dir = setup();
    let d = dir.path();
    ok(&cosign(), &["generate-key-pair"], d);
    let seatbelt = seatbelt_bin();
    ok(
        &seatbelt,
        &[
            "sign-blob",
            "--key",
            "cosign.key",
            "--output-signature",
            "a.sig",
            "--bundle",
            "a.bundle",
            "artifact.tar",
        ],
        d,
    );
    ok(
        &seatbelt,
        &[
            "sign-blob",
            "--key",
            "cosign.key",
            "--bundle",
            "a.sigstore.json",
            "--new-bundle-format",
            "artifact.tar",
        ],
        d,
    );
    // Without an output file the signature goes to standard output.
    let printed = ok(
        &seatbelt,
        &["sign-blob", "--key", "cosign.key", "artifact.tar"],
        d,
    );
    std::fs::write(d.join("stdout.sig"), printed.trim()).unwrap();

    for sig in ["a.sig", "stdout.sig"] {
        assert!(
            cosign_verifies(d, &["--signature", sig, "artifact.tar"]),
            "{sig}"
        );
        assert!(
            !cosign_verifies(d, &["--signature", sig, "tampered.tar"]),
            "{sig}"
        );
    }
    assert!(cosign_verifies(
        d,
        &["--bundle", "a.bundle", "artifact.tar"]
    ));
    assert!(!cosign_verifies(
        d,
        &["--bundle", "a.bundle", "tampered.tar"]
    ));
    let new_format = [
        "--bundle",
        "a.sigstore.json",
        "--new-bundle-format",
        "--trusted-root",
        "empty-root.json",
    ];
    assert!(cosign_verifies(
        d,
        &[&new_format[..], &["artifact.tar"]].concat()
    ));
    assert!(!cosign_verifies(
        d,
        &[&new_format[..], &["tampered.tar"]].concat()
    ));
}

#[test]
fn seatbelt_verifies_what_cosign_signed_and_refuses_tampering() {
    let dir = setup();
    let d = dir.path();
    ok(&cosign(), &["generate-key-pair"], d);
    let c = cosign();
    let no_tlog = ["--tlog-upload=false", "-y"];
    ok(
        &c,
        &[
            &[
                "sign-blob",
                "--key",
                "cosign.key",
                "--output-signature",
                "c.sig",
                "--bundle",
                "c.bundle",
            ][..],
            &no_tlog,
            &["artifact.tar"],
        ]
        .concat(),
        d,
    );
    ok(
        &c,
        &[
            &[
                "sign-blob",
                "--key",
                "cosign.key",
                "--new-bundle-format",
                "--bundle",
                "c.sigstore.json",
            ][..],
            &no_tlog,
            &["artifact.tar"],
        ]
        .concat(),
        d,
    );
    let seatbelt = seatbelt_bin();
    for evidence in [
        ["--signature", "c.sig"],
        ["--bundle", "c.bundle"],
        ["--bundle", "c.sigstore.json"],
    ] {
        let verify = |key: &str, file: &str| {
            code(
                &seatbelt,
                &[&["verify-blob", "--key", key][..], &evidence, &[file]].concat(),
                d,
            )
        };
        let (status, out) = verify("cosign.pub", "artifact.tar");
        assert_eq!(status, 0, "{evidence:?}: {out}");
        assert!(out.contains("Verified OK"), "{out}");
        let (status, out) = verify("cosign.pub", "tampered.tar");
        assert_eq!(status, 1, "{evidence:?} tampered file: {out}");
        // A key seatbelt generated is not the signer's.
        if !d.join("other.pub").exists() {
            let out = Command::new(&seatbelt)
                .args(["key", "generate", "--output-prefix", "other"])
                .current_dir(d)
                .env("SEATBELT_PASSWORD", "x")
                .output()
                .unwrap();
            assert!(out.status.success());
        }
        let (status, out) = verify("other.pub", "artifact.tar");
        assert_eq!(status, 1, "{evidence:?} wrong key: {out}");
    }

    // Tampered signature bytes.
    let sig = std::fs::read_to_string(d.join("c.sig")).unwrap();
    let mut bytes = sig.into_bytes();
    bytes[20] = if bytes[20] == b'A' { b'B' } else { b'A' };
    std::fs::write(d.join("bad.sig"), &bytes).unwrap();
    let (status, out) = code(
        &seatbelt,
        &[
            "verify-blob",
            "--key",
            "cosign.pub",
            "--signature",
            "bad.sig",
            "artifact.tar",
        ],
        d,
    );
    assert_eq!(status, 1, "{out}");

    // Truncated and garbage bundles are errors (exit 2) that say what is wrong.
    let bundle = std::fs::read(d.join("c.sigstore.json")).unwrap();
    std::fs::write(d.join("truncated.json"), &bundle[..bundle.len() / 2]).unwrap();
    std::fs::write(d.join("garbage.json"), b"\x00\x01 not json").unwrap();
    std::fs::write(d.join("other.json"), br#"{"hello":"world"}"#).unwrap();
    for bad in ["truncated.json", "garbage.json", "other.json"] {
        let (status, out) = code(
            &seatbelt,
            &[
                "verify-blob",
                "--key",
                "cosign.pub",
                "--bundle",
                bad,
                "artifact.tar",
            ],
            d,
        );
        assert_eq!(status, 2, "{bad}: {out}");
        assert!(out.contains(bad), "{bad}: the error names the file: {out}");
    }
}

#[test]
fn keyless_bundles_verify_offline_against_a_trusted_root() {
    let dir = setup();
    let d = dir.path();
    let artifact = std::fs::read(d.join("artifact.tar")).unwrap();
    let pki = Pki::new();
    std::fs::write(d.join("trusted_root.json"), pki.trusted_root()).unwrap();
    let signed = pki.sign(&artifact, &Options::default());
    for (name, format) in [
        ("cosign.json", Format::Cosign),
        ("v01.json", Format::V01),
        ("v02.json", Format::V02),
        ("v03.json", Format::V03),
    ] {
        std::fs::write(
            d.join(name),
            signed.bundle(format, &pki.intermediate_der()).to_string(),
        )
        .unwrap();
    }
    let seatbelt = seatbelt_bin();
    let verify = |bundle: &str, identity: &str, issuer: &str, file: &str| {
        code(
            &seatbelt,
            &[
                "verify-blob",
                "--bundle",
                bundle,
                "--trusted-root",
                "trusted_root.json",
                "--certificate-identity",
                identity,
                "--certificate-oidc-issuer",
                issuer,
                file,
            ],
            d,
        )
    };
    for bundle in ["cosign.json", "v01.json", "v02.json", "v03.json"] {
        let (status, out) = verify(bundle, IDENTITY, ISSUER, "artifact.tar");
        assert_eq!(status, 0, "{bundle}: {out}");
        assert!(
            out.contains(IDENTITY) && out.contains("2023-11-14T22:13:20Z"),
            "{out}"
        );
    }
    let (status, out) = verify(
        "v03.json",
        "https://github.com/evil/app",
        ISSUER,
        "artifact.tar",
    );
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("identity"), "{out}");
    let (status, out) = verify(
        "v03.json",
        IDENTITY,
        "https://accounts.google.com",
        "artifact.tar",
    );
    assert_eq!(status, 1, "{out}");
    let (status, out) = verify("v02.json", IDENTITY, ISSUER, "tampered.tar");
    assert_eq!(status, 1, "{out}");
    // Another PKI's trusted root: nothing chains.
    std::fs::write(d.join("other_root.json"), Pki::new().trusted_root()).unwrap();
    let (status, out) = code(
        &seatbelt,
        &[
            "verify-blob",
            "--bundle",
            "v01.json",
            "--trusted-root",
            "other_root.json",
            "--certificate-identity",
            IDENTITY,
            "--certificate-oidc-issuer",
            ISSUER,
            "artifact.tar",
        ],
        d,
    );
    assert_eq!(status, 1, "{out}");
    // JSON output names the failing check.
    let out = run(
        &seatbelt,
        &[
            "verify-blob",
            "--json",
            "--bundle",
            "v03.json",
            "--trusted-root",
            "trusted_root.json",
            "--certificate-identity",
            IDENTITY,
            "--certificate-oidc-issuer",
            "https://x",
            "artifact.tar",
        ],
        d,
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["failed_check"], "issuer", "{json}");
    assert_eq!(json["verified"], false);

    // What people see when it verifies.
    let out = run(
        &seatbelt,
        &[
            "verify-blob",
            "--bundle",
            "v02.json",
            "--trusted-root",
            "trusted_root.json",
            "--certificate-identity",
            IDENTITY,
            "--certificate-oidc-issuer",
            ISSUER,
            "artifact.tar",
        ],
        d,
    );
    assert!(out.status.success());
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

#[test]
fn keyless_attestation_and_timestamped_bundles_verify() {
    use base64::Engine;
    use seatbelt_sign::bundle::test_dsse::{statement, DsseKind};
    let dir = setup();
    let d = dir.path();
    let artifact = std::fs::read(d.join("artifact.tar")).unwrap();
    let pki = Pki::new();
    std::fs::write(d.join("trusted_root.json"), pki.trusted_root()).unwrap();
    let signed = pki.sign(&artifact, &Options::default());
    // An attestation whose statement's subject is the artifact.
    let payload = statement(&signed.sha256, serde_json::json!({}));
    let attested = pki.sign_dsse(&payload, DsseKind::Dsse, &Options::default());
    std::fs::write(
        d.join("attestation.json"),
        attested
            .bundle(Format::V03, &pki.intermediate_der())
            .to_string(),
    )
    .unwrap();
    // A blob signature whose only trusted time is an RFC 3161 timestamp.
    let mut json = signed.bundle(Format::V03ProofOnly, &pki.intermediate_der());
    let stamp = pki.tsa.stamp(&signed.signature, 1_700_000_042);
    json["verificationMaterial"]["timestampVerificationData"] = serde_json::json!({
        "rfc3161Timestamps": [{
            "signedTimestamp": base64::engine::general_purpose::STANDARD.encode(stamp)
        }]
    });
    std::fs::write(d.join("timestamped.json"), json.to_string()).unwrap();
    let seatbelt = seatbelt_bin();
    let verify = |bundle: &str, file: &str| {
        code(
            &seatbelt,
            &[
                "verify-blob",
                "--bundle",
                bundle,
                "--trusted-root",
                "trusted_root.json",
                "--certificate-identity",
                IDENTITY,
                "--certificate-oidc-issuer",
                ISSUER,
                file,
            ],
            d,
        )
    };
    let (status, out) = verify("attestation.json", "artifact.tar");
    assert_eq!(status, 0, "{out}");
    assert!(
        out.contains("attestation: https://slsa.dev/provenance/v1"),
        "{out}"
    );
    let (status, out) = verify("attestation.json", "tampered.tar");
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("Digest"), "{out}");
    let (status, out) = verify("timestamped.json", "artifact.tar");
    assert_eq!(status, 0, "{out}");
    assert!(
        out.contains("2023-11-14T22:14:02Z")
            && out.contains("RFC 3161 timestamps: https://tsa.test"),
        "{out}"
    );
}
