//! `seatbelt provenance`: SLSA provenance v1 for an image seatbelt wrote from another, and the
//! provenance `copy --provenance/--attest` emits for the image it wrote.

use std::path::Path;

use miette::{Context, IntoDiagnostic};
use seatbelt_image::Image;
use seatbelt_sign::intoto::ResourceDescriptor;
use seatbelt_sign::predicate::SLSA_PROVENANCE_V1;
use seatbelt_sign::provenance::{Clock, Provenance};
use seatbelt_types::Digest;
use serde_json::{json, Value};

use crate::args::{AttestOptions, ProvenanceArgs, SourceOptions};
use crate::commands::attest::attach;
use crate::commands::sbom::write_atomically;
use crate::output::print;
use crate::Outcome;

/// The build kind of a copy (its build type is `…/buildtypes/copy/v1`).
const COPY: &str = "copy";

pub(crate) fn run(args: &ProvenanceArgs) -> miette::Result<Outcome> {
    let clock = Clock::start().into_diagnostic()?;
    let options = super::open_options(&args.source)?;
    let image = super::open_image_with(&args.image, &options)?;
    let origin = super::open_image_with(&args.copy_from, &options)?;
    // The statement "IMAGE was copied from ORIG" is checked, not taken on trust: a copy keeps
    // every filesystem layer, so the uncompressed layer digests must be the same list.
    let (ours, theirs) = (diff_ids(&image), diff_ids(&origin));
    if ours.is_empty() || ours != theirs {
        miette::bail!(
            "{} is not a copy of {}: their filesystem layers differ ({} vs {} layers, by rootfs.diff_ids)",
            args.image,
            args.copy_from,
            ours.len(),
            theirs.len()
        );
    }
    let parameters = json!({"source": args.copy_from, "destination": args.image});
    let predicate = copy_provenance(&origin, parameters, &clock);
    let digest = image.manifest.as_ref().map(|m| &m.digest);
    emit(
        &predicate,
        args.output.as_deref(),
        !args.attest.attest,
        &args.attest,
        &args.image,
        &args.source,
        digest,
    )?;
    Ok(Outcome::Ok)
}

fn diff_ids(image: &Image) -> Vec<String> {
    image
        .config
        .value
        .pointer("/rootfs/diff_ids")
        .and_then(Value::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The provenance of copying `source` (opened, so its digest is what was read) with
/// `parameters`.
pub(crate) fn copy_provenance(source: &Image, parameters: Value, clock: &Clock) -> Value {
    let inputs = source
        .manifest
        .as_ref()
        .map(|m| vec![dependency(&source.reference, &m.digest)])
        .unwrap_or_default();
    Provenance::seatbelt(COPY, parameters, inputs, clock).to_predicate()
}

/// An input by digest; the reference goes in `name` (references are not URIs).
fn dependency(reference: &str, digest: &Digest) -> ResourceDescriptor {
    ResourceDescriptor::for_digest(reference, digest)
}

/// Writes the predicate to `output` (or standard output when `stdout`), and attests it to
/// `image` at `digest` when asked.
pub(crate) fn emit(
    predicate: &Value,
    output: Option<&Path>,
    stdout: bool,
    attest: &AttestOptions,
    image: &str,
    source: &SourceOptions,
    digest: Option<&Digest>,
) -> miette::Result<()> {
    let mut text = serde_json::to_string_pretty(predicate).into_diagnostic()?;
    text.push('\n');
    match output {
        Some(path) => {
            write_atomically(path, text.as_bytes()).wrap_err("cannot write the provenance")?
        }
        None if stdout => print(&text)?,
        None => {}
    }
    attach(
        attest,
        image,
        source,
        digest,
        SLSA_PROVENANCE_V1,
        predicate.clone(),
    )?;
    Ok(())
}
