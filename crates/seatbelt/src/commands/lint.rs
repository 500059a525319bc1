//! `seatbelt lint`: parses Dockerfiles, runs the rules, and renders the findings.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use miette::{Context, IntoDiagnostic};
use seatbelt_findings::{fails, load_config, render_with, Format, RenderOptions, Report};
use seatbelt_lint::parse::MAX_DOCKERFILE_BYTES;
use seatbelt_lint::LintOptions;
use seatbelt_types::Severity;

use crate::args::LintArgs;
use crate::output::stdout_error;
use crate::Outcome;

/// Runs `seatbelt lint`.
pub(crate) fn run(args: &LintArgs) -> miette::Result<Outcome> {
    let cwd = std::env::current_dir().into_diagnostic()?;
    let mut config = load_config(args.config.as_deref(), &cwd).into_diagnostic()?;
    config.disabled.extend(args.ignore.iter().cloned());
    for key in &args.ignore {
        if seatbelt_lint::find_rule(key).is_none() {
            miette::bail!("--ignore {key}: no such rule; `seatbelt rule` lists them");
        }
    }
    let mut options = LintOptions {
        trusted_registries: config.trusted_registries.clone(),
        require_digest: args.require_digest,
    };
    options
        .trusted_registries
        .extend(args.trusted_registry.iter().cloned());
    let mut report = Report {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        rules: seatbelt_lint::rule_infos(),
        findings: Vec::new(),
    };
    for path in &args.files {
        let (name, text) = read(path)?;
        let findings = seatbelt_lint::lint(&text, &name, &options, !config.disable_ignore_pragma)
            .map_err(|e| miette::miette!("cannot parse {name}: {e}"))?;
        report.findings.extend(findings);
    }
    config.apply(&mut report);
    report.sort();
    write(&report, args.format, args.output.as_deref())?;
    let failed = config
        .fail_threshold(args.fail_on, Severity::Low)
        .is_some_and(|threshold| fails(&report, threshold));
    Ok(if failed {
        Outcome::CheckFailed
    } else {
        Outcome::Ok
    })
}

/// Reads a Dockerfile (`-` is standard input), refusing oversized input.
fn read(path: &Path) -> miette::Result<(String, String)> {
    let limit = u64::try_from(MAX_DOCKERFILE_BYTES).unwrap_or(u64::MAX) + 1;
    let mut bytes = Vec::new();
    let name = if path == Path::new("-") {
        std::io::stdin()
            .take(limit)
            .read_to_end(&mut bytes)
            .into_diagnostic()
            .wrap_err("cannot read the Dockerfile from standard input")?;
        "-".to_string()
    } else {
        let file = std::fs::File::open(path)
            .into_diagnostic()
            .wrap_err_with(|| {
                format!(
                    "cannot open {}; pass the Dockerfile's path (default ./Dockerfile)",
                    path.display()
                )
            })?;
        file.take(limit)
            .read_to_end(&mut bytes)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot read {}", path.display()))?;
        path.display().to_string()
    };
    if bytes.len() > MAX_DOCKERFILE_BYTES {
        miette::bail!(
            "{name} is larger than {MAX_DOCKERFILE_BYTES} bytes; is it really a Dockerfile?"
        );
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        miette::miette!(
            "{name} is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok((name, text))
}

fn write(report: &Report, format: Format, output: Option<&Path>) -> miette::Result<()> {
    match output {
        Some(path) => {
            let mut buffer = Vec::new();
            render_with(report, format, RenderOptions::default(), &mut buffer).into_diagnostic()?;
            write_file(path, &buffer)
        }
        None => {
            let stdout = std::io::stdout();
            let color = format == Format::Table
                && stdout.is_terminal()
                && std::env::var_os("NO_COLOR").is_none();
            let mut lock = stdout.lock();
            render_with(report, format, RenderOptions { color }, &mut lock)
                .map_err(|e| stdout_error(&e))?;
            lock.flush().map_err(|e| stdout_error(&e))
        }
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> miette::Result<()> {
    // Write beside the target and rename, so a reader never sees half a report.
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp: PathBuf = path.with_file_name(format!(".{name}.seatbelt-tmp"));
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot write {}", path.display()))
}
