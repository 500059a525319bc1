//! `seatbelt sbom`: every package in an image, as a table for people or as an SBOM document
//! (seatbelt JSON, CycloneDX, SPDX), on standard output or atomically into a file.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use miette::{Context, IntoDiagnostic};
use seatbelt_sbom::{catalog_image, format, CatalogOptions};
use seatbelt_types::{Ecosystem, Sbom};

use crate::args::{SbomArgs, SbomFormat};
use crate::output::print;
use crate::Outcome;

pub(crate) fn run(args: &SbomArgs, quiet: bool) -> miette::Result<Outcome> {
    let sbom = match read_sbom_file(&args.image)? {
        Some(sbom) => sbom,
        None => {
            let image = super::open_image(&args.image, &args.source)?;
            let spinner = spinner(quiet);
            let sbom = catalog_image(&image, &CatalogOptions::default());
            spinner.finish_and_clear();
            sbom.into_diagnostic()
                .wrap_err_with(|| format!("cannot catalog the packages of {}", args.image))?
        }
    };
    if !sbom.unknowns.is_empty() {
        tracing::warn!(
            "{} file(s) could not be read; they are listed as unknowns in the JSON formats",
            sbom.unknowns.len()
        );
    }
    let text = render(&sbom, args.format)?;
    match &args.output {
        Some(path) => write_atomically(path, text.as_bytes())?,
        None => print(&text)?,
    }
    if args.attest.attest {
        attest(args, &sbom)?;
    }
    Ok(Outcome::Ok)
}

/// The SBOM of an image as a CycloneDX attestation predicate (the document itself).
pub(crate) fn cyclonedx_predicate(sbom: &Sbom) -> miette::Result<serde_json::Value> {
    let document = format::cyclonedx::to_json(sbom, &format_options()?).into_diagnostic()?;
    serde_json::from_str(&document).into_diagnostic()
}

/// Attests the SBOM to the manifest it was cataloged from: SPDX when that is the output
/// format, else CycloneDX.
fn attest(args: &SbomArgs, sbom: &Sbom) -> miette::Result<()> {
    if read_sbom_file(&args.image)?.is_some() {
        miette::bail!("--attest needs an image, not an SBOM file");
    }
    let (predicate_type, document) = match args.format {
        SbomFormat::SpdxJson => (
            seatbelt_sign::predicate::SPDX,
            format::spdx::to_json(sbom, &format_options()?).into_diagnostic()?,
        ),
        _ => (
            seatbelt_sign::predicate::CYCLONEDX,
            format::cyclonedx::to_json(sbom, &format_options()?).into_diagnostic()?,
        ),
    };
    let predicate: serde_json::Value = serde_json::from_str(&document).into_diagnostic()?;
    super::attest::attach(
        &args.attest,
        &args.image,
        &args.source,
        sbom.subject.manifest_digest.as_ref(),
        predicate_type,
        predicate,
    )?;
    Ok(())
}

/// An SBOM document given instead of an image: `sbom:FILE`, or a path to a regular file whose
/// content is JSON (image archives are tar files, so the two cannot be confused).
pub(crate) fn read_sbom_file(argument: &str) -> miette::Result<Option<Sbom>> {
    let (path, explicit) = match argument.strip_prefix("sbom:") {
        Some(path) => (Path::new(path), true),
        None => (Path::new(argument), false),
    };
    if !explicit && !path.is_file() {
        return Ok(None);
    }
    let file = std::fs::File::open(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot open the SBOM file {}", path.display()))?;
    let limit = u64::try_from(format::MAX_DOCUMENT_BYTES).unwrap_or(u64::MAX);
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, limit + 1), &mut bytes)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read the SBOM file {}", path.display()))?;
    let is_json = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if !is_json {
        if explicit {
            miette::bail!(
                "{} is not a JSON SBOM (CycloneDX, SPDX or seatbelt JSON)",
                path.display()
            );
        }
        return Ok(None);
    }
    format::read_any(&bytes, &path.display().to_string())
        .map(Some)
        .into_diagnostic()
}

/// A spinner while the layers are read, only for a person watching a terminal.
pub(crate) fn spinner(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
        bar.set_style(style);
    }
    bar.set_message("cataloging packages");
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

fn render(sbom: &Sbom, format: SbomFormat) -> miette::Result<String> {
    match format {
        SbomFormat::Table => Ok(table(sbom)),
        SbomFormat::Json => {
            let mut text = serde_json::to_string_pretty(sbom).into_diagnostic()?;
            text.push('\n');
            Ok(text)
        }
        SbomFormat::CyclonedxJson => {
            format::cyclonedx::to_json(sbom, &format_options()?).into_diagnostic()
        }
        SbomFormat::SpdxJson => format::spdx::to_json(sbom, &format_options()?).into_diagnostic(),
    }
}

/// Document timestamps honour `SOURCE_DATE_EPOCH` (reproducible builds), else the current time.
fn format_options() -> miette::Result<format::FormatOptions> {
    let timestamp = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => {
            let secs: i64 = value.trim().parse().map_err(|_| {
                miette::miette!(
                    "SOURCE_DATE_EPOCH is `{value}`, not a number of seconds since 1970"
                )
            })?;
            Some(format::rfc3339_utc(secs))
        }
        Err(_) => None,
    };
    Ok(format::FormatOptions { timestamp })
}

/// The type column uses syft's names, so people can compare the two tools' listings.
fn type_name(ecosystem: Ecosystem) -> &'static str {
    match ecosystem {
        Ecosystem::Deb => "deb",
        Ecosystem::Apk => "apk",
        Ecosystem::Rpm => "rpm",
        Ecosystem::Pypi => "python",
        Ecosystem::Npm => "npm",
        Ecosystem::Cargo => "rust-crate",
        Ecosystem::Go => "go-module",
        Ecosystem::Maven => "java-archive",
        Ecosystem::Gem => "gem",
        Ecosystem::Composer => "php-composer",
        Ecosystem::Nuget => "dotnet",
    }
}

/// `NAME VERSION TYPE`, aligned, sorted by name, version, type; duplicates (one package found
/// at two places) shown once, as syft does.
fn table(sbom: &Sbom) -> String {
    let mut rows: Vec<(&str, &str, &str)> = sbom
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), type_name(p.ecosystem)))
        .collect();
    rows.sort_unstable();
    rows.dedup();
    let width = |cells: &mut dyn Iterator<Item = &str>, header: &str| {
        cells
            .map(|c| c.chars().count())
            .chain([header.len()])
            .max()
            .unwrap_or(0)
    };
    let name_w = width(&mut rows.iter().map(|r| r.0), "NAME");
    let version_w = width(&mut rows.iter().map(|r| r.1), "VERSION");
    let mut out = String::new();
    let mut line = |a: &str, b: &str, c: &str| {
        let pad_a = name_w - a.chars().count();
        let pad_b = version_w - b.chars().count();
        let _ = writeln!(
            out,
            "{a}{}  {b}{}  {c}",
            " ".repeat(pad_a),
            " ".repeat(pad_b)
        );
    };
    if rows.is_empty() {
        return "No packages found.\n".to_string();
    }
    line("NAME", "VERSION", "TYPE");
    for (name, version, ty) in &rows {
        line(name, version, ty);
    }
    out
}

/// Writes a sibling temporary file, syncs it and renames it over `path`, so a reader never sees
/// half an SBOM and a failure leaves any previous file intact.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> miette::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| miette::miette!("{} is not a file name", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(err) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(miette::miette!("cannot write {}: {err}", path.display()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use seatbelt_types::{Package, Purl};

    use super::*;

    fn package(name: &str, version: &str, ecosystem: Ecosystem) -> Package {
        Package {
            id: String::new(),
            name: name.into(),
            version: version.into(),
            ecosystem,
            purl: Purl::new("generic", None, name, Some(version)),
            arch: None,
            source: None,
            licenses: vec![],
            locations: vec![],
            files: vec![],
            dependencies: vec![],
            cpes: vec![],
            cataloger: "test".into(),
            metadata: Default::default(),
        }
    }

    #[test]
    fn table_is_sorted_aligned_and_deduplicated() {
        let sbom = Sbom {
            packages: vec![
                package("zlib1g", "1:1.2.13.dfsg-1", Ecosystem::Deb),
                package("requests", "2.19.0", Ecosystem::Pypi),
                package("apt", "2.6.2", Ecosystem::Deb),
                package("requests", "2.19.0", Ecosystem::Pypi),
            ],
            ..Sbom::default()
        };
        assert_eq!(
            table(&sbom),
            "NAME      VERSION          TYPE\n\
             apt       2.6.2            deb\n\
             requests  2.19.0           python\n\
             zlib1g    1:1.2.13.dfsg-1  deb\n"
        );
        assert_eq!(table(&Sbom::default()), "No packages found.\n");
    }

    #[test]
    fn atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sbom.json");
        std::fs::write(&path, "old").expect("write");
        write_atomically(&path, b"new").expect("written");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 1);
        let missing = dir.path().join("no-such-dir").join("sbom.json");
        assert!(write_atomically(&missing, b"x").is_err());
    }
}
