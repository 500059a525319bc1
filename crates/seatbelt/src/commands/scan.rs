//! `seatbelt scan`: the SBOM of an image (or an SBOM file) matched against the vulnerability
//! DB, with VEX and ignore-file suppression, filters, deadlines, and the chosen rendering.

use std::path::{Path, PathBuf};
use std::time::Duration;

use miette::{Context, IntoDiagnostic};
use seatbelt_sbom::{catalog_image, catalog_image_with, CatalogOptions};
use seatbelt_scan::deadline::DeadlinePolicy;
use seatbelt_scan::filter::{self, FilterOptions, SortBy};
use seatbelt_scan::ignore::IgnoreFile;
use seatbelt_scan::render::{self, Format};
use seatbelt_scan::vex::VexSet;
use seatbelt_scan::{scan, ScanOptions};
use seatbelt_types::Sbom;
use seatbelt_vulndb::VulnDb;

use super::sbom::{read_sbom_file, spinner, write_atomically};
use crate::args::{ScanArgs, ScanFormat, ScanScanner, ScanSortBy};
use crate::output::print;
use crate::Outcome;

/// The ignore file used when `--ignore-file` is not given and it exists.
const DEFAULT_IGNORE_FILE: &str = ".seatbeltignore.yaml";
/// Config files read for `scan: deadlines:` when `--config` is not given, first found wins.
const DEFAULT_CONFIG_FILES: [&str; 2] = ["seatbelt.yaml", ".seatbelt.yaml"];

pub(crate) fn run(args: &ScanArgs, quiet: bool) -> miette::Result<Outcome> {
    let secret = args.scanners.contains(&ScanScanner::Secret);
    if secret && args.format == ScanFormat::CyclonedxJson {
        miette::bail!("--scanners secret: a CycloneDX vulnerability report has no place for secrets; use --format table, json, sarif or markdown");
    }
    if !args.scanners.contains(&ScanScanner::Vuln) {
        return secrets_only(args, quiet);
    }
    let now = now()?;
    // Local inputs first: a typo in a VEX path should fail before minutes of cataloging.
    let deadlines = deadline_policy(args.config.as_deref())?;
    let vex = VexSet::load(&args.vex).into_diagnostic()?;
    let ignore = match ignore_file_path(args.ignore_file.as_deref()) {
        Some(path) => Some(IgnoreFile::load(&path, now).into_diagnostic()?),
        None => None,
    };
    let db_path = args.db.clone().unwrap_or_else(VulnDb::default_path);
    // Trivy's habit: a DB older than --db-max-age is refreshed first, unless told not to; a
    // failed refresh of a readable DB is a warning and the scan goes on with it.
    let db = seatbelt_vulndb::ensure_fresh(
        &db_path,
        Duration::from_secs(args.db_max_age.saturating_mul(3600)),
        args.offline,
        args.skip_db_update,
        &seatbelt_vulndb::UpdateOptions {
            sources: args.db_sources.clone(),
            signatures: match &args.db_key {
                Some(key) => Some(std::sync::Arc::new(super::db_sign::SourceKey::load(key)?)),
                None => None,
            },
            ..seatbelt_vulndb::UpdateOptions::default()
        },
    )
    .into_diagnostic()
    .wrap_err_with(|| format!("cannot open the vulnerability DB at {}", db_path.display()))?;
    let (sbom, secrets) = sbom(args, quiet, secret)?;

    let options = ScanOptions {
        deadlines,
        now,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let mut report = scan(&sbom, &db, &options).into_diagnostic()?;
    filter::suppress(&mut report.findings, &vex, ignore.as_ref());
    filter::retain(
        &mut report.findings,
        &FilterOptions {
            severities: args.severity.clone(),
            ignore_unfixed: args.ignore_unfixed,
            only_kev: args.only_kev,
        },
    );
    filter::sort(&mut report.findings, sort_by(args.sort_by));
    if let Some(ignore) = &ignore {
        report.expired_ignores = ignore.expired.clone();
        for rule in &ignore.expired {
            tracing::warn!(
                "ignore entry for {} in {} expired ({}); it no longer suppresses anything",
                rule.id,
                ignore.name,
                rule.expires.as_deref().unwrap_or("?")
            );
        }
    }
    for warning in &report.warnings {
        tracing::warn!("{warning}");
    }

    let mut bytes = Vec::new();
    render::render(&report, format(args.format), &mut bytes).into_diagnostic()?;
    if let Some(secrets) = &secrets {
        bytes = match args.format {
            ScanFormat::Json => seatbelt_audit::merge_json(&bytes, secrets).into_diagnostic()?,
            ScanFormat::Sarif => seatbelt_audit::merge_sarif(&bytes, secrets).into_diagnostic()?,
            ScanFormat::Markdown => [bytes, seatbelt_audit::secrets_markdown(secrets)].concat(),
            _ => [
                bytes,
                seatbelt_audit::secrets_table(secrets).into_diagnostic()?,
            ]
            .concat(),
        };
    }
    output(args, &bytes)?;
    if args.attest.attest {
        attest(args, &report, &db_path, db.built_at(), now)?;
    }
    let secrets_fail = |t| {
        secrets
            .as_ref()
            .is_some_and(|s| seatbelt_findings::fails(s, t))
    };
    Ok(match args.fail_on {
        Some(threshold) if report.fails(threshold) || secrets_fail(threshold) => {
            Outcome::CheckFailed
        }
        _ => Outcome::Ok,
    })
}

/// `--scanners secret` alone: no DB, no catalog, one walk for the secret rules.
fn secrets_only(args: &ScanArgs, quiet: bool) -> miette::Result<Outcome> {
    let image = image_for_secrets(args)?;
    let spinner = spinner(quiet);
    let config = secrets_config(args)?;
    let secrets = seatbelt_audit::scan_secrets(
        &image,
        &config.secret_allow_values,
        &config.secret_allow_paths,
        env!("CARGO_PKG_VERSION"),
    );
    spinner.finish_and_clear();
    let mut secrets = secrets.into_diagnostic()?;
    config.apply(&mut secrets);
    let format = match args.format {
        ScanFormat::Json => seatbelt_findings::Format::Json,
        ScanFormat::Sarif => seatbelt_findings::Format::Sarif,
        _ => seatbelt_findings::Format::Table,
    };
    let mut bytes = Vec::new();
    seatbelt_findings::render(&secrets, format, &mut bytes).into_diagnostic()?;
    output(args, &bytes)?;
    Ok(match args.fail_on {
        Some(threshold) if seatbelt_findings::fails(&secrets, threshold) => Outcome::CheckFailed,
        _ => Outcome::Ok,
    })
}

fn image_for_secrets(args: &ScanArgs) -> miette::Result<seatbelt_image::Image> {
    if read_sbom_file(&args.image)?.is_some() {
        miette::bail!(
            "--scanners secret reads image layers; {} is an SBOM (scan the image instead)",
            args.image
        );
    }
    super::open_image(&args.image, &args.source)
}

fn output(args: &ScanArgs, bytes: &[u8]) -> miette::Result<()> {
    match &args.output {
        Some(path) => write_atomically(path, bytes),
        None => print(&String::from_utf8_lossy(bytes)),
    }
}

/// The scan time: `SOURCE_DATE_EPOCH` when set (reproducible reports), else now.
fn now() -> miette::Result<jiff::Timestamp> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => {
            let secs: i64 = value.trim().parse().map_err(|_| {
                miette::miette!(
                    "SOURCE_DATE_EPOCH is `{value}`, not a number of seconds since 1970"
                )
            })?;
            jiff::Timestamp::from_second(secs).into_diagnostic()
        }
        Err(_) => Ok(jiff::Timestamp::now()),
    }
}

fn deadline_policy(explicit: Option<&Path>) -> miette::Result<DeadlinePolicy> {
    let path = match explicit {
        Some(path) => Some(path.to_path_buf()),
        None => DEFAULT_CONFIG_FILES
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file()),
    };
    match path {
        Some(path) => DeadlinePolicy::from_config_file(&path).into_diagnostic(),
        None => Ok(DeadlinePolicy::default()),
    }
}

fn ignore_file_path(explicit: Option<&Path>) -> Option<PathBuf> {
    match explicit {
        Some(path) => Some(path.to_path_buf()),
        None => {
            let default = PathBuf::from(DEFAULT_IGNORE_FILE);
            default.is_file().then_some(default)
        }
    }
}

/// The SBOM, and with `secret` the secret findings from the same walk over the layers.
fn sbom(
    args: &ScanArgs,
    quiet: bool,
    secret: bool,
) -> miette::Result<(Sbom, Option<seatbelt_findings::Report>)> {
    if !secret {
        if let Some(sbom) = read_sbom_file(&args.image)? {
            return Ok((sbom, None));
        }
    }
    let image = if secret {
        image_for_secrets(args)?
    } else {
        super::open_image(&args.image, &args.source)?
    };
    let config = secret.then(|| secrets_config(args)).transpose()?;
    let mut secrets = config
        .as_ref()
        .map(|c| {
            seatbelt_audit::SecretScan::new(&image, &c.secret_allow_values, &c.secret_allow_paths)
        })
        .transpose()
        .into_diagnostic()?;
    let spinner = spinner(quiet);
    let sbom = match secrets.as_mut() {
        Some(scan) => catalog_image_with(&image, &CatalogOptions::default(), &mut [scan.visitor()]),
        None => catalog_image(&image, &CatalogOptions::default()),
    };
    spinner.finish_and_clear();
    let sbom = sbom
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot catalog the packages of {}", args.image))?;
    let secrets = secrets.map(|s| {
        let mut report = s.into_report(env!("CARGO_PKG_VERSION"));
        if let Some(config) = &config {
            config.apply(&mut report);
        }
        report
    });
    Ok((sbom, secrets))
}

/// The `secrets:` allow-lists and rule settings for the secret scanner, from the same file
/// `lint` and `audit` read: `--config`, else `seatbelt.yaml` / `.seatbelt.yaml` here, else
/// the findings config's own defaults (`.hadolint.yaml`…).
fn secrets_config(args: &ScanArgs) -> miette::Result<seatbelt_findings::Config> {
    let explicit = args.config.clone().or_else(|| {
        DEFAULT_CONFIG_FILES
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
    });
    let cwd = std::env::current_dir().into_diagnostic()?;
    seatbelt_findings::load_config(explicit.as_deref(), &cwd).into_diagnostic()
}

/// Attests the report to the scanned manifest as cosign's `vuln` predicate: scanner, DB and
/// times in cosign's fields, seatbelt's JSON report as `scanner.result`.
fn attest(
    args: &ScanArgs,
    report: &seatbelt_scan::Report,
    db_path: &Path,
    db_built_at: &str,
    started: jiff::Timestamp,
) -> miette::Result<()> {
    if read_sbom_file(&args.image)?.is_some() {
        miette::bail!("--attest needs an image, not an SBOM file");
    }
    let finished = if std::env::var_os("SOURCE_DATE_EPOCH").is_some() {
        started
    } else {
        jiff::Timestamp::now()
    };
    let predicate = serde_json::json!({
        "invocation": {
            "parameters": std::env::args().skip(1).collect::<Vec<_>>(),
            "uri": "",
            "event_id": "",
            "builder.id": seatbelt_sign::provenance::builder_id(),
        },
        "scanner": {
            "uri": env!("CARGO_PKG_REPOSITORY"),
            "version": env!("CARGO_PKG_VERSION"),
            "db": {"uri": format!("file://{}", db_path.display()), "version": db_built_at},
            "result": report,
        },
        "metadata": {
            "scanStartedOn": started.to_string(),
            "scanFinishedOn": finished.to_string(),
        },
    });
    super::attest::attach(
        &args.attest,
        &args.image,
        &args.source,
        report.subject.manifest_digest.as_ref(),
        seatbelt_sign::predicate::VULN,
        predicate,
    )?;
    Ok(())
}

fn format(format: ScanFormat) -> Format {
    match format {
        ScanFormat::Table => Format::Table,
        ScanFormat::Json => Format::Json,
        ScanFormat::Sarif => Format::Sarif,
        ScanFormat::CyclonedxJson => Format::CyclonedxJson,
        ScanFormat::Markdown => Format::Markdown,
    }
}

fn sort_by(sort: ScanSortBy) -> SortBy {
    match sort {
        ScanSortBy::Severity => SortBy::Severity,
        ScanSortBy::Kev => SortBy::Kev,
        ScanSortBy::Epss => SortBy::Epss,
        ScanSortBy::Package => SortBy::Package,
    }
}
