//! `seatbelt audit`: the built image's config and files checked like Dockle and the CIS Docker
//! benchmark, and every version of every file in every layer scanned for secrets, in one pass.

use std::time::{SystemTime, UNIX_EPOCH};

use miette::{Context, IntoDiagnostic};
use seatbelt_audit::{audit_image, AuditOptions, Scanners, DEFAULT_MAX_IMAGE_AGE_DAYS};
use seatbelt_findings::fails;
use seatbelt_image::{ImageRef, ManifestSelector};

use super::findings_output;
use crate::args::{AuditArgs, AuditScanner};
use crate::Outcome;

/// The tag the reference names explicitly, if any (the `latest` check only judges tags the
/// user wrote).
fn reference_tag(reference: &str) -> Option<String> {
    match reference.parse::<ImageRef>().ok()? {
        ImageRef::Registry(r) => r.tag().map(str::to_string),
        ImageRef::OciDir { selector, .. }
        | ImageRef::OciArchive { selector, .. }
        | ImageRef::DockerArchive { selector, .. } => match selector {
            ManifestSelector::Tag(tag) => Some(tag),
            _ => None,
        },
        ImageRef::Dir { .. } => None,
    }
}

pub(crate) fn run(args: &AuditArgs) -> miette::Result<Outcome> {
    let config = findings_output::config(&args.report)?;
    let image = super::open_image(&args.image, &args.source)?;
    let options = AuditOptions {
        scanners: Scanners {
            config: args.scanners.contains(&AuditScanner::Config),
            files: args.scanners.contains(&AuditScanner::Files),
            secret: args.scanners.contains(&AuditScanner::Secret),
        },
        tag: reference_tag(&args.image),
        max_image_age_days: args
            .max_image_age_days
            .or(config.max_image_age_days)
            .unwrap_or(DEFAULT_MAX_IMAGE_AGE_DAYS),
        now_unix: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
        secret_allow_paths: config.secret_allow_paths.clone(),
        secret_allow_values: config.secret_allow_values.clone(),
    };
    let outcome = audit_image(&image, &options, env!("CARGO_PKG_VERSION"))
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot audit {}", args.image))?;
    if let Some(walk) = &outcome.walk {
        for warning in &walk.warnings {
            tracing::warn!("{warning}");
        }
    }
    tracing::info!(
        "secret rules read {} files ({} bytes)",
        outcome.secret_files_scanned,
        outcome.secret_bytes_scanned
    );
    let mut report = outcome.report;
    config.apply(&mut report);
    findings_output::write(&report, &args.report)?;
    let threshold = args
        .report
        .fail_on
        .or(if config.no_fail { None } else { config.fail_on });
    Ok(match threshold {
        Some(severity) if fails(&report, severity) => Outcome::CheckFailed,
        _ => Outcome::Ok,
    })
}
