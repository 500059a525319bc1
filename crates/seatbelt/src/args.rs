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
    /// Harden an image: non-root user, no shells or package managers, one added layer, a run-time profile.
    Harden(HardenArgs),
    /// List the files of an image's final filesystem, or with --history every version in every layer.
    Files(FilesArgs),
    /// List every package in an image (OS and language packages) as a table or an SBOM document.
    Sbom(SbomArgs),
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

/// `seatbelt harden`.
#[derive(Debug, Args)]
pub(crate) struct HardenArgs {
    /// The image to harden.
    pub(crate) source_image: String,

    /// Where to write the hardened image (any destination `copy` accepts).
    #[arg(short, long)]
    pub(crate) output: String,

    /// standard keeps a shell the entrypoint needs; strict refuses such an entrypoint.
    #[arg(long, value_enum, default_value_t = HardenProfile::Standard)]
    pub(crate) profile: HardenProfile,

    /// Paths the entrypoint needs that analysis cannot see (absolute inside the image).
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub(crate) keep: Vec<String>,

    /// Tools to keep although they are normally removed (curl, wget…).
    #[arg(long, value_name = "NAME")]
    pub(crate) keep_tool: Vec<String>,

    /// Paths the app writes, chowned to its user (WORKDIR always is).
    #[arg(long, value_name = "PATH")]
    pub(crate) writable: Vec<String>,

    /// Keep secret-looking Env entries instead of refusing.
    #[arg(long)]
    pub(crate) allow_env: bool,

    /// A health check command (exec form, split on spaces).
    #[arg(long, value_name = "CMD")]
    pub(crate) healthcheck: Option<String>,

    /// Write the report to this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) report: Option<PathBuf>,

    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub(crate) report_format: ReportFormat,

    /// Write a seccomp profile (Docker/OCI JSON) to this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) seccomp_out: Option<PathBuf>,

    /// Write a Kubernetes Pod/securityContext snippet to this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) k8s_out: Option<PathBuf>,

    #[command(flatten)]
    pub(crate) source: SourceOptions,
}

/// `harden --profile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum HardenProfile {
    /// Keep a shell the entrypoint needs.
    Standard,
    /// Refuse an entrypoint that needs a shell.
    Strict,
}

/// `harden --report-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    /// For people.
    Table,
    /// For programs.
    Json,
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
