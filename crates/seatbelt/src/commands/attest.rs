//! `seatbelt attest`: an in-toto statement about an image's digest, in a DSSE envelope, stored
//! where cosign stores attestations; and the attaching that `sbom`, `scan`, `copy` and
//! `provenance` share for `--attest`.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use miette::{Context, IntoDiagnostic};
use seatbelt_sign::attest::{attest_subject, Attestation, Attested, Storage};
use seatbelt_sign::limits::MAX_PREDICATE_BYTES;
use seatbelt_sign::predicate::PredicateType;
use seatbelt_sign::provenance::Clock;
use seatbelt_sign::Subject;
use seatbelt_types::Digest;
use serde_json::Value;

use crate::args::{AttestArgs, AttestOptions, AttestStorageArgs, ReferrersModeArg, SourceOptions};
use crate::commands::key::load_private_key;
use crate::commands::sign::{open_target, parse_annotations};
use crate::output::{print, print_json};
use crate::Outcome;

pub(crate) fn run(args: &AttestArgs) -> miette::Result<Outcome> {
    let annotations = parse_annotations(&args.annotations)?;
    let predicate_type = PredicateType::parse(&args.predicate_type).into_diagnostic()?;
    let bytes = read_predicate(&args.predicate)?;
    // cosign stamps its `custom` wrapper with the time; so does seatbelt, reproducibly.
    let timestamp = Clock::start().into_diagnostic()?.started().to_string();
    let (uri, predicate) = predicate_type
        .predicate(&bytes, &timestamp, &args.predicate.display().to_string())
        .into_diagnostic()?;
    let key = load_private_key(&args.key)?;
    let target = open_target(&args.image, &args.source)?;
    let subject = target.resolve().into_diagnostic()?;
    let attested = attest_subject(
        &target,
        &subject,
        &key,
        Attestation {
            predicate_type: uri,
            predicate,
            annotations,
        },
        args.storage.storage(),
    )
    .into_diagnostic()?;
    report(&attested, args.json)?;
    Ok(Outcome::Ok)
}

impl AttestStorageArgs {
    /// As cosign: `--new-bundle-format` writes a bundle referrer whatever the referrers mode.
    pub(crate) fn storage(&self) -> Storage {
        match (self.new_bundle_format, self.referrers.registry_referrers) {
            (true, _) => Storage::Bundle,
            (false, ReferrersModeArg::Oci11) => Storage::Referrer,
            (false, ReferrersModeArg::Legacy) => Storage::Tag,
        }
    }
}

/// Prints what attesting wrote.
pub(crate) fn report(attested: &Attested, json: bool) -> miette::Result<()> {
    if json {
        print_json(attested)
    } else {
        print(&format!(
            "Attested {} ({}); stored at {} ({} attestation(s))\n",
            attested.digest,
            attested.predicate_type,
            attested.attestation_tag,
            attested.attestations
        ))
    }
}

/// Reads a predicate file, bounded so the envelope stays readable by verifiers.
fn read_predicate(path: &Path) -> miette::Result<Vec<u8>> {
    let file = std::fs::File::open(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot open the predicate file {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(MAX_PREDICATE_BYTES + 1)
        .read_to_end(&mut bytes)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read the predicate file {}", path.display()))?;
    if bytes.len() as u64 > MAX_PREDICATE_BYTES {
        miette::bail!(
            "the predicate file {} is over {MAX_PREDICATE_BYTES} bytes; verifiers refuse attestations that large",
            path.display()
        );
    }
    Ok(bytes)
}

/// For `--attest` on commands that read or wrote `image`: attests `digest` — the manifest the
/// command actually looked at, never what a tag points to by now.
pub(crate) fn attach(
    options: &AttestOptions,
    image: &str,
    source: &SourceOptions,
    digest: Option<&Digest>,
    predicate_type: &str,
    predicate: Value,
) -> miette::Result<Option<Attested>> {
    if !options.attest {
        return Ok(None);
    }
    let Some(key_path) = &options.key else {
        miette::bail!("--attest needs --key FILE");
    };
    let Some(digest) = digest else {
        miette::bail!(
            "{image} has no manifest digest to attest (a dir: root filesystem or an SBOM file); attest images in a registry or an oci-dir: layout"
        );
    };
    let key = load_private_key(key_path)?;
    let target = open_target(image, source)?;
    let subject = Subject {
        digest: digest.clone(),
        identity: target.identity(),
    };
    let attested = attest_subject(
        &target,
        &subject,
        &key,
        Attestation {
            predicate_type: predicate_type.to_string(),
            predicate,
            annotations: BTreeMap::new(),
        },
        options.storage.storage(),
    )
    .into_diagnostic()
    .wrap_err_with(|| format!("cannot attest {image}"))?;
    eprintln!(
        "Attested {} ({}) at {}",
        attested.digest, attested.predicate_type, attested.attestation_tag
    );
    Ok(Some(attested))
}
