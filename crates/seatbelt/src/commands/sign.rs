//! `seatbelt sign`: signs an image's manifest digest in cosign's format and place.

use std::collections::BTreeMap;

use miette::IntoDiagnostic;
use seatbelt_image::ImageRef;
use seatbelt_sign::referrers::ReferrersMode;
use seatbelt_sign::Target;

use crate::args::{ReferrersModeArg, SignArgs};
use crate::commands::key::load_private_key;
use crate::commands::registry_options;
use crate::output::{print, print_json};
use crate::Outcome;

/// Parses repeated `-a KEY=VALUE` options.
pub(crate) fn parse_annotations(values: &[String]) -> miette::Result<BTreeMap<String, String>> {
    values
        .iter()
        .map(|value| match value.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => Err(miette::miette!(
                "annotation `{value}` is not KEY=VALUE (e.g. -a env=prod)"
            )),
        })
        .collect()
}

impl ReferrersModeArg {
    pub(crate) fn mode(self) -> ReferrersMode {
        match self {
            ReferrersModeArg::Legacy => ReferrersMode::Legacy,
            ReferrersModeArg::Oci11 => ReferrersMode::Oci11,
        }
    }
}

/// Opens where the image and its signatures live.
pub(crate) fn open_target(
    image: &str,
    source: &crate::args::SourceOptions,
) -> miette::Result<Target> {
    let image_ref: ImageRef = image.parse().into_diagnostic()?;
    Target::open(&image_ref, registry_options(&source.registry)?).into_diagnostic()
}

pub(crate) fn run(args: &SignArgs) -> miette::Result<Outcome> {
    let annotations = parse_annotations(&args.annotations)?;
    let key = load_private_key(&args.key)?;
    let target = open_target(&args.image, &args.source)?;
    let signed = seatbelt_sign::sign::sign_with(
        &target,
        &key,
        &annotations,
        args.referrers.registry_referrers.mode(),
    )
    .into_diagnostic()?;
    if args.json {
        print_json(&signed)?;
    } else {
        print(&format!(
            "Signed {} ({}) with {}; signature stored at {} ({} signature(s))\n",
            signed.digest,
            if signed.docker_reference.is_empty() {
                "OCI layout"
            } else {
                signed.docker_reference.as_str()
            },
            key.algorithm(),
            signed.signature_tag,
            signed.signatures
        ))?;
    }
    Ok(Outcome::Ok)
}
