//! `seatbelt copy`: write an image to another registry, layout, archive or directory.

use miette::{Context, IntoDiagnostic};
use seatbelt_image::copy::{copy, CopyOptions};
use seatbelt_image::{Destination, LayerSource};

use crate::args::CopyArgs;
use crate::output::{human_bytes, print_json};
use crate::progress::CopyProgress;
use crate::Outcome;

pub(crate) fn run(args: &CopyArgs, quiet: bool) -> miette::Result<Outcome> {
    let clock = seatbelt_sign::provenance::Clock::start().into_diagnostic()?;
    let destination: Destination = args.destination.parse().into_diagnostic()?;
    let open_options = super::open_options(&args.source)?;
    let image = super::open_image_with(&args.source_image, &open_options)?;
    let total: u64 = image
        .layers
        .iter()
        .map(|l| match l {
            LayerSource::Blob(d) => d.size(),
            LayerSource::Directory(_) => 0,
        })
        .sum();
    let progress = CopyProgress::new(total, quiet);
    let options = CopyOptions {
        progress: &progress,
        preserve_setuid: args.preserve_setuid,
        registry: open_options.registry.clone(),
    };
    let result = copy(&image, &destination, &options);
    progress.finish();
    let report = result
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot copy {} to {destination}", image.reference))?;
    if args.json {
        print_json(&report)?;
    } else if !quiet {
        if let Some(conversion) = &report.conversion {
            eprintln!("note: {conversion}");
        }
        let digest = report
            .manifest_digest
            .as_ref()
            .map(|d| format!(" as {d}"))
            .unwrap_or_default();
        eprintln!(
            "Copied {} to {}{digest}: {} blobs written ({}), {} already present",
            image.reference,
            report.destination,
            report.blobs_copied,
            human_bytes(report.bytes_copied),
            report.blobs_skipped
        );
    }
    if args.provenance.is_some() || args.attest.attest {
        let parameters = serde_json::json!({
            "source": args.source_image,
            "destination": args.destination,
            "arguments": std::env::args().skip(1).collect::<Vec<_>>(),
        });
        let predicate = super::provenance::copy_provenance(&image, parameters, &clock);
        super::provenance::emit(
            &predicate,
            args.provenance.as_deref(),
            false,
            &args.attest,
            &args.destination,
            &args.source,
            report.manifest_digest.as_ref(),
        )?;
    }
    Ok(Outcome::Ok)
}
