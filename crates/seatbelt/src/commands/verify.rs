//! `seatbelt verify`: checks every cosign signature stored for exactly the resolved digest.

use std::path::Path;

use miette::IntoDiagnostic;
use seatbelt_sign::keys::read_key_file;
use seatbelt_sign::verify::{Report, Verifier};
use seatbelt_sign::PublicKey;

use crate::args::{VerifyArgs, VerifyFormat};
use crate::commands::sign::{open_target, parse_annotations};
use crate::output::{print, print_json};
use crate::Outcome;

pub(crate) fn run(args: &VerifyArgs) -> miette::Result<Outcome> {
    let annotations = parse_annotations(&args.annotations)?;
    let target = open_target(&args.image, &args.source)?;
    let report = match (&args.key, &args.keyless.trusted_root) {
        (Some(key), _) => {
            let key = load_public_key(key)?;
            seatbelt_sign::verify::verify(&target, &key, &annotations)
        }
        (None, Some(root)) => {
            let (root, policy) = super::blob::keyless_policy(&args.keyless, root)?;
            let verifier = Verifier::Keyless {
                root: &root,
                policy: &policy,
            };
            seatbelt_sign::verify::verify_with(&target, verifier, &annotations)
        }
        (None, None) => miette::bail!("pass --key PUB, or --trusted-root with the identity flags"),
    }
    .into_diagnostic()?;
    print_report(&report, args.format, table, report.verified())
}

/// The public key in the PKIX PEM file at `path`.
pub(crate) fn load_public_key(path: &Path) -> miette::Result<PublicKey> {
    let what = path.display().to_string();
    PublicKey::from_pem(&read_key_file(path).into_diagnostic()?, &what).into_diagnostic()
}

/// Prints a verification report as asked; the check failed when nothing verified.
pub(crate) fn print_report<T: serde::Serialize>(
    report: &T,
    format: VerifyFormat,
    table: impl FnOnce(&T) -> String,
    verified: usize,
) -> miette::Result<Outcome> {
    match format {
        VerifyFormat::Json => print_json(report)?,
        VerifyFormat::Table => print(&table(report))?,
    }
    Ok(if verified > 0 {
        Outcome::Ok
    } else {
        Outcome::CheckFailed
    })
}

/// The first line of a verification table: the digest checked, and where.
pub(crate) fn heading(digest: &impl std::fmt::Display, identity: Option<&str>) -> String {
    let place = identity.map(|i| format!(" in {i}")).unwrap_or_default();
    format!("Image {digest}{place}\n")
}

fn table(report: &Report) -> String {
    let mut out = heading(&report.digest, report.identity.as_deref());
    if !report.referrers.is_empty() {
        out.push_str(&format!(
            "Read {} and {} OCI 1.1 signature referrer(s).\n",
            report.signature_tag,
            report.referrers.len()
        ));
    }
    if report.signatures.is_empty() {
        out.push_str(&format!(
            "No signatures found (looked for {} and OCI 1.1 referrers).\n",
            report.signature_tag
        ));
    }
    for check in &report.signatures {
        if check.verified {
            let annotations: Vec<String> = check
                .annotations
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().map_or(v.to_string(), str::to_string)))
                .collect();
            out.push_str(&format!(
                "  verified  payload {}{}\n",
                check.payload_digest,
                if annotations.is_empty() {
                    String::new()
                } else {
                    format!("  [{}]", annotations.join(", "))
                }
            ));
        } else {
            out.push_str(&format!(
                "  rejected  payload {}: {}\n",
                check.payload_digest,
                check.reason.as_deref().unwrap_or("unknown")
            ));
        }
    }
    out.push_str(&format!(
        "{} of {} signature(s) verified.\n",
        report.verified(),
        report.signatures.len()
    ));
    out
}
