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
    /// Compare versions and check ranges by an ecosystem's own rules ("why is this flagged?").
    #[command(subcommand)]
    Version(VersionCommand),
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

/// The version schemes, as `seatbelt version` names them.
fn scheme_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(seatbelt_version::Scheme::ALL.map(|s| s.name()))
}

/// `seatbelt version`.
#[derive(Debug, Subcommand)]
pub(crate) enum VersionCommand {
    /// Print -1, 0 or 1 as version A is older than, the same as, or newer than version B.
    #[command(
        after_help = "Example: seatbelt version compare deb 1:2.0-1 2.1-1   # prints 1 (the epoch wins)"
    )]
    Compare {
        /// The version scheme.
        #[arg(value_parser = scheme_names())]
        scheme: String,
        /// The first version.
        #[arg(allow_hyphen_values = true)]
        a: String,
        /// The second version.
        #[arg(allow_hyphen_values = true)]
        b: String,
    },
    /// Print true or false as VERSION is inside RANGE, written in the ecosystem's own syntax.
    #[command(after_help = "RANGE syntax per scheme:
  npm     node-semver ranges: ^1.2.3, ~1.2, >=1.0.0 <2.0.0, 1.2.x, 1.0.0 - 2.0.0, … || …
  cargo   Cargo requirements: ^1.2, ~1.2.3, >=1.0, <2.0, =1.2.3, *
  pep440  PEP 440 specifiers: >=1.0,<2.0  ~=1.4.2  ==1.*  !=1.3
  maven   Maven ranges: [1.0,2.0)  (,1.0]  [1.0]  [1,2),[3,4)
  gem     RubyGems requirements: ~> 1.2, >= 1.2.3, != 1.2.5
  deb, apk, rpm, go, semver   comparator lists: >= 1.0, < 2.0 || = 3.1 (deb also << and >>)

Example: seatbelt version satisfies npm 1.4.2 '^1.2.0 || ^2.0.0'   # prints true")]
    Satisfies {
        /// The version scheme.
        #[arg(value_parser = scheme_names())]
        scheme: String,
        /// The version to check.
        #[arg(value_name = "VERSION", allow_hyphen_values = true)]
        candidate: String,
        /// The range, in the scheme's native syntax.
        #[arg(allow_hyphen_values = true)]
        range: String,
    },
}
