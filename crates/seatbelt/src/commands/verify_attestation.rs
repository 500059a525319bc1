//! `seatbelt verify-attestation`: checks every attestation stored for exactly the resolved
//! digest — signature, subject, predicate type, annotations and policy.

use miette::IntoDiagnostic;
use seatbelt_sign::policy::Policy;
use seatbelt_sign::predicate::PredicateType;
use seatbelt_sign::verify_attestation::{verify_attestations, AttestationReport, Expected};

use crate::args::VerifyAttestationArgs;
use crate::commands::sign::{open_target, parse_annotations};
use crate::commands::verify::{heading, load_public_key, print_report};
use crate::Outcome;

pub(crate) fn run(args: &VerifyAttestationArgs) -> miette::Result<Outcome> {
    let annotations = parse_annotations(&args.annotations)?;
    let predicate_type = PredicateType::parse(&args.predicate_type).into_diagnostic()?;
    let policy = args
        .policy
        .as_deref()
        .map(Policy::load)
        .transpose()
        .into_diagnostic()?;
    let key = load_public_key(&args.key)?;
    let target = open_target(&args.image, &args.source)?;
    let expected = Expected {
        predicate_type: &predicate_type,
        policy: policy.as_ref(),
        annotations: &annotations,
    };
    let report = verify_attestations(&target, &key, expected).into_diagnostic()?;
    print_report(&report, args.format, table, report.verified())
}

fn table(report: &AttestationReport) -> String {
    let mut out = heading(&report.digest, report.identity.as_deref());
    if !report.referrers.is_empty() {
        out.push_str(&format!(
            "Read {} and {} OCI 1.1 attestation referrer(s).\n",
            report.attestation_tag,
            report.referrers.len()
        ));
    }
    if report.attestations.is_empty() {
        out.push_str(&format!(
            "No attestations found (looked for {} and OCI 1.1 referrers).\n",
            report.attestation_tag
        ));
    }
    for check in &report.attestations {
        if check.verified {
            out.push_str(&format!(
                "  verified  {} envelope {}\n",
                check.predicate_type.as_deref().unwrap_or("?"),
                check.envelope_digest
            ));
        } else {
            out.push_str(&format!(
                "  rejected  envelope {}: {}\n",
                check.envelope_digest,
                check.reason.as_deref().unwrap_or("unknown")
            ));
        }
    }
    out.push_str(&format!(
        "{} of {} attestation(s) verified as {}.\n",
        report.verified(),
        report.attestations.len(),
        report.predicate_types.join(" or ")
    ));
    out
}

#[cfg(test)]
mod tests {
    use seatbelt_sign::verify_attestation::AttestationCheck;

    use super::*;

    #[test]
    fn table_says_what_verified_and_why_not() {
        let check = |verified: bool, reason: Option<&str>| AttestationCheck {
            envelope_digest: format!("sha256:{}", if verified { "aa" } else { "bb" }),
            verified,
            reason: reason.map(str::to_string),
            predicate_type: verified.then(|| "https://slsa.dev/provenance/v1".to_string()),
            predicate: None,
        };
        let report = AttestationReport {
            digest: "sha256:0123".to_string(),
            identity: Some("127.0.0.1:5000/app".to_string()),
            attestation_tag: "sha256-0123.att".to_string(),
            predicate_types: vec!["https://slsa.dev/provenance/v1".to_string()],
            referrers: vec!["sha256:cc".to_string()],
            attestations: vec![
                check(true, None),
                check(
                    false,
                    Some("the statement is about sha256:ff, not this image (sha256:0123)"),
                ),
            ],
        };
        insta::assert_snapshot!(table(&report), @r"
        Image sha256:0123 in 127.0.0.1:5000/app
        Read sha256-0123.att and 1 OCI 1.1 attestation referrer(s).
          verified  https://slsa.dev/provenance/v1 envelope sha256:aa
          rejected  envelope sha256:bb: the statement is about sha256:ff, not this image (sha256:0123)
        1 of 2 attestation(s) verified as https://slsa.dev/provenance/v1.
        ");
        let empty = AttestationReport {
            attestations: vec![],
            referrers: vec![],
            identity: None,
            ..report
        };
        insta::assert_snapshot!(table(&empty), @r"
        Image sha256:0123
        No attestations found (looked for sha256-0123.att and OCI 1.1 referrers).
        0 of 0 attestation(s) verified as https://slsa.dev/provenance/v1.
        ");
    }
}
