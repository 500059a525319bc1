//! One module per subcommand; this one dispatches and holds what they share.

mod attest;
mod audit;
mod blob;
mod cache;
mod copy;
mod db;
mod db_sign;
mod files;
mod findings_output;
mod harden;
mod inspect;
mod key;
mod lint;
mod provenance;
mod rule;
mod sbom;
mod scan;
mod sign;
mod verify;
mod verify_attestation;
mod version;

use std::io::Read;

use miette::{Context, IntoDiagnostic};
use seatbelt_image::{ImageRef, OpenOptions, Platform};
use seatbelt_registry::{ClientOptions, Credentials};

use crate::args::{Cli, Command, RegistryArgs, SourceOptions};
use crate::Outcome;

/// Runs the subcommand `cli` names.
pub(crate) fn run(cli: &Cli) -> miette::Result<Outcome> {
    match &cli.command {
        Command::Inspect(args) => inspect::run(args),
        Command::Copy(args) => copy::run(args, cli.quiet),
        Command::Files(args) => files::run(args),
        Command::Harden(args) => harden::run(args, cli.quiet),
        Command::Sbom(args) => sbom::run(args, cli.quiet),
        Command::Db(args) => db::run(args),
        Command::Version(command) => version::run(command),
        Command::Scan(args) => scan::run(args, cli.quiet),
        Command::Audit(args) => audit::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Rule(args) => rule::run(args),
        Command::Key(command) => key::run(command),
        Command::Sign(args) => sign::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Attest(args) => attest::run(args),
        Command::VerifyAttestation(args) => verify_attestation::run(args),
        Command::Provenance(args) => provenance::run(args),
        Command::SignBlob(args) => blob::sign(args),
        Command::VerifyBlob(args) => blob::verify(args),
        Command::Cache(command) => cache::run(command),
    }
}

/// Registry options from the command line; reads the password from stdin when asked.
pub(crate) fn registry_options(source: &RegistryArgs) -> miette::Result<ClientOptions> {
    let credentials = match (&source.username, source.password_stdin) {
        (Some(username), true) => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .into_diagnostic()
                .wrap_err("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            if password.is_empty() {
                miette::bail!("--password-stdin was given but standard input was empty; pipe the password in, e.g. `echo \"$TOKEN\" | seatbelt … --password-stdin`");
            }
            Some(Credentials {
                username: username.clone(),
                password,
            })
        }
        _ => None,
    };
    Ok(ClientOptions {
        insecure_registries: source.insecure_registry.clone(),
        credentials,
        docker_config: source.docker_config.clone(),
    })
}

/// Open options from the command line.
pub(crate) fn open_options(source: &SourceOptions) -> miette::Result<OpenOptions> {
    let platform = source
        .platform
        .as_deref()
        .map(str::parse::<Platform>)
        .transpose()
        .into_diagnostic()?;
    Ok(OpenOptions {
        platform,
        registry: registry_options(&source.registry)?,
        ..OpenOptions::default()
    })
}

/// Parses an image reference and opens it.
pub(crate) fn open_image(
    reference: &str,
    source: &SourceOptions,
) -> miette::Result<seatbelt_image::Image> {
    open_image_with(reference, &open_options(source)?)
}

/// Parses an image reference and opens it with options already built, so credentials are
/// read from stdin once per command.
pub(crate) fn open_image_with(
    reference: &str,
    options: &OpenOptions,
) -> miette::Result<seatbelt_image::Image> {
    let image_ref: ImageRef = reference.parse().into_diagnostic()?;
    seatbelt_image::open(&image_ref, options)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot open image {reference}"))
}
