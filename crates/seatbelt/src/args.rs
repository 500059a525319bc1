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
    /// Lint Dockerfiles: security and best-practice rules (hadolint ids work as aliases).
    Lint(LintArgs),
    /// Print a lint rule's documentation, or list every rule.
    Rule(RuleArgs),
    /// Audit a built image: root user, setuid files, shells, credentials and secrets in every layer.
    Audit(AuditArgs),
    /// Find known vulnerabilities in an image or SBOM, with fix deadlines, KEV and EPSS; VEX-aware.
    Scan(ScanArgs),
    /// Build, update, share and inspect the vulnerability DB (`import` offline, `update` online).
    Db(DbArgs),
    /// Compare versions and check ranges by an ecosystem's own rules ("why is this flagged?").
    #[command(subcommand)]
    Version(VersionCommand),
    /// Create or import signing keys in cosign's formats.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Sign an image's manifest digest as cosign does (`sha256-<hex>.sig`).
    Sign(SignArgs),
    /// Verify an image's cosign signatures against a public key (exit 1 when none verifies).
    Verify(VerifyArgs),
    /// Attest an image: an in-toto statement in a DSSE envelope, stored as cosign does (`.att`).
    Attest(AttestArgs),
    /// Verify an image's attestations of one predicate type (exit 1 when none verifies).
    VerifyAttestation(VerifyAttestationArgs),
    /// Write SLSA provenance v1 for an image seatbelt wrote from another (e.g. with `copy`).
    Provenance(ProvenanceArgs),
    /// Sign a file as `cosign sign-blob --key` does (base64 signature and/or bundle).
    SignBlob(SignBlobArgs),
    /// Verify a file's signature or bundle: with a key, or keyless against a trusted root (exit 1 when it does not verify).
    VerifyBlob(VerifyBlobArgs),
    /// Show or empty the layer cache, where `harden` remembers each layer's analysis.
    #[command(subcommand)]
    Cache(CacheCommand),
}

/// Options for reaching images: platform choice and registry access.
#[derive(Debug, Args, Clone)]
pub(crate) struct SourceOptions {
    /// The platform to pick from a multi-platform image, as os/arch[/variant] (default: this machine's).
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub(crate) platform: Option<String>,

    #[command(flatten)]
    pub(crate) registry: RegistryArgs,
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

/// How `lint` and `audit` report findings (the flags hadolint and Dockle users expect).
#[derive(Debug, clap::Args)]
pub(crate) struct FindingsArgs {
    /// Output format: table, json, sarif, checkstyle or gitlab.
    #[arg(long, default_value = "table", value_name = "FORMAT")]
    pub(crate) format: seatbelt_findings::Format,

    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,

    /// Exit 1 when a finding is at least this severe: critical, high, medium, low, negligible
    /// (default: the config's `fail-on`; for lint, else low).
    #[arg(long, value_name = "SEVERITY")]
    pub(crate) fail_on: Option<seatbelt_types::Severity>,

    /// Config file (default: .seatbelt.yaml, else .hadolint.yaml, in the current directory).
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,

    /// Rule ids (or hadolint aliases) to leave out; repeat or separate with commas.
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub(crate) ignore: Vec<String>,
}

/// `seatbelt lint`.
#[derive(Debug, Args)]
pub(crate) struct LintArgs {
    /// Dockerfiles to lint (`-` reads standard input).
    #[arg(value_name = "DOCKERFILE", default_value = "Dockerfile")]
    pub(crate) files: Vec<PathBuf>,

    #[command(flatten)]
    pub(crate) report: FindingsArgs,

    /// Only allow base images from this registry (repeatable; adds to the config's).
    #[arg(long, value_name = "HOST")]
    pub(crate) trusted_registry: Vec<String>,

    /// Require base images to be pinned by digest.
    #[arg(long)]
    pub(crate) require_digest: bool,

    /// Require a label and the format of its value: text, url, email, hash, rfc3339, semver
    /// or spdx (repeatable; adds to the config's `label-schema`).
    #[arg(long, value_name = "LABEL:FORMAT")]
    pub(crate) require_label: Vec<String>,

    /// Report labels that the label schema does not list.
    #[arg(long)]
    pub(crate) strict_labels: bool,
}

/// `seatbelt rule`.
#[derive(Debug, Args)]
pub(crate) struct RuleArgs {
    /// The rule id (SB1008) or hadolint alias (DL3008); without it, every rule is listed.
    pub(crate) id: Option<String>,

    /// Write one markdown page per rule (and an index) into this directory.
    #[arg(long, value_name = "DIR", conflicts_with = "id")]
    pub(crate) generate_docs: Option<PathBuf>,

    /// With --generate-docs: write nothing, exit 1 when the pages differ from the code.
    #[arg(long, requires = "generate_docs")]
    pub(crate) check: bool,
}

/// Which audit scanners run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AuditScanner {
    /// Image config: user, healthcheck, secrets in Env/Labels/history, tag, age.
    Config,
    /// Files: setuid/setgid, world-writable, shells, package managers, credential files.
    Files,
    /// Secret rules over the content of every version of every file.
    Secret,
}

/// `seatbelt audit`.
#[derive(Debug, Args)]
pub(crate) struct AuditArgs {
    /// The image to audit (any reference form, `dir:PATH` root filesystems included).
    pub(crate) image: String,

    #[command(flatten)]
    pub(crate) report: FindingsArgs,

    /// Scanners to run.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "config,files,secret"
    )]
    pub(crate) scanners: Vec<AuditScanner>,

    /// Report images created longer ago than this many days (default 365, or the config's).
    #[arg(long, value_name = "DAYS")]
    pub(crate) max_image_age_days: Option<u64>,

    #[command(flatten)]
    pub(crate) source: SourceOptions,
}

/// Output format of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScanFormat {
    /// For people: findings grouped by remediation deadline.
    Table,
    /// The full report model.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// CycloneDX 1.6 vulnerability report with VEX analysis.
    CyclonedxJson,
    /// Markdown (pull-request comments, job summaries).
    Markdown,
}

/// What `scan --scanners` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScanScanner {
    /// Known vulnerabilities in the packages (needs the vulnerability DB).
    Vuln,
    /// Secrets in every version of every file of every layer, deleted ones included.
    Secret,
}

/// `--sort-by` keys of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScanSortBy {
    /// Most severe first.
    Severity,
    /// Known exploited first, earliest CISA due date first.
    Kev,
    /// Highest exploit probability first.
    Epss,
    /// By package name.
    Package,
}

/// `seatbelt scan`.
#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// The image, or an SBOM file (`sbom:FILE` or a path to a JSON SBOM).
    pub(crate) image: String,

    /// Scanners to run, comma-separated: vuln, secret (secret alone needs no DB).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "vuln")]
    pub(crate) scanners: Vec<ScanScanner>,

    /// The vulnerability DB (default: $SEATBELT_CACHE_DIR/db, else $XDG_CACHE_HOME/seatbelt/db).
    #[arg(long, value_name = "PATH", env = "SEATBELT_DB")]
    pub(crate) db: Option<PathBuf>,

    /// Never touch the network for the DB: use it as it is.
    #[arg(long)]
    pub(crate) offline: bool,

    /// Do not update the DB even when it is older than --db-max-age.
    #[arg(long)]
    pub(crate) skip_db_update: bool,

    /// Update the DB first when it is older than this many hours.
    #[arg(long, value_name = "HOURS", default_value_t = 24)]
    pub(crate) db_max_age: u64,

    /// Where the automatic update downloads from (repeatable; default: osv.dev, KEV and EPSS),
    /// as `db update --source` (a mirror).
    #[arg(long = "db-source", value_name = "URL")]
    pub(crate) db_sources: Vec<String>,

    /// The automatic update accepts only sources signed for this public key (as `db update
    /// --db-key` does).
    #[arg(long, value_name = "PUB", env = "SEATBELT_DB_KEY")]
    pub(crate) db_key: Option<PathBuf>,

    /// Report only these severities (comma-separated: critical,high,medium,low,negligible,unknown).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub(crate) severity: Vec<seatbelt_types::Severity>,

    /// Leave out vulnerabilities with no fixed version.
    #[arg(long)]
    pub(crate) ignore_unfixed: bool,

    /// Exit 1 when an unsuppressed finding is at least this severe.
    #[arg(long, value_name = "SEVERITY")]
    pub(crate) fail_on: Option<seatbelt_types::Severity>,

    /// Report only known-exploited vulnerabilities (CISA KEV).
    #[arg(long)]
    pub(crate) only_kev: bool,

    /// VEX documents (OpenVEX or CycloneDX VEX): `not_affected` and `fixed` statements suppress.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub(crate) vex: Vec<PathBuf>,

    /// Ignore file (default: .seatbeltignore.yaml when present).
    #[arg(long, value_name = "FILE")]
    pub(crate) ignore_file: Option<PathBuf>,

    /// Config file with `scan: deadlines:` (default: seatbelt.yaml or .seatbelt.yaml when present).
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Table)]
    pub(crate) format: ScanFormat,

    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,

    /// Order of findings.
    #[arg(long, value_enum, default_value_t = ScanSortBy::Severity)]
    pub(crate) sort_by: ScanSortBy,

    /// Attest the report to the image as cosign's `vuln` predicate.
    #[command(flatten)]
    pub(crate) attest: AttestOptions,

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

    /// Write SLSA provenance v1 (the predicate) for the written image to this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) provenance: Option<PathBuf>,

    /// Attest SLSA provenance v1 to the written image (registry or oci-dir:), signed with --key.
    #[command(flatten)]
    pub(crate) attest: AttestOptions,

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

    /// Where each layer's analysis is remembered, so hardening any image that shares a layer
    /// (the same base, or the same image with other options) skips reading it [default:
    /// $SEATBELT_CACHE_DIR/layers, else $XDG_CACHE_HOME/seatbelt/layers, else
    /// ~/.cache/seatbelt/layers].
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub(crate) cache_dir: Option<PathBuf>,

    /// Read every layer, neither using nor filling the layer cache.
    #[arg(long)]
    pub(crate) no_cache: bool,

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

    /// Also write the seccomp profile compiled to BPF for this machine's architecture (what
    /// `bwrap --seccomp FD` loads).
    #[arg(long, value_name = "FILE")]
    pub(crate) seccomp_bpf: Option<PathBuf>,

    /// Sign the written image (cosign format) with --key.
    #[arg(long, requires = "key")]
    pub(crate) sign: bool,

    /// Attest the SLSA provenance of the rewrite and the hardened image's SBOM (CycloneDX) to the
    /// written image, signed with --key.
    #[arg(long, requires = "key")]
    pub(crate) attest: bool,

    /// The private key for --sign and --attest (cosign's encrypted PEM, or unencrypted PKCS#8/SEC1 PEM).
    #[arg(long, value_name = "FILE")]
    pub(crate) key: Option<PathBuf>,

    /// Where --sign and --attest store what they write (the --registry-referrers mode applies
    /// to both).
    #[command(flatten)]
    pub(crate) storage: AttestStorageArgs,

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

    /// Attest the SBOM to the image (CycloneDX, or SPDX with --format spdx-json).
    #[command(flatten)]
    pub(crate) attest: AttestOptions,

    #[command(flatten)]
    pub(crate) source: SourceOptions,
}

/// `seatbelt db`.
#[derive(Debug, Args)]
pub(crate) struct DbArgs {
    /// The DB file (default $SEATBELT_CACHE_DIR/db, else $XDG_CACHE_HOME/seatbelt/db).
    #[arg(long, global = true, env = "SEATBELT_DB", value_name = "PATH")]
    pub(crate) db: Option<PathBuf>,

    /// The action.
    #[command(subcommand)]
    pub(crate) command: DbCommand,
}

/// `seatbelt db` actions.
#[derive(Debug, Subcommand)]
pub(crate) enum DbCommand {
    /// Import OSV files, directories and all.zip exports, Alpine secdb, the Debian tracker JSON,
    /// CISA KEV and EPSS CSV (format sniffed from the content); swaps the new DB in atomically.
    Import(DbImportArgs),
    /// Download the default sources (osv.dev, KEV, EPSS) or mirrors and add them to the DB
    /// (what `db import` added is kept; --fresh starts from the downloads alone).
    Update(DbUpdateArgs),
    /// Push the DB to a registry as an OCI artifact.
    Push(DbPushArgs),
    /// Pull a DB pushed with `db push`, verify it and swap it in.
    Pull(DbPullArgs),
    /// Show the DB's schema, age, sources and record counts.
    Status(DbStatusArgs),
}

/// `seatbelt db import`.
#[derive(Debug, Args)]
pub(crate) struct DbImportArgs {
    /// Files, directories (read recursively) or archives.
    #[arg(required = true)]
    pub(crate) paths: Vec<PathBuf>,

    /// Start from an empty DB instead of adding to the current one.
    #[arg(long)]
    pub(crate) fresh: bool,

    /// Print the import summary as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `seatbelt db update`.
#[derive(Debug, Args)]
pub(crate) struct DbUpdateArgs {
    /// A source URL (or local path) to use instead of the defaults; repeat for several.
    #[arg(long = "source", value_name = "URL")]
    pub(crate) sources: Vec<String>,

    /// The expected `sha256:HEX` of the --source at the same position; repeat for several.
    #[arg(long = "checksum", value_name = "sha256:HEX")]
    pub(crate) checksums: Vec<String>,

    /// A SHA256SUMS-style file (URL or path) listing every source by its file name.
    #[arg(long, value_name = "URL")]
    pub(crate) checksum_file: Option<String>,

    /// Refuse any source without a `SOURCE.sig` (cosign sign-blob signature) valid for this public key.
    #[arg(long, value_name = "PUB", env = "SEATBELT_DB_KEY")]
    pub(crate) db_key: Option<PathBuf>,

    /// Build the DB from the downloads alone instead of adding them to the current one
    /// (which keeps what `db import` added).
    #[arg(long)]
    pub(crate) fresh: bool,

    /// Print the update summary as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `seatbelt db push`.
#[derive(Debug, Args)]
pub(crate) struct DbPushArgs {
    /// Where to push, e.g. registry.example.com/seatbelt/db:latest.
    pub(crate) reference: String,

    /// Sign the pushed DB with this private key (a cosign signature at `sha256-<hex>.sig`).
    #[arg(long, value_name = "KEY")]
    pub(crate) sign_key: Option<PathBuf>,

    #[command(flatten)]
    pub(crate) registry: RegistryArgs,
}

/// `seatbelt db pull`.
#[derive(Debug, Args)]
pub(crate) struct DbPullArgs {
    /// What to pull, by tag or digest.
    pub(crate) reference: String,

    /// Refuse a DB that is not signed (`db push --sign-key`, or `cosign sign`) by this public key.
    #[arg(long, value_name = "PUB", env = "SEATBELT_DB_KEY")]
    pub(crate) db_key: Option<PathBuf>,

    #[command(flatten)]
    pub(crate) registry: RegistryArgs,
}

/// Registry access: credentials, plain-HTTP hosts and the Docker config file.
#[derive(Debug, Args, Clone)]
pub(crate) struct RegistryArgs {
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

/// Output format of `db status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DbStatusFormat {
    /// For people.
    Table,
    /// For programs.
    Json,
}

/// `seatbelt db status`.
#[derive(Debug, Args)]
pub(crate) struct DbStatusArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = DbStatusFormat::Table)]
    pub(crate) format: DbStatusFormat,
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

/// `seatbelt cache …`.
#[derive(Debug, Subcommand)]
pub(crate) enum CacheCommand {
    /// Where the layer cache is and how much it holds.
    Info(CacheArgs),
    /// Remove every layer memo; the next `harden` of each layer reads it again.
    Clean(CacheArgs),
}

/// Which layer cache.
#[derive(Debug, Args)]
pub(crate) struct CacheArgs {
    /// The layer cache directory [default: $SEATBELT_CACHE_DIR/layers, else
    /// $XDG_CACHE_HOME/seatbelt/layers, else ~/.cache/seatbelt/layers].
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
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
    pub(crate) referrers: ReferrersArgs,

    #[command(flatten)]
    pub(crate) source: SourceOptions,
}

/// `--registry-referrers`, shared by what writes signatures and attestations.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct ReferrersArgs {
    /// Where to store it: `legacy`, the `sha256-<hex>.sig` (or `.att`) tag (cosign's default),
    /// or `oci-1-1`, an OCI 1.1 referrer of the image (cosign's `--registry-referrers-mode`).
    #[arg(
        long = "registry-referrers",
        visible_alias = "registry-referrers-mode",
        value_enum,
        default_value_t = ReferrersModeArg::Legacy
    )]
    pub(crate) registry_referrers: ReferrersModeArg,
}

/// Where `sign` and `attest` store a signature or attestation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub(crate) enum ReferrersModeArg {
    /// The `sha256-<hex>.sig` (or `.att`) tag.
    #[default]
    Legacy,
    /// An OCI 1.1 referrer (`subject` = the image), listed by the referrers API or its tag schema.
    #[value(name = "oci-1-1")]
    Oci11,
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

    /// The public key (PKIX PEM, e.g. cosign.pub); omit for keyless signatures checked against
    /// --trusted-root.
    #[arg(long, value_name = "FILE", required_unless_present = "trusted_root")]
    pub(crate) key: Option<PathBuf>,

    #[command(flatten)]
    pub(crate) keyless: KeylessArgs,

    /// Require this annotation in the signed payload (repeatable).
    #[arg(short = 'a', long = "annotation", value_name = "KEY=VALUE")]
    pub(crate) annotations: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = VerifyFormat::Table)]
    pub(crate) format: VerifyFormat,

    #[command(flatten)]
    pub(crate) source: SourceOptions,
}

/// `seatbelt attest`.
#[derive(Debug, Args)]
#[command(
    after_help = "TYPE: sbom (CycloneDX or SPDX JSON, told apart by the document), cyclonedx, spdx, spdxjson,
vuln, openvex, slsaprovenance (v0.2), slsaprovenance02, slsaprovenance1, link, custom, or a URI."
)]
pub(crate) struct AttestArgs {
    /// The image (a registry reference or oci-dir:PATH[:TAG|@DIGEST]).
    pub(crate) image: String,

    /// The private key (cosign's encrypted PEM, or an unencrypted PKCS#8/SEC1 PEM).
    #[arg(long, value_name = "FILE")]
    pub(crate) key: PathBuf,

    /// The predicate type (see TYPE below).
    #[arg(long = "type", value_name = "TYPE", default_value = "custom")]
    pub(crate) predicate_type: String,

    /// The predicate file.
    #[arg(long, value_name = "FILE")]
    pub(crate) predicate: PathBuf,

    /// An annotation on the statement's subject, signed with it (repeatable).
    #[arg(short = 'a', long = "annotation", value_name = "KEY=VALUE")]
    pub(crate) annotations: Vec<String>,

    /// Print what was written as JSON.
    #[arg(long)]
    pub(crate) json: bool,

    #[command(flatten)]
    pub(crate) storage: AttestStorageArgs,

    #[command(flatten)]
    pub(crate) source: SourceOptions,
}

/// `seatbelt verify-attestation`.
#[derive(Debug, Args)]
#[command(
    after_help = "POLICY file: {\"rules\": [{\"path\": \"/json/pointer/into/predicate\", \"equals\": V | \"oneOf\": [V, …] | \"exists\": BOOL | \"maxItems\": N}, …]}
Every rule must hold for an attestation to count as verified."
)]
pub(crate) struct VerifyAttestationArgs {
    /// The image (a registry reference or oci-dir:PATH[:TAG|@DIGEST]).
    pub(crate) image: String,

    /// The public key (PKIX PEM, e.g. cosign.pub).
    #[arg(long, value_name = "FILE")]
    pub(crate) key: PathBuf,

    /// The predicate type to verify (the names of `attest --type`, or a URI).
    #[arg(long = "type", value_name = "TYPE")]
    pub(crate) predicate_type: String,

    /// A policy on the predicate (see POLICY below).
    #[arg(long, value_name = "FILE")]
    pub(crate) policy: Option<PathBuf>,

    /// Require this annotation on the statement's subject (repeatable).
    #[arg(short = 'a', long = "annotation", value_name = "KEY=VALUE")]
    pub(crate) annotations: Vec<String>,

    /// Output format (json includes each verified predicate).
    #[arg(long, value_enum, default_value_t = VerifyFormat::Table)]
    pub(crate) format: VerifyFormat,

    #[command(flatten)]
    pub(crate) source: SourceOptions,
}

/// Where attestations are stored, as cosign's `attest` flags say.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct AttestStorageArgs {
    #[command(flatten)]
    pub(crate) referrers: ReferrersArgs,

    /// Store the attestation as a Sigstore bundle v0.3 in an OCI 1.1 referrer of the image
    /// (cosign's `--new-bundle-format`; what `cosign verify-attestation --new-bundle-format` reads).
    #[arg(long)]
    pub(crate) new_bundle_format: bool,
}

/// Signing options shared by commands that can attest what they produce.
#[derive(Debug, Args, Clone)]
pub(crate) struct AttestOptions {
    /// Also attest the result to the image (registry or oci-dir:), signed with --key.
    #[arg(long, requires = "key")]
    pub(crate) attest: bool,

    /// The private key for --attest.
    #[arg(long, value_name = "FILE", requires = "attest")]
    pub(crate) key: Option<PathBuf>,

    #[command(flatten)]
    pub(crate) storage: AttestStorageArgs,
}

/// `seatbelt provenance`.
#[derive(Debug, Args)]
pub(crate) struct ProvenanceArgs {
    /// The image the provenance is about (what seatbelt wrote).
    pub(crate) image: String,

    /// The image it was copied from: its layers must be the image's layers.
    #[arg(long, value_name = "IMAGE")]
    pub(crate) copy_from: String,

    /// Write the predicate to this file (default: standard output, unless --attest).
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,

    #[command(flatten)]
    pub(crate) attest: AttestOptions,

    #[command(flatten)]
    pub(crate) source: SourceOptions,
}

/// `seatbelt sign-blob`.
#[derive(Debug, Args)]
pub(crate) struct SignBlobArgs {
    /// The file to sign.
    pub(crate) file: PathBuf,

    /// The private key (cosign's encrypted PEM, or an unencrypted PKCS#8/SEC1 PEM).
    #[arg(long, value_name = "FILE")]
    pub(crate) key: PathBuf,

    /// Write the base64 signature here (without this and --bundle, it goes to standard output).
    #[arg(long, value_name = "FILE")]
    pub(crate) output_signature: Option<PathBuf>,

    /// Write a bundle here (cosign's `{"base64Signature"}` JSON unless --new-bundle-format).
    #[arg(long, value_name = "FILE")]
    pub(crate) bundle: Option<PathBuf>,

    /// Write the bundle as a Sigstore bundle v0.3 (cosign's --new-bundle-format).
    #[arg(long, requires = "bundle")]
    pub(crate) new_bundle_format: bool,
}

/// `seatbelt verify-blob`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("evidence").required(true).args(["signature", "bundle"])))]
pub(crate) struct VerifyBlobArgs {
    /// The file that was signed.
    pub(crate) file: PathBuf,

    /// The public key (PKIX PEM); omit for a keyless bundle checked against --trusted-root.
    #[arg(long, value_name = "FILE", required_unless_present = "trusted_root")]
    pub(crate) key: Option<PathBuf>,

    /// The base64 signature file (`sign-blob --output-signature`).
    #[arg(long, value_name = "FILE", requires = "key")]
    pub(crate) signature: Option<PathBuf>,

    /// A bundle: cosign's `sign-blob --bundle` JSON or a Sigstore bundle v0.1–v0.3.
    #[arg(long, value_name = "FILE")]
    pub(crate) bundle: Option<PathBuf>,

    #[command(flatten)]
    pub(crate) keyless: KeylessArgs,

    /// Print the result as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// What a keyless (Fulcio certificate) signature must prove, checked offline.
#[derive(Debug, Args, Clone)]
pub(crate) struct KeylessArgs {
    /// A Sigstore trusted_root.json: the CAs, transparency logs, CT logs to trust.
    #[arg(long, value_name = "FILE", conflicts_with = "key", requires_all = ["certificate_identity", "certificate_oidc_issuer"])]
    pub(crate) trusted_root: Option<PathBuf>,

    /// The exact identity (SAN URI or email) the certificate must carry.
    #[arg(long, value_name = "ID", requires = "trusted_root")]
    pub(crate) certificate_identity: Option<String>,

    /// The exact OIDC issuer the certificate must name.
    #[arg(long, value_name = "URL", requires = "trusted_root")]
    pub(crate) certificate_oidc_issuer: Option<String>,
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::*;

    #[test]
    fn every_command_parses_its_flags_without_clashes() {
        // clap checks names, aliases and `requires` only when a command is built.
        Cli::command().debug_assert();
        let cli = Cli::try_parse_from([
            "seatbelt",
            "harden",
            "img",
            "-o",
            "out",
            "--attest",
            "--key",
            "k.key",
            "--registry-referrers-mode",
            "oci-1-1",
        ])
        .unwrap();
        let Command::Harden(args) = cli.command else {
            panic!("not harden")
        };
        assert_eq!(
            args.storage.referrers.registry_referrers,
            ReferrersModeArg::Oci11
        );
    }
}
