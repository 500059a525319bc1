//! `seatbelt db`: import, update, push, pull and inspect the vulnerability DB. The work is in
//! `seatbelt-vulndb`; this file turns arguments into calls and results into tables.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use miette::{Context, IntoDiagnostic};
use seatbelt_registry::{Client, Reference};
use seatbelt_vulndb::{oci, DbStatus, ImportOptions, ImportReport, UpdateOptions, VulnDb};

use crate::args::{DbArgs, DbCommand, DbPullArgs, DbPushArgs, DbStatusFormat, RegistryArgs};
use crate::output::{human_bytes, print, print_json};
use crate::Outcome;

pub(crate) fn run(args: &DbArgs) -> miette::Result<Outcome> {
    let path = args.db.clone().unwrap_or_else(VulnDb::default_path);
    match &args.command {
        DbCommand::Import(import) => {
            let report = seatbelt_vulndb::import(
                &path,
                &import.paths,
                &ImportOptions {
                    fresh: import.fresh,
                },
            )
            .into_diagnostic()
            .wrap_err("the import failed; the previous DB is unchanged")?;
            finish_import(&report, import.json, &path)
        }
        DbCommand::Update(update) => {
            let options = UpdateOptions {
                sources: update.sources.clone(),
                checksums: update.checksums.clone(),
                checksum_file: update.checksum_file.clone(),
                signatures: match &update.db_key {
                    Some(key) => Some(std::sync::Arc::new(super::db_sign::SourceKey::load(key)?)),
                    None => None,
                },
                fresh: update.fresh,
                ..UpdateOptions::default()
            };
            let report = seatbelt_vulndb::update(&path, &options)
                .into_diagnostic()
                .wrap_err("the update failed; the previous DB is unchanged")?;
            if update.json {
                print_json(&report)?;
                return Ok(Outcome::Ok);
            }
            finish_import(&report.import, false, &path)
        }
        DbCommand::Push(push) => run_push(push, &path),
        DbCommand::Pull(pull) => run_pull(pull, &path),
        DbCommand::Status(status) => {
            let db = VulnDb::open(&path).into_diagnostic()?;
            let report = db.status().into_diagnostic()?;
            let age = db.age().into_diagnostic()?;
            match status.format {
                DbStatusFormat::Json => print_json(&StatusJson {
                    status: &report,
                    age_seconds: age.as_secs(),
                })?,
                DbStatusFormat::Table => print(&status_table(&report, age))?,
            }
            Ok(Outcome::Ok)
        }
    }
}

fn finish_import(
    report: &ImportReport,
    json: bool,
    path: &std::path::Path,
) -> miette::Result<Outcome> {
    for row in &report.inputs {
        for message in &row.messages {
            tracing::warn!("{message}");
        }
        let shown = row.messages.len() as u64;
        if row.malformed > shown {
            tracing::warn!(
                "{}: {} more malformed record(s) not shown",
                row.input,
                row.malformed - shown
            );
        }
    }
    if json {
        print_json(report)?;
    } else {
        let mut text = import_table(report);
        let _ = writeln!(text, "DB: {}", path.display());
        print(&text)?;
    }
    Ok(Outcome::Ok)
}

/// The summary table printed after an import.
pub(crate) fn import_table(report: &ImportReport) -> String {
    let header = ["INPUT", "FORMAT", "IMPORTED", "MALFORMED", "SKIPPED"];
    let rows: Vec<[String; 5]> = report
        .inputs
        .iter()
        .map(|r| {
            [
                r.input.clone(),
                r.format.clone(),
                r.imported.to_string(),
                r.malformed.to_string(),
                r.skipped.to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    let line = |text: &mut String, cells: [&str; 5]| {
        let mut parts = Vec::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            // Text left, numbers right.
            parts.push(if i < 2 {
                format!("{cell:<w$}")
            } else {
                format!("{cell:>w$}")
            });
        }
        let _ = writeln!(text, "{}", parts.join("  ").trim_end());
    };
    line(&mut text, header);
    for row in &rows {
        line(&mut text, [&row[0], &row[1], &row[2], &row[3], &row[4]]);
    }
    let _ = writeln!(
        text,
        "total: {} imported, {} malformed",
        report.imported(),
        report.malformed()
    );
    text
}

#[derive(serde::Serialize)]
struct StatusJson<'a> {
    #[serde(flatten)]
    status: &'a DbStatus,
    age_seconds: u64,
}

/// `db status` for people.
pub(crate) fn status_table(status: &DbStatus, age: Duration) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "path:            {}", status.path.display());
    let _ = writeln!(text, "schema version:  {}", status.schema_version);
    let _ = writeln!(
        text,
        "built at:        {} ({} ago)",
        status.built_at,
        human_age(age)
    );
    let _ = writeln!(text, "size:            {}", human_bytes(status.size));
    let _ = writeln!(
        text,
        "newest record:   {}",
        status.newest.as_deref().unwrap_or("-")
    );
    let _ = writeln!(text);
    let width = status
        .sources
        .iter()
        .map(|s| s.source.len())
        .max()
        .unwrap_or(0)
        .max("SOURCE".len());
    let _ = writeln!(
        text,
        "{:<width$}  {:>9}  {:>9}  NEWEST",
        "SOURCE", "RECORDS", "AFFECTED"
    );
    for s in &status.sources {
        let _ = writeln!(
            text,
            "{:<width$}  {:>9}  {:>9}  {}",
            s.source,
            s.records,
            s.affected,
            s.newest.as_deref().unwrap_or("-")
        );
    }
    text
}

fn human_age(age: Duration) -> String {
    let secs = age.as_secs();
    match secs {
        0..=119 => format!("{secs}s"),
        120..=7199 => format!("{}m", secs / 60),
        7200..=172_799 => format!("{}h", secs / 3600),
        _ => format!("{}d", secs / 86_400),
    }
}

fn client(registry: &RegistryArgs) -> miette::Result<Client> {
    let options = super::registry_options(registry)?;
    Client::new(options).into_diagnostic()
}

fn run_push(args: &DbPushArgs, path: &Path) -> miette::Result<Outcome> {
    let reference: Reference = args.reference.parse().into_diagnostic()?;
    // Load the key first: a wrong password must not leave an unsigned DB pushed.
    let key = match &args.sign_key {
        Some(key) => Some(crate::commands::key::load_private_key(key)?),
        None => None,
    };
    let digest = oci::push(path, &reference, &client(&args.registry)?)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot push the DB to {}", args.reference))?;
    if let Some(key) = &key {
        let tag = super::db_sign::sign_pushed(&reference, &digest, key, &args.registry)?;
        eprintln!("Signed the DB; signature stored at {tag}");
    }
    print(&format!("{reference}@{digest}\n"))?;
    Ok(Outcome::Ok)
}

fn run_pull(args: &DbPullArgs, path: &Path) -> miette::Result<Outcome> {
    let reference: Reference = args.reference.parse().into_diagnostic()?;
    let signed;
    let verifier: &dyn oci::Verifier = match &args.db_key {
        Some(key) => {
            signed = super::db_sign::ManifestKey::load(key, &args.registry)?;
            &signed
        }
        None => {
            tracing::warn!("no DB key configured (--db-key or SEATBELT_DB_KEY): the pulled DB is checked by digest only, not who published it");
            &oci::DigestsOnly
        }
    };
    let digest = oci::pull(path, &reference, &client(&args.registry)?, verifier)
        .into_diagnostic()
        .wrap_err_with(|| {
            format!(
                "cannot pull the DB from {}; the previous DB is unchanged",
                args.reference
            )
        })?;
    print(&format!(
        "pulled {reference}@{digest} into {}\n",
        path.display()
    ))?;
    Ok(Outcome::Ok)
}
