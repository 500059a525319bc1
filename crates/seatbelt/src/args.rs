//! The command line, as clap derive types. Each subcommand's options live beside its variant.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Hardened container images as the default: read, inspect and copy any image, no daemon needed.
#[derive(Debug, Parser)]
#[command(name = "seatbelt", version, propagate_version = true)]
#[command(after_help = "IMAGE references:
  oci-dir:PATH[:TAG|@sha256:…]   an OCI image layout directory
  oci-archive:FILE[:TAG]         a tar of an OCI image layout
  docker-archive:FILE[:TAG]      what `docker save` writes (gzip or not)
  dir:PATH                       an unpacked root filesystem
  registry:REF or REF            an image in a registry (debian:12, 127.0.0.1:5000/app@sha256:…)

Exit codes: 0 ok, 1 a check failed, 2 an error.")]
pub(crate) struct Cli {
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub(crate) quiet: bool,

    /// Print more about what is happening (-vv for debug output).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,

    /// The command.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Show an image's manifest digest, platform, config and layers.
    Inspect(InspectArgs),
    /// Copy an image between registries, OCI layouts, archives and directories.
    Copy(CopyArgs),
    /// List the files of an image's final filesystem, or with --history every version in every layer.
    Files(FilesArgs),
    /// List every package in an image (OS and language packages) as a table or an SBOM document.
    Sbom(SbomArgs),
    /// Create or import signing keys in cosign's formats.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Sign an image's manifest digest as cosign does (`sha256-<hex>.sig`).
    Sign(SignArgs),
    /// Verify an image's cosign signatures against a public key (exit 1 when none verifies).
    Verify(VerifyArgs),
}

/// `seatbelt key …`.
#[derive(Debug, Subcommand)]
pub(crate) enum KeyCommand {
    /// Generate an ECDSA P-256 key pair: NAME.key (cosign's encrypted PEM) and NAME.pub.
    Generate(KeyGenerateArgs),
    /// Import a PKCS#8 or SEC1 EC / Ed25519 private key (or a cosign key) into cosign's format.
    Import(KeyImportArgs),
}

/// `seatbelt key generate`.
#[derive(Debug, Args)]
pub(crate) struct KeyGenerateArgs {
    /// Write NAME.key and NAME.pub.
    #[arg(long, value_name = "NAME", default_value = "cosign")]
    pub(crate) output_prefix: PathBuf,
}

/// `seatbelt key import`.
#[derive(Debug, Args)]
pub(crate) struct KeyImportArgs {
    /// The private key PEM to import.
    pub(crate) key: PathBuf,

    /// Write NAME.key and NAME.pub.
    #[arg(long, value_name = "NAME", default_value = "import-cosign")]
    pub(crate) output_prefix: PathBuf,
}

/// `seatbelt sign`.
#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// The image (a registry reference or oci-dir:PATH[:TAG|@DIGEST]).
    pub(crate) image: String,

    /// The private key (cosign's encrypted PEM, or an unencrypted PKCS#8/SEC1 PEM).
    #[arg(long, value_name = "FILE")]
    pub(crate) key: PathBuf,

    /// An annotation to put in the signed payload (repeatable).
    #[arg(short = 'a', long = "annotation", value_name = "KEY=VALUE")]
    pub(crate) annotations: Vec<String>,

    /// Print what was written as JSON.
    #[arg(long)]
    pub(crate) json: bool,

    #[command(flatten)]
    pub(crate) source: SourceOptions,
}

/// Output format of `verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum VerifyFormat {
    /// For people.
    Table,
    /// For programs.
    Json,
}

/// `seatbelt verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The image (a registry reference or oci-dir:PATH[:TAG|@DIGEST]).
    pub(crate) image: String,

    /// The public key (PKIX PEM, e.g. cosign.pub).
    #[arg(long, value_name = "FILE")]
    pub(crate) key: PathBuf,

    /// Require this annotation in the signed payload (repeatable).
    #[arg(short = 'a', long = "annotation", value_name = "KEY=VALUE")]
    pub(crate) annotations: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = VerifyFormat::Table)]
    pub(crate) format: VerifyFormat,

    #[command(flatten)]
    pub(crate) source: SourceOptions,
}

/// Options for reaching images: platform choice and registry access.
#[derive(Debug, Args, Clone)]
pub(crate) struct SourceOptions {
    /// The platform to pick from a multi-platform image, as os/arch[/variant] (default: this machine's).
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub(crate) platform: Option<String>,

    /// User name for the registry (with --password-stdin); otherwise ~/.docker/config.json is used.
    #[arg(long, requires = "password_stdin")]
    pub(crate) username: Option<String>,

    /// Read the registry password or token from standard input.
    #[arg(long, requires = "username")]
    pub(crate) password_stdin: bool,

    /// Allow plain HTTP to this registry host[:port] (loopback registries are always allowed).
    #[arg(long, value_name = "HOST[:PORT]")]
    pub(crate) insecure_registry: Vec<String>,

    /// Read registry credentials from this Docker config file instead of ~/.docker/config.json.
    #[arg(long, value_name = "FILE", env = "SEATBELT_DOCKER_CONFIG")]
    pub(crate) docker_config: Option<PathBuf>,
}

/// Output format of `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum InspectFormat {
    /// For people.
    Table,
    /// For programs.
    Json,
}

/// `seatbelt inspect`.
#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// The image (see IMAGE references below).
    pub(crate) image: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = InspectFormat::Table)]
    pub(crate) format: InspectFormat,

    #[command(flatten)]
    pub(crate) source: SourceOptions,
}

/// `seatbelt copy`.
#[derive(Debug, Args)]
pub(crate) struct CopyArgs {
    /// The image to read.
    pub(crate) source_image: String,

    /// Where to write it: oci-dir:PATH[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG], dir:PATH or a registry reference.
    pub(crate) destination: String,

    /// When writing to dir:, keep setuid and setgid bits (dropped by default).
    #[arg(long)]
    pub(crate) preserve_setuid: bool,

    /// Print the copy report as JSON on standard output.
    #[arg(long)]
    pub(crate) json: bool,

    #[command(flatten)]
    pub(crate) source: SourceOptions,
}

/// Output format of `files`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FilesFormat {
    /// One aligned line per entry: type and mode, owner, size, layer, path.
    Table,
    /// One JSON object per line.
    Jsonl,
}

/// `seatbelt files`.
#[derive(Debug, Args)]
pub(crate) struct FilesArgs {
    /// The image.
    pub(crate) image: String,

    /// Also list versions that a newer layer shadowed or deleted (they are still in every pull).
    #[arg(long)]
    pub(crate) history: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = FilesFormat::Table)]
    pub(crate) format: FilesFormat,

    #[command(flatten)]
    pub(crate) source: SourceOptions,
}

/// Output format of `sbom`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SbomFormat {
    /// One line per package: name, version, type.
    Table,
    /// seatbelt's own SBOM model.
    Json,
    /// CycloneDX 1.6 JSON.
    CyclonedxJson,
    /// SPDX 2.3 JSON.
    SpdxJson,
}

/// `seatbelt sbom`.
#[derive(Debug, Args)]
pub(crate) struct SbomArgs {
    /// The image, or an SBOM file (CycloneDX or SPDX JSON, or seatbelt's own) to convert,
    /// written as `sbom:FILE` or just the file's path.
    pub(crate) image: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = SbomFormat::Table)]
    pub(crate) format: SbomFormat,

    /// Write to this file (atomically: it appears whole or not at all) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,

    #[command(flatten)]
    pub(crate) source: SourceOptions,
}
