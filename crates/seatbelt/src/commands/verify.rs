//! `seatbelt verify`: checks every cosign signature stored for exactly the resolved digest.

use miette::IntoDiagnostic;
use seatbelt_sign::keys::read_key_file;
use seatbelt_sign::verify::Report;
use seatbelt_sign::PublicKey;

use crate::args::{VerifyArgs, VerifyFormat};
use crate::commands::sign::{open_target, parse_annotations};
use crate::output::{print, print_json};
use crate::Outcome;

pub(crate) fn run(args: &VerifyArgs) -> miette::Result<Outcome> {
    let annotations = parse_annotations(&args.annotations)?;
    let what = args.key.display().to_string();
    let key = PublicKey::from_pem(&read_key_file(&args.key).into_diagnostic()?, &what)
        .into_diagnostic()?;
    let target = open_target(&args.image, &args.source)?;
    let report = seatbelt_sign::verify::verify(&target, &key, &annotations).into_diagnostic()?;
    match args.format {
        VerifyFormat::Json => print_json(&report)?,
        VerifyFormat::Table => print(&table(&report))?,
    }
    Ok(if report.verified() > 0 {
        Outcome::Ok
    } else {
        Outcome::CheckFailed
    })
}

fn table(report: &Report) -> String {
    let mut out = format!(
        "Image {}{}\n",
        report.digest,
        report
            .identity
            .as_deref()
            .map(|i| format!(" in {i}"))
            .unwrap_or_default()
    );
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
