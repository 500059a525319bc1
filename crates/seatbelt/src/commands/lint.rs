//! `seatbelt lint`: parses Dockerfiles, runs the rules, and renders the findings.

use std::io::Read;
use std::path::Path;

use miette::{Context, IntoDiagnostic};
use seatbelt_findings::{fails, LabelType, Report};
use seatbelt_lint::parse::MAX_DOCKERFILE_BYTES;
use seatbelt_lint::LintOptions;
use seatbelt_types::Severity;

use super::findings_output;
use crate::args::LintArgs;
use crate::Outcome;

/// Runs `seatbelt lint`.
pub(crate) fn run(args: &LintArgs) -> miette::Result<Outcome> {
    let config = findings_output::config(&args.report)?;
    for key in &args.report.ignore {
        if seatbelt_lint::find_rule(key).is_none() {
            miette::bail!("--ignore {key}: no such rule; `seatbelt rule` lists them");
        }
    }
    let mut options = LintOptions {
        trusted_registries: config.trusted_registries.clone(),
        require_digest: args.require_digest,
        label_schema: config.label_schema.clone(),
        strict_labels: config.strict_labels || args.strict_labels,
    };
    for spec in &args.require_label {
        let kind = spec
            .rsplit_once(':')
            .and_then(|(label, kind)| Some((label, kind.parse::<LabelType>().ok()?)))
            .filter(|(label, _)| !label.is_empty());
        let Some((label, kind)) = kind else {
            miette::bail!("--require-label {spec}: expected LABEL:FORMAT with FORMAT one of text, url, email, hash, rfc3339, semver, spdx");
        };
        options.label_schema.insert(label.to_string(), kind);
    }
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
    findings_output::write(&report, &args.report)?;
    let failed = config
        .fail_threshold(args.report.fail_on, Severity::Low)
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
