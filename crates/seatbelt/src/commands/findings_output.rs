//! What `lint` and `audit` share once their findings are made: the config the flags point at, and
//! the report written where and how the flags say.

use std::io::{IsTerminal, Write};

use miette::IntoDiagnostic;
use seatbelt_findings::{load_config, render_with, Config, Format, RenderOptions, Report};

use super::sbom::write_atomically;
use crate::args::FindingsArgs;
use crate::output::stdout_error;

/// The config `--config` names (or the one found in the current directory), with the rules
/// `--ignore` names turned off.
pub(crate) fn config(args: &FindingsArgs) -> miette::Result<Config> {
    let cwd = std::env::current_dir().into_diagnostic()?;
    let mut config = load_config(args.config.as_deref(), &cwd).into_diagnostic()?;
    config.disabled.extend(args.ignore.iter().cloned());
    Ok(config)
}

/// Renders `report` to `-o FILE` (atomically, so a reader never sees half a report) or to
/// standard output, in colour only on a terminal that has not asked for none.
pub(crate) fn write(report: &Report, args: &FindingsArgs) -> miette::Result<()> {
    match &args.output {
        Some(path) => {
            let mut buffer = Vec::new();
            render_with(report, args.format, RenderOptions::default(), &mut buffer)
                .into_diagnostic()?;
            write_atomically(path, &buffer)
        }
        None => {
            let stdout = std::io::stdout();
            let color = args.format == Format::Table
                && stdout.is_terminal()
                && std::env::var_os("NO_COLOR").is_none();
            let mut lock = stdout.lock();
            render_with(report, args.format, RenderOptions { color }, &mut lock)
                .map_err(|e| stdout_error(&e))?;
            lock.flush().map_err(|e| stdout_error(&e))
        }
    }
}
